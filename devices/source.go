package devices

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/confab-rtc/confab/audio"
)

// maxSilenceLag is how far the silence clock may fall behind before it
// restarts from now, as audio.ClockPacer does: after a stall the stream
// resumes in real time instead of catching up in a burst.
const maxSilenceLag = 200 * time.Millisecond

// Source is the call's microphone across device switches: an audio.Source
// that reads whichever capture device the Manager has in use. When the
// Manager replaces a device it starts the new one first and then closes
// the old one, whose ReadFrame returns audio.ErrClosed; Source then goes
// on with the new device, so the stream never ends and the gap is about
// one frame. While no microphone exists it delivers silence in real time,
// so the call and its RTP stream stay up.
type Source struct {
	cur  atomic.Pointer[capSlot]
	wake atomic.Pointer[chan struct{}] // closed and replaced on every set

	closed    chan struct{}
	closeOnce sync.Once

	// Owned by the one reader.
	timer *time.Timer
	next  time.Time // end of the next frame of silence; zero when not silent
}

// capSlot boxes the device, so the pointer can be swapped atomically.
type capSlot struct {
	c Capturer
}

func newSource() *Source {
	s := &Source{closed: make(chan struct{})}
	w := make(chan struct{})
	s.wake.Store(&w)
	return s
}

// set switches to c (nil: none) and wakes a reader waiting in silence.
func (s *Source) set(c Capturer) {
	if c == nil {
		s.cur.Store(nil)
	} else {
		s.cur.Store(&capSlot{c: c})
	}
	w := make(chan struct{})
	old := s.wake.Swap(&w)
	close(*old)
}

// ReadFrame fills frame from the microphone in use, or with silence in
// real time while there is none. It returns ctx's error when ctx ends and
// audio.ErrClosed after Close; a device that closes under it is not an
// error. One goroutine reads. It allocates nothing.
func (s *Source) ReadFrame(ctx context.Context, frame []int16) error {
	for {
		select {
		case <-s.closed:
			return audio.ErrClosed
		default:
		}
		wake := *s.wake.Load() // before cur: a set after this wakes us
		sl := s.cur.Load()
		if sl == nil {
			ok, err := s.silence(ctx, frame, wake)
			if ok || err != nil {
				return err
			}
			continue // a device arrived
		}
		err := sl.c.ReadFrame(ctx, frame)
		if err == nil || !errors.Is(err, audio.ErrClosed) || ctx.Err() != nil {
			s.next = time.Time{}
			return err
		}
		// The device was closed under us. If the Manager has not swapped
		// it out yet (a Close from elsewhere), wait for it rather than spin.
		if s.cur.Load() == sl {
			if err := s.wait(ctx, wake, time.Now().Add(audio.FrameDuration)); err != nil {
				return err
			}
		}
	}
}

// silence waits until the next frame of silence is due and delivers it
// (ok), or returns early with ok false when a device is set.
func (s *Source) silence(ctx context.Context, frame []int16, wake chan struct{}) (ok bool, err error) {
	now := time.Now()
	d := time.Duration(len(frame)) * time.Second / audio.SampleRate
	if s.next.IsZero() || now.Sub(s.next) > maxSilenceLag {
		s.next = now.Add(d)
	}
	if err := s.wait(ctx, wake, s.next); err != nil {
		return false, err
	}
	if time.Now().Before(s.next) {
		return false, nil // woken by a device
	}
	clear(frame)
	s.next = s.next.Add(d)
	return true, nil
}

// wait sleeps until at, or until wake closes; it reports ctx's end and
// Close as errors.
func (s *Source) wait(ctx context.Context, wake chan struct{}, at time.Time) error {
	d := time.Until(at)
	if d <= 0 {
		return nil
	}
	if s.timer == nil {
		s.timer = time.NewTimer(d)
	} else {
		s.timer.Reset(d)
	}
	defer s.timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-s.closed:
		return audio.ErrClosed
	case <-wake:
	case <-s.timer.C:
	}
	return nil
}

// Close ends the stream: ReadFrame returns audio.ErrClosed from then on (a
// read blocked in a device returns when its context ends). The devices
// belong to the Manager, which closes them. Idempotent.
func (s *Source) Close() error {
	s.closeOnce.Do(func() { close(s.closed) })
	return nil
}
