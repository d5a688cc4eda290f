package server

import (
	"crypto/subtle"
	"time"

	"github.com/gorilla/websocket"

	"github.com/confab-rtc/confab/signal"
)

// A session outlives its websocket (PROTOCOL.md §5.8): when the socket is
// lost to the network, the participant stays in its room, detached, for
// Config.ResumeGrace; its PeerConnections and forwarders keep running, so
// media that still flows is not interrupted. A resume on a new websocket
// attaches it again and the room never sees a leave; when the grace passes
// the room sees it leave with reason 7. Messages for a detached session
// are queued (up to Config.SendQueue) and sent on resume, followed by the
// room as it is now, which also covers what the dead socket swallowed.

// send queues a message to the participant's client, or keeps it for a
// resume while the session is detached.
func (p *participant) send(m signal.Message) { p.sendVia(m) }

// sendVia is send that returns the websocket the message was queued on,
// nil if it was kept for a resume.
func (p *participant) sendVia(m signal.Message) *conn {
	p.sigMu.Lock()
	c := p.conn
	if c == nil && !p.ending && len(p.backlog) < p.srv.cfg.SendQueue {
		// Beyond the limit messages are dropped: the room state sent
		// with resumed makes up for them.
		p.backlog = append(p.backlog, m)
	}
	p.sigMu.Unlock()
	if c != nil {
		c.send(m)
	}
	return c
}

// fail ends the session with reason: its websocket is closed with code
// and text (the reader then takes the participant out of its room), or,
// while detached, the wait for a resume ends at once.
func (p *participant) fail(reason, code int, text string) {
	p.sigMu.Lock()
	c := p.conn
	if c == nil && !p.ending {
		select {
		case p.endReq <- reason:
		default:
		}
	}
	p.sigMu.Unlock()
	if c != nil {
		c.fail(reason, code, text)
	}
}

// detach separates the participant from c, whose socket ended. With hold
// the session waits for a resume and the returned channel is closed when
// one attaches it; without, the session is ending. It reports false when
// c no longer carries the session (a resume moved it to a newer socket),
// in which case the caller must leave the participant alone.
func (p *participant) detach(c *conn, hold bool) (reattached chan struct{}, ok bool) {
	p.sigMu.Lock()
	defer p.sigMu.Unlock()
	if p.conn != c {
		return nil, false
	}
	p.conn = nil
	if !hold {
		p.ending = true
		return nil, true
	}
	p.reattached = make(chan struct{})
	return p.reattached, true
}

// attach makes c the session's websocket: what was kept for the client
// goes out first, then reply. It returns the websocket that carried the
// session until now, if any (a half-open socket whose client already gave
// it up), and false when the session is ending.
func (p *participant) attach(c *conn, reply signal.Message) (old *conn, ok bool) {
	p.sigMu.Lock()
	defer p.sigMu.Unlock()
	if p.ending {
		return nil, false
	}
	old = p.conn
	p.conn = c
	p.attachedAt = time.Now()
	for _, m := range p.backlog {
		c.send(m)
	}
	p.backlog = nil
	c.send(reply)
	if p.reattached != nil {
		close(p.reattached)
		p.reattached = nil
	}
	return old, true
}

// detached reports whether the session waits for a resume.
func (p *participant) detached() bool {
	p.sigMu.Lock()
	defer p.sigMu.Unlock()
	return p.conn == nil && !p.ending
}

// markEnding ends a detached session's wait, unless a resume attached it
// meanwhile, which it reports with false.
func (p *participant) markEnding() bool {
	p.sigMu.Lock()
	defer p.sigMu.Unlock()
	if p.conn != nil || p.ending {
		return false
	}
	p.ending = true
	return true
}

// answerWait says how much longer the negotiator should wait for the
// answer to a subscribe offer whose timeout just passed: while the session
// is detached, or was attached again less than timeout ago (the offer is
// sent again on resume), the client could not have answered yet.
func (p *participant) answerWait(timeout time.Duration) time.Duration {
	p.sigMu.Lock()
	defer p.sigMu.Unlock()
	if p.conn == nil && !p.ending {
		return timeout
	}
	return timeout - time.Since(p.attachedAt)
}

// resumable reports whether the socket's end, with the leave reason
// reason, was the network's doing, which a resume may repair: lost
// without a close frame, or silent past the peer timeout. A client
// dropped for what it did (too slow, broken negotiation, too many
// errors) or told to go is not kept.
func (c *conn) resumable(reason int) bool {
	return reason == signal.ReasonNetworkCheck && c.endCode.Load() != websocket.ClosePolicyViolation && c.srv.cfg.ResumeGrace > 0
}

// drop ends the websocket's part in its session when the socket is gone:
// the session waits for a resume if the network lost it, else it leaves.
func (c *conn) drop(reason int) {
	p := c.p
	if p == nil {
		return
	}
	if !c.resumable(reason) {
		c.leave(reason)
		return
	}
	c.p = nil
	if reattached, ok := p.detach(c, true); ok {
		p.log.Info("websocket lost; keeping the session for a resume", "grace", c.srv.cfg.ResumeGrace)
		c.srv.hold(p, reattached)
	}
}

// hold waits, on a goroutine Close waits for, for a resume of the detached
// participant p. Without one within the grace period p leaves with reason
// 7; a reason sent on p.endReq (a kick, an expiry) or the server's
// shutdown (reason 3) ends the wait early.
func (s *Server) hold(p *participant, reattached <-chan struct{}) {
	s.holdWG.Add(1)
	go func() {
		defer s.holdWG.Done()
		timer := time.NewTimer(s.cfg.ResumeGrace)
		defer timer.Stop()
		reason := signal.ReasonReconnectTimeout
		select {
		case <-reattached:
			return
		case <-timer.C:
		case reason = <-p.endReq:
		case <-s.holdQuit:
			reason = signal.ReasonServiceUnavailable
		}
		if !p.markEnding() {
			return // a resume won the race
		}
		if p.room.leave(p, reason) {
			p.log.Info("left", "reason", reason, "why", signal.ReasonText(reason))
		}
		p.close()
	}()
}

// handleResume attaches the session named in m to this websocket, if its
// token matches and it has not ended (PROTOCOL.md §5.8).
func (c *conn) handleResume(m signal.Message) {
	if c.p != nil {
		c.failed(m.ID, signal.Errorf(signal.CodeAlreadyJoined, "this connection already carries a session in room %s", c.p.room.name))
		return
	}
	if m.Version != signal.Version {
		c.failed(m.ID, signal.Errorf(signal.CodeVersion, "protocol version %d is not supported; this server speaks version %d", m.Version, signal.Version))
		return
	}
	p := c.srv.session(m.SessionID)
	// One answer for an unknown session and a wrong token, so that the
	// error tells nothing about which sessions exist.
	if p == nil || subtle.ConstantTimeCompare([]byte(p.resumeToken), []byte(m.ResumeToken)) != 1 {
		c.failed(m.ID, signal.Errorf(signal.CodeResumeFailed, "session %q cannot be resumed (it ended, the server restarted, or the token is wrong): join again", clip(m.SessionID)))
		return
	}
	old, ok := p.room.resume(p, c, m.ID)
	if !ok {
		c.failed(m.ID, signal.Errorf(signal.CodeResumeFailed, "session %q has ended: join again", clip(m.SessionID)))
		return
	}
	if old != nil {
		old.fail(signal.ReasonNetworkCheck, signal.CloseResumed, "resumed on a newer connection")
	}
	c.errs = 0
	c.p = p
	p.sub.resendOffer()
	p.log.Info("resumed", "remote", c.ws.RemoteAddr().String())
}

// resume attaches p, still a member, to c and answers the resume request
// reqID with the room as it is now. Holding the room's mutex keeps room
// notifications from slipping between that picture and the attach.
func (r *room) resume(p *participant, c *conn, reqID string) (old *conn, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i := r.index(p.userID); i < 0 || r.members[i] != p {
		return nil, false
	}
	reply := signal.Message{Type: signal.TypeResumed, ID: reqID, SessionID: p.sessionID, Room: r.name, UserID: p.userID, UserName: p.userName, Role: p.role, Peers: []signal.Peer{}}
	for _, q := range r.members {
		if q != p {
			reply.Peers = append(reply.Peers, q.info())
		}
	}
	return p.attach(c, reply)
}

// addSession makes p findable by its session id for a resume.
func (s *Server) addSession(p *participant) {
	s.mu.Lock()
	s.sessions[p.sessionID] = p
	s.mu.Unlock()
}

// forgetSession ends p's findability; a newer session never has p's id.
func (s *Server) forgetSession(p *participant) {
	s.mu.Lock()
	if s.sessions[p.sessionID] == p {
		delete(s.sessions, p.sessionID)
	}
	s.mu.Unlock()
}

// session returns the live session with id, or nil.
func (s *Server) session(id string) *participant {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions[id]
}
