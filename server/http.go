package server

import (
	"net/http"
	"time"

	"github.com/gorilla/websocket"

	"github.com/confab-rtc/confab/signal"
)

// serveWS upgrades a request to a signaling websocket and serves it until
// it ends: this goroutine is the connection's reader.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.log.Debug("websocket upgrade failed", "remote", r.RemoteAddr, "err", err)
		return // the upgrader has answered with an HTTP error
	}
	c := newConn(s, ws, s.log.With("remote", r.RemoteAddr))
	if !s.addConn(c) {
		_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, "server shutting down"), time.Now().Add(flushWait))
		_ = ws.Close()
		return
	}
	defer s.removeConn(c)
	go c.writer()
	reason := c.serve()
	// Leave before the socket is gone for good, so the room hears of it
	// at once; then let the writer flush and close.
	c.drop(reason)
	c.fail(reason, websocket.CloseNormalClosure, "")
	<-c.done
}

// serveHealth answers 200 while the server accepts connections and 503
// once it is closing.
func (s *Server) serveHealth(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if closed {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(signal.ReasonText(signal.ReasonServiceUnavailable) + "\n"))
		return
	}
	_, _ = w.Write([]byte("ok\n"))
}
