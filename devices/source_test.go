package devices

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
)

// TestSourceSwitch: the Source reads the device in use, carries on with
// the new one when the old one is closed under it, and delivers real-time
// silence while there is none.
func TestSourceSwitch(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s := newSource()
	a, b := &fakeDevice{mark: 1}, &fakeDevice{mark: 2}
	frame := make([]int16, audio.FrameSamples)

	s.set(a)
	if err := s.ReadFrame(ctx, frame); err != nil || frame[0] != 1 {
		t.Fatalf("read from a: %v, %d", err, frame[0])
	}
	s.set(b)
	a.Close()
	if err := s.ReadFrame(ctx, frame); err != nil || frame[0] != 2 {
		t.Fatalf("read after the switch: %v, %d", err, frame[0])
	}

	// No device: 10 frames of silence take 200 ms of wall clock.
	s.set(nil)
	start := time.Now()
	for range 10 {
		frame[0] = 9
		if err := s.ReadFrame(ctx, frame); err != nil || frame[0] != 0 {
			t.Fatalf("silence: %v, %d", err, frame[0])
		}
	}
	if el := time.Since(start); el < 180*time.Millisecond {
		t.Errorf("10 frames of silence in %v: not real time", el)
	}

	// A device set while a read waits in silence is used at once.
	c := &fakeDevice{mark: 3}
	go func() {
		time.Sleep(5 * time.Millisecond)
		s.set(c)
	}()
	// Silence until the device is set (the setter may be scheduled late on
	// a busy machine), then the device.
	for deadline := time.Now().Add(2 * time.Second); frame[0] != 3; {
		if err := s.ReadFrame(ctx, frame); err != nil {
			t.Fatal(err)
		}
		if frame[0] != 0 && frame[0] != 3 || time.Now().After(deadline) {
			t.Fatalf("device set during silence not used: %d", frame[0])
		}
	}

	s.Close()
	if err := s.ReadFrame(ctx, frame); !errors.Is(err, audio.ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
}

// TestOutputPacing: the speaker's clock paces the mixer while its
// callbacks move; the wall clock takes over when they stop or there is no
// speaker, so jitter buffers keep draining.
func TestOutputPacing(t *testing.T) {
	o := newOutput()
	now := time.Unix(1000, 0)
	// No device: the wall clock, one frame per 20 ms.
	due := 0
	for i := range 10 {
		if o.Due(now.Add(time.Duration(i) * 10 * time.Millisecond)) {
			due++
		}
	}
	if due != 5 {
		t.Errorf("no device: %d frames due in 100 ms, want 5", due)
	}

	p := &stubPlayer{}
	o.set(p)
	now = now.Add(time.Second)
	p.callbacks.Add(1)
	p.due = false
	if o.Due(now) {
		t.Error("a live device that wants nothing was overruled")
	}
	o.WriteFrame(make([]int16, audio.FrameSamples))
	if p.written.Load() != 1 {
		t.Error("frame not written to the device")
	}
	// The device stops calling back: after pacerStall the clock paces.
	due = 0
	for i := range 30 {
		if o.Due(now.Add(time.Duration(i) * 10 * time.Millisecond)) {
			due++
		}
	}
	if due < 9 || due > 11 {
		t.Errorf("stalled device: %d frames due in 300 ms (200 ms past the stall), want about 10", due)
	}
	// It resumes: its clock again.
	p.callbacks.Add(1)
	if o.Due(now.Add(400 * time.Millisecond)) {
		t.Error("resumed device overruled by the clock")
	}
}

// stubPlayer is a Player whose Due the test sets.
type stubPlayer struct {
	fakeDevice
	due bool
}

func (p *stubPlayer) Due(time.Time) bool { return p.due }

// TestSwitchPathsDoNotAllocate guards the per-frame paths: the send loop's
// ReadFrame and the mixer's WriteFrame, Due and NextDue.
func TestSwitchPathsDoNotAllocate(t *testing.T) {
	ctx := context.Background()
	s := newSource()
	s.set(&fakeDevice{mark: 1})
	frame := make([]int16, audio.FrameSamples)
	if n := testing.AllocsPerRun(100, func() { _ = s.ReadFrame(ctx, frame) }); n != 0 {
		t.Errorf("Source.ReadFrame allocates %.1f times", n)
	}
	o := newOutput()
	o.set(&fakeDevice{})
	now := time.Now()
	if n := testing.AllocsPerRun(100, func() {
		o.WriteFrame(frame)
		o.Due(now)
		o.NextDue(now)
		now = now.Add(10 * time.Millisecond) // crosses into wall-clock pacing too
	}); n != 0 {
		t.Errorf("Output allocates %.1f times per frame", n)
	}
}
