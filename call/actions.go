package call

import (
	"fmt"

	"github.com/confab-rtc/confab/audio"

	"github.com/confab-rtc/confab/signal"
)

// SetUserName asks the server to rename the local user. Everyone in the
// room, the local user included, then sees RemoteUserNameChanged; a name
// the protocol refuses, or a rename before the join completed, is an
// Error event.
func (e *Engine) SetUserName(name string) {
	e.do(func(s *session) { s.changeUserName(name) })
}

// SwitchRole switches the local user to signal.RoleJoiner (publish and
// receive) or signal.RolePlayer (receive only). The server wants a fresh
// signature for it, which the engine gets from Params.Renew (it may take
// a while, so it runs off the engine's goroutine). After the server's ok
// the engine starts publishing its Source (joiner) or stops publishing
// (player); everyone sees RoleChanged. Without Params.Renew, or when it
// or the server refuses, an Error event says why and the role stays.
func (e *Engine) SwitchRole(role int) {
	if role != signal.RoleJoiner && role != signal.RolePlayer {
		e.events.emit(Error{Code: signal.CodeBadRequest, Message: fmt.Sprintf("role %d is not one of 0 (joiner) or 2 (player)", role)})
		return
	}
	renew := e.p.Renew
	if renew == nil {
		e.events.emit(Error{Code: signal.CodeAuthFailed, Message: "switching role needs a fresh access signature, and this client has no way to make one: give it app credentials or a token command"})
		return
	}
	go func() {
		sig, ctime, err := renew(e.cfg.Room, e.cfg.UserID)
		if err != nil {
			e.events.emit(Error{Code: signal.CodeAuthFailed, Message: "cannot make a fresh access signature to switch role: " + err.Error()})
			return
		}
		e.do(func(s *session) { s.switchRole(role, sig, ctime) })
	}()
}

// changeUserName sends the rename request; the server's user-name-changed
// notification, not the ok, produces the event.
func (s *session) changeUserName(name string) {
	if s.state != StateConnected {
		s.e.events.emit(Error{Code: signal.CodeNotJoined, Message: "cannot rename before joining the room"})
		return
	}
	if e := signal.CheckIdentity(s.e.cfg.Room, s.e.cfg.UserID, name); e != nil {
		s.e.events.emit(Error{Code: e.Code, Message: e.Message})
		return
	}
	err := s.request(signal.Message{Type: signal.TypeChangeUserName, UserName: name}, func(m signal.Message) {
		if m.Type == signal.TypeError {
			s.e.events.emit(Error{Code: m.Code, Message: "the server refused the new name: " + m.Message})
		}
	})
	if err != nil {
		s.e.log.Warn("cannot send the rename", "err", err)
	}
}

// switchRole sends the switchRole request and, once the server agrees,
// starts or stops publishing.
func (s *session) switchRole(role int, sig string, ctime int64) {
	if s.state != StateConnected {
		s.e.events.emit(Error{Code: signal.CodeNotJoined, Message: "cannot switch role before joining the room"})
		return
	}
	err := s.request(signal.Message{Type: signal.TypeSwitchRole, Role: role, Signature: sig, CTime: ctime}, func(m signal.Message) {
		if m.Type == signal.TypeError {
			s.e.events.emit(Error{Code: m.Code, Message: "the server refused the role switch: " + m.Message})
			return
		}
		s.role = role
		if ctime >= s.ctime {
			s.sig, s.ctime = sig, ctime // for a join after a server restart
		}
		switch {
		case role == signal.RolePlayer:
			s.stopPublishing()
		case s.pub == nil && s.e.p.Source != nil:
			if err := s.startPublishing(s.ctx); err != nil {
				s.fail(signal.CodeInternal, "cannot publish the microphone: %v", err)
			}
		}
	})
	if err != nil {
		s.e.log.Warn("cannot send the role switch", "err", err)
	}
}

// stopPublishing ends the send loop and closes the publish connection (the
// server has already closed its side); a later switch to joiner makes a
// new one.
func (s *session) stopPublishing() {
	if s.pubStop != nil {
		s.pubStop()
		s.pubStop = nil
	}
	// The next send loop must not read the source while this one does.
	if s.pubDone != nil {
		<-s.pubDone
		s.pubDone = nil
	}
	s.pubAnswered, s.pubRestarting = false, false
	if s.pub != nil {
		if err := s.pub.close(); err != nil {
			s.e.log.Debug("closing the publish connection", "err", err)
		}
		s.pub = nil
		s.e.live.setPublisher(nil, audio.EncoderConfig{})
	}
	s.enc = nil
}
