package call

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/transport/v4/test"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/netcut"
	"github.com/confab-rtc/confab/internal/tone"
	"github.com/confab-rtc/confab/server"
	"github.com/confab-rtc/confab/signal"
)

// TestReconnectDelay: LiveKit's schedule, with up to a second of jitter
// from the third attempt on and none before.
func TestReconnectDelay(t *testing.T) {
	ms := time.Millisecond
	want := []time.Duration{0, 300 * ms, 1200 * ms, 2700 * ms, 4800 * ms, 7000 * ms, 7000 * ms, 7000 * ms}
	for _, tc := range []struct {
		name   string
		rnd    float64
		jitter time.Duration
	}{{"no jitter", 0, 0}, {"half", 0.5, 500 * ms}, {"most", 0.999, 999 * ms}} {
		t.Run(tc.name, func(t *testing.T) {
			for n, base := range want {
				got := reconnectDelay(n, func() float64 { return tc.rnd })
				exp := base
				if n >= 2 {
					exp += tc.jitter
				}
				if got != exp {
					t.Errorf("attempt %d: delay %s, want %s", n, got, exp)
				}
			}
		})
	}
	// The schedule as the reconnector runs it: the attempts' start times
	// after the loss, with the real jitter, stay within the policy.
	r := newReconnector()
	var at time.Duration
	for n := range 8 {
		d := reconnectDelay(r.attempt, r.rnd)
		r.attempt++
		lo := want[n]
		hi := lo
		if n >= 2 {
			hi += time.Second
		}
		if d < lo || d >= hi && n >= 2 || d != lo && n < 2 {
			t.Errorf("attempt %d: delay %s outside [%s, %s)", n, d, lo, hi)
		}
		at += d
	}
	// 0.3+1.2+2.7+4.8+3×7 s, and up to a second more for six of them.
	if at < 30*time.Second || at >= 36*time.Second {
		t.Errorf("8 attempts span %s, want 30-36 s", at)
	}
}

// TestRosterSync: after a resume or a rejoin, the events that bring a
// consumer from what it saw to the room as the server reports it.
func TestRosterSync(t *testing.T) {
	audioStream := func(user string, muted bool) signal.Stream {
		return signal.Stream{UserID: user, Kind: signal.KindAudio, StreamID: user, TrackID: "mic", Muted: muted}
	}
	peer := func(id, name string, role int, streams ...signal.Stream) signal.Peer {
		return signal.Peer{UserID: id, UserName: name, Role: role, Streams: streams}
	}
	cases := []struct {
		name   string
		before []signal.Peer
		notes  []signal.Message
		now    []signal.Peer
		want   []Event
	}{
		{"first join reports everyone", nil, nil,
			[]signal.Peer{peer("a", "A", 0, audioStream("a", true)), peer("b", "B", 2)},
			[]Event{PeerJoin{UserID: "a", UserName: "A"}, StreamAdded{UserID: "a", Kind: "audio"}, MuteAudio{UserID: "a"}, PeerJoin{UserID: "b", UserName: "B", Role: 2}}},
		{"nothing changed", []signal.Peer{peer("a", "A", 0, audioStream("a", false))}, nil,
			[]signal.Peer{peer("a", "A", 0, audioStream("a", false))}, nil},
		{"changes while away", []signal.Peer{peer("a", "A", 0, audioStream("a", false)), peer("b", "B", 0, audioStream("b", false))}, nil,
			[]signal.Peer{peer("a", "Ann", 2), peer("b", "B", 0, audioStream("b", true)), peer("c", "C", 0)},
			[]Event{RemoteUserNameChanged{UserID: "a", UserName: "Ann"}, RoleChanged{UserID: "a", Role: 2}, StreamRemoved{UserID: "a", Kind: "audio"},
				MuteAudio{UserID: "b"}, PeerJoin{UserID: "c", UserName: "C"}}},
		{"gone while away", []signal.Peer{peer("a", "A", 0, audioStream("a", false)), peer("b", "B", 0)}, nil,
			[]signal.Peer{peer("b", "B", 0)},
			[]Event{StreamRemoved{UserID: "a", Kind: "audio"}, PeerLeave{UserID: "a", Reason: signal.ReasonNetworkCheck}}},
		{"notifications followed", []signal.Peer{peer("a", "A", 0)}, []signal.Message{
			{Type: signal.TypeStreamAdded, UserID: "a", Kind: "audio", Stream: &signal.Stream{UserID: "a", Kind: "audio"}},
			{Type: signal.TypeMuteChanged, UserID: "a", Kind: "audio", Muted: true},
			{Type: signal.TypePeerJoin, UserID: "b", UserName: "B"},
			{Type: signal.TypeUserNameChanged, UserID: "b", UserName: "Bee"},
			{Type: signal.TypeUserNameChanged, UserID: "me", UserName: "not a peer"},
		}, []signal.Peer{peer("a", "A", 0, audioStream("a", true)), peer("b", "Bee", 0)}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := roster{}
			r.sync(tc.before, 0)
			for _, m := range tc.notes {
				r.note(m, "me")
			}
			got := r.sync(tc.now, signal.ReasonNetworkCheck)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("events\n got %#v\nwant %#v", got, tc.want)
			}
			if again := r.sync(tc.now, signal.ReasonNetworkCheck); len(again) != 0 {
				t.Errorf("a second sync to the same room gives %#v", again)
			}
		})
	}
}

// resumeProbe is an audio output that notes when audio comes back: armed
// at a time, it records the first frame after it that is loud (the tone),
// after having seen silence (the outage reached the speaker).
type resumeProbe struct {
	recorder
	mu       sync.Mutex
	armedAt  time.Time
	silent   bool
	resumeAt time.Time
}

func (p *resumeProbe) WriteFrame(f []int16) {
	p.recorder.WriteFrame(f)
	rms := tone.RMS(f)
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.armedAt.IsZero() || now.Before(p.armedAt) || !p.resumeAt.IsZero():
	case rms < 100:
		p.silent = true
	case rms > 1000 && p.silent:
		p.resumeAt = now
	}
}

// arm starts watching for audio coming back after at.
func (p *resumeProbe) arm(at time.Time) {
	p.mu.Lock()
	p.armedAt, p.silent, p.resumeAt = at, false, time.Time{}
	p.mu.Unlock()
}

// silenced reports whether the outage was heard since arming.
func (p *resumeProbe) silenced() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.silent
}

// resumed returns when audio came back, or the zero time.
func (p *resumeProbe) resumed() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.resumeAt
}

// cutCall is a two-party call in which a's network can be cut: a (the
// tone) reaches the server through a TCP relay for its websocket and a
// cuttable UDP stack for its media; b listens directly.
type cutCall struct {
	t         testing.TB
	srv       *server.Server
	relay     *netcut.Relay
	udp       *netcut.Net
	a, b      *Engine
	aEv, bEv  *events
	probe     *resumeProbe // b's speaker, hearing a
	aProbe    *resumeProbe // a's speaker, hearing b
	aRun      chan error
	bRun      chan error
	cancel    context.CancelFunc
	serverURL string
}

// startCutCall starts the call and waits until b hears a.
func startCutCall(t testing.TB, scfg server.Config, reconnect time.Duration) *cutCall {
	srv, url := startServer(t, scfg)
	relay, err := netcut.NewRelay(strings.TrimPrefix(url, "ws://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { relay.Close() })
	udp, err := netcut.NewNet()
	if err != nil {
		t.Fatal(err)
	}
	c := &cutCall{t: t, srv: srv, relay: relay, udp: udp, probe: &resumeProbe{}, aProbe: &resumeProbe{}, aRun: make(chan error, 1), bRun: make(chan error, 1), serverURL: url}
	c.a = engineFor("ws://"+relay.Addr(), "a", signal.RoleJoiner, time.Hour, Params{Source: toneSource(t, 440, audio.SampleRate), Outputs: []audio.Output{c.aProbe}, Renew: signer(time.Hour), Logger: testLog("a")})
	c.a.net = udp
	c.a.cfg.ReconnectTimeout = reconnect
	c.b = engineFor(url, "b", signal.RoleJoiner, time.Hour, Params{Source: toneSource(t, 1000, audio.SampleRate), Outputs: []audio.Output{c.probe}, Logger: testLog("b")})
	c.aEv, c.bEv = collect(c.a), collect(c.b)
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	go func() { c.aRun <- c.a.Run(ctx) }()
	go func() { c.bRun <- c.b.Run(ctx) }()
	t.Cleanup(c.stop)
	c.bEv.waitTB(t, "first audio from a", func(e Event) bool { f, ok := e.(FirstAudioFrame); return ok && f.UserID == "a" })
	c.aEv.waitTB(t, "first audio from b", func(e Event) bool { f, ok := e.(FirstAudioFrame); return ok && f.UserID == "b" })
	return c
}

// stop ends both engines (idempotent).
func (c *cutCall) stop() {
	c.cancel()
	c.a.Close()
	c.b.Close()
	<-c.aEv.done
	<-c.bEv.done
}

// cut takes a's network away: its websocket and, with media, its UDP.
func (c *cutCall) cut(media bool) {
	if media {
		c.udp.Cut()
	}
	c.relay.Cut()
}

// restore gives a's network back.
func (c *cutCall) restore() {
	c.udp.Restore()
	c.relay.Restore()
}

// count returns how many of the events so far match.
func (ev *events) count(match func(Event) bool) int {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	n := 0
	for _, e := range ev.list {
		if match(e) {
			n++
		}
	}
	return n
}

func isState(cur ConnState) func(Event) bool {
	return func(e Event) bool { c, ok := e.(ConnectionStateChanged); return ok && c.Cur == cur }
}

func isLeaveOf(user string) func(Event) bool {
	return func(e Event) bool { l, ok := e.(PeerLeave); return ok && l.UserID == user }
}

// TestResumeAfterNetworkCut cuts a's network (websocket and media) and
// gives it back. a reports RECONNECTING then CONNECTED, b never sees a
// leave (the server kept the session), and b hears a's tone again by
// itself. With the cut longer than ICE's disconnect timeout (5 s) ICE
// goes disconnected; it recovers by itself when the path returns, or is
// restarted once the websocket is back (TestICERestartAfterMediaCut shows
// the restart itself).
func TestResumeAfterNetworkCut(t *testing.T) {
	t.Cleanup(test.CheckRoutines(t))
	for _, tc := range []struct {
		name  string
		media bool
		cut   time.Duration
	}{
		{"websocket only", false, 2 * time.Second},
		{"everything, 2s", true, 2 * time.Second},
		{"everything, 8s (past ICE's disconnect timeout)", true, 8 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := startCutCall(t, server.Config{ResumeGrace: 20 * time.Second}, time.Minute)
			before := c.aEv.count(isState(StateReconnecting))
			c.cut(tc.media)
			c.aEv.waitTB(t, "RECONNECTING", isState(StateReconnecting))
			if !tc.media {
				// The media path is intact: b keeps hearing a while a's
				// websocket is down.
				assertToneNext(t, "b while a's websocket is cut", &c.probe.recorder, 440, tc.cut)
			} else {
				time.Sleep(tc.cut)
			}
			restored := time.Now()
			c.probe.arm(restored)
			c.restore()
			deadline := time.Now().Add(20 * time.Second)
			for c.aEv.count(isState(StateConnected)) < 2 || c.probe.resumed().IsZero() && tc.media {
				if time.Now().After(deadline) {
					t.Fatalf("a not back within 20 s of the network's return (connected %d times, audio back %v); a's events %v",
						c.aEv.count(isState(StateConnected)), c.probe.resumed(), c.aEv.snapshot())
				}
				time.Sleep(20 * time.Millisecond)
			}
			if before != 0 {
				t.Fatalf("a was RECONNECTING before the cut")
			}
			// RECONNECTING came from CONNECTED and went back to it.
			var states []ConnState
			for _, e := range c.aEv.snapshot() {
				if s, ok := e.(ConnectionStateChanged); ok {
					states = append(states, s.Cur)
				}
			}
			if want := []ConnState{StateConnecting, StateConnected, StateReconnecting, StateConnected}; !reflect.DeepEqual(states, want) {
				t.Errorf("a's states %v, want %v", states, want)
			}
			if n := c.bEv.count(isLeaveOf("a")); n != 0 {
				t.Errorf("b saw a leave %d times during a cut the server's grace covers; b's events %v", n, c.bEv.snapshot())
			}
			if n := c.aEv.count(isLeaveOf("b")); n != 0 {
				t.Errorf("a saw b leave %d times", n)
			}
			if tc.media {
				t.Logf("audio back %s after the network (silence heard: %v)", c.probe.resumed().Sub(restored).Round(time.Millisecond), c.probe.silenced())
			}
			// b hears a's tone steadily once it is back.
			assertToneNext(t, "b after the cut", &c.probe.recorder, 440, 2*time.Second)
			assertToneNext(t, "a after the cut", &c.aProbe.recorder, 1000, 2*time.Second)
			if t.Failed() || testing.Verbose() {
				t.Logf("b's stats: %+v", c.b.Stats().Remote)
			}
			for _, e := range c.aEv.snapshot() {
				if er, ok := e.(Error); ok {
					t.Errorf("a reported an error: %+v", er)
				}
			}
		})
	}
}

// TestICERestartAfterMediaCut: only a's media path is cut, for longer
// than ICE's disconnect timeout, while its websocket stays up. Each side
// restarts ICE on the connection it offers: a its publish connection, the
// server a's subscribe connection (a gets and answers a new offer), and a
// stays CONNECTED. The path stays down well past the first restart's
// checks, so the restarts are retried; once the path is back each hears
// the other again within seconds, not after pion's 30 s failure timeout.
func TestICERestartAfterMediaCut(t *testing.T) {
	t.Cleanup(test.CheckRoutines(t))
	c := startCutCall(t, server.Config{}, time.Minute)
	offers := c.a.subOffers.Load()
	c.udp.Cut()
	deadline := time.Now().Add(20 * time.Second)
	for c.a.iceRestarts.Load() == 0 || c.a.subOffers.Load() == offers {
		if time.Now().After(deadline) {
			t.Fatalf("within 20 s of losing its media path: %d publish ICE restarts, %d new subscribe offers; want both", c.a.iceRestarts.Load(), c.a.subOffers.Load()-offers)
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(8 * time.Second)
	restored := time.Now()
	c.probe.arm(restored)
	c.aProbe.arm(restored)
	c.udp.Restore()
	deadline = time.Now().Add(15 * time.Second)
	for c.probe.resumed().IsZero() || c.aProbe.resumed().IsZero() {
		if time.Now().After(deadline) {
			t.Fatalf("not heard again within 15 s of the path's return: b hears a %v, a hears b %v", c.probe.resumed(), c.aProbe.resumed())
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("audio back %s (a to b) and %s (b to a) after the path; %d publish ICE restarts, %d subscribe offers since the cut",
		c.probe.resumed().Sub(restored).Round(time.Millisecond), c.aProbe.resumed().Sub(restored).Round(time.Millisecond), c.a.iceRestarts.Load(), c.a.subOffers.Load()-offers)
	assertToneNext(t, "b after the media cut", &c.probe.recorder, 440, 2*time.Second)
	assertToneNext(t, "a after the media cut", &c.aProbe.recorder, 1000, 2*time.Second)
	if n := c.aEv.count(isState(StateReconnecting)); n != 0 {
		t.Errorf("a went RECONNECTING %d times while its websocket was up", n)
	}
	if n := c.bEv.count(isLeaveOf("a")); n != 0 {
		t.Errorf("b saw a leave")
	}
}

// TestRejoinAfterGraceExpired: a's outage outlasts the server's grace
// period but not a's reconnect timeout. Its resume is refused (91000021)
// and it joins again: a goes RECONNECTING then CONNECTED; b sees a leave
// with reason 7 and join again, and hears it again.
func TestRejoinAfterGraceExpired(t *testing.T) {
	t.Cleanup(test.CheckRoutines(t))
	c := startCutCall(t, server.Config{ResumeGrace: time.Second}, time.Minute)
	c.cut(true)
	l := c.bEv.waitTB(t, "peer-leave of a", isLeaveOf("a")).(PeerLeave)
	if l.Reason != signal.ReasonReconnectTimeout {
		t.Errorf("b saw a leave with reason %d, want 7", l.Reason)
	}
	c.probe.arm(time.Now())
	c.restore()
	joins := func(e Event) bool { p, ok := e.(PeerJoin); return ok && p.UserID == "a" }
	deadline := time.Now().Add(20 * time.Second)
	for c.aEv.count(isState(StateConnected)) < 2 || c.probe.resumed().IsZero() || c.bEv.count(joins) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("a not back and heard within 20 s; a's events %v", c.aEv.snapshot())
		}
		time.Sleep(20 * time.Millisecond)
	}
	assertToneNext(t, "b after a joined again", &c.probe.recorder, 440, 2*time.Second)
	assertToneNext(t, "a after it joined again", &c.aProbe.recorder, 1000, 2*time.Second)
	if n := c.aEv.count(isState(StateReconnecting)); n != 1 {
		t.Errorf("a went RECONNECTING %d times, want once", n)
	}
}

// TestReconnectGivesUp: a's network stays cut. a reports RECONNECTING,
// and after its reconnect timeout a peer-leave about itself with reason 7
// and Run ends with ErrReconnectTimedOut; b sees a leave with reason 7
// once the server's grace period passes, not before.
func TestReconnectGivesUp(t *testing.T) {
	t.Cleanup(test.CheckRoutines(t))
	c := startCutCall(t, server.Config{ResumeGrace: 3 * time.Second}, 2*time.Second)
	cutAt := time.Now()
	c.cut(true)
	c.aEv.waitTB(t, "RECONNECTING", isState(StateReconnecting))
	select {
	case err := <-c.aRun:
		if !errors.Is(err, ErrReconnectTimedOut) {
			t.Fatalf("a.Run returned %v, want ErrReconnectTimedOut", err)
		}
		if d := time.Since(cutAt); d < 2*time.Second {
			t.Errorf("a gave up %s after the cut, before its 2 s timeout", d)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("a did not give up within 15 s")
	}
	c.aEv.waitTB(t, "own peer-leave reason 7", func(e Event) bool {
		l, ok := e.(PeerLeave)
		return ok && l.UserID == "a" && l.Reason == signal.ReasonReconnectTimeout
	})
	l := c.bEv.waitTB(t, "peer-leave of a", isLeaveOf("a")).(PeerLeave)
	if l.Reason != signal.ReasonReconnectTimeout {
		t.Errorf("b saw a leave with reason %d, want 7", l.Reason)
	}
	if d := time.Since(cutAt); d < 3*time.Second {
		t.Errorf("b saw a leave %s after the cut, within the server's 3 s grace", d)
	}
	<-c.aEv.done
	if c.aEv.count(isState(StateDisconnected)) != 1 {
		t.Errorf("a's events end without DISCONNECTED: %v", c.aEv.snapshot())
	}
}

// TestRejoinAfterServerRestart: the server dies (behind a cut, so it can
// say nothing) and a new one takes its place. Both clients find the new
// server with their backoff, their resume is refused (the new server never
// knew the session) and they join again: RECONNECTING then CONNECTED, and
// each hears the other's tone again.
func TestRejoinAfterServerRestart(t *testing.T) {
	t.Cleanup(test.CheckRoutines(t))
	r := startRestartCall(t)
	took := r.restart(t, false)
	t.Logf("both rejoined and hear each other %s after the new server started", took.Round(time.Millisecond))
	r.assertBack(t)
}

// TestRejoinAfterServerShutdown: the server shuts down cleanly, as for a
// deploy (its goodbyes reach the clients: each sees the other leave with
// reason 3), and a new one takes its place. The clients do not take the
// shutdown as the end of the call: no peer-leave about themselves, one
// RECONNECTING, then CONNECTED on the new server, hearing each other.
func TestRejoinAfterServerShutdown(t *testing.T) {
	t.Cleanup(test.CheckRoutines(t))
	r := startRestartCall(t)
	took := r.restart(t, true)
	t.Logf("both rejoined and hear each other %s after the new server started", took.Round(time.Millisecond))
	for _, c := range []struct {
		ev         *events
		self, peer string
	}{{r.aEv, "a", "b"}, {r.bEv, "b", "a"}} {
		c.ev.waitTB(t, c.self+" sees "+c.peer+" leave with reason 3", func(e Event) bool {
			l, ok := e.(PeerLeave)
			return ok && l.UserID == c.peer && l.Reason == signal.ReasonServiceUnavailable
		})
		if n := c.ev.count(isLeaveOf(c.self)); n != 0 {
			t.Errorf("%s was told it left (%d peer-leaves about itself); events %v", c.self, n, c.ev.snapshot())
		}
		// Hearing each other again (restart waited for it) means the peer
		// is back: the last word about them must be a join.
		var last Event
		for _, e := range c.ev.snapshot() {
			switch e := e.(type) {
			case PeerJoin:
				if e.UserID == c.peer {
					last = e
				}
			case PeerLeave:
				if e.UserID == c.peer {
					last = e
				}
			}
		}
		if _, ok := last.(PeerJoin); !ok {
			t.Errorf("%s's last event about %s is %#v, want a peer-join after the restart", c.self, c.peer, last)
		}
	}
	r.assertBack(t)
}

// assertBack checks that each engine hears the other after a restart and
// went through exactly one RECONNECTING.
func (r *restartCall) assertBack(t *testing.T) {
	for _, who := range []struct {
		name string
		ev   *events
		rec  *resumeProbe
		freq float64
	}{{"a", r.aEv, r.aRec, 1000}, {"b", r.bEv, r.bRec, 440}} {
		assertToneNext(t, who.name+" after the restart", &who.rec.recorder, who.freq, 2*time.Second)
		if who.ev.count(isState(StateReconnecting)) != 1 || who.ev.count(isState(StateConnected)) != 2 {
			t.Errorf("states: want one RECONNECTING then CONNECTED again; events %v", who.ev.snapshot())
		}
	}
}

// restartCall is two engines behind one relay, whose server can be
// replaced.
type restartCall struct {
	relay      *netcut.Relay
	stopServer func()
	a, b       *Engine
	aEv, bEv   *events
	aRec, bRec *resumeProbe
}

func startRestartCall(t testing.TB) *restartCall {
	srv, url, stopServer := startStoppableServer(t)
	_ = srv
	relay, err := netcut.NewRelay(strings.TrimPrefix(url, "ws://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { relay.Close() })
	r := &restartCall{relay: relay, stopServer: stopServer, aRec: &resumeProbe{}, bRec: &resumeProbe{}}
	via := "ws://" + relay.Addr()
	r.a = engineFor(via, "a", signal.RoleJoiner, time.Hour, Params{Source: toneSource(t, 440, audio.SampleRate), Outputs: []audio.Output{r.aRec}})
	r.b = engineFor(via, "b", signal.RoleJoiner, time.Hour, Params{Source: toneSource(t, 1000, audio.SampleRate), Outputs: []audio.Output{r.bRec}})
	r.aEv, r.bEv = collect(r.a), collect(r.b)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { _ = r.a.Run(ctx) }()
	go func() { _ = r.b.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		r.a.Close()
		r.b.Close()
		<-r.aEv.done
		<-r.bEv.done
	})
	r.aEv.waitTB(t, "a hears b", func(e Event) bool { f, ok := e.(FirstAudioFrame); return ok && f.UserID == "b" })
	r.bEv.waitTB(t, "b hears a", func(e Event) bool { f, ok := e.(FirstAudioFrame); return ok && f.UserID == "a" })
	return r
}

// restart replaces the server and returns the time from the new server's
// start until both engines are connected again and hear each other.
func (r *restartCall) restart(t testing.TB, graceful bool) time.Duration {
	aConn, bConn := r.aEv.count(isState(StateConnected)), r.bEv.count(isState(StateConnected))
	if !graceful {
		r.relay.Cut()
	}
	// Shut down cleanly, the relay's path stays open: the goodbyes reach
	// the engines, and their first attempts fail at the stopped server's
	// address.
	r.stopServer()
	r.aEv.waitTB(t, "a RECONNECTING", isState(StateReconnecting))
	r.bEv.waitTB(t, "b RECONNECTING", isState(StateReconnecting))
	_, url, stop := startStoppableServer(t)
	r.stopServer = stop
	r.relay.SetTarget(strings.TrimPrefix(url, "ws://"))
	started := time.Now()
	r.aRec.arm(started)
	r.bRec.arm(started)
	r.relay.Restore()
	deadline := started.Add(30 * time.Second)
	for r.aEv.count(isState(StateConnected)) == aConn || r.bEv.count(isState(StateConnected)) == bConn ||
		r.aRec.resumed().IsZero() || r.bRec.resumed().IsZero() {
		if time.Now().After(deadline) {
			t.Fatalf("not back within 30 s of the new server; a %v; b %v", r.aEv.snapshot(), r.bEv.snapshot())
		}
		time.Sleep(10 * time.Millisecond)
	}
	last := r.aRec.resumed()
	if b := r.bRec.resumed(); b.After(last) {
		last = b
	}
	return last.Sub(started)
}

// startStoppableServer is startServer with a function that stops the
// server early, as its process dying would (its goodbyes go nowhere when
// the path to its clients is cut first).
func startStoppableServer(t testing.TB) (*server.Server, string, func()) {
	srv, url := startServer(t, server.Config{})
	return srv, url, func() { srv.Close() }
}

// testLog logs an engine to stderr when CONFAB_TEST_LOG is set.
func testLog(who string) *slog.Logger {
	if os.Getenv("CONFAB_TEST_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("who", who)
}

// at is when the i-th event was read.
func (ev *events) at(i int) time.Time {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	return ev.times[i]
}

// snapshot copies the events so far.
func (ev *events) snapshot() []Event {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	return append([]Event(nil), ev.list...)
}

// waitTB is wait for tests and benchmarks, with a longer deadline.
func (ev *events) waitTB(t testing.TB, desc string, match func(Event) bool) Event {
	t.Helper()
	return ev.waitWithin(t, 20*time.Second, desc, match)
}

// assertToneNext checks that the next d of what rec gets, after a quarter
// second to settle, is mostly freq: at least 80 % of 100 ms windows, a
// margin for a loaded machine that a listener would still call "back".
// It waits for the samples with a deadline rather than sleeping, so a
// slow mixer is measured on what it played.
func assertToneNext(t testing.TB, who string, rec *recorder, freq float64, d time.Duration) {
	t.Helper()
	start := rec.len() + audio.SampleRate/4
	n := int(d.Seconds() * audio.SampleRate)
	// A starved machine plays slower than real time: wait generously
	// for the samples, and judge what was played.
	deadline := time.Now().Add(d + 30*time.Second)
	for rec.len() < start+n {
		if time.Now().After(deadline) {
			t.Fatalf("%s: the mixer played %d of %d samples within %s", who, rec.len()-start, n, d+30*time.Second)
		}
		time.Sleep(20 * time.Millisecond)
	}
	heard := rec.since(start)[:n]
	if f := tone.FractionDominant(heard, audio.SampleRate, 100*time.Millisecond, freq, 10, 300); f < 0.8 {
		t.Errorf("%s: %.0f Hz dominates %.0f%% of %s, want >= 80%%: %s", who, freq, 100*f, d, dumpWindows(heard))
	}
}

// percentile returns the p-th percentile (0-100) of sorted ds, nearest
// rank.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(ds)))) - 1
	return ds[min(max(i, 0), len(ds)-1)]
}

// dumpWindows describes pcm as 100 ms windows of dominant frequency/RMS,
// for a failure message.
func dumpWindows(pcm []int16) string {
	var b strings.Builder
	for _, w := range tone.Windows(pcm, audio.SampleRate, 100*time.Millisecond) {
		fmt.Fprintf(&b, "%.0f/%.0f ", tone.DominantFrequency(w, audio.SampleRate), tone.RMS(w))
	}
	return b.String()
}
