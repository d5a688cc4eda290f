package audio

import (
	"context"
	"encoding/binary"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/gen2brain/malgo"
)

// le16 encodes samples the way a device buffer holds them.
func le16(s []int16) []byte {
	b := make([]byte, 2*len(s))
	for i, v := range s {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
	}
	return b
}

func TestCaptureCallback(t *testing.T) {
	c := newCapture()
	buf := le16(seq(0, 480))
	c.process(buf)
	c.process(le16(seq(480, 480)))
	if c.Callbacks() != 2 {
		t.Fatalf("Callbacks = %d", c.Callbacks())
	}
	frame := make([]int16, FrameSamples)
	if err := c.ReadFrame(context.Background(), frame); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(frame, seq(0, FrameSamples)) {
		t.Fatal("captured samples changed on the way through")
	}
	if a := testing.AllocsPerRun(1000, func() {
		c.process(buf)
		c.ring.Discard(480)
	}); a != 0 {
		t.Fatalf("capture callback allocates %v times", a)
	}
}

func TestCaptureSkipsBacklog(t *testing.T) {
	c := newCapture()
	for i := range 20 { // 200 ms waiting
		c.process(le16(seq(i*480, 480)))
	}
	frame := make([]int16, FrameSamples)
	c.ReadFrame(context.Background(), frame)
	if !slices.Equal(frame, seq(20*480-FrameSamples, FrameSamples)) {
		t.Fatalf("read samples from %d, want the newest frame", frame[0])
	}
}

func TestCaptureReadFrameWaits(t *testing.T) {
	c := newCapture()
	frame := make([]int16, FrameSamples)
	go func() {
		for i := range 4 {
			time.Sleep(5 * time.Millisecond)
			c.process(le16(seq(i*240, 240)))
		}
	}()
	if err := c.ReadFrame(context.Background(), frame); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(frame, seq(0, FrameSamples)) {
		t.Fatal("frame not assembled from the callbacks")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := c.ReadFrame(ctx, frame); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ReadFrame with no audio = %v, want the context's error", err)
	}
	go func() { time.Sleep(10 * time.Millisecond); c.Close() }()
	if err := c.ReadFrame(context.Background(), frame); !errors.Is(err, ErrClosed) {
		t.Fatalf("ReadFrame across Close = %v", err)
	}
}

func TestPlaybackCallback(t *testing.T) {
	p := newPlayback()
	out := make([]byte, 2*480)
	// Nothing queued: silence, counted.
	for i := range out {
		out[i] = 0x55
	}
	p.process(out)
	if !slices.Equal(out, make([]byte, len(out))) || p.Underruns() != 480 {
		t.Fatalf("empty playback: underruns %d, output silent %v", p.Underruns(), slices.Equal(out, make([]byte, len(out))))
	}
	if !p.Due(time.Now()) {
		t.Fatal("an empty speaker is not due")
	}
	p.WriteFrame(seq(1, FrameSamples))
	p.WriteFrame(seq(1+FrameSamples, FrameSamples))
	if p.Due(time.Now()) {
		t.Fatal("a speaker holding its target is still due")
	}
	now := time.Now()
	p.last.Store(now.Add(-3 * time.Millisecond).UnixNano())
	if d := p.NextDue(now).Sub(now); d != 7*time.Millisecond {
		t.Fatalf("NextDue in %v, want the end of the current 10 ms period", d)
	}
	p.process(out)
	if !slices.Equal(out, le16(seq(1, 480))) {
		t.Fatal("played samples differ from the queued ones")
	}
	if !p.Due(time.Now()) {
		t.Fatal("after a period the speaker wants the next frame")
	}
	if p.Callbacks() != 2 {
		t.Fatalf("Callbacks = %d", p.Callbacks())
	}
	// A partial period: what is there, then silence.
	p.ring.Discard(p.ring.Len() - 100)
	p.process(out)
	got := samplesOf(out)
	if got[99] == 0 || !slices.Equal(got[100:], make([]int16, 380)) || p.Underruns() != 480+380 {
		t.Fatalf("partial period: underruns %d", p.Underruns())
	}
	frame := seq(0, 480)
	if a := testing.AllocsPerRun(1000, func() {
		p.WriteFrame(frame)
		p.process(out)
	}); a != 0 {
		t.Fatalf("playback callback allocates %v times", a)
	}
}

// TestNullBackend opens real miniaudio devices on the null backend, which
// exists everywhere: it proves the device plumbing (open, start, the
// callbacks running, close not hanging), not the audio.
func TestNullBackend(t *testing.T) {
	actx, err := NewContext(BackendNull)
	if err != nil {
		t.Skipf("no null backend: %v", err)
	}
	defer func() {
		if err := actx.Close(); err != nil {
			t.Error(err)
		}
		if err := actx.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		if _, err := actx.Devices(KindCapture); !errors.Is(err, ErrClosed) {
			t.Errorf("Devices after Close: %v", err)
		}
	}()
	mics, err := actx.Devices(KindCapture)
	if err != nil || len(mics) == 0 {
		t.Fatalf("capture devices %v, %v", mics, err)
	}
	if _, err := OpenCapture(actx, "no such mic"); !errors.Is(err, ErrDeviceNotFound) {
		t.Fatalf("OpenCapture(unknown) = %v", err)
	}
	c, err := OpenCapture(actx, mics[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := OpenPlayback(actx, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	frame := make([]int16, FrameSamples)
	for range 5 {
		if err := c.ReadFrame(ctx, frame); err != nil {
			t.Fatalf("ReadFrame from the null device: %v", err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for p.Callbacks() < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if p.Callbacks() < 3 {
		t.Fatalf("playback callbacks %d", p.Callbacks())
	}
	start := time.Now()
	for _, cl := range []interface{ Close() error }{c, p, c, p} {
		if err := cl.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d > closeTimeout {
		t.Fatalf("Close took %v", d)
	}
	if err := c.Start(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Start after Close = %v", err)
	}
	t.Logf("mics %v, capture %q, playback %q", mics, c.DeviceName(), p.DeviceName())
}

func TestDeviceIDString(t *testing.T) {
	var pulse, alsa, binary, empty malgo.DeviceID
	copy(pulse[:], "alsa_output.pci-0000_00_1f.3.analog-stereo")
	copy(alsa[:], "hw:0,0")
	binary[0], binary[1] = 0x01, 0xfe
	tests := []struct {
		id   malgo.DeviceID
		want string
	}{
		{pulse, "alsa_output.pci-0000_00_1f.3.analog-stereo"},
		{alsa, "hw:0,0"},
		{binary, "hex:01fe"},
		{empty, "hex:00"},
	}
	for _, tt := range tests {
		if got := deviceIDString(tt.id); got != tt.want {
			t.Errorf("deviceIDString = %q, want %q", got, tt.want)
		}
	}
}

// TestContextOutlivesDevices closes a context while a device is open: it
// must refuse rather than pull the backend from under the device, and
// finish once the device is closed.
func TestContextOutlivesDevices(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the close timeout")
	}
	actx, err := NewContext(BackendNull)
	if err != nil {
		t.Skip(err)
	}
	p, err := OpenPlayback(actx, "")
	if err != nil {
		t.Fatal(err)
	}
	p.Start()
	if err := actx.Close(); !errors.Is(err, ErrCloseTimeout) {
		t.Fatalf("Close with a device open = %v, want ErrCloseTimeout", err)
	}
	if _, err := OpenCapture(actx, ""); !errors.Is(err, ErrClosed) {
		t.Fatalf("OpenCapture on a closing context = %v", err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := actx.Close(); err != nil {
		t.Fatalf("Close after the device closed = %v", err)
	}
	if err := actx.Close(); err != nil {
		t.Fatalf("third Close = %v", err)
	}
}
