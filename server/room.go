package server

import (
	"slices"
	"sync"
	"time"

	"github.com/confab-rtc/confab/signal"
)

// room is the set of participants that see and hear each other. Its mutex
// guards membership, every member's published tracks and mute state; it is
// held only for bookkeeping and queueing messages, never while waiting on
// the network, so the packet path and other rooms are never held up.
type room struct {
	name string
	srv  *Server

	mu      sync.Mutex
	members []*participant // in join order
	closed  bool           // emptied and removed from the server
	// mon measures speaking, network quality and stream health
	// (monitor.go); started by the first join, stopped when the room
	// closes.
	mon *monitor
	// Set by the first join (roomevents.go): when this life of the room
	// began and its room session id.
	createdAt time.Time
	sessionID string
	// replacing is set while join removes an older session of the same
	// user: the room must not close when that was its only member, or
	// the new session would join a room the server no longer lists.
	replacing bool
	// shuttingDown is set once the server announced to every member that
	// everyone leaves with reason 3 (shutdown.go): the leaves that follow
	// as the connections close must not be announced a second time.
	shuttingDown bool
}

// join adds p, answering its join request reqID with joined, telling the
// others and attaching every published track to p's subscribe connection.
// A member with the same userId is replaced: it is removed with reason 5
// and returned so the caller can disconnect it. gone reports that the room
// emptied and closed before p got in; the caller then looks it up again.
func (r *room) join(p *participant, reqID string) (replaced *participant, err *signal.Error, gone bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, nil, true
	}
	if i := r.index(p.userID); i >= 0 {
		replaced = r.members[i]
		// The caller tells the replaced session why it goes (kicked,
		// reason 5) and disconnects it.
		r.replacing = true
		r.removeLocked(replaced, signal.ReasonBanned)
		r.replacing = false
	}
	if len(r.members) >= r.srv.cfg.MaxRoomParticipants {
		return replaced, signal.Errorf(signal.CodeRoomFull, "room %s is full (%d participants)", r.name, len(r.members)), false
	}
	joined := signal.Message{Type: signal.TypeJoined, ID: reqID, SessionID: p.sessionID, ResumeToken: p.resumeToken, Room: r.name, UserID: p.userID, UserName: p.userName, Role: p.role, Peers: []signal.Peer{}}
	for _, q := range r.members {
		joined.Peers = append(joined.Peers, q.info())
	}
	// joined goes out before anything the negotiator sends, so the client
	// knows the peers before their tracks arrive.
	p.send(joined)
	note := signal.Message{Type: signal.TypePeerJoin, UserID: p.userID, UserName: p.userName, Role: p.role}
	for _, q := range r.members {
		q.send(note)
		for _, f := range q.tracks {
			r.attachLocked(f, p)
		}
	}
	r.members = append(r.members, p)
	r.startMonitor()
	r.srv.memberJoinedLocked(r, p, time.Now())
	p.sub.kick()
	return replaced, nil, false
}

// leave removes p with reason, telling the others; it reports whether p
// was a member. Closing p is the caller's job, outside the lock.
func (r *room) leave(p *participant, reason int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.index(p.userID) < 0 || r.members[r.index(p.userID)] != p {
		return false
	}
	r.removeLocked(p, reason)
	return true
}

// removeLocked removes member p: its streams end for everyone (with
// stream-removed), then everyone gets peer-leave. The last one out closes
// the room.
func (r *room) removeLocked(p *participant, reason int) {
	r.members = slices.DeleteFunc(r.members, func(q *participant) bool { return q == p })
	for _, f := range p.tracks {
		r.unpublishLocked(f)
	}
	p.tracks = nil
	for _, q := range r.members {
		for _, f := range q.tracks {
			f.removeSub(p)
		}
	}
	if !r.shuttingDown {
		note := signal.Message{Type: signal.TypePeerLeave, UserID: p.userID, Reason: reason}
		for _, q := range r.members {
			q.send(note)
		}
	}
	r.srv.memberLeftLocked(r, p, reason, time.Now())
	if len(r.members) == 0 && !r.replacing {
		r.closed = true
		r.stopMonitor()
		r.srv.dropRoom(r)
	}
}

// publish makes f, a track of member p, available to everyone else. It
// reports false if p is no longer a member, in which case f must not run.
func (r *room) publish(p *participant, f *forwarder) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i := r.index(p.userID); i < 0 || r.members[i] != p {
		return false
	}
	f.stream.Muted = p.mutedLocked(f.stream.Kind)
	p.tracks = append(p.tracks, f)
	note := signal.Message{Type: signal.TypeStreamAdded, UserID: p.userID, Kind: f.stream.Kind}
	st := f.stream
	note.Stream = &st
	for _, q := range r.members {
		if q == p {
			continue
		}
		// stream-added is queued before the negotiator can offer the
		// track, so the client hears of the stream before it arrives.
		q.send(note)
		r.attachLocked(f, q)
	}
	return true
}

// unpublish ends f, a track of p, for everyone. It does nothing if p left
// meanwhile (leaving already ended its tracks).
func (r *room) unpublish(p *participant, f *forwarder) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !slices.Contains(p.tracks, f) {
		return
	}
	p.tracks = slices.DeleteFunc(p.tracks, func(g *forwarder) bool { return g == f })
	r.unpublishLocked(f)
}

// unpublishLocked detaches f from every other member and tells them.
func (r *room) unpublishLocked(f *forwarder) {
	st := f.stream
	note := signal.Message{Type: signal.TypeStreamRemoved, UserID: st.UserID, Kind: st.Kind, Stream: &st}
	for _, q := range r.members {
		if q == f.pub {
			continue
		}
		f.removeSub(q)
		q.sub.unwant(f)
		q.send(note)
	}
}

// attachLocked adds f to q's subscribe connection (at q's next offer).
func (r *room) attachLocked(f *forwarder, q *participant) {
	f.addSub(q)
	q.sub.want(f)
}

// mute records that p muted or unmuted its kind of media and tells the
// others.
func (r *room) mute(p *participant, kind string, muted bool) *signal.Error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i := r.index(p.userID); i < 0 || r.members[i] != p {
		return signal.Errorf(signal.CodeNotJoined, "you are no longer in room %s", r.name)
	}
	if kind == signal.KindVideo {
		p.videoMuted = muted
	} else {
		p.audioMuted = muted
	}
	for _, f := range p.tracks {
		if f.stream.Kind == kind {
			f.stream.Muted = muted
		}
	}
	note := signal.Message{Type: signal.TypeMuteChanged, UserID: p.userID, Kind: kind, Muted: muted}
	for _, q := range r.members {
		if q != p {
			q.send(note)
		}
	}
	// The stream itself changed state: stream-updated carries it whole,
	// as SparkRTC's event does, for clients that track streams.
	for _, f := range p.tracks {
		if f.stream.Kind != kind {
			continue
		}
		st := f.stream
		upd := signal.Message{Type: signal.TypeStreamUpdated, UserID: p.userID, Kind: kind, Stream: &st}
		for _, q := range r.members {
			if q != p {
				q.send(upd)
			}
		}
	}
	return nil
}

// index returns the position of userID among the members, or -1.
func (r *room) index(userID string) int {
	return slices.IndexFunc(r.members, func(q *participant) bool { return q.userID == userID })
}

// mutedLocked reports p's announced mute state for kind. The caller holds
// the room's mutex.
func (p *participant) mutedLocked(kind string) bool {
	if kind == signal.KindVideo {
		return p.videoMuted
	}
	return p.audioMuted
}
