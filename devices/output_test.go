package devices

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
)

// sizedPlayer is a Player that paces by the mixer's frame size, as
// *audio.Playback does.
type sizedPlayer struct {
	fakeDevice
	frame atomic.Int64
}

func (p *sizedPlayer) SetFrameSamples(n int) { p.frame.Store(int64(n)) }

// TestOutputFrameSamples: the mixer's frame size reaches the device in
// use, a device switched to later, and the wall clock that paces while
// there is none, which then asks for 10 ms frames every 10 ms.
func TestOutputFrameSamples(t *testing.T) {
	o := newOutput()
	first := &sizedPlayer{}
	o.set(first)
	o.SetFrameSamples(audio.LowLatencyFrameSamples)
	if got := first.frame.Load(); got != audio.LowLatencyFrameSamples {
		t.Errorf("the device in use paces %d-sample frames, want %d", got, audio.LowLatencyFrameSamples)
	}
	second := &sizedPlayer{}
	o.set(second)
	if got := second.frame.Load(); got != audio.LowLatencyFrameSamples {
		t.Errorf("a device switched to mid-call paces %d-sample frames, want %d", got, audio.LowLatencyFrameSamples)
	}
	third := &sizedPlayer{}
	old := o.handOver(third) // a user's switch: the old one plays out
	if got := third.frame.Load(); got != audio.LowLatencyFrameSamples {
		t.Errorf("a device handed over to paces %d-sample frames, want %d", got, audio.LowLatencyFrameSamples)
	}
	o.WriteFrame(make([]int16, audio.LowLatencyFrameSamples))
	o.release(old)
	o.WriteFrame(make([]int16, audio.LowLatencyFrameSamples))
	if second.written.Load() != 1 || third.written.Load() != 2 {
		t.Errorf("frames written: old %d (want 1, until released), new %d (want 2)", second.written.Load(), third.written.Load())
	}
	o.set(nil)
	now, due := time.Unix(1000, 0), 0
	for i := range 100 {
		if o.Due(now.Add(time.Duration(i) * time.Millisecond)) {
			due++
		}
	}
	if due != 10 {
		t.Errorf("no device: %d frames due in 100 ms, want 10 (10 ms frames)", due)
	}
}
