package tui

import (
	"fmt"
	"time"
)

// rolePlayer is the role number of a receive-only participant (DESIGN §2).
const rolePlayer = 2

// participant is one row of the view: what the events said about a user and
// the level last polled for them.
type participant struct {
	id    string
	name  string
	role  int
	muted bool
	// audio is whether the user has an audio stream the view knows of
	// (stream-added or first-audio-frame, until stream-removed).
	audio bool
	// level is the volume polled on the last tick, 0-100.
	level int
	// video is whether the user has a video stream; camOff whether they
	// turned their camera off (mute-video) since.
	video, camOff bool
	// uplink and downlink are the user's last network-quality scores,
	// 0-6 (signal.Quality*).
	uplink, downlink int
	// spokeAt is the last tick the user was heard speaking; since is when
	// their current stretch of speech began (see speakorder.go).
	spokeAt, since time.Time
}

// displayName is the name to show: the user name, or the id when the user
// gave none. Both come from the network, so control characters are removed.
func (p participant) displayName() string {
	if p.name != "" {
		return sanitize(p.name)
	}
	return sanitize(p.id)
}

// roleWord is the role as a word, empty for an ordinary joiner.
func (p participant) roleWord() string {
	switch p.role {
	case 0:
		return ""
	case rolePlayer:
		return "player"
	}
	return fmt.Sprintf("role %d", p.role)
}

// roster is the local user plus the remote users in the order they joined.
type roster struct {
	self   participant
	others []participant
}

// find returns the participant with the id, or nil.
func (r *roster) find(id string) *participant {
	if id == r.self.id {
		return &r.self
	}
	for i := range r.others {
		if r.others[i].id == id {
			return &r.others[i]
		}
	}
	return nil
}

// join adds a remote user at the end, or updates name and role in place when
// the user is already listed (a repeated peer-join after a reconnect must not
// move them down the list).
func (r *roster) join(id, name string, role int) {
	if p := r.find(id); p != nil {
		p.name, p.role = name, role
		return
	}
	r.others = append(r.others, participant{id: id, name: name, role: role})
}

// leave removes a remote user and returns them, false when not listed.
func (r *roster) leave(id string) (participant, bool) {
	for i, p := range r.others {
		if p.id == id {
			r.others = append(r.others[:i], r.others[i+1:]...)
			return p, true
		}
	}
	return participant{}, false
}

// name returns the display name of a user, their id when not listed.
func (r *roster) name(id string) string {
	if p := r.find(id); p != nil {
		return p.displayName()
	}
	return sanitize(id)
}
