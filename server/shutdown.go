package server

import "github.com/confab-rtc/confab/signal"

// announceShutdown tells every participant, before the server closes the
// connections, that everyone else in its room leaves with reason 3
// (service unavailable): one peer-leave per other participant, then a
// peer-leave about itself with reason 3, which is the client's cue that
// its own session ends because the server goes away (the websocket then
// closes with 1001). Sent here because once the connections are closing,
// the leaves the rooms would send on their own can no longer be queued.
func (s *Server) announceShutdown() {
	s.mu.Lock()
	rooms := make([]*room, 0, len(s.rooms))
	for _, r := range s.rooms {
		rooms = append(rooms, r)
	}
	s.mu.Unlock()
	for _, r := range rooms {
		r.mu.Lock()
		r.shuttingDown = true
		for _, q := range r.members {
			for _, o := range r.members {
				if o != q {
					q.send(signal.Message{Type: signal.TypePeerLeave, UserID: o.userID, Reason: signal.ReasonServiceUnavailable})
				}
			}
			q.send(signal.Message{Type: signal.TypePeerLeave, UserID: q.userID, Reason: signal.ReasonServiceUnavailable})
		}
		r.mu.Unlock()
	}
}
