package audio

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gen2brain/malgo"
)

// Capture buffering.
const (
	// captureBuffer is the ring between the device callback and ReadFrame:
	// one second, so a stalled reader loses audio only after that.
	captureBuffer = SampleRate
	// captureMaxBacklog is the most audio ReadFrame lets pile up: older
	// samples are skipped, because a microphone that lags is worse than
	// one that drops a moment.
	captureMaxBacklog = 5 * FrameSamples
)

// Capture is an open microphone: 48 kHz mono 16-bit, 10 ms device
// periods. The device callback only copies into a preallocated Ring and
// bumps a counter; ReadFrame takes 20 ms frames out. *Capture is a Source.
type Capture struct {
	actx      *Context
	dev       *malgo.Device
	name      string
	ring      *Ring
	callbacks atomic.Uint64

	done      chan struct{} // closed by Close: wakes ReadFrame
	closeOnce sync.Once
	closeErr  error
	timer     *time.Timer // ReadFrame's; one reader at a time
}

// OpenCapture opens a capture device by id (as in DeviceInfo.ID), or the
// system default when deviceID is "". It does not start it.
func OpenCapture(ctx *Context, deviceID string) (*Capture, error) {
	c := newCapture()
	dev, name, err := openDevice(ctx, KindCapture, deviceID, c.onData)
	if err != nil {
		return nil, err
	}
	c.actx, c.dev, c.name = ctx, dev, name
	return c, nil
}

func newCapture() *Capture {
	return &Capture{ring: NewRing(captureBuffer), done: make(chan struct{})}
}

// onData is the malgo callback.
func (c *Capture) onData(_, in []byte, _ uint32) { c.process(in) }

// process is the body of the device callback: it runs on the audio thread
// and must not allocate, lock, send on a channel or log. A full ring drops
// the new samples and counts them (Overruns).
func (c *Capture) process(in []byte) {
	c.ring.Write(samplesOf(in))
	c.callbacks.Add(1)
}

// Start starts the device; audio accumulates for ReadFrame from then on.
func (c *Capture) Start() error {
	select {
	case <-c.done:
		return ErrClosed
	default:
	}
	return c.dev.Start()
}

// ReadFrame blocks until len(frame) samples (normally FrameSamples) have
// been captured and copies them out. If more than 100 ms piled up since
// the last call, the oldest is skipped so the microphone stays live. It
// returns ctx's error when ctx ends and ErrClosed after Close. One
// goroutine reads.
func (c *Capture) ReadFrame(ctx context.Context, frame []int16) error {
	if len(frame) > c.ring.Cap() {
		return ErrFrameSize
	}
	for {
		select {
		case <-c.done:
			return ErrClosed
		default:
		}
		n := c.ring.Len()
		if n >= len(frame) {
			if n > captureMaxBacklog+len(frame) {
				c.ring.Discard(n - len(frame))
			}
			c.ring.Read(frame)
			return nil
		}
		// Sleep about as long as the missing samples take to arrive.
		wait := time.Duration(len(frame)-n)*time.Second/SampleRate + time.Millisecond
		if c.timer == nil {
			c.timer = time.NewTimer(wait)
		} else {
			c.timer.Reset(wait)
		}
		select {
		case <-ctx.Done():
			c.timer.Stop()
			return ctx.Err()
		case <-c.done:
			c.timer.Stop()
			return ErrClosed
		case <-c.timer.C:
		}
	}
}

// Callbacks is how many times the device delivered audio. A watchdog that
// sees it stop moving knows the device is gone: miniaudio gives no other
// signal when an explicitly opened PulseAudio device disappears.
func (c *Capture) Callbacks() uint64 { return c.callbacks.Load() }

// Overruns is the number of captured samples dropped because ReadFrame
// was not keeping up.
func (c *Capture) Overruns() uint64 { return c.ring.Overruns() }

// DeviceName is the device's human-readable name.
func (c *Capture) DeviceName() string { return c.name }

// Close stops and releases the device; it never hangs (see
// ErrCloseTimeout) and is idempotent. A ReadFrame in progress returns
// ErrClosed.
func (c *Capture) Close() error {
	c.closeOnce.Do(func() {
		close(c.done)
		if c.dev != nil {
			c.closeErr = closeDevice(c.actx, c.dev)
		}
	})
	return c.closeErr
}
