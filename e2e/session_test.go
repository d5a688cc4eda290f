package e2e

import (
	"testing"
	"time"

	sig "github.com/confab-rtc/confab/signal"
)

// TestRenameRoleAndShutdown drives headless clients through stdin: a
// rename reaches both, a player that switches to joiner is heard and one
// that switches back stops publishing; SIGTERM to the server makes each
// see the other leave with reason 3 and reconnect (not leave) until its
// --reconnect-timeout, then give up with reason 7; the server exits within
// seconds.
func TestRenameRoleAndShutdown(t *testing.T) {
	e := newEnv(t)
	url, srv := e.startServerProc()
	writeTone(t, e.path("a.wav"), 440)

	a := e.startClient("alice", "--server", url, "--user", "alice", "--name", "Alice", "--role", "player",
		"--send", e.path("a.wav"), "--speaker", "none", "--reconnect-timeout", "3s", "room1")
	a.waitEvent("alice CONNECTED", 15*time.Second, isEvent("connection-state-changed", map[string]any{"cur": "CONNECTED"}))
	b := e.startClient("bob", "--server", url, "--user", "bob", "--name", "Bob", "--mic", "none",
		"--record", e.path("b-rec.wav"), "--speaker", "none", "--reconnect-timeout", "3s", "room1")
	b.waitEvent("peer-join of alice the player", 15*time.Second, isEvent("peer-join", map[string]any{"userId": "alice", "userName": "Alice", "role": 2}))

	a.send("rename Alice Two")
	for _, c := range []*client{a, b} {
		c.waitEvent("alice renamed", 10*time.Second, isEvent("remote-user-name-changed", map[string]any{"userId": "alice", "userName": "Alice Two"}))
	}

	a.send("role joiner")
	for _, c := range []*client{a, b} {
		c.waitEvent("alice a joiner", 10*time.Second, isEvent("role-changed", map[string]any{"userId": "alice", "role": 0}))
	}
	b.waitEvent("alice's stream", 10*time.Second, isEvent("stream-added", map[string]any{"userId": "alice", "kind": "audio"}))
	b.waitEvent("alice heard", 10*time.Second, isEvent("first-audio-frame", map[string]any{"userId": "alice"}))

	a.send("role player")
	b.waitEvent("alice's stream removed", 10*time.Second, isEvent("stream-removed", map[string]any{"userId": "alice", "kind": "audio"}))
	b.waitEvent("alice a player again", 10*time.Second, isEvent("role-changed", map[string]any{"userId": "alice", "role": 2}))

	start := time.Now()
	if err := stop(srv, 10*time.Second); err != nil {
		t.Errorf("the server exited with %v after SIGTERM, want status 0", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the server took %s to exit after SIGTERM", d)
	}
	for _, c := range []*client{a, b} {
		other := map[string]string{"alice": "bob", "bob": "alice"}[c.name]
		c.waitEvent(c.name+" sees "+other+" leave with reason 3", 10*time.Second, isEvent("peer-leave", map[string]any{"userId": other, "reason": 3}))
		c.waitEvent(c.name+" RECONNECTING", 10*time.Second, isEvent("connection-state-changed", map[string]any{"cur": "RECONNECTING"}))
		c.waitEvent(c.name+" gives up with reason 7", 15*time.Second, isEvent("peer-leave", map[string]any{"userId": c.name, "reason": 7}))
		if err := c.waitExit(10 * time.Second); err == nil {
			t.Errorf("%s exited with status 0 after the server shut down, want a failure", c.name)
		}
		for _, ev := range c.all() {
			if ev.str("event") == "peer-leave" && ev.str("userId") == c.name && ev["reason"] == float64(3) {
				t.Errorf("%s was told it left with reason 3: %v", c.name, ev)
			}
		}
		// The one error is the giving up's: the server is lost, with what
		// to do.
		for _, ev := range c.all() {
			if ev.str("event") == "error" && ev["code"] != float64(sig.CodeServerLost) {
				t.Errorf("%s got an error event: %v; events: %v", c.name, ev, c.all())
			}
		}
	}
}
