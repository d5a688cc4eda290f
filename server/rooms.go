package server

import "github.com/confab-rtc/confab/signal"

// room returns the room called name, creating it if nobody is in it, or
// CodeTooManyRooms when creating it would exceed Config.MaxRooms. The
// room may close before the caller joins it; room.join then says so and
// the caller looks again.
func (s *Server) room(name string) (*room, *signal.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.rooms[name]
	if r == nil {
		if len(s.rooms) >= s.cfg.MaxRooms {
			return nil, signal.Errorf(signal.CodeTooManyRooms, "the server already holds its limit of %d rooms: join an existing room or try later", s.cfg.MaxRooms)
		}
		r = &room{name: name, srv: s}
		s.rooms[name] = r
		s.log.Info("room created", "room", name)
	}
	return r, nil
}

// dropRoom forgets r, which just became empty. It is called with r's mutex
// held: the lock order is room, then server, never the reverse.
func (s *Server) dropRoom(r *room) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rooms[r.name] == r {
		delete(s.rooms, r.name)
		s.log.Info("room destroyed", "room", r.name)
	}
}
