package audio

import (
	"context"
	"sync"
)

// pacedSource turns a sample generator into a real-time Source. ReadFrame
// belongs to one goroutine; Close may come from any and wakes it.
type pacedSource struct {
	fill      func(frame []int16)
	clock     frameClock
	done      chan struct{}
	closeOnce sync.Once
}

func newPacedSource(fill func(frame []int16)) *pacedSource {
	return &pacedSource{fill: fill, done: make(chan struct{})}
}

// ReadFrame waits until len(frame) more samples are due and fills frame.
func (s *pacedSource) ReadFrame(ctx context.Context, frame []int16) error {
	if err := s.clock.wait(ctx, s.done, len(frame)); err != nil {
		return err
	}
	s.fill(frame)
	return nil
}

// Close stops the source; a ReadFrame in progress returns ErrClosed.
func (s *pacedSource) Close() error {
	s.closeOnce.Do(func() { close(s.done) })
	return nil
}
