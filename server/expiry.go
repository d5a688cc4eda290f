package server

import (
	"time"

	"github.com/confab-rtc/confab/signal"
)

// expiryAction is what a session's signature timer does next.
type expiryAction int

const (
	// expiryWait: nothing is due; look again at the returned time.
	expiryWait expiryAction = iota
	// expiryWarn: send token-will-expire for the current ctime.
	expiryWarn
	// expiryNow: the signature has expired; end the session.
	expiryNow
)

// expiryAt decides, at now, what the timer of a session whose signature
// ends at ctime (Unix seconds) does: warn once lead before ctime (at once
// if that moment has passed), end the session at ctime. warnedFor is the
// ctime a warning was last sent for, so a renewal re-arms the warning.
func expiryAt(now time.Time, ctime int64, lead time.Duration, warnedFor int64) (expiryAction, time.Time) {
	end := time.Unix(ctime, 0)
	if !now.Before(end) {
		return expiryNow, end
	}
	if warnedFor == ctime {
		return expiryWait, end
	}
	warn := end.Add(-lead)
	if !now.Before(warn) {
		return expiryWarn, end
	}
	return expiryWait, warn
}

// extend moves the session's expiry to ctime if that is later, and wakes
// the signature timer so that it schedules a new warning.
func (p *participant) extend(ctime int64) {
	if ctime <= p.ctime.Load() {
		return
	}
	p.ctime.Store(ctime)
	select {
	case p.renewed <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// watchSignature is the session's signature timer, one goroutine per
// joined participant: it warns the client before its signature expires
// and ends the session when it does. It stops when the participant closes.
func (p *participant) watchSignature() {
	lead := p.srv.cfg.TokenWillExpireLead
	var warned int64
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		ctime := p.ctime.Load()
		act, next := expiryAt(time.Now(), ctime, lead, warned)
		switch act {
		case expiryWarn:
			warned = ctime
			p.send(signal.Message{Type: signal.TypeTokenWillExpire, CTime: ctime})
			continue
		case expiryNow:
			p.expire()
			return
		}
		timer.Reset(time.Until(next))
		select {
		case <-timer.C:
		case <-p.renewed:
		case <-p.ctx.Done():
			return
		}
	}
}

// expire ends a session whose signature expired: the client gets
// signature-expired and a peer-leave about itself, the room a peer-leave
// with reason 6, and the websocket is closed with CloseSignatureExpired.
func (p *participant) expire() {
	p.expired.Store(true)
	p.log.Info("signature expired", "ctime", p.ctime.Load())
	p.send(signal.Message{Type: signal.TypeSignatureExpired, UserID: p.userID})
	if p.room.leave(p, signal.ReasonSignatureExpired) {
		p.log.Info("left", "reason", signal.ReasonSignatureExpired, "why", signal.ReasonText(signal.ReasonSignatureExpired))
	}
	p.send(signal.Message{Type: signal.TypePeerLeave, UserID: p.userID, Reason: signal.ReasonSignatureExpired})
	p.fail(signal.ReasonSignatureExpired, signal.CloseSignatureExpired, "signature expired")
}

// handleRenewSignature extends the session with a fresh signature for the
// same room and user. A ctime earlier than the session's is a replay of
// an old signature, even if still valid, and is refused; the session's
// own ctime again is an ok that changes nothing (a retry, or a signature
// a switchRole already applied).
func (c *conn) handleRenewSignature(m signal.Message) {
	p := c.p
	if p == nil {
		c.failed(m.ID, notJoined())
		return
	}
	if p.expired.Load() {
		c.failed(m.ID, signal.Errorf(signal.CodeSignatureExpired, "the session's signature already expired: join again"))
		return
	}
	if e := signal.VerifyAt(time.Now(), c.srv.cfg.AppKey, c.srv.cfg.AppID, p.room.name, p.userID, m.CTime, m.Signature); e != nil {
		c.failed(m.ID, e)
		return
	}
	if cur := p.ctime.Load(); m.CTime < cur {
		c.failed(m.ID, signal.Errorf(signal.CodeBadRequest, "ctime %d is earlier than the session's ctime %d: sign a fresh signature", m.CTime, cur))
		return
	}
	p.extend(m.CTime)
	p.log.Info("signature renewed", "ctime", m.CTime)
	c.reply(signal.Message{Type: signal.TypeOK, ID: m.ID})
}
