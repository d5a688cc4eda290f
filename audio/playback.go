package audio

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/gen2brain/malgo"
)

// Playback buffering.
const (
	// playbackBuffer is the ring's capacity: 200 ms, room for a mixer on a
	// different clock to run ahead before frames are dropped.
	playbackBuffer = 10 * FrameSamples
	// playbackTargetFrames is how much audio the ring should hold, in
	// mixer frames: as a Pacer, Playback asks for a frame whenever it
	// holds less. Two frames ride out the mixer waking late without
	// adding much delay.
	playbackTargetFrames = 2
)

// Playback is an open speaker: 48 kHz mono 16-bit, 10 ms device periods.
// The mixer writes frames into a preallocated Ring (Output) and is paced
// by how much the device has consumed (Pacer), so the sound card's clock
// drives playout. When the ring runs dry the callback plays silence and
// counts the missing samples (Underruns).
type Playback struct {
	actx      *Context
	dev       *malgo.Device
	name      string
	ring      *Ring
	callbacks atomic.Uint64
	last      atomic.Int64 // wall-clock ns of the latest callback
	// target is how many samples the ring should hold (see
	// playbackTargetFrames); SetFrameSamples changes it.
	target atomic.Int64

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

// OpenPlayback opens a playback device by id (as in DeviceInfo.ID), or the
// system default when deviceID is "". It does not start it.
func OpenPlayback(ctx *Context, deviceID string) (*Playback, error) {
	p := newPlayback()
	dev, name, err := openDevice(ctx, KindPlayback, deviceID, p.onData)
	if err != nil {
		return nil, err
	}
	p.actx, p.dev, p.name = ctx, dev, name
	return p, nil
}

func newPlayback() *Playback {
	p := &Playback{ring: NewRing(playbackBuffer)}
	p.SetFrameSamples(FrameSamples)
	return p
}

// SetFrameSamples tells the speaker the size of the frames it is written
// (Mixer.Run calls it with the mixer's frame size), so it keeps two of
// them queued: 20 ms with 10 ms frames, 40 ms with 20 ms frames.
func (p *Playback) SetFrameSamples(n int) {
	p.target.Store(int64(playbackTargetFrames * max(n, 1)))
}

// onData is the malgo callback.
func (p *Playback) onData(out, _ []byte, _ uint32) { p.process(out) }

// process is the body of the device callback: it runs on the audio thread
// and must not allocate, lock, send on a channel or log.
func (p *Playback) process(out []byte) {
	s := samplesOf(out)
	n := p.ring.Read(s)
	clear(s[n:])
	p.last.Store(time.Now().UnixNano()) // a vDSO clock read: no syscall, no allocation
	p.callbacks.Add(1)
}

// Start starts the device.
func (p *Playback) Start() error {
	if p.closed.Load() {
		return ErrClosed
	}
	return p.dev.Start()
}

// WriteFrame queues a frame for the speaker without blocking; what does
// not fit is dropped and counted (Overruns). One goroutine (the mixer's)
// writes.
func (p *Playback) WriteFrame(frame []int16) {
	p.ring.Write(frame)
}

// Due reports whether the speaker needs another frame: it holds less than
// its target of two frames.
func (p *Playback) Due(time.Time) bool {
	return int64(p.ring.Len()) < p.target.Load()
}

// NextDue estimates when the device will have played enough to be Due,
// counting whole 10 ms periods from its latest callback, so the mixer
// sleeps until then instead of polling.
func (p *Playback) NextDue(now time.Time) time.Time {
	excess := p.ring.Len() - int(p.target.Load()) + 1
	if excess <= 0 {
		return now
	}
	last := p.last.Load()
	if last == 0 {
		return now.Add(FrameDuration) // not started: nothing will be consumed soon
	}
	periods := (excess + devicePeriod - 1) / devicePeriod
	next := time.Unix(0, last).Add(time.Duration(periods) * time.Second * devicePeriod / SampleRate)
	if next.Before(now) {
		// The callback is late (a busy machine): look again soon.
		return now.Add(time.Millisecond)
	}
	return next
}

// Callbacks is how many times the device asked for audio; see
// Capture.Callbacks.
func (p *Playback) Callbacks() uint64 { return p.callbacks.Load() }

// Underruns is the number of samples played as silence because no audio
// was queued.
func (p *Playback) Underruns() uint64 { return p.ring.Underruns() }

// Overruns is the number of samples dropped because the queue was full.
func (p *Playback) Overruns() uint64 { return p.ring.Overruns() }

// DeviceName is the device's human-readable name.
func (p *Playback) DeviceName() string { return p.name }

// Close stops and releases the device; it never hangs (see
// ErrCloseTimeout) and is idempotent.
func (p *Playback) Close() error {
	p.closeOnce.Do(func() {
		p.closed.Store(true)
		if p.dev != nil {
			p.closeErr = closeDevice(p.actx, p.dev)
		}
	})
	return p.closeErr
}
