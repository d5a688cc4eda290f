package devices

import (
	"sync/atomic"
	"time"

	"github.com/confab-rtc/confab/audio"
)

// pacerStall is how long the speaker's callbacks may pause before Output
// paces the mixer by the wall clock: long enough to ride out a scheduling
// hiccup (ten 10 ms periods), short enough that jitter buffers keep
// draining while a device is being replaced.
const pacerStall = 100 * time.Millisecond

// Output is the call's speaker across device switches, as the mixer's
// audio.Output and audio.Pacer: frames go to the device in use and the
// mixer follows that device's clock. With no device, or one whose
// callbacks stopped, it paces by the wall clock, so the mixer keeps
// pulling frames and the jitter buffers do not fill up.
type Output struct {
	cur atomic.Pointer[playSlot]
	// prev is the speaker being switched away from: it gets the same
	// frames for a moment, so the audio it had queued plays out instead of
	// being cut off when it closes.
	prev atomic.Pointer[playSlot]
	// frame is the mixer's frame size (SetFrameSamples), passed on to
	// every device and to the wall clock; 0 until the mixer runs.
	frame atomic.Int64

	// Owned by the mixer's goroutine (Due and NextDue).
	seen    *playSlot
	count   uint64
	moved   time.Time
	clock   audio.ClockPacer
	onClock bool
}

// playSlot boxes the device, so the pointer can be swapped atomically.
type playSlot struct {
	p Player
}

func newOutput() *Output { return &Output{} }

// set switches to p (nil: none).
func (o *Output) set(p Player) {
	if p == nil {
		o.cur.Store(nil)
		return
	}
	o.cur.Store(&playSlot{p: p})
	if n := o.frame.Load(); n > 0 {
		setFrameSamples(p, int(n))
	}
}

// SetFrameSamples passes the mixer's frame size (Mixer.Run calls it from
// the mixer's goroutine) to the device in use, to every later one and to
// the wall clock, so each keeps its queue in the mixer's frames: the
// low-latency mode's 10 ms frames would otherwise be paced as 20 ms ones.
func (o *Output) SetFrameSamples(n int) {
	o.frame.Store(int64(n))
	if sl := o.cur.Load(); sl != nil {
		setFrameSamples(sl.p, n)
	}
	o.clock.SetFrameSamples(n)
}

// setFrameSamples tells p the mixer's frame size if it paces by it, as
// *audio.Playback does.
func setFrameSamples(p Player, n int) {
	if f, ok := p.(interface{ SetFrameSamples(int) }); ok {
		f.SetFrameSamples(n)
	}
}

// handOver switches to p while the device in use keeps getting frames
// until release; it returns that device's slot for release.
func (o *Output) handOver(p Player) *playSlot {
	old := o.cur.Swap(&playSlot{p: p})
	o.prev.Store(old)
	if n := o.frame.Load(); n > 0 {
		setFrameSamples(p, int(n))
	}
	return old
}

// release stops feeding the device handOver switched away from.
func (o *Output) release(old *playSlot) {
	o.prev.CompareAndSwap(old, nil)
}

// WriteFrame queues a frame on the device in use (and on the one being
// switched away from), or drops it when there is none. It does not block
// or allocate.
func (o *Output) WriteFrame(frame []int16) {
	if sl := o.cur.Load(); sl != nil {
		sl.p.WriteFrame(frame)
	}
	if sl := o.prev.Load(); sl != nil {
		sl.p.WriteFrame(frame)
	}
}

// Due reports whether the mixer should make a frame: when the device
// wants one, or by the wall clock while there is no live device.
func (o *Output) Due(now time.Time) bool {
	if p := o.device(now); p != nil {
		return p.Due(now)
	}
	return o.clock.Due(now)
}

// NextDue says when Due will next be true, so the mixer sleeps until then.
func (o *Output) NextDue(now time.Time) time.Time {
	if p := o.device(now); p != nil {
		return p.NextDue(now)
	}
	return o.clock.NextDue(now)
}

// device returns the device whose clock paces the mixer, or nil when the
// wall clock does: no device, or its callbacks paused for pacerStall.
func (o *Output) device(now time.Time) Player {
	sl := o.cur.Load()
	if sl != o.seen {
		o.seen = sl
		if sl != nil {
			o.count, o.moved = sl.p.Callbacks(), now
		}
	}
	if sl != nil {
		if n := sl.p.Callbacks(); n != o.count {
			o.count, o.moved = n, now
		}
		if now.Sub(o.moved) <= pacerStall {
			o.onClock = false
			return sl.p
		}
	}
	if !o.onClock {
		o.onClock = true
		o.clock = *audio.NewClockPacer(now)
		if n := o.frame.Load(); n > 0 {
			o.clock.SetFrameSamples(int(n))
		}
	}
	return nil
}
