package server

import (
	"slices"
	"strings"
	"time"

	"github.com/confab-rtc/confab/signal"
)

// RoomInfo is a snapshot of one room.
type RoomInfo struct {
	// Name is the room id.
	Name string
	// Participants are the members in join order.
	Participants []ParticipantInfo
}

// ParticipantInfo is a snapshot of one participant and its media counters.
type ParticipantInfo struct {
	// UserID, UserName and Role are as the participant joined.
	UserID   string
	UserName string
	Role     int
	// SessionID is the id its joined reply carried.
	SessionID string
	// Streams are the tracks it publishes.
	Streams []signal.Stream
	// PacketsReceived counts RTP packets received on its publish
	// connection and forwarded to the room.
	PacketsReceived uint64
	// PacketsForwarded counts RTP packets of other participants' tracks
	// the server wrote towards its subscribe connection, from the moment
	// each track was attached (a few packets may precede the subscribe
	// negotiation and go nowhere).
	PacketsForwarded uint64
	// AudioLevel is the latest RFC 6464 level of its audio, in -dBov
	// (0 loudest, 127 silence), or NoLevel if none arrived yet.
	AudioLevel int
	// Voice is the voice-activity flag of that level.
	Voice bool
	// LevelAt is when that level arrived (zero with NoLevel).
	LevelAt time.Time
	// Detached reports that the participant's websocket dropped and the
	// session waits for a resume (Config.ResumeGrace).
	Detached bool
}

// Rooms returns a snapshot of every room, sorted by name.
func (s *Server) Rooms() []RoomInfo {
	s.mu.Lock()
	rooms := make([]*room, 0, len(s.rooms))
	for _, r := range s.rooms {
		rooms = append(rooms, r)
	}
	s.mu.Unlock()
	slices.SortFunc(rooms, func(a, b *room) int { return strings.Compare(a.name, b.name) })
	out := make([]RoomInfo, 0, len(rooms))
	for _, r := range rooms {
		if info, ok := r.snapshot(); ok {
			out = append(out, info)
		}
	}
	return out
}

// Room returns a snapshot of the room called name, and false if nobody is
// in it.
func (s *Server) Room(name string) (RoomInfo, bool) {
	s.mu.Lock()
	r := s.rooms[name]
	s.mu.Unlock()
	if r == nil {
		return RoomInfo{}, false
	}
	return r.snapshot()
}

// Participant returns a snapshot of userID in room, and false if the user
// is not there.
func (s *Server) Participant(room, userID string) (ParticipantInfo, bool) {
	info, ok := s.Room(room)
	if !ok {
		return ParticipantInfo{}, false
	}
	for _, p := range info.Participants {
		if p.UserID == userID {
			return p, true
		}
	}
	return ParticipantInfo{}, false
}

// snapshot describes the room; false if it has closed.
func (r *room) snapshot() (RoomInfo, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return RoomInfo{}, false
	}
	info := RoomInfo{Name: r.name, Participants: make([]ParticipantInfo, 0, len(r.members))}
	for _, p := range r.members {
		level, voice, at := p.level.load()
		info.Participants = append(info.Participants, ParticipantInfo{
			UserID:           p.userID,
			UserName:         p.userName,
			Role:             p.role,
			SessionID:        p.sessionID,
			Streams:          p.info().Streams,
			PacketsReceived:  p.packetsIn.Load(),
			PacketsForwarded: p.packetsOut.Load(),
			AudioLevel:       level,
			Voice:            voice,
			LevelAt:          at,
			Detached:         p.detached(),
		})
	}
	return info, true
}
