package server

import (
	"time"

	"github.com/confab-rtc/confab/signal"
)

// handleChangeUserName renames the participant: the name is checked like a
// join's, and everyone in the room, the sender included, is told with
// user-name-changed before the ok.
func (c *conn) handleChangeUserName(m signal.Message) {
	if c.p == nil {
		c.failed(m.ID, notJoined())
		return
	}
	if e := signal.CheckIdentity(c.p.room.name, c.p.userID, m.UserName); e != nil {
		c.failed(m.ID, e)
		return
	}
	if e := c.p.room.rename(c.p, m.UserName); e != nil {
		c.failed(m.ID, e)
		return
	}
	c.p.log.Info("renamed", "name", m.UserName)
	c.reply(signal.Message{Type: signal.TypeOK, ID: m.ID})
}

// handleSwitchRole switches the participant between joiner and player. It
// needs a fresh signature for the same room and user, checked like a
// join's; a later ctime than the session's extends the session. Switching
// to player ends what the participant publishes; switching to joiner lets
// it send a publish offer. Switching to the current role is a no-op ok.
func (c *conn) handleSwitchRole(m signal.Message) {
	p := c.p
	if p == nil {
		c.failed(m.ID, notJoined())
		return
	}
	if m.Role != signal.RoleJoiner && m.Role != signal.RolePlayer {
		c.failed(m.ID, signal.Errorf(signal.CodeBadRequest, "role %d is not one of 0 (joiner) or 2 (player)", m.Role))
		return
	}
	if e := signal.VerifyAt(time.Now(), c.srv.cfg.AppKey, c.srv.cfg.AppID, p.room.name, p.userID, m.CTime, m.Signature); e != nil {
		c.failed(m.ID, e)
		return
	}
	changed, e := p.room.switchRole(p, m.Role)
	if e != nil {
		c.failed(m.ID, e)
		return
	}
	p.extend(m.CTime)
	if changed && m.Role == signal.RolePlayer {
		p.stopPublishing()
	}
	if changed {
		p.log.Info("switched role", "role", m.Role)
	}
	c.reply(signal.Message{Type: signal.TypeOK, ID: m.ID})
}

// rename sets p's name and tells the whole room, p included.
func (r *room) rename(p *participant, name string) *signal.Error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i := r.index(p.userID); i < 0 || r.members[i] != p {
		return signal.Errorf(signal.CodeNotJoined, "you are no longer in room %s", r.name)
	}
	p.userName = name
	note := signal.Message{Type: signal.TypeUserNameChanged, UserID: p.userID, UserName: name}
	for _, q := range r.members {
		q.send(note)
	}
	return nil
}

// switchRole sets p's role and tells the whole room, p included. A switch
// to player ends p's published streams for everyone (stream-removed
// first, then role-changed); closing the publish connection is the
// caller's job, outside the lock. It reports whether the role changed.
func (r *room) switchRole(p *participant, role int) (bool, *signal.Error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i := r.index(p.userID); i < 0 || r.members[i] != p {
		return false, signal.Errorf(signal.CodeNotJoined, "you are no longer in room %s", r.name)
	}
	if p.role == role {
		return false, nil
	}
	p.role = role
	if role == signal.RolePlayer {
		for _, f := range p.tracks {
			r.unpublishLocked(f)
		}
		p.tracks = nil
	}
	note := signal.Message{Type: signal.TypeRoleChanged, UserID: p.userID, Role: role}
	for _, q := range r.members {
		q.send(note)
	}
	r.srv.roleChangedLocked(r, p, time.Now())
	return true, nil
}

// stopPublishing closes the publish connection, which ends its forwarders;
// the next publish offer (after a switch back to joiner) makes a new one.
func (p *participant) stopPublishing() {
	p.mu.Lock()
	pub := p.pub
	p.pub = nil
	p.mu.Unlock()
	if pub != nil {
		if err := pub.Close(); err != nil {
			p.log.Debug("closing the publish connection", "err", err)
		}
	}
}
