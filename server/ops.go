package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/confab-rtc/confab/signal"
)

// maxAdminBody bounds the JSON body of an admin request.
const maxAdminBody = 64 << 10

// initOps sets up the operations side of a new server (webhooks, metrics)
// and mounts its HTTP routes: GET /v1/rooms, POST /v1/admin/{kick,ban,
// dismiss} and GET /metrics (PROTOCOL.md §15).
func (s *Server) initOps() error {
	hooks, err := newWebhooks(s.cfg, s.log)
	if err != nil {
		return err
	}
	s.hooks = hooks
	s.metrics = newMetrics(s)
	s.mux.HandleFunc("GET /v1/rooms", s.serveRooms)
	s.mux.HandleFunc("POST /v1/admin/kick", s.serveKick)
	s.mux.HandleFunc("POST /v1/admin/ban", s.serveBan)
	s.mux.HandleFunc("POST /v1/admin/dismiss", s.serveDismiss)
	s.mux.Handle("GET /metrics", metricsHandler(s.metrics))
	return nil
}

// handleSubscribeRooms subscribes a connection that has not joined to the
// live room list, after checking its lobby signature.
func (c *conn) handleSubscribeRooms(m signal.Message) {
	if c.p != nil {
		c.failed(m.ID, signal.Errorf(signal.CodeAlreadyJoined, "a joined connection cannot subscribe to the room list; use another connection"))
		return
	}
	if e := c.srv.checkLobby(m.AppID, m.UserID, m.CTime, m.Signature, time.Now(), signal.LobbyRoom); e != nil {
		c.failed(m.ID, e)
		return
	}
	c.errs = 0
	c.srv.lobby.subscribe(c, m.ID)
	c.log.Info("subscribed to the room list", "user", m.UserID)
}

// checkLobby verifies a signature made for one of rooms (LobbyRoom,
// AdminRoom) at now.
func (s *Server) checkLobby(appID, userID string, ctime int64, sig string, now time.Time, rooms ...string) *signal.Error {
	if appID != s.cfg.AppID {
		return signal.Errorf(signal.CodeUnknownApp, "app id %q is not served here", clip(appID))
	}
	if !signal.ValidID(userID) {
		return signal.Errorf(signal.CodeInvalidUserID, "user id %q must be 1-64 characters of A-Z, a-z, 0-9, _ or -", clip(userID))
	}
	var e *signal.Error
	for _, room := range rooms {
		if e = signal.VerifyAt(now, s.cfg.AppKey, appID, room, userID, ctime, sig); e == nil || e.Code != signal.CodeAuthFailed {
			return e
		}
	}
	return e
}

// authorize checks the request's "Authorization: Bearer
// appId:userId:ctime:signature" against rooms at now and returns the
// userId; otherwise it has answered 401 and returns false.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, now time.Time, rooms ...string) (string, bool) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	parts := strings.Split(token, ":")
	var e *signal.Error
	if !ok || len(parts) != 4 {
		e = signal.Errorf(signal.CodeAuthFailed, "send Authorization: Bearer appId:userId:ctime:signature")
	} else if ctime, err := strconv.ParseInt(parts[2], 10, 64); err != nil {
		e = signal.Errorf(signal.CodeAuthFailed, "the ctime of the Bearer token is not a number")
	} else {
		e = s.checkLobby(parts[0], parts[1], ctime, parts[3], now, rooms...)
	}
	if e != nil {
		w.Header().Set("WWW-Authenticate", `Bearer realm="confab"`)
		writeError(w, http.StatusUnauthorized, e)
		return "", false
	}
	return parts[1], true
}

// serveRooms answers the live room list, sorted by room id.
func (s *Server) serveRooms(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.authorize(w, r, time.Now(), signal.LobbyRoom, signal.AdminRoom); !ok {
		return
	}
	writeJSON(w, http.StatusOK, s.lobby.list())
}

// AdminRequest is the JSON body of the admin endpoints.
type AdminRequest struct {
	Room   string `json:"room"`
	UserID string `json:"userId,omitempty"`
	// Duration of a ban, in seconds.
	Duration int64 `json:"duration,omitempty"`
}

// AdminReply is the JSON answer of a successful admin request.
type AdminReply struct {
	OK bool `json:"ok"`
	// Removed says whether a banned user was in the room.
	Removed bool `json:"removed,omitempty"`
	// Until is when a ban ends, Unix seconds.
	Until int64 `json:"until,omitempty"`
}

// adminRequest authorizes and decodes an admin request; withUser also
// requires a valid userId. It answers the error itself and returns false.
func (s *Server) adminRequest(w http.ResponseWriter, r *http.Request, withUser bool) (AdminRequest, string, bool) {
	var req AdminRequest
	admin, ok := s.authorize(w, r, time.Now(), signal.AdminRoom)
	if !ok {
		return req, "", false
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, maxAdminBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, signal.Errorf(signal.CodeMalformed, "the body must be a JSON object with room and userId: %v", err))
		return req, "", false
	}
	user := req.UserID
	if !withUser {
		user = "x" // any valid id: only the room is checked
	}
	if e := signal.CheckIdentity(req.Room, user, ""); e != nil {
		writeError(w, http.StatusBadRequest, e)
		return req, "", false
	}
	return req, admin, true
}

// serveKick removes a user from a room (reason 9).
func (s *Server) serveKick(w http.ResponseWriter, r *http.Request) {
	req, admin, ok := s.adminRequest(w, r, true)
	if !ok {
		return
	}
	if err := s.Kick(req.Room, req.UserID); err != nil {
		writeAdminError(w, err)
		return
	}
	s.log.Info("admin kick", "admin", admin, "room", req.Room, "user", req.UserID)
	writeJSON(w, http.StatusOK, AdminReply{OK: true})
}

// serveBan removes a user (reason 5) and refuses its rejoins for the
// duration.
func (s *Server) serveBan(w http.ResponseWriter, r *http.Request) {
	req, admin, ok := s.adminRequest(w, r, true)
	if !ok {
		return
	}
	if req.Duration <= 0 || req.Duration > 366*24*3600 {
		writeError(w, http.StatusBadRequest, signal.Errorf(signal.CodeBadRequest, "duration must be 1 to 31622400 seconds"))
		return
	}
	now := time.Now()
	// Whole seconds, so that the until every client is told is exact.
	until := time.Unix(now.Unix()+req.Duration, 0)
	removed, err := s.Ban(req.Room, req.UserID, until, now)
	if err != nil {
		writeAdminError(w, err)
		return
	}
	s.log.Info("admin ban", "admin", admin, "room", req.Room, "user", req.UserID, "until", until.UTC(), "removed", removed)
	writeJSON(w, http.StatusOK, AdminReply{OK: true, Removed: removed, Until: until.Unix()})
}

// serveDismiss ends a room for everyone (reason 10).
func (s *Server) serveDismiss(w http.ResponseWriter, r *http.Request) {
	req, admin, ok := s.adminRequest(w, r, false)
	if !ok {
		return
	}
	if err := s.Dismiss(req.Room); err != nil {
		writeAdminError(w, err)
		return
	}
	s.log.Info("admin dismiss", "admin", admin, "room", req.Room)
	writeJSON(w, http.StatusOK, AdminReply{OK: true})
}

// writeAdminError answers an admin operation's error: 404 for a user or
// room that is not there.
func writeAdminError(w http.ResponseWriter, err error) {
	if errors.Is(err, ErrNoSuchUser) || errors.Is(err, ErrNoSuchRoom) {
		writeError(w, http.StatusNotFound, signal.Errorf(signal.CodeNotJoined, "%s", strings.TrimPrefix(err.Error(), "server: ")))
		return
	}
	writeError(w, http.StatusBadRequest, signal.Errorf(signal.CodeBadRequest, "%s", err.Error()))
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// ErrorReply is the JSON body of an HTTP error: the protocol's code and
// message.
type ErrorReply struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// writeError answers e with status.
func writeError(w http.ResponseWriter, status int, e *signal.Error) {
	writeJSON(w, status, ErrorReply{Code: e.Code, Message: e.Message})
}
