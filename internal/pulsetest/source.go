package pulsetest

import (
	"fmt"
	"strconv"
	"strings"
)

// LoadRemapSource adds a mono microphone named name that hears master (a
// source, e.g. MicFeedSink+".monitor": then whatever Play sends to
// MicFeedSink reaches both VirtualMic and this one, in step), like
// plugging in a second microphone. It returns the module index for Unload.
// Failure fails the test, as in LoadNullSink.
func (s *Server) LoadRemapSource(name, description, master string) int {
	if s.tb != nil {
		s.tb.Helper()
	}
	if strings.ContainsAny(description, ` "'\`) || name == "" || strings.ContainsAny(name+master, " \t\n\"'=\\") {
		s.fail(fmt.Errorf("pulsetest: bad remap source %q (%q) of %q", name, description, master))
		return -1
	}
	out, err := s.Pactl("load-module", "module-remap-source", "source_name="+name,
		"master="+master, "channels=1", "source_properties=device.description="+description)
	if err != nil {
		s.fail(err)
		return -1
	}
	idx, err := strconv.Atoi(strings.TrimSpace(out))
	if err != nil {
		s.fail(fmt.Errorf("pulsetest: load-module printed %q, not a module index", out))
		return -1
	}
	return idx
}

// ModuleOf returns the index of the loaded module whose arguments contain
// arg (e.g. "source_name="+VirtualMic), so a test can unplug a device the
// server started with.
func (s *Server) ModuleOf(arg string) (int, error) {
	out, err := s.Pactl("list", "short", "modules")
	if err != nil {
		return -1, err
	}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || !strings.Contains(line, arg) {
			continue
		}
		for _, a := range f[2:] {
			if a == arg || strings.HasPrefix(a, arg+" ") {
				return strconv.Atoi(f[0])
			}
		}
	}
	return -1, fmt.Errorf("pulsetest: no module with %q", arg)
}
