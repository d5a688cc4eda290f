package server

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/confab-rtc/confab/signal"
)

// participant is one joined session: who it is, its two PeerConnections,
// the tracks it publishes and its counters. It lives from a successful
// join until its leave; a new join on the same websocket makes a new one.
type participant struct {
	srv       *Server
	log       *slog.Logger
	userID    string
	userName  string
	role      int
	sessionID string
	// room is set by the joining goroutine before the participant becomes
	// visible to anyone else and never changes afterwards.
	room *room

	// ctx ends the negotiator and bounds waits on the participant's behalf.
	ctx    context.Context
	cancel context.CancelFunc

	sub *subscriber

	// The session's signaling (resume.go), guarded by sigMu: the
	// websocket it is attached to, nil while it waits for a resume; what
	// is queued for the client meanwhile; when it was last attached;
	// reattached, closed when a resume ends a wait; ending, set once the
	// session is on its way out and can no longer be resumed. endReq
	// (capacity 1) carries the reason that ends a detached session early.
	sigMu       sync.Mutex
	conn        *conn
	backlog     []signal.Message
	attachedAt  time.Time
	reattached  chan struct{}
	ending      bool
	endReq      chan int
	resumeToken string

	mu       sync.Mutex
	pub      *webrtc.PeerConnection // created by the first publish offer
	trackIDs map[string]bool        // track ids handed out, for uniqueness
	closed   bool
	wg       sync.WaitGroup // goroutines working for this participant

	// Guarded by room.mu.
	tracks     []*forwarder
	audioMuted bool
	videoMuted bool

	// The signature's expiry (Unix seconds), moved later by renewals;
	// renewed wakes the signature timer (watchSignature), expired is set
	// once the timer ended the session.
	ctime   atomic.Int64
	renewed chan struct{}
	expired atomic.Bool

	// bytesIn and bytesOut count the RTP bytes of packetsIn and packetsOut
	// (as forwarded, after header rewriting); packetsDropped counts
	// received packets not forwarded because they did not parse. Metrics
	// read them (metrics.go).
	bytesIn        atomic.Uint64
	bytesOut       atomic.Uint64
	packetsDropped atomic.Uint64
	// platform is the client's platform string from its join, for
	// webhooks.
	platform string

	packetsIn  atomic.Uint64 // RTP packets received from its publish connection
	packetsOut atomic.Uint64 // RTP packets forwarded to its subscribe connection
	level      audioLevel
	speech     speechWindow // the current window of observed levels (speaking.go)
}

// newParticipant makes the participant of a validated join and starts its
// subscribe negotiator. The caller must close it, joined or not.
func newParticipant(s *Server, c *conn, m signal.Message) (*participant, error) {
	ctx, cancel := context.WithCancel(context.Background())
	p := &participant{
		srv:       s,
		conn:      c,
		userID:    m.UserID,
		userName:  m.UserName,
		role:      m.Role,
		sessionID: newSessionID(),
		ctx:       ctx,
		cancel:    cancel,
		trackIDs:  map[string]bool{},
		platform:  clip(m.Platform),
		renewed:   make(chan struct{}, 1),

		attachedAt:  time.Now(),
		endReq:      make(chan int, 1),
		resumeToken: newSessionID(),
	}
	p.ctime.Store(m.CTime)
	p.log = s.log.With("room", m.Room, "user", m.UserID, "session", p.sessionID)
	sub, err := newSubscriber(p)
	if err != nil {
		cancel()
		return nil, err
	}
	p.sub = sub
	p.spawn(sub.run)
	return p, nil
}

// spawn runs f in a goroutine that close waits for, unless the participant
// is already closed.
func (p *participant) spawn(f func()) bool {
	if !p.enter() {
		return false
	}
	go func() {
		defer p.wg.Done()
		defer func() {
			if v := recover(); v != nil {
				p.crashed("goroutine", v)
			}
		}()
		f()
	}()
	return true
}

// enter registers work done on the participant's behalf by the calling
// goroutine; the caller must call p.wg.Done when it ends. It reports false
// once the participant is closed.
func (p *participant) enter() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.wg.Add(1)
	return true
}

// info describes the participant for joined and peer-join messages. The
// caller holds the room's mutex.
func (p *participant) info() signal.Peer {
	peer := signal.Peer{UserID: p.userID, UserName: p.userName, Role: p.role}
	for _, f := range p.tracks {
		peer.Streams = append(peer.Streams, f.stream)
	}
	return peer
}

// close tears the participant down: its PeerConnections, its negotiator and
// forwarders. It waits for them unless another close is already doing so.
// The caller must not hold the room's mutex, which forwarders take when
// they end.
func (p *participant) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	pub := p.pub
	p.mu.Unlock()
	p.srv.forgetSession(p)
	p.cancel()
	if pub != nil {
		if err := pub.Close(); err != nil {
			p.log.Debug("closing the publish connection", "err", err)
		}
	}
	if err := p.sub.pc.Close(); err != nil {
		p.log.Debug("closing the subscribe connection", "err", err)
	}
	p.wg.Wait()
}
