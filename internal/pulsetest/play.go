package pulsetest

import (
	"encoding/binary"
	"strconv"
	"sync"
	"testing"
)

// playLatencyMsec is the server-side buffer of a player. Not 10 ms: on
// the 2-core CI VMs (30 % steal time, other builds running) a 10 ms
// player underran dozens of times in 3 s, each underrun a 2.5-100 ms hole
// of silence in the "voice"; 50 ms made holes rare. It costs no start-up
// time (pacat fills it from the pipe at once) and does not affect what a
// test measures after the sink (measure latency against the sink's
// monitor, not against the moment Play was called).
const playLatencyMsec = 50

// Play plays pcm (mono, 48 kHz, s16) into sink in a loop until the returned
// stop function is called or the test ends. It returns once the stream is
// connected. pcm with a whole number of periods of its tone (e.g. 1 kHz in
// 4800 samples) loops without clicks. The stop function is idempotent and
// returns after the player process has exited.
func (s *Server) Play(t testing.TB, sink string, pcm []int16) (stop func()) {
	t.Helper()
	stop, err := s.StartPlayer(sink, pcm)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return stop
}

// StartPlayer is Play for benchmarks and commands: it returns the error
// instead of failing a test, and the caller must call stop (Close does too).
func (s *Server) StartPlayer(sink string, pcm []int16) (stop func(), err error) {
	if len(pcm) == 0 {
		return nil, errEmptyPCM
	}
	name := s.streamName("play")
	c, err := s.spawn("pacat into "+sink, "pacat", []string{
		"--playback", "--raw", "--device=" + sink, "--rate=" + strconv.Itoa(Rate), "--channels=1",
		"--format=s16le", "--latency-msec=" + strconv.Itoa(playLatencyMsec), "--stream-name=" + name, "--client-name=" + name,
	}, &loopReader{data: pcmBytes(pcm)}, nil)
	if err != nil {
		return nil, err
	}
	if err := s.waitStream("sink-inputs", name, c); err != nil {
		s.reap(c)
		return nil, err
	}
	var once sync.Once
	return func() { once.Do(func() { s.reap(c) }) }, nil
}

// pcmBytes encodes samples as s16le, pacat's input format.
func pcmBytes(pcm []int16) []byte {
	b := make([]byte, 2*len(pcm))
	for i, v := range pcm {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
	}
	return b
}

// loopReader yields data forever. exec's copy goroutine feeds it to
// pacat's stdin; pacat reads only as fast as the sink consumes, so the
// loop is paced by the device clock, and when pacat is killed the copy
// ends with a broken pipe, which exec.Cmd.Wait ignores.
type loopReader struct {
	data []byte
	off  int
}

// Read fills p from data, wrapping around at its end.
func (r *loopReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.data[r.off:])
		n += c
		r.off = (r.off + c) % len(r.data)
	}
	return n, nil
}
