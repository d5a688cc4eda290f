package server

import (
	"time"

	"github.com/confab-rtc/confab/signal"
)

// dispatch handles one decoded request from the client. Replies and errors
// carry the request's id; notifications are sent by the room.
func (c *conn) dispatch(m signal.Message) {
	switch m.Type {
	case signal.TypeJoin:
		c.handleJoin(m)
	case signal.TypeLeave:
		c.handleLeave(m)
	case signal.TypeOffer:
		c.handleOffer(m)
	case signal.TypeAnswer:
		c.handleAnswer(m)
	case signal.TypeMute:
		c.handleMute(m)
	case signal.TypeChangeUserName:
		c.handleChangeUserName(m)
	case signal.TypeSwitchRole:
		c.handleSwitchRole(m)
	case signal.TypeRenewSignature:
		c.handleRenewSignature(m)
	case signal.TypeResume:
		c.handleResume(m)
	case signal.TypeSubscribeRooms:
		c.handleSubscribeRooms(m)
	case signal.TypePing:
		c.reply(signal.Message{Type: signal.TypePong, ID: m.ID})
	case signal.TypePong:
		// Its arrival already counted as a sign of life.
	case signal.TypeError:
		c.handleClientError(m)
	default:
		c.failed(m.ID, signal.Errorf(signal.CodeUnknownType, "unknown message type %q", clip(m.Type)))
	}
}

// handleJoin validates a join and makes the connection a participant of
// the room. The checks run cheapest first; the signature is checked last
// so that a malformed join never costs an HMAC.
func (c *conn) handleJoin(m signal.Message) {
	if c.p != nil {
		c.failed(m.ID, signal.Errorf(signal.CodeAlreadyJoined, "this connection already joined room %s; leave first", c.p.room.name))
		return
	}
	if e := c.srv.checkJoin(m, time.Now()); e != nil {
		c.failed(m.ID, e)
		return
	}
	if e := c.srv.bans.check(m.Room, m.UserID, time.Now()); e != nil {
		c.failed(m.ID, e)
		return
	}
	p, err := newParticipant(c.srv, c, m)
	if err != nil {
		c.log.Error("cannot create a participant", "err", err)
		c.failed(m.ID, signal.Errorf(signal.CodeInternal, "cannot set up the session"))
		return
	}
	for {
		r, e := c.srv.room(m.Room)
		if e != nil {
			p.close()
			c.failed(m.ID, e)
			return
		}
		p.room = r
		replaced, e, gone := r.join(p, m.ID)
		if gone {
			continue // it emptied between lookup and join: look again
		}
		if replaced != nil {
			replaced.log.Info("replaced by a new session of the same user")
			replaced.send(signal.Message{Type: signal.TypeKicked, Reason: signal.ReasonBanned, Message: "signed in from another client"})
			replaced.fail(signal.ReasonBanned, signal.CloseReplaced, "replaced by a new session")
		}
		if e != nil {
			p.close()
			c.failed(m.ID, e)
			return
		}
		break
	}
	c.errs = 0
	c.p = p
	c.srv.addSession(p)
	p.spawn(p.watchSignature)
	p.log.Info("joined", "role", p.role, "name", p.userName, "platform", clip(m.Platform))
}

// checkJoin validates a join request at now and returns the error for its
// first problem.
func (s *Server) checkJoin(m signal.Message, now time.Time) *signal.Error {
	if m.Version != signal.Version {
		return signal.Errorf(signal.CodeVersion, "protocol version %d is not supported; this server speaks version %d", m.Version, signal.Version)
	}
	if e := signal.CheckIdentity(m.Room, m.UserID, m.UserName); e != nil {
		return e
	}
	if m.Role != signal.RoleJoiner && m.Role != signal.RolePlayer {
		return signal.Errorf(signal.CodeBadRequest, "role %d is not one of 0 (joiner) or 2 (player)", m.Role)
	}
	if m.AppID != s.cfg.AppID {
		return signal.Errorf(signal.CodeUnknownApp, "app id %q is not served here", clip(m.AppID))
	}
	return signal.VerifyAt(now, s.cfg.AppKey, m.AppID, m.Room, m.UserID, m.CTime, m.Signature)
}

// handleLeave removes the participant from its room with reason 0. The
// connection stays open and may join again.
func (c *conn) handleLeave(m signal.Message) {
	if c.p == nil {
		c.failed(m.ID, notJoined())
		return
	}
	c.leave(signal.ReasonLeft)
	c.reply(signal.Message{Type: signal.TypeOK, ID: m.ID})
}

// leave takes the participant out of its room with reason and closes it.
func (c *conn) leave(reason int) {
	p := c.p
	if p == nil {
		return
	}
	c.p = nil
	if _, ok := p.detach(c, false); !ok {
		return // a resume moved the session to a newer websocket
	}
	if p.room.leave(p, reason) {
		p.log.Info("left", "reason", reason, "why", signal.ReasonText(reason))
	}
	p.close()
}

// handleOffer answers an offer for the publish connection.
func (c *conn) handleOffer(m signal.Message) {
	switch {
	case c.p == nil:
		c.failed(m.ID, notJoined())
	case m.PC != signal.PCPublish:
		c.failed(m.ID, signal.Errorf(signal.CodeBadRequest, "offers from the client must be for pc %q; the server offers %q", signal.PCPublish, signal.PCSubscribe))
	case c.p.role == signal.RolePlayer:
		c.failed(m.ID, signal.Errorf(signal.CodeRoleNoPermission, "player cannot publish"))
	case m.SDP == "":
		c.failed(m.ID, signal.Errorf(signal.CodeBadRequest, "the offer has no sdp"))
	default:
		sdp, e := c.p.answerPublish(c.p.ctx, m.SDP)
		if e != nil {
			c.failed(m.ID, e)
			return
		}
		c.reply(signal.Message{Type: signal.TypeAnswer, ID: m.ID, PC: signal.PCPublish, SDP: sdp})
	}
}

// handleAnswer passes the answer to a subscribe offer to the negotiator.
// A good answer gets no reply: it is itself a reply.
func (c *conn) handleAnswer(m signal.Message) {
	switch {
	case c.p == nil:
		c.failed(m.ID, notJoined())
	case m.PC != signal.PCSubscribe:
		c.failed(m.ID, signal.Errorf(signal.CodeBadRequest, "answers from the client must be for pc %q", signal.PCSubscribe))
	case m.SDP == "":
		c.failed(m.ID, signal.Errorf(signal.CodeBadRequest, "the answer has no sdp"))
	default:
		if e := c.p.sub.deliver(m); e != nil {
			c.failed(m.ID, e)
			return
		}
		c.errs = 0
	}
}

// handleClientError takes an error the client sends about a subscribe
// offer it could not apply; any other error from a client is only logged,
// never answered, so two peers cannot ping-pong errors.
func (c *conn) handleClientError(m signal.Message) {
	if c.p != nil && c.p.sub.deliver(m) == nil {
		return
	}
	c.log.Info("error from the client", "id", m.ID, "code", m.Code, "message", clip(m.Message))
}

// handleMute records and relays a mute or unmute.
func (c *conn) handleMute(m signal.Message) {
	switch {
	case c.p == nil:
		c.failed(m.ID, notJoined())
	case m.Kind != signal.KindAudio && m.Kind != signal.KindVideo:
		c.failed(m.ID, signal.Errorf(signal.CodeBadRequest, "kind must be %q or %q", signal.KindAudio, signal.KindVideo))
	default:
		if e := c.p.room.mute(c.p, m.Kind, m.Muted); e != nil {
			c.failed(m.ID, e)
			return
		}
		c.reply(signal.Message{Type: signal.TypeOK, ID: m.ID})
	}
}

// notJoined is the error for a request that needs a joined session.
func notJoined() *signal.Error {
	return signal.Errorf(signal.CodeNotJoined, "join a room first")
}

// clip shortens a client-supplied string before it is echoed or logged.
func clip(s string) string {
	if len(s) > 64 {
		return s[:61] + "..."
	}
	return s
}
