package call

import (
	"slices"

	"github.com/confab-rtc/confab/signal"
)

// roster is the room as the engine's events have shown it: the remote
// peers by user id. After a resume or a rejoin the server's picture of the
// room (resumed or joined) is compared with it, and only the differences
// become events: a user who reconnects does not see everyone leave and
// join again, and sees what changed while it was away.
type roster map[string]*rosterPeer

// rosterPeer is what the events told of one remote peer.
type rosterPeer struct {
	name string
	role int
	// streams maps each published stream's kind to its mute state.
	streams map[string]bool
}

// note follows a notification from the server; self is the local user,
// whom the roster does not hold.
func (r roster) note(m signal.Message, self string) {
	if m.UserID == self && m.Type != signal.TypeStreamAdded && m.Type != signal.TypeStreamRemoved {
		return
	}
	switch m.Type {
	case signal.TypePeerJoin:
		r[m.UserID] = &rosterPeer{name: m.UserName, role: m.Role, streams: map[string]bool{}}
	case signal.TypePeerLeave:
		delete(r, m.UserID)
	case signal.TypeStreamAdded, signal.TypeStreamUpdated:
		if p := r[streamUser(m)]; p != nil && m.Stream != nil {
			p.streams[m.Stream.Kind] = m.Stream.Muted
		}
	case signal.TypeStreamRemoved:
		if p := r[streamUser(m)]; p != nil && m.Stream != nil {
			delete(p.streams, m.Stream.Kind)
		}
	case signal.TypeMuteChanged:
		if p := r[m.UserID]; p != nil {
			if _, ok := p.streams[m.Kind]; ok {
				p.streams[m.Kind] = m.Muted
			}
		}
	case signal.TypeUserNameChanged:
		if p := r[m.UserID]; p != nil {
			p.name = m.UserName
		}
	case signal.TypeRoleChanged:
		if p := r[m.UserID]; p != nil {
			p.role = m.Role
		}
	}
}

// streamUser is the publisher a stream notification is about.
func streamUser(m signal.Message) string {
	if m.Stream != nil && m.Stream.UserID != "" {
		return m.Stream.UserID
	}
	return m.UserID
}

// sync makes the roster the server's picture, peers, and returns the
// events that take a consumer who saw the old roster there. A peer gone
// from the picture leaves with reason (the engine cannot know the real
// one: the message saying it was lost with the connection); a new peer
// joins as in joined; a known one reports what changed. Events come in
// the order of peers, then the departures in user id order.
func (r roster) sync(peers []signal.Peer, reason int) []Event {
	var out []Event
	seen := make(map[string]bool, len(peers))
	for _, p := range peers {
		seen[p.UserID] = true
		old := r[p.UserID]
		now := &rosterPeer{name: p.UserName, role: p.Role, streams: map[string]bool{}}
		for _, st := range p.Streams {
			now.streams[st.Kind] = st.Muted
		}
		r[p.UserID] = now
		if old == nil {
			out = append(out, PeerJoin{UserID: p.UserID, UserName: p.UserName, Role: p.Role})
			for _, st := range p.Streams {
				out = append(out, StreamAdded{UserID: p.UserID, Kind: st.Kind})
				if st.Muted {
					out = append(out, muteEvent(p.UserID, st.Kind, true))
				}
			}
			continue
		}
		if old.name != now.name {
			out = append(out, RemoteUserNameChanged{UserID: p.UserID, UserName: now.name})
		}
		if old.role != now.role {
			out = append(out, RoleChanged{UserID: p.UserID, Role: now.role})
		}
		for _, kind := range sortedKinds(old.streams) {
			if _, ok := now.streams[kind]; !ok {
				out = append(out, StreamRemoved{UserID: p.UserID, Kind: kind})
			}
		}
		for _, kind := range sortedKinds(now.streams) {
			muted := now.streams[kind]
			wasMuted, had := old.streams[kind]
			switch {
			case !had:
				out = append(out, StreamAdded{UserID: p.UserID, Kind: kind})
				if muted {
					out = append(out, muteEvent(p.UserID, kind, true))
				}
			case muted != wasMuted:
				out = append(out, muteEvent(p.UserID, kind, muted))
			}
		}
	}
	var gone []string
	for id := range r {
		if !seen[id] {
			gone = append(gone, id)
		}
	}
	slices.Sort(gone)
	for _, id := range gone {
		for _, kind := range sortedKinds(r[id].streams) {
			out = append(out, StreamRemoved{UserID: id, Kind: kind})
		}
		out = append(out, PeerLeave{UserID: id, Reason: reason})
		delete(r, id)
	}
	return out
}

// muteEvent is the mute or unmute event of a kind of media.
func muteEvent(userID, kind string, muted bool) Event {
	switch {
	case kind == signal.KindVideo && muted:
		return MuteVideo{UserID: userID}
	case kind == signal.KindVideo:
		return UnmuteVideo{UserID: userID}
	case muted:
		return MuteAudio{UserID: userID}
	}
	return UnmuteAudio{UserID: userID}
}

// sortedKinds lists a stream map's kinds in a fixed order.
func sortedKinds(m map[string]bool) []string {
	kinds := make([]string, 0, len(m))
	for k := range m {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}
