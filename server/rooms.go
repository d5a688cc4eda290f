package server

// room returns the room called name, creating it if nobody is in it. The
// room may close before the caller joins it; room.join then says so and
// the caller looks again.
func (s *Server) room(name string) *room {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.rooms[name]
	if r == nil {
		r = &room{name: name, srv: s}
		s.rooms[name] = r
		s.log.Info("room created", "room", name)
	}
	return r
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
