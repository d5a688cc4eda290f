package server

import (
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/confab-rtc/confab/signal"
)

func TestSessionClock(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	var k sessionClock
	steps := []struct {
		now  int
		has  bool
		want time.Time // zero: no deadline
	}{
		{0, false, at(10000)},    // connected: 10 s to join
		{4000, false, at(10000)}, // a ping does not move it
		{5000, true, time.Time{}},
		{60000, true, time.Time{}}, // joined: no deadline, however long
		{61000, false, at(71000)},  // left: 10 s again
		{62000, true, time.Time{}}, // joined again
		{90000, false, at(100000)},
	}
	for _, s := range steps {
		if got := k.deadlineAt(at(s.now), s.has, 10*time.Second); !got.Equal(s.want) {
			t.Errorf("at %d ms (session %v): deadline %v, want %v", s.now, s.has, got, s.want)
		}
	}
}

// TestJoinTimeout: a connection that keeps itself alive (it pings and
// answers pings) but never joins gets CodeNotJoined and is closed with
// 1008 once the join timeout passes; one that joins in time, or subscribes
// to the room list, stays; one that leaves has the timeout again.
func TestJoinTimeout(t *testing.T) {
	guard(t)
	const timeout = 400 * time.Millisecond
	_, url := startServer(t, Config{JoinTimeout: timeout})

	dialed := time.Now()
	idler := dial(t, url, clientOpts{})
	joiner := dial(t, url, clientOpts{})
	lister := dial(t, url, clientOpts{})
	leaver := dial(t, url, clientOpts{})
	joiner.join("r", "joiner", signal.RoleJoiner)
	leaver.join("r", "leaver", signal.RoleJoiner)
	if r := lister.request(lobbyMsg("lister")); r.Type != signal.TypeRooms {
		t.Fatalf("subscribe to the room list: %s %d %s", r.Type, r.Code, r.Message)
	}
	// Signs of life are not a session: the idler pings until it is
	// closed.
	start := time.Now()
	for pinging := true; pinging && time.Since(start) < waitLong; {
		select {
		case <-idler.readDone:
			pinging = false
		case <-time.After(timeout / 8):
			idler.sendRaw(websocket.TextMessage, []byte(`{"type":"ping"}`))
		}
	}
	closed := time.Since(dialed)
	if code := idler.closeCode(); code != websocket.ClosePolicyViolation {
		t.Errorf("the idler was closed with %d, want %d", code, websocket.ClosePolicyViolation)
	}
	if closed < timeout {
		t.Errorf("the idler was closed after %v, before the timeout %v", closed, timeout)
	}
	var got signal.Message
	for len(idler.notes) > 0 {
		if m := <-idler.notes; m.Type == signal.TypeError {
			got = m
		}
	}
	if got.Code != signal.CodeNotJoined || got.Message == "" {
		t.Errorf("the idler's last error %+v, want code %d with a message", got, signal.CodeNotJoined)
	}
	joiner.alive()
	lister.alive()

	if r := leaver.request(signal.Message{Type: signal.TypeLeave}); r.Type != signal.TypeOK {
		t.Fatalf("leave: %s %d %s", r.Type, r.Code, r.Message)
	}
	left := time.Now()
	leaver.alive() // still open right after the leave
	if code := leaver.closeCode(); code != websocket.ClosePolicyViolation {
		t.Errorf("the leaver was closed with %d, want %d", code, websocket.ClosePolicyViolation)
	}
	if d := time.Since(left); d < timeout {
		t.Errorf("the leaver was closed %v after leaving, before the timeout %v", d, timeout)
	}
	joiner.alive()
	lister.alive()
}
