package call

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/pion/transport/v4/test"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/tone"
	"github.com/confab-rtc/confab/server"
	"github.com/confab-rtc/confab/signal"
)

// recorder is an audio output that keeps what it gets.
type recorder struct {
	mu  sync.Mutex
	pcm []int16
}

func (r *recorder) WriteFrame(f []int16) {
	r.mu.Lock()
	r.pcm = append(r.pcm, f...)
	r.mu.Unlock()
}

func (r *recorder) since(n int) []int16 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int16(nil), r.pcm[min(n, len(r.pcm)):]...)
}

func (r *recorder) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pcm)
}

// events collects an engine's events for assertions.
type events struct {
	mu   sync.Mutex
	list []Event
	done chan struct{}
	// times are when each event was read.
	times []time.Time
}

func collect(e *Engine) *events {
	c := &events{done: make(chan struct{})}
	go func() {
		defer close(c.done)
		for ev := range e.Events() {
			c.mu.Lock()
			c.list = append(c.list, ev)
			c.times = append(c.times, time.Now())
			c.mu.Unlock()
		}
	}()
	return c
}

func (c *events) wait(t *testing.T, desc string, match func(Event) bool) Event {
	t.Helper()
	return c.waitWithin(t, 10*time.Second, desc, match)
}

// waitWithin returns the first event matching match, failing t when none
// came within d.
func (c *events) waitWithin(t testing.TB, d time.Duration, desc string, match func(Event) bool) Event {
	t.Helper()
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		c.mu.Lock()
		for _, ev := range c.list {
			if match(ev) {
				c.mu.Unlock()
				return ev
			}
		}
		c.mu.Unlock()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t.Fatalf("no %s within %v; events: %#v", desc, d, c.list)
	return nil
}

// TestEngineCall runs two engines through an in-process room server:
// A's tone reaches B, A's mute and leave reach B with the right fields,
// and nothing leaks.
func TestEngineCall(t *testing.T) {
	// A cleanup, not a defer: it must run after the server's cleanup.
	t.Cleanup(test.CheckRoutines(t))
	_, url := startServer(t, server.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	src := toneSource(t, 440, audio.SampleRate)
	rec := &recorder{}
	a := engineFor(url, "a", signal.RoleJoiner, time.Hour, Params{Source: src})
	b := engineFor(url, "b", signal.RoleJoiner, time.Hour, Params{Outputs: []audio.Output{rec}})
	aEv, bEv := collect(a), collect(b)
	aRun, bRun := make(chan error, 1), make(chan error, 1)
	go func() { aRun <- a.Run(ctx) }()
	go func() { bRun <- b.Run(ctx) }()

	bEv.wait(t, "peer-join of a", func(e Event) bool { p, ok := e.(PeerJoin); return ok && p.UserID == "a" && p.UserName == "User a" })
	bEv.wait(t, "stream-added of a", func(e Event) bool { s, ok := e.(StreamAdded); return ok && s.UserID == "a" && s.Kind == "audio" })
	bEv.wait(t, "first audio from a", func(e Event) bool { f, ok := e.(FirstAudioFrame); return ok && f.UserID == "a" })
	start := rec.len()
	time.Sleep(1500 * time.Millisecond)
	heard := rec.since(start + audio.SampleRate/4)
	if f := tone.FractionDominant(heard, audio.SampleRate, 100*time.Millisecond, 440, 10, 300); f < 0.9 {
		t.Errorf("440 Hz dominates %.0f%% of what b heard, want >= 90%%", 100*f)
	}
	if lvl := b.Level("a"); lvl < 50 {
		t.Errorf("b's meter for a reads %d while a sends a loud tone", lvl)
	}
	if lvl := a.LocalLevel(); lvl < 50 {
		t.Errorf("a's own meter reads %d while it sends a loud tone", lvl)
	}

	a.SetMicMuted(true)
	bEv.wait(t, "mute-audio of a", func(e Event) bool { m, ok := e.(MuteAudio); return ok && m.UserID == "a" })
	aEv.wait(t, "own mute-audio", func(e Event) bool { m, ok := e.(MuteAudio); return ok && m.UserID == "a" })
	if !a.MicMuted() {
		t.Error("MicMuted is false after SetMicMuted(true)")
	}
	// Muted, a sends silence (its meter falls), but the microphone meter
	// the devices pane shows still hears the tone.
	for deadline := time.Now().Add(5 * time.Second); a.LocalLevel() > 5; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("a's send meter still reads %d 5 s after muting", a.LocalLevel())
		}
	}
	if lvl := a.MicLevel(); lvl < 50 {
		t.Errorf("a's microphone meter reads %d while muted with a loud tone at the microphone, want >= 50", lvl)
	}

	a.Leave()
	if err := <-aRun; !errors.Is(err, ErrLeft) {
		t.Errorf("a.Run returned %v, want ErrLeft", err)
	}
	bEv.wait(t, "peer-leave of a", func(e Event) bool {
		l, ok := e.(PeerLeave)
		return ok && l.UserID == "a" && l.Reason == signal.ReasonLeft
	})
	<-aEv.done // the event stream closes after Run

	b.Leave()
	<-bRun
	<-bEv.done
	a.Close()
	b.Close()
}

// TestEngineUnreachableServer fails with the websocket code and says so
// in an error event, then closes the event stream.
func TestEngineUnreachableServer(t *testing.T) {
	defer test.CheckRoutines(t)()
	e := New(Config{ServerURL: "ws://127.0.0.1:1", Room: "r", UserID: "u", JoinTimeout: 2 * time.Second}, Params{})
	ev := collect(e)
	err := e.Run(context.Background())
	var se *signal.Error
	if !errors.As(err, &se) || se.Code != signal.CodeWebsocketConnect {
		t.Fatalf("Run returned %v, want code %d", err, signal.CodeWebsocketConnect)
	}
	<-ev.done
	var sawErr, sawDisconnected bool
	for _, x := range ev.list {
		switch v := x.(type) {
		case Error:
			sawErr = v.Code == signal.CodeWebsocketConnect && v.Message != ""
		case ConnectionStateChanged:
			sawDisconnected = sawDisconnected || v.Cur == StateDisconnected
		}
	}
	if !sawErr || !sawDisconnected {
		t.Fatalf("events %#v: want an error with the code and DISCONNECTED", ev.list)
	}
}
