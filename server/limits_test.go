package server

import (
	"strconv"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/confab-rtc/confab/signal"
)

// TestRequestFlood: a participant that floods requests gets
// CodeRequestTooFrequent, with each request's id, for those beyond its
// bucket; it stays connected, keeps receiving the call, and is served
// again once the bucket refills.
func TestRequestFlood(t *testing.T) {
	guard(t)
	_, url := startServer(t, Config{RequestRate: 5, RequestBurst: 10})
	alice := dial(t, url, clientOpts{})
	bob := dial(t, url, clientOpts{})
	alice.join("r", "alice", signal.RoleJoiner)
	bob.join("r", "bob", signal.RoleJoiner)
	alice.publish("alice", "mic", 40)
	bob.flowing("alice", 5)

	const n = 60
	for i := range n {
		bob.sendRaw(websocket.TextMessage, mustJSON(t, signal.Message{Type: signal.TypePing, ID: "f" + strconv.Itoa(i)}))
	}
	pongs, limited := 0, 0
	for pongs+limited < n {
		m := bob.waitAny()
		switch {
		case m.Type == signal.TypePong && m.ID != "":
			pongs++
		case m.Type == signal.TypeError:
			if m.Code != signal.CodeRequestTooFrequent || m.ID == "" || m.ID[0] != 'f' {
				t.Fatalf("flood reply %+v, want code %d with the request's id", m, signal.CodeRequestTooFrequent)
			}
			limited++
		}
	}
	// The bucket holds 10 (the join took one) and refills at 5/s: most of
	// 60 back-to-back requests are refused, about the burst is served.
	if pongs < 5 || limited < n/2 {
		t.Fatalf("%d served, %d limited of %d", pongs, limited, n)
	}
	bob.flowing("alice", 5)
	eventually(t, "the flooder to be served again", func() bool {
		return bob.request(signal.Message{Type: signal.TypePing}).Type == signal.TypePong
	})
	alice.alive()
}

// waitAny returns the next notification (a reply whose id nobody waits
// for counts as one).
func (c *client) waitAny() signal.Message {
	c.t.Helper()
	select {
	case m := <-c.notes:
		return m
	case <-c.readDone:
		c.t.Fatalf("connection closed: %v", c.readErr)
	case <-time.After(waitLong):
		c.t.Fatal("no message")
	}
	return signal.Message{}
}

// TestMaxRooms: a join that would create a room beyond MaxRooms gets
// CodeTooManyRooms; joining an existing room still works, and a room that
// ends frees its place.
func TestMaxRooms(t *testing.T) {
	guard(t)
	srv, url := startServer(t, Config{MaxRooms: 2})
	a := dial(t, url, clientOpts{})
	b := dial(t, url, clientOpts{})
	c := dial(t, url, clientOpts{})
	a.join("one", "a", signal.RoleJoiner)
	b.join("two", "b", signal.RoleJoiner)
	if r := c.request(joinMsg("three", "c", signal.RoleJoiner)); r.Type != signal.TypeError || r.Code != signal.CodeTooManyRooms || r.Message == "" {
		t.Fatalf("join of a third room: %s %d %s, want code %d", r.Type, r.Code, r.Message, signal.CodeTooManyRooms)
	}
	if _, ok := srv.Room("three"); ok {
		t.Fatal("the refused room exists")
	}
	c.join("one", "c", signal.RoleJoiner)
	b.request(signal.Message{Type: signal.TypeLeave})
	eventually(t, "room two to end", func() bool { _, ok := srv.Room("two"); return !ok })
	b.join("three", "b", signal.RoleJoiner)
}
