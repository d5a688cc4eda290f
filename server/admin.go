package server

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/confab-rtc/confab/signal"
)

// Errors of the admin operations.
var (
	// ErrNoSuchUser: the user is not in the room.
	ErrNoSuchUser = errors.New("server: no such user in the room")
	// ErrNoSuchRoom: nobody is in the room.
	ErrNoSuchRoom = errors.New("server: no such room")
)

// bans are the users refused from a room until a time.
type bans struct {
	mu    sync.Mutex
	until map[banKey]time.Time
}

// banKey names one user of one room.
type banKey struct{ room, user string }

// add bans user from room until until, forgetting expired bans at now.
func (b *bans) add(room, user string, until, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.until == nil {
		b.until = map[banKey]time.Time{}
	}
	for k, t := range b.until {
		if !t.After(now) {
			delete(b.until, k)
		}
	}
	b.until[banKey{room, user}] = until
}

// check returns CodeBanned if user is banned from room at now.
func (b *bans) check(room, user string, now time.Time) *signal.Error {
	b.mu.Lock()
	defer b.mu.Unlock()
	t, ok := b.until[banKey{room, user}]
	if !ok || !t.After(now) {
		return nil
	}
	return signal.Errorf(signal.CodeBanned, "you are banned from room %s until %s", room, t.UTC().Format(time.RFC3339))
}

// Kick removes userID from room: the user gets kicked (reason 9), the
// others peer-leave (reason 9), and its websocket closes with
// signal.CloseRemoved. It returns ErrNoSuchUser if the user is not there.
func (s *Server) Kick(room, userID string) error {
	return s.remove(room, userID, signal.ReasonRemoved, 0, "removed by an administrator")
}

// Ban removes userID from room as Kick does but with reason 5 and until
// (Unix seconds) in its kicked message, and refuses its joins to room
// until then with CodeBanned. The ban holds even if the user is not in
// the room; removed reports whether it was.
func (s *Server) Ban(room, userID string, until, now time.Time) (removed bool, err error) {
	if !until.After(now) {
		return false, fmt.Errorf("server: a ban must end in the future")
	}
	s.bans.add(room, userID, until, now)
	err = s.remove(room, userID, signal.ReasonBanned, until.Unix(), "banned by an administrator")
	if errors.Is(err, ErrNoSuchUser) {
		return false, nil
	}
	return err == nil, err
}

// Dismiss ends room for everyone: each member gets kicked (reason 10), the
// others peer-leave (reason 10) as they go, and the room is destroyed. It
// returns ErrNoSuchRoom if nobody is in it.
func (s *Server) Dismiss(room string) error {
	s.mu.Lock()
	r := s.rooms[room]
	s.mu.Unlock()
	if r == nil {
		return ErrNoSuchRoom
	}
	gone := r.dismiss()
	if len(gone) == 0 {
		return ErrNoSuchRoom
	}
	for _, p := range gone {
		p.log.Info("removed: room dismissed by an administrator")
		p.fail(signal.ReasonRoomDismissed, signal.CloseRemoved, "room dismissed")
	}
	return nil
}

// remove takes userID out of room with reason, telling it with a kicked
// message, and closes its websocket; its reader then closes the
// participant.
func (s *Server) remove(room, userID string, reason int, until int64, why string) error {
	s.mu.Lock()
	r := s.rooms[room]
	s.mu.Unlock()
	if r == nil {
		return ErrNoSuchUser
	}
	p := r.kick(userID, reason, until, why)
	if p == nil {
		return ErrNoSuchUser
	}
	p.log.Info("removed by an administrator", "reason", reason, "until", until)
	p.fail(reason, signal.CloseRemoved, why)
	return nil
}

// kick removes member userID with reason after queueing its kicked
// message, and returns it (nil if it is not a member).
func (r *room) kick(userID string, reason int, until int64, why string) *participant {
	r.mu.Lock()
	defer r.mu.Unlock()
	i := r.index(userID)
	if i < 0 {
		return nil
	}
	p := r.members[i]
	p.send(signal.Message{Type: signal.TypeKicked, Reason: reason, Message: why, Until: until})
	r.removeLocked(p, reason)
	return p
}

// dismiss removes every member with reason 10, each told with kicked
// first, and returns them. The last removal closes the room.
func (r *room) dismiss() []*participant {
	r.mu.Lock()
	defer r.mu.Unlock()
	gone := slices.Clone(r.members)
	note := signal.Message{Type: signal.TypeKicked, Reason: signal.ReasonRoomDismissed, Message: "the room was dismissed by an administrator"}
	for _, p := range gone {
		p.send(note)
	}
	for _, p := range gone {
		r.removeLocked(p, signal.ReasonRoomDismissed)
	}
	return gone
}
