package call

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/confab-rtc/confab/signal"
)

// ErrReconnectTimedOut is returned by Run when the connection to the room
// server was lost and could not be restored within Config.ReconnectTimeout.
var ErrReconnectTimedOut = errors.New("reconnection to the room server timed out")

// errNotConnected is what a request gets while the signaling connection
// is down; the state it was about is sent again once it is back.
var errNotConnected = errors.New("not connected to the room server")

// The reconnect schedule is LiveKit's default reconnect policy: attempts
// after 0, 300, 1200, 2700 and 4800 ms, then every 7 s, each from the
// third on with up to a second of random jitter so that a room whose
// server restarted does not come back in lockstep.
var reconnectDelays = [...]time.Duration{0, 300 * time.Millisecond, 1200 * time.Millisecond, 2700 * time.Millisecond, 4800 * time.Millisecond}

const (
	// reconnectEvery is the delay between attempts after the listed ones.
	reconnectEvery = 7 * time.Second
	// reconnectJitter bounds the random delay added from the third attempt.
	reconnectJitter = time.Second
	// reconnectDialTimeout bounds one attempt's websocket dial, so an
	// unanswered attempt does not hold up the next.
	reconnectDialTimeout = 5 * time.Second
)

// reconnectDelay is how long to wait before attempt n (0 is the first
// after the loss); rnd returns a uniform number in [0, 1) for the jitter.
func reconnectDelay(n int, rnd func() float64) time.Duration {
	d := reconnectEvery
	if n < len(reconnectDelays) {
		d = reconnectDelays[n]
	}
	if n >= 2 {
		d += time.Duration(rnd() * float64(reconnectJitter))
	}
	return d
}

// reconnector is the engine's state while the signaling connection is
// being restored; owned by the Run goroutine.
type reconnector struct {
	active  bool
	lostAt  time.Time
	attempt int
	lastErr error
	retry   *time.Timer // the next attempt; nil while none is scheduled
	giveUp  *time.Timer // the end of Config.ReconnectTimeout
	// dialing is set while a dial runs; its result arrives on dialed and
	// cancelDial abandons it.
	dialing    bool
	dialed     chan dialResult
	cancelDial context.CancelFunc
	rnd        func() float64
}

// dialResult is the outcome of one reconnect attempt's dial.
type dialResult struct {
	conn *sigConn
	err  error
}

func newReconnector() *reconnector {
	return &reconnector{dialed: make(chan dialResult, 1), rnd: rand.Float64}
}

// timerC is a timer's channel, nil (never ready) for no timer.
func timerC(t *time.Timer) <-chan time.Time {
	if t == nil {
		return nil
	}
	return t.C
}

// begin starts a reconnection at now that gives up after timeout.
func (r *reconnector) begin(now time.Time, timeout time.Duration) {
	r.active, r.lostAt, r.attempt, r.lastErr = true, now, 0, nil
	r.giveUp = time.NewTimer(timeout)
}

// schedule sets the timer of the next attempt.
func (r *reconnector) schedule() {
	d := reconnectDelay(r.attempt, r.rnd)
	r.attempt++
	if r.retry != nil {
		r.retry.Stop()
	}
	r.retry = time.NewTimer(d)
}

// end stops the timers: the connection is back, or the engine stops.
func (r *reconnector) end() {
	r.active = false
	if r.retry != nil {
		r.retry.Stop()
		r.retry = nil
	}
	if r.giveUp != nil {
		r.giveUp.Stop()
		r.giveUp = nil
	}
}

// abandon ends a dial in flight and closes what it connected.
func (r *reconnector) abandon() {
	if !r.dialing {
		return
	}
	r.cancelDial()
	if d := <-r.dialed; d.conn != nil {
		d.conn.close()
		for range d.conn.in {
		}
	}
	r.dialing = false
}

// onConnLost handles the end of the signaling connection. A session that
// was connected starts reconnecting (RECONNECTING); one already
// reconnecting schedules its next attempt. A join that never completed,
// or a session the server ended, ends Run with the error returned.
func (s *session) onConnLost() error {
	readErr := s.conn.readErr
	s.conn.close()
	s.conn = nil
	// Replies to what was sent on the lost connection will not come.
	clear(s.pending)
	s.pubRestarting = false
	if s.ended != nil {
		return s.ended
	}
	switch s.state {
	case StateConnecting:
		return s.fail(signal.CodeServerLost, "the room server closed the connection while joining: %v", readErr)
	case StateConnected:
		s.e.log.Warn("lost the connection to the room server; reconnecting", "err", readErr, "timeout", s.e.cfg.ReconnectTimeout)
		s.setState(StateReconnecting)
		s.rc.begin(time.Now(), s.e.cfg.ReconnectTimeout)
	}
	s.rc.lastErr = readErr
	s.rc.schedule()
	return nil
}

// redial starts one reconnect attempt's dial on its own goroutine, so the
// engine keeps taking actions meanwhile.
func (s *session) redial(ctx context.Context) {
	s.rc.retry = nil
	dctx, cancel := context.WithTimeout(ctx, min(s.e.cfg.JoinTimeout, reconnectDialTimeout))
	s.rc.dialing, s.rc.cancelDial = true, cancel
	url, pin := s.e.cfg.ServerURL, s.e.cfg.TLSPin
	go func() {
		c, err := dialSignal(dctx, url, pin)
		cancel()
		s.rc.dialed <- dialResult{conn: c, err: err}
	}()
}

// onRedial takes a dial's result: on a new websocket the session is
// resumed, or joined again when there is none to resume.
func (s *session) onRedial(ctx context.Context, d dialResult) {
	s.rc.dialing = false
	if d.err != nil {
		s.e.log.Debug("reconnect attempt failed", "attempt", s.rc.attempt, "err", d.err)
		s.rc.lastErr = d.err
		s.rc.schedule()
		return
	}
	s.conn = d.conn
	s.lastRecv = time.Now()
	s.conn.setReadDeadline(s.lastRecv.Add(s.e.cfg.JoinTimeout))
	if s.sessionID == "" {
		s.rejoin(ctx)
		return
	}
	err := s.request(signal.Message{Type: signal.TypeResume, Version: signal.Version, SessionID: s.sessionID, ResumeToken: s.resumeToken}, func(m signal.Message) {
		if m.Type == signal.TypeResumed {
			s.onResumed(m)
			return
		}
		// The server does not know the session (restarted, or the grace
		// period passed): join again on this websocket.
		s.e.log.Info("the session cannot be resumed; joining again", "code", m.Code, "message", m.Message)
		s.rejoin(ctx)
	})
	if err != nil {
		s.e.log.Debug("cannot send the resume", "err", err)
	}
}

// onResumed completes a resume: the session is connected again with its
// PeerConnections, and what changed in the room meanwhile is reported.
func (s *session) onResumed(m signal.Message) {
	s.e.log.Info("resumed the session", "after", time.Since(s.rc.lostAt).Round(time.Millisecond), "attempts", s.rc.attempt)
	s.rc.end()
	s.setState(StateConnected)
	for _, ev := range s.roster.sync(m.Peers, signal.ReasonNetworkCheck) {
		s.e.events.emit(ev)
	}
	s.syncMute()
	s.checkICE()
}

// rejoin joins the room again on the current websocket, after the server
// lost the session (it restarted, or kept it for less time than the
// outage): the old PeerConnections are dead, so media starts afresh.
func (s *session) rejoin(ctx context.Context) {
	s.dropMedia()
	s.sessionID, s.resumeToken = "", ""
	if s.ctime <= time.Now().Unix() && s.e.p.Renew != nil {
		if sig, ctime, err := s.e.p.Renew(s.e.cfg.Room, s.e.cfg.UserID); err == nil {
			s.sig, s.ctime = sig, ctime
		} else {
			s.e.log.Warn("cannot renew the signature to join again", "err", err)
		}
	}
	err := s.request(s.joinMessage(), func(m signal.Message) { s.joinDone <- s.onJoinReply(ctx, m) })
	if err != nil {
		s.e.log.Debug("cannot send the join", "err", err)
	}
}

// joinMessage is the join request of the session as it is now (its
// current role and latest signature).
func (s *session) joinMessage() signal.Message {
	c := s.e.cfg
	return signal.Message{
		Type: signal.TypeJoin, Version: signal.Version, AppID: c.AppID,
		Room: c.Room, UserID: c.UserID, UserName: c.UserName, Role: s.role,
		Signature: s.sig, CTime: s.ctime, Platform: c.Platform,
	}
}

// dropMedia ends the publish and subscribe connections of a session the
// server lost, and the mixer's streams from them.
func (s *session) dropMedia() {
	s.stopPublishing()
	if s.sub != nil {
		ids := s.sub.remoteTracks()
		if err := s.sub.close(); err != nil {
			s.e.log.Debug("closing the subscribe connection", "err", err)
		}
		s.sub = nil
		s.e.live.setSubscriber(nil)
		if s.e.mixer != nil {
			for id := range ids {
				s.e.mixer.RemoveStream(id)
			}
		}
	}
}

// giveUp ends a reconnection that ran out of time: the local user is
// reported gone with reason 7 and Run returns ErrReconnectTimedOut.
func (s *session) giveUp() error {
	s.e.log.Warn("gave up reconnecting", "after", s.e.cfg.ReconnectTimeout, "attempts", s.rc.attempt, "err", s.rc.lastErr)
	s.e.events.emit(PeerLeave{UserID: s.e.cfg.UserID, Reason: signal.ReasonReconnectTimeout})
	s.e.events.emit(Error{Code: signal.CodeServerLost, Message: "could not reconnect to the room server within " + s.e.cfg.ReconnectTimeout.String() + ". Check the network and that the server runs, then join again"})
	s.rc.abandon()
	s.rc.end()
	return ErrReconnectTimedOut
}

// syncMute tells the server the microphone's mute state if it changed
// while the connection was down.
func (s *session) syncMute() {
	if muted := s.e.muted.Load(); muted != s.serverMuted && s.pub != nil {
		s.sendMute(muted)
	}
}
