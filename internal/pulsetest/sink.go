package pulsetest

import (
	"fmt"
	"strconv"
	"strings"
)

// LoadNullSink adds a stereo 48 kHz null sink named name (like plugging in
// a headset: enumeration sees it within milliseconds), warms it up like the
// built-in sinks, and returns its module index for Unload. Its monitor
// source is name+".monitor". Failure fails the test that started the
// server (call it from the test goroutine, as with t.Fatal); a server from
// StartProcess panics instead — use NewNullSink there.
func (s *Server) LoadNullSink(name, description string) int {
	if s.tb != nil {
		s.tb.Helper()
	}
	idx, err := s.NewNullSink(name, description)
	if err != nil {
		s.fail(err)
	}
	return idx
}

// NewNullSink is LoadNullSink returning its error, for benchmarks and
// commands. The description may contain spaces (it is quoted twice: once
// for the module arguments, once for the property list inside them) but no
// quotes or backslashes, which those two layers of quoting cannot carry
// reliably.
func (s *Server) NewNullSink(name, description string) (int, error) {
	if strings.ContainsAny(description, `"'\`) {
		return -1, fmt.Errorf("pulsetest: sink description %q contains a quote or backslash", description)
	}
	if name == "" || strings.ContainsAny(name, " \t\n\"'=\\") {
		return -1, fmt.Errorf("pulsetest: invalid sink name %q", name)
	}
	out, err := s.Pactl("load-module", "module-null-sink",
		"sink_name="+name, "rate="+strconv.Itoa(Rate), "channels=2",
		`sink_properties='device.description="`+description+`"'`)
	if err != nil {
		return -1, err
	}
	idx, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		return -1, fmt.Errorf("pulsetest: load-module printed %q, not a module index", out)
	}
	if err := s.warmUp(name); err != nil {
		_, _ = s.Pactl("unload-module", strconv.Itoa(idx))
		return -1, err
	}
	s.mu.Lock()
	s.modules[idx] = name
	s.mu.Unlock()
	return idx, nil
}

// Unload removes module index (like unplugging the device it provides) and
// stops the warm-up reader of a sink made by LoadNullSink. Failure fails
// the test as in LoadNullSink.
func (s *Server) Unload(index int) {
	if s.tb != nil {
		s.tb.Helper()
	}
	if err := s.UnloadModule(index); err != nil {
		s.fail(err)
	}
}

// UnloadModule is Unload returning its error. The module goes first, so
// clients see the device vanish exactly as on a real unplug (the warm-up
// reader's stream dies with it); then the reader is reaped.
func (s *Server) UnloadModule(index int) error {
	if _, err := s.Pactl("unload-module", strconv.Itoa(index)); err != nil {
		return err
	}
	s.mu.Lock()
	sink, ok := s.modules[index]
	delete(s.modules, index)
	warmer := s.warmers[sink]
	delete(s.warmers, sink)
	s.mu.Unlock()
	if ok && warmer != nil {
		s.reap(warmer)
	}
	return nil
}
