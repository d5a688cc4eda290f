package call

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/transport/v4"
	"github.com/pion/webrtc/v4"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/signal"
)

// Engine is one participant's call. Create it with New, run it with Run;
// the other methods may be called from any goroutine at any time.
type Engine struct {
	cfg Config
	p   Params
	log *slog.Logger

	events *eventQueue
	mixer  *audio.Mixer // nil when nothing plays remote audio
	meter  audio.Meter  // the local microphone level
	muted  atomic.Bool

	// micMeter is the microphone's level before mute, so a user can check
	// the microphone without unmuting.
	micMeter audio.Meter
	// chime is the speaker test tone, made on first use (testtone.go).
	chime chimeOnce

	actions   chan func(*session)
	leave     chan struct{}
	leaveOnce sync.Once
	runOnce   atomic.Bool
	done      chan struct{}

	// live is what Stats reads of the current session (stats.go).
	live liveMedia
	// interceptors are placed closest to the network on every
	// PeerConnection; tests put a lossy link there.
	interceptors []interceptor.Factory
	// net, when set, is the network the PeerConnections' sockets are
	// made on; tests cut it (internal/netcut).
	net transport.Net
	// iceRestarts counts the publish connection's ICE restarts and
	// subOffers the subscribe offers answered, for tests.
	iceRestarts atomic.Int64
	subOffers   atomic.Int64
}

// New makes an engine; nothing happens until Run.
func New(cfg Config, p Params) *Engine {
	cfg = cfg.withDefaults()
	if p.Logger == nil {
		p.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	e := &Engine{
		cfg:     cfg,
		p:       p,
		log:     p.Logger.With("room", cfg.Room, "user", cfg.UserID),
		events:  newEventQueue(),
		actions: make(chan func(*session), 16),
		leave:   make(chan struct{}),
		done:    make(chan struct{}),

		interceptors: p.Interceptors,
	}
	if len(p.Outputs) > 0 {
		e.mixer = audio.NewMixer(audio.MixerConfig{
			// One switch for the low-latency mode: the frames we send and
			// the ticks we play are the same length.
			FrameSamples: cfg.mixerFrameSamples(),
			OnFirstFrame: func(id string) { e.events.emit(FirstAudioFrame{UserID: id}) },
		})
		for _, o := range p.Outputs {
			e.mixer.AddOutput(o)
		}
		if p.Processor != nil {
			e.mixer.AddOutput(p.Processor) // the echo reference
		}
	}
	return e
}

// Events is the ordered stream of the call's events. It is closed after
// Run returns and every event has been read.
func (e *Engine) Events() <-chan Event { return e.events.out }

// Emit adds an event that the caller observed about this call (for
// example a device problem found while opening devices) to the stream.
func (e *Engine) Emit(ev Event) { e.events.emit(ev) }

// UserID is the local user's id.
func (e *Engine) UserID() string { return e.cfg.UserID }

// Room is the room's id.
func (e *Engine) Room() string { return e.cfg.Room }

// Level is a remote user's current audio level, 0-100.
func (e *Engine) Level(userID string) int {
	if e.mixer == nil {
		return 0
	}
	return e.mixer.Level(userID)
}

// LocalLevel is the local microphone's level, 0-100 (0 while muted).
func (e *Engine) LocalLevel() int { return e.meter.Level() }

// MicLevel is the microphone's level, 0-100, also while muted: what the
// microphone hears after audio processing, before mute silences it. It
// is 0 while nothing is published (a player, no microphone).
func (e *Engine) MicLevel() int { return e.micMeter.Level() }

// MicMuted reports whether the local microphone is muted.
func (e *Engine) MicMuted() bool { return e.muted.Load() }

// SetMicMuted mutes or unmutes the microphone: the send loop sends silence
// from the next frame on, and the room is told.
func (e *Engine) SetMicMuted(muted bool) {
	if e.muted.Swap(muted) == muted {
		return
	}
	e.do(func(s *session) { s.sendMute(muted) })
}

// Leave ends the call: the room is told and Run returns ErrLeft.
func (e *Engine) Leave() { e.leaveOnce.Do(func() { close(e.leave) }) }

// Close abandons event delivery (for a consumer that stops reading) and
// waits for Run to end. It is safe to call more than once.
func (e *Engine) Close() {
	e.Leave()
	e.events.abandon()
	if e.runOnce.Load() {
		<-e.done
	}
}

func (e *Engine) do(f func(*session)) {
	select {
	case e.actions <- f:
	case <-e.done:
	}
}

// Run joins the room and runs the call until the user leaves (ErrLeft),
// ctx ends (nil, after telling the room), or the call fails (the error,
// which was also emitted as an Error event).
func (e *Engine) Run(ctx context.Context) error {
	if e.runOnce.Swap(true) {
		return errors.New("call: Run called twice")
	}
	defer close(e.done)
	defer e.events.close()
	s := &session{
		e: e, state: StateDisconnected, pending: map[string]func(signal.Message){},
		sig: e.cfg.Signature, ctime: e.cfg.CTime, roster: roster{}, rc: newReconnector(),
		joinDone: make(chan error, 1), iceKick: make(chan struct{}, 1),
	}
	err := s.run(ctx)
	s.teardown()
	s.setState(StateDisconnected)
	return err
}

// session is the state of one Run, owned by the Run goroutine.
type session struct {
	e     *Engine
	state ConnState
	conn  *sigConn
	peers peerMaker

	nextID  int
	pending map[string]func(signal.Message)

	pub     *publisher
	sub     *subscriber
	enc     *audio.Encoder
	cancel  context.CancelFunc
	workers sync.WaitGroup
	workErr chan error

	lastRecv time.Time
	leaving  bool  // set once the user leaves: no more renegotiation
	ended    error // set when the server ends the session (kicked, expired)

	// Reconnection (reconnect.go): the session to resume and its token,
	// the latest signature for a new join, the room as the events showed
	// it, and the retry state while the connection is down. joinDone
	// takes the outcome of a join's reply.
	sessionID, resumeToken string
	sig                    string
	ctime                  int64
	roster                 roster
	rc                     *reconnector
	joinDone               chan error
	mixerStarted           bool
	// serverMuted is the mute state the server acknowledged.
	serverMuted bool
	// ICE restart (icerestart.go): iceKick wakes the engine when a
	// connection lost its path; pubAnswered is set once the publish
	// connection is negotiated and pubRestarting while a restart is in
	// flight; probing while a ping checks the websocket.
	iceKick       chan struct{}
	pubAnswered   bool
	pubRestarting bool
	probing       bool
	// pubRestartAt is when the last ICE restart was sent; iceRetry fires
	// when it should have connected (icerestart.go).
	pubRestartAt time.Time
	iceRetry     *time.Timer
	// pubDone is closed when the send loop of the publish connection ends.
	pubDone chan struct{}

	// ctx is Run's context, for publishing started by an action
	// (actions.go); role is the session's current role; pubStop ends the
	// send loop of the current publish connection.
	ctx     context.Context
	role    int
	pubStop context.CancelFunc
}

// onTokenWillExpire renews the signature when the engine can make one.
func (s *session) onTokenWillExpire(ctime int64) {
	renew := s.e.p.Renew
	if renew == nil {
		return
	}
	go func() {
		sig, newCTime, err := renew(s.e.cfg.Room, s.e.cfg.UserID)
		if err != nil {
			s.e.events.emit(Error{Code: signal.CodeAuthFailed, Message: "cannot renew the access signature: " + err.Error()})
			return
		}
		s.e.do(func(s *session) {
			_ = s.request(signal.Message{Type: signal.TypeRenewSignature, Signature: sig, CTime: newCTime}, func(m signal.Message) {
				if m.Type == signal.TypeError {
					s.e.events.emit(Error{Code: m.Code, Message: "the server refused the renewed signature: " + m.Message})
					return
				}
				s.sig, s.ctime = sig, newCTime // for a join after a server restart
			})
		})
	}()
}

func (s *session) setState(st ConnState) {
	if s.state == st {
		return
	}
	s.e.events.emit(ConnectionStateChanged{Prev: s.state, Cur: st})
	s.state = st
}

func (s *session) fail(code int, format string, args ...any) error {
	err := signal.Errorf(code, format, args...)
	s.e.events.emit(Error{Code: err.Code, Message: err.Message})
	return err
}

func (s *session) request(m signal.Message, onReply func(signal.Message)) error {
	if s.conn == nil {
		return errNotConnected
	}
	s.nextID++
	m.ID = strconv.Itoa(s.nextID)
	if onReply != nil {
		s.pending[m.ID] = onReply
	}
	return s.conn.send(m)
}

func (s *session) run(ctx context.Context) error {
	e := s.e
	ctx, s.cancel = context.WithCancel(ctx)
	s.ctx, s.role = ctx, e.cfg.Role
	s.workErr = make(chan error, 4)
	s.setState(StateConnecting)

	s.peers = peerMaker{log: e.log, first: e.interceptors, net: e.net}

	dctx, dcancel := context.WithTimeout(ctx, e.cfg.JoinTimeout)
	conn, err := dialSignal(dctx, e.cfg.ServerURL, e.cfg.TLSPin)
	dcancel()
	if se := (*signal.Error)(nil); errors.As(err, &se) {
		return s.fail(se.Code, "%s", se.Message) // TLS: its own code and advice
	}
	if err != nil {
		return s.fail(signal.CodeWebsocketConnect, "cannot reach the room server at %s: %v. Check that the server runs and the URL is right", e.cfg.ServerURL, err)
	}
	s.conn = conn
	s.lastRecv = time.Now()
	s.conn.setReadDeadline(time.Now().Add(e.cfg.JoinTimeout))

	err = s.request(s.joinMessage(), func(m signal.Message) { s.joinDone <- s.onJoinReply(ctx, m) })
	if err != nil {
		return s.fail(signal.CodeWebsocketConnect, "cannot send the join: %v", err)
	}

	ping := time.NewTicker(e.cfg.KeepAlive / 2)
	defer ping.Stop()
	for {
		var in <-chan signal.Message
		if s.conn != nil {
			in = s.conn.in
		}
		select {
		case m, ok := <-in:
			if !ok {
				if err := s.onConnLost(); err != nil {
					return err
				}
				continue
			}
			s.lastRecv = time.Now()
			s.probing = false
			s.conn.setReadDeadline(s.lastRecv.Add(3 * e.cfg.KeepAlive))
			s.handle(m)
		case err := <-s.joinDone:
			if err != nil {
				return err
			}
		case <-timerC(s.rc.retry):
			s.redial(ctx)
		case d := <-s.rc.dialed:
			s.onRedial(ctx, d)
		case <-timerC(s.rc.giveUp):
			return s.giveUp()
		case <-s.iceKick:
			s.checkICE()
		case <-timerC(s.iceRetry):
			s.iceRetry = nil
			s.checkICE()
		case f := <-e.actions:
			f(s)
		case err := <-s.workErr:
			s.e.log.Warn("media worker stopped", "err", err)
		case <-ping.C:
			if s.conn != nil && time.Since(s.lastRecv) >= e.cfg.KeepAlive {
				_ = s.conn.send(signal.Message{Type: signal.TypePing})
			}
			// A restart whose path failed again, or one that could not
			// start while the connection was down.
			s.checkICE()
		case <-e.leave:
			s.sayGoodbye()
			return ErrLeft
		case <-ctx.Done():
			s.sayGoodbye()
			return nil
		}
	}
}

// onJoinReply handles the join's reply: on success the session is
// connected, the peers already there are reported and publishing starts.
func (s *session) onJoinReply(ctx context.Context, m signal.Message) error {
	if m.Type == signal.TypeError {
		return s.fail(m.Code, "%s", m.Message)
	}
	if m.Type != signal.TypeJoined {
		return s.fail(signal.CodeInternal, "unexpected reply %q to join", m.Type)
	}
	s.sessionID, s.resumeToken = m.SessionID, m.ResumeToken
	rejoined := s.rc.active
	if rejoined {
		s.e.log.Info("joined again", "after", time.Since(s.rc.lostAt).Round(time.Millisecond), "attempts", s.rc.attempt)
		s.rc.end()
	}
	s.serverMuted = false
	s.setState(StateConnected)
	// The first join reports everyone there; a join after the server lost
	// the session reports only what differs from before, and those no
	// longer there as gone with reason 1 (the server lost their state).
	for _, ev := range s.roster.sync(m.Peers, signal.ReasonServerException) {
		s.e.events.emit(ev)
	}
	if s.e.mixer != nil && !s.mixerStarted {
		s.mixerStarted = true
		s.startWorker(ctx, func(ctx context.Context) error {
			pacer := s.e.p.Pacer
			if pacer == nil {
				pacer = audio.NewClockPacer(time.Now())
			}
			return s.e.mixer.Run(ctx, pacer)
		})
	}
	if s.e.p.Source != nil && s.role == signal.RoleJoiner {
		if err := s.startPublishing(ctx); err != nil {
			return s.fail(signal.CodeInternal, "cannot publish the microphone: %v", err)
		}
	}
	return nil
}

func (s *session) startPublishing(ctx context.Context) error {
	// Its own context, so that a switch to player (actions.go) can stop
	// the send loop without ending the session.
	ctx, s.pubStop = context.WithCancel(ctx)
	enc, err := audio.NewEncoder(s.e.cfg.Encoder)
	if err != nil {
		return err
	}
	s.enc = enc
	pub, err := newPublisher(s.peers, s.e.cfg.UserID, enc.Config().PacketLossPercent)
	if err != nil {
		return err
	}
	s.pub = pub
	s.pubAnswered = false
	s.watchICE(pub.pc)
	s.e.live.setPublisher(pub, enc.Config())
	offer, err := pub.offer()
	if err != nil {
		return err
	}
	return s.request(signal.Message{Type: signal.TypeOffer, PC: signal.PCPublish, SDP: offer}, func(m signal.Message) {
		if m.Type == signal.TypeError {
			s.fail(m.Code, "the server refused to receive the microphone: %s", m.Message)
			return
		}
		if err := pub.setAnswer(m.SDP); err != nil {
			s.fail(signal.CodeNegotiation, "cannot apply the server's answer: %v", err)
			return
		}
		s.pubAnswered = true
		if s.e.muted.Load() {
			s.sendMute(true)
		}
		done := make(chan struct{})
		s.pubDone = done
		s.startWorker(ctx, func(ctx context.Context) error {
			defer close(done)
			return pub.sendLoop(ctx, s.e.p.Source, s.e.p.Processor, enc, &s.e.meter, &s.e.micMeter, s.e.muted.Load)
		})
	})
}

func (s *session) startWorker(ctx context.Context, f func(context.Context) error) {
	s.workers.Add(1)
	go func() {
		defer s.workers.Done()
		if err := f(ctx); err != nil {
			select {
			case s.workErr <- err:
			default:
			}
		}
	}()
}

// handle dispatches one message from the server.
func (s *session) handle(m signal.Message) {
	if m.ID == "" {
		s.roster.note(m, s.e.cfg.UserID)
	}
	if m.ID != "" && (m.Type != signal.TypeOffer) {
		if f, ok := s.pending[m.ID]; ok {
			delete(s.pending, m.ID)
			f(m)
			return
		}
	}
	switch m.Type {
	case signal.TypePing:
		_ = s.conn.send(signal.Message{Type: signal.TypePong})
	case signal.TypePong:
	case signal.TypeOffer:
		s.onSubscribeOffer(m)
	case signal.TypePeerJoin:
		s.e.events.emit(PeerJoin{UserID: m.UserID, UserName: m.UserName, Role: m.Role})
	case signal.TypePeerLeave:
		if m.UserID == s.e.cfg.UserID && !s.onOwnLeave(m.Reason) {
			return
		}
		if s.e.mixer != nil {
			s.e.mixer.RemoveStream(m.UserID)
		}
		s.e.events.emit(PeerLeave{UserID: m.UserID, Reason: m.Reason})
	case signal.TypeStreamAdded:
		if m.Stream != nil {
			s.e.events.emit(StreamAdded{UserID: m.Stream.UserID, Kind: m.Stream.Kind})
		}
	case signal.TypeStreamRemoved:
		if m.Stream != nil {
			s.e.events.emit(StreamRemoved{UserID: m.Stream.UserID, Kind: m.Stream.Kind})
		}
	case signal.TypeMuteChanged:
		if m.Kind == signal.KindVideo {
			if m.Muted {
				s.e.events.emit(MuteVideo{UserID: m.UserID})
			} else {
				s.e.events.emit(UnmuteVideo{UserID: m.UserID})
			}
			return
		}
		if m.Muted {
			s.e.events.emit(MuteAudio{UserID: m.UserID})
		} else {
			s.e.events.emit(UnmuteAudio{UserID: m.UserID})
		}
	case signal.TypeError:
		s.e.events.emit(Error{Code: m.Code, Message: m.Message})
	default:
		if !s.handleModel(m) {
			s.e.log.Debug("ignoring message", "type", m.Type)
		}
	}
}

func (s *session) onSubscribeOffer(m signal.Message) {
	if m.PC != signal.PCSubscribe {
		s.e.log.Warn("offer for an unknown connection", "pc", m.PC)
		return
	}
	if s.leaving {
		return
	}
	if s.sub == nil {
		sub, err := newSubscriber(s.peers, trackHooks{
			mixer:   s.e.mixer,
			onStart: func(id string) { s.e.events.emit(StreamSubscribed{UserID: id, Kind: signal.KindAudio}) },
			onEnd:   func(id string) { s.e.log.Info("audio ended", "from", id) },
			onError: func(err error) { s.e.log.Warn("cannot receive a track", "err", err) },
		})
		if err != nil {
			s.fail(signal.CodeInternal, "cannot set up receiving: %v", err)
			return
		}
		s.sub = sub
		s.watchICE(sub.pc)
		s.e.live.setSubscriber(sub)
	}
	answer, err := s.sub.answer(m.SDP)
	if errors.Is(err, webrtc.ErrConnectionClosed) {
		// The server closed the subscribe connection: the session is
		// ending (shutdown, kick, expiry) and the message saying why
		// follows; the offer crossed it and is moot.
		s.e.log.Info("subscribe offer on a closed connection", "err", err)
		return
	}
	if err != nil {
		s.fail(signal.CodeNegotiation, "cannot apply the server's offer: %v", err)
		_ = s.conn.send(signal.Message{Type: signal.TypeError, ID: m.ID, Code: signal.CodeNegotiation, Message: err.Error()})
		return
	}
	s.e.subOffers.Add(1)
	_ = s.conn.send(signal.Message{Type: signal.TypeAnswer, ID: m.ID, PC: signal.PCSubscribe, SDP: answer})
}

func (s *session) sendMute(muted bool) {
	if s.state != StateConnected {
		return
	}
	err := s.request(signal.Message{Type: signal.TypeMute, Kind: signal.KindAudio, Muted: muted}, func(m signal.Message) {
		if m.Type == signal.TypeError {
			s.e.events.emit(Error{Code: m.Code, Message: m.Message})
			return
		}
		s.serverMuted = muted
		if muted {
			s.e.events.emit(MuteAudio{UserID: s.e.cfg.UserID})
		} else {
			s.e.events.emit(UnmuteAudio{UserID: s.e.cfg.UserID})
		}
	})
	if err != nil {
		s.e.log.Warn("cannot send mute", "err", err)
	}
}

// sayGoodbye tells the room the user leaves and waits briefly for the
// server's acknowledgement.
func (s *session) sayGoodbye() {
	if s.conn == nil || s.state != StateConnected {
		return
	}
	s.leaving = true
	// The server closes the media connections once it has the leave, and
	// closing drops their counters: keep the last ones.
	s.e.live.freeze(time.Now())
	acked := make(chan struct{})
	if err := s.request(signal.Message{Type: signal.TypeLeave}, func(signal.Message) { close(acked) }); err != nil {
		return
	}
	deadline := time.After(2 * time.Second)
	for {
		select {
		case <-acked:
			return
		case m, ok := <-s.conn.in:
			if !ok {
				return
			}
			s.handle(m)
		case <-deadline:
			return
		}
	}
}

// teardown stops the media workers and closes the connections.
func (s *session) teardown() {
	if s.cancel != nil {
		s.cancel()
	}
	s.rc.abandon()
	s.rc.end()
	if s.iceRetry != nil {
		s.iceRetry.Stop()
	}
	if s.pub != nil {
		_ = s.pub.close()
	}
	if s.sub != nil {
		_ = s.sub.close()
	}
	s.workers.Wait()
	if s.conn != nil {
		s.conn.close()
		for range s.conn.in {
		}
	}
}

// String describes the engine for logs.
func (e *Engine) String() string {
	return fmt.Sprintf("call(%s@%s)", e.cfg.UserID, e.cfg.Room)
}
