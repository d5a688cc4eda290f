package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/pion/webrtc/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/confab-rtc/confab/signal"
)

// shutdownWait bounds how long Close waits for plain HTTP requests
// (health checks) in flight.
const shutdownWait = 5 * time.Second

// Server is a room server. Make one with New, serve it with Run (or mount
// Handler in your own HTTP server) and stop it with Close or by cancelling
// Run's context.
type Server struct {
	cfg      Config
	log      *slog.Logger
	api      *webrtc.API
	tls      *tls.Config // nil: plain HTTP
	upgrader websocket.Upgrader
	mux      *http.ServeMux

	mu      sync.Mutex
	rooms   map[string]*room
	conns   map[*conn]struct{}
	ln      net.Listener
	httpSrv *http.Server
	running bool
	closed  bool
	connWG  sync.WaitGroup // one per websocket handler

	// sessions finds a joined participant by session id for a resume;
	// holdWG counts the detached sessions waiting for one (resume.go),
	// which end when holdQuit closes.
	sessions map[string]*participant
	holdWG   sync.WaitGroup
	holdQuit chan struct{}

	// Operations (roomevents.go): the live room list, bans, webhooks,
	// metrics and the media counters of those who left.
	lobby   lobby
	bans    bans
	hooks   *webhooks
	metrics *prometheus.Registry
	totals  totals

	// faults are the tests' fault-injection points (recover.go).
	faults faultHooks
}

// New checks cfg, fills in defaults and builds a server. logger may be nil
// to log nothing.
func New(cfg Config, logger *slog.Logger) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	api, err := newAPI(cfg.ICE, logger)
	if err != nil {
		return nil, fmt.Errorf("server: building the WebRTC API: %w", err)
	}
	s := &Server{
		cfg:   cfg,
		log:   logger,
		api:   api,
		rooms: map[string]*room{},
		conns: map[*conn]struct{}{},

		sessions: map[string]*participant{},
		holdQuit: make(chan struct{}),
		upgrader: websocket.Upgrader{
			HandshakeTimeout: 10 * time.Second,
			// Outgoing SDP of a big room is the largest frame.
			WriteBufferSize: 16 << 10,
		},
	}
	if cfg.TLSCertFile != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCertFile, cfg.TLSKeyFile)
		if err != nil {
			return nil, fmt.Errorf("%w: TLS certificate: %v", ErrConfig, err)
		}
		s.tls = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET /v1/ws", s.serveWS)
	s.mux.HandleFunc("GET /healthz", s.serveHealth)
	if err := s.initOps(); err != nil {
		return nil, err
	}
	return s, nil
}

// Handler returns the server's HTTP routes: GET /v1/ws (websocket
// signaling, signal/PROTOCOL.md) and GET /healthz (200 "ok" while the
// server accepts connections).
func (s *Server) Handler() http.Handler { return s.mux }

// Listen binds Config.Listen, so that Addr is known before Run serves. Run
// calls it if it was not called; calling it twice is harmless.
func (s *Server) Listen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if s.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	if s.tls != nil {
		ln = tls.NewListener(ln, s.tls)
	}
	s.ln = ln
	return nil
}

// TLS reports whether Run serves HTTPS and wss:// (Config.TLSCertFile).
func (s *Server) TLS() bool { return s.tls != nil }

// Addr returns the address the server listens on, or nil before Listen
// (or Run) has bound it.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Run serves HTTP on Config.Listen until ctx is done, then closes the
// server (every participant leaves with reason 3) and returns nil. It
// returns an error if it cannot listen or serving fails.
func (s *Server) Run(ctx context.Context) error {
	if err := s.Listen(); err != nil {
		return err
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	if s.running {
		s.mu.Unlock()
		return ErrRunning
	}
	s.running = true
	hs := &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.httpSrv = hs
	ln := s.ln
	s.mu.Unlock()
	s.log.Info("room server listening", "addr", ln.Addr().String())

	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	var err error
	select {
	case <-ctx.Done():
	case err = <-served:
		served <- err // for the wait below
	}
	s.Close()
	if serr := <-served; err == nil && !errors.Is(serr, http.ErrServerClosed) {
		err = serr
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// Close stops the server: it stops accepting connections, ends every
// session (their peers are told reason 3, service unavailable, and each
// websocket gets close code 1001) and waits for all of the server's
// goroutines. It is idempotent and safe to call concurrently with Run.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.connWG.Wait()
		s.holdWG.Wait()
		return nil
	}
	s.closed = true
	hs, ln := s.httpSrv, s.ln
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()

	var err error
	if hs != nil {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownWait)
		err = hs.Shutdown(ctx)
		cancel()
	} else if ln != nil {
		err = ln.Close()
	}
	s.announceShutdown()
	close(s.holdQuit) // detached sessions leave with reason 3 too
	for _, c := range conns {
		c.fail(signal.ReasonServiceUnavailable, websocket.CloseGoingAway, "server shutting down")
	}
	s.connWG.Wait()
	s.holdWG.Wait() // after connWG: only connection handlers start holds
	s.hooks.close() // after every leave was queued
	return err
}

// addConn registers a new websocket; it reports false once the server is
// closed, and the caller must then drop the connection.
func (s *Server) addConn(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	s.connWG.Add(1)
	return true
}

// removeConn forgets a websocket whose handler is done.
func (s *Server) removeConn(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.lobby.unsubscribe(c)
	s.connWG.Done()
}
