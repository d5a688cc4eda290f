package audio

import (
	"context"
	"time"
)

// frameClock paces a synthetic Source in real time: the n-th sample is
// released at start + n/SampleRate. Like ClockPacer it skips ahead after a
// stall of more than 200 ms rather than delivering a burst.
type frameClock struct {
	start   time.Time
	samples int64 // delivered so far
	timer   *time.Timer
}

// wait blocks until n more samples are due, then counts them delivered.
// It returns ctx's error if ctx ends first and ErrClosed if done closes.
func (c *frameClock) wait(ctx context.Context, done <-chan struct{}, n int) error {
	now := time.Now()
	if c.start.IsZero() {
		c.start = now
	}
	c.samples += int64(n)
	due := c.start.Add(time.Duration(c.samples) * time.Second / SampleRate)
	if now.Sub(due) > maxPacerLag {
		c.start = now
		c.samples = int64(n)
		due = now.Add(time.Duration(n) * time.Second / SampleRate)
	}
	d := due.Sub(now)
	if d <= 0 {
		select {
		case <-done:
			return ErrClosed
		default:
			return ctx.Err()
		}
	}
	if c.timer == nil {
		c.timer = time.NewTimer(d)
	} else {
		c.timer.Reset(d)
	}
	select {
	case <-ctx.Done():
		c.timer.Stop()
		return ctx.Err()
	case <-done:
		c.timer.Stop()
		return ErrClosed
	case <-c.timer.C:
		return nil
	}
}
