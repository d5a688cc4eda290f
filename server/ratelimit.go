package server

import (
	"time"

	"golang.org/x/time/rate"

	"github.com/confab-rtc/confab/signal"
)

// newLimiter makes a connection's request bucket, or nil when the limit is
// off (Config.RequestRate negative).
func newLimiter(cfg Config) *rate.Limiter {
	if cfg.RequestRate < 0 {
		return nil
	}
	return rate.NewLimiter(rate.Limit(cfg.RequestRate), cfg.RequestBurst)
}

// limitedAt reports whether m, received at now, is a request beyond the
// connection's rate; such a request is answered with
// CodeRequestTooFrequent and not handled. Replies from the client (pong,
// answer, error) are never limited: the server asked for them. A limited
// request does not count as a failed one, so a burst does not close the
// connection by itself; a client that keeps flooding without reading is
// dropped when its send queue fills.
func (c *conn) limitedAt(now time.Time, m signal.Message) bool {
	if c.limiter == nil {
		return false
	}
	switch m.Type {
	case signal.TypePong, signal.TypeAnswer, signal.TypeError:
		return false
	}
	if c.limiter.AllowN(now, 1) {
		return false
	}
	c.send(signal.ErrorMessage(m.ID, signal.Errorf(signal.CodeRequestTooFrequent, "more than %g requests per second (burst %d): slow down", c.srv.cfg.RequestRate, c.srv.cfg.RequestBurst)))
	return true
}
