package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/confab-rtc/confab/internal/netcut"
)

// nth returns the n-th event (1-based) matching match, waiting for it.
func (c *client) nth(desc string, n int, timeout time.Duration, match func(event) bool) event {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		seen := 0
		for _, ev := range c.all() {
			if match(ev) {
				if seen++; seen == n {
					return ev
				}
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("%s: no %s within %s; events: %v", c.name, desc, timeout, c.all())
		}
		select {
		case <-c.update:
		case <-c.exited:
			if c.count(match) < n {
				c.t.Fatalf("%s exited (%v) before %s; events: %v", c.name, c.err, desc, c.all())
			}
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// count returns how many events so far match.
func (c *client) count(match func(event) bool) int {
	n := 0
	for _, ev := range c.all() {
		if match(ev) {
			n++
		}
	}
	return n
}

var (
	isConnected    = isEvent("connection-state-changed", map[string]any{"cur": "CONNECTED"})
	isReconnecting = isEvent("connection-state-changed", map[string]any{"prev": "CONNECTED", "cur": "RECONNECTING"})
)

// TestServerRestartRejoin: the server process is killed (SIGKILL: it says
// nothing) and a new one starts on the same address. Both clients say
// RECONNECTING, find the new server with their backoff, join again
// (CONNECTED) and hear each other's tone again, in their recordings.
func TestServerRestartRejoin(t *testing.T) {
	e := newEnv(t)
	addr := freeAddr(t)
	url, srv := e.startServerProc("--listen", addr)
	writeTone(t, e.path("a.wav"), 440)
	writeTone(t, e.path("b.wav"), 1000)
	a := e.startClient("alice", "--server", url, "--user", "alice", "--name", "Alice", "--reconnect-timeout", "40s",
		"--send", e.path("a.wav"), "--record", e.path("a-rec.wav"), "--speaker", "none", "room1")
	b := e.startClient("bob", "--server", url, "--user", "bob", "--name", "Bob", "--reconnect-timeout", "40s",
		"--send", e.path("b.wav"), "--record", e.path("b-rec.wav"), "--speaker", "none", "room1")
	aUp := a.waitEvent("alice CONNECTED", 15*time.Second, isConnected)
	bUp := b.waitEvent("bob CONNECTED", 15*time.Second, isConnected)
	a.waitEvent("alice hears bob", 15*time.Second, isEvent("first-audio-frame", map[string]any{"userId": "bob"}))
	b.waitEvent("bob hears alice", 15*time.Second, isEvent("first-audio-frame", map[string]any{"userId": "alice"}))
	time.Sleep(time.Second)

	if err := srv.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = srv.Wait()
	a.waitEvent("alice RECONNECTING", 20*time.Second, isReconnecting)
	b.waitEvent("bob RECONNECTING", 20*time.Second, isReconnecting)
	time.Sleep(time.Second) // a restart takes a moment
	restarted := time.Now()
	if url2, _ := e.startServerProc("--listen", addr); url2 != url {
		t.Fatalf("the new server listens on %s, want %s", url2, url)
	}
	aBack := a.nth("alice CONNECTED again", 2, 30*time.Second, isConnected)
	bBack := b.nth("bob CONNECTED again", 2, 30*time.Second, isConnected)
	t.Logf("rejoined %s (alice) and %s (bob) after the new server started", aBack.time().Sub(restarted).Round(time.Millisecond), bBack.time().Sub(restarted).Round(time.Millisecond))
	a.nth("alice hears bob again", 2, 15*time.Second, isEvent("first-audio-frame", map[string]any{"userId": "bob"}))
	b.nth("bob hears alice again", 2, 15*time.Second, isEvent("first-audio-frame", map[string]any{"userId": "alice"}))
	time.Sleep(3 * time.Second)
	end := time.Now()
	a.send("leave")
	b.send("leave")
	for _, c := range []*client{a, b} {
		if err := c.waitExit(10 * time.Second); err != nil {
			t.Errorf("%s exited with %v after leaving, want status 0", c.name, err)
		}
		for _, ev := range c.all() {
			if ev.str("event") == "error" {
				t.Errorf("%s got an error event: %v", c.name, ev)
			}
		}
	}
	aRec := readRecording(t, e.path("a-rec.wav"), aUp.time())
	bRec := readRecording(t, e.path("b-rec.wav"), bUp.time())
	assertTone(t, "alice after the restart", aRec.between(t, aBack.time().Add(time.Second), end), 1000, 440)
	assertTone(t, "bob after the restart", bRec.between(t, bBack.time().Add(time.Second), end), 440, 1000)
}

// TestWebsocketCutResumes: alice's signaling goes through a relay that
// drops everything for 3 s (her media path stays up). She says
// RECONNECTING then CONNECTED, bob sees no peer-leave, and bob's
// recording has her tone throughout, the cut included.
func TestWebsocketCutResumes(t *testing.T) {
	e := newEnv(t)
	url := e.startServer()
	relay, err := netcut.NewRelay(strings.TrimPrefix(url, "ws://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { relay.Close() })
	writeTone(t, e.path("a.wav"), 440)
	a := e.startClient("alice", "--server", "ws://"+relay.Addr(), "--user", "alice", "--name", "Alice",
		"--send", e.path("a.wav"), "--speaker", "none", "room1")
	b := e.startClient("bob", "--server", url, "--user", "bob", "--name", "Bob", "--mic", "none",
		"--record", e.path("b-rec.wav"), "--speaker", "none", "room1")
	a.waitEvent("alice CONNECTED", 15*time.Second, isConnected)
	bUp := b.waitEvent("bob CONNECTED", 15*time.Second, isConnected)
	b.waitEvent("bob hears alice", 15*time.Second, isEvent("first-audio-frame", map[string]any{"userId": "alice"}))
	time.Sleep(time.Second)

	cutAt := time.Now()
	relay.Cut()
	a.waitEvent("alice RECONNECTING", 10*time.Second, isReconnecting)
	time.Sleep(3 * time.Second)
	restored := time.Now()
	relay.Restore()
	back := a.nth("alice CONNECTED again", 2, 20*time.Second, isConnected)
	t.Logf("alice resumed %s after the relay was restored", back.time().Sub(restored).Round(time.Millisecond))
	time.Sleep(2 * time.Second)
	end := time.Now()
	if n := b.count(isEvent("peer-leave", map[string]any{"userId": "alice"})); n != 0 {
		t.Errorf("bob saw alice leave %d times; events: %v", n, b.all())
	}
	if n := b.count(isEvent("peer-join", map[string]any{"userId": "alice"})); n != 1 {
		t.Errorf("bob saw alice join %d times, want once", n)
	}
	b.send("leave")
	a.send("leave")
	for _, c := range []*client{a, b} {
		if err := c.waitExit(10 * time.Second); err != nil {
			t.Errorf("%s exited with %v, want status 0", c.name, err)
		}
	}
	rec := readRecording(t, e.path("b-rec.wav"), bUp.time())
	assertTone(t, "bob during alice's websocket cut", rec.between(t, cutAt, restored), 440, 1000)
	assertTone(t, "bob after alice resumed", rec.between(t, back.time(), end), 440, 1000)
}

// TestReconnectTimeout: alice's network is cut for good. She says
// RECONNECTING, gives up after her --reconnect-timeout with a peer-leave
// about herself with reason 7 and exits with a failure; bob sees her
// leave with reason 7 once the server's --resume-grace has passed.
func TestReconnectTimeout(t *testing.T) {
	e := newEnv(t)
	url, _ := e.startServerProc("--resume-grace", "2s")
	relay, err := netcut.NewRelay(strings.TrimPrefix(url, "ws://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { relay.Close() })
	a := e.startClient("alice", "--server", "ws://"+relay.Addr(), "--user", "alice", "--name", "Alice", "--mic", "none",
		"--reconnect-timeout", "3s", "--speaker", "none", "room1")
	b := e.startClient("bob", "--server", url, "--user", "bob", "--name", "Bob", "--mic", "none", "--speaker", "none", "room1")
	a.waitEvent("alice CONNECTED", 15*time.Second, isConnected)
	b.waitEvent("bob sees alice", 15*time.Second, isEvent("peer-join", map[string]any{"userId": "alice"}))

	cutAt := time.Now()
	relay.Cut()
	a.waitEvent("alice RECONNECTING", 10*time.Second, isReconnecting)
	gaveUp := a.waitEvent("alice gives up", 15*time.Second, isEvent("peer-leave", map[string]any{"userId": "alice", "reason": 7}))
	// Event times are cut to the millisecond: allow a few.
	if d := gaveUp.time().Sub(cutAt); d < 3*time.Second-5*time.Millisecond {
		t.Errorf("alice gave up %s after the cut, before her 3 s timeout", d)
	}
	if err := a.waitExit(10 * time.Second); err == nil {
		t.Error("alice exited with status 0 after giving up, want a failure")
	}
	left := b.waitEvent("bob sees alice leave", 15*time.Second, isEvent("peer-leave", map[string]any{"userId": "alice"}))
	if r := left.num("reason"); r != 7 {
		t.Errorf("bob saw alice leave with reason %.0f, want 7", r)
	}
	if d := left.time().Sub(cutAt); d < 2*time.Second-5*time.Millisecond {
		t.Errorf("bob saw alice leave %s after the cut, within the server's 2 s grace", d)
	}
}
