package pulsetest

import (
	"encoding/binary"
	"errors"
	"strconv"
	"sync"
	"testing"
)

// errEmptyPCM rejects a Play of nothing, which would spin the loop reader.
var errEmptyPCM = errors.New("pulsetest: nothing to play (empty pcm)")

// Recording is a running capture of a source, started by Record.
type Recording struct {
	s    *Server
	c    *child
	buf  *lockedBuffer
	once sync.Once
	pcm  []int16
}

// Record captures source (a source name, e.g. VirtualMic or
// SpeakerSink+".monitor") as mono 48 kHz s16 until Stop or the end of the
// test. It returns once the capture stream is connected, so audio played
// after Record returns is in the recording.
func (s *Server) Record(t testing.TB, source string) *Recording {
	t.Helper()
	r, err := s.StartRecorder(source)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Stop() })
	return r
}

// StartRecorder is Record for benchmarks and commands: it returns the error
// instead of failing a test, and the caller must call Stop (Close does
// too).
func (s *Server) StartRecorder(source string) (*Recording, error) {
	name := s.streamName("rec")
	buf := &lockedBuffer{}
	c, err := s.spawn("parec from "+source, "parec", []string{
		"--raw", "--device=" + source, "--rate=" + strconv.Itoa(Rate), "--channels=1",
		"--format=s16le", "--latency-msec=10", "--stream-name=" + name, "--client-name=" + name,
	}, nil, buf)
	if err != nil {
		return nil, err
	}
	if err := s.waitStream("source-outputs", name, c); err != nil {
		s.reap(c)
		return nil, err
	}
	return &Recording{s: s, c: c, buf: buf}, nil
}

// Samples returns a copy of what has been captured so far, without
// stopping.
func (r *Recording) Samples() []int16 {
	return pcmSamples(r.buf.Bytes())
}

// Stop ends the capture and returns every sample captured. It waits for
// the recorder to exit, so nothing it read is lost. Later calls return the
// same samples.
func (r *Recording) Stop() []int16 {
	r.once.Do(func() {
		r.s.reap(r.c)
		r.pcm = pcmSamples(r.buf.Bytes())
	})
	return r.pcm
}

// pcmSamples decodes s16le bytes, dropping a trailing odd byte.
func pcmSamples(b []byte) []int16 {
	out := make([]int16, len(b)/2)
	for i := range out {
		out[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return out
}
