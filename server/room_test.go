package server

import (
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/confab-rtc/confab/signal"
)

// TestLeaveReasons: however a client goes, the others get peer-leave with
// the reason a user would expect, and its streams end first.
func TestLeaveReasons(t *testing.T) {
	guard(t)
	cases := []struct {
		name   string
		cfg    Config
		opts   clientOpts
		goAway func(c *client)
		reason int
	}{
		{"leave request", Config{}, clientOpts{}, func(c *client) { c.request(signal.Message{Type: signal.TypeLeave}) }, signal.ReasonLeft},
		{"clean websocket close", Config{}, clientOpts{}, func(c *client) { c.close() }, signal.ReasonLeft},
		{"socket dropped without close, no resume", Config{ResumeGrace: -1}, clientOpts{}, func(c *client) { c.dropSocket() }, signal.ReasonNetworkCheck},
		{"silent past the peer timeout, no resume", Config{PingInterval: 250 * time.Millisecond, PeerTimeout: 1500 * time.Millisecond, ResumeGrace: -1}, clientOpts{noPong: true}, func(*client) {}, signal.ReasonNetworkCheck},
		{"socket dropped, not resumed", Config{ResumeGrace: 300 * time.Millisecond}, clientOpts{}, func(c *client) { c.dropSocket() }, signal.ReasonReconnectTimeout},
		{"silent past the peer timeout, not resumed", Config{PingInterval: 250 * time.Millisecond, PeerTimeout: 1500 * time.Millisecond, ResumeGrace: 300 * time.Millisecond}, clientOpts{noPong: true}, func(*client) {}, signal.ReasonReconnectTimeout},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, url := startServer(t, tc.cfg)
			stay := dial(t, url, clientOpts{})
			gone := dial(t, url, tc.opts)
			stay.join("r", "stay", signal.RoleJoiner)
			gone.join("r", "gone", signal.RoleJoiner)
			gone.publish("gone", "mic", 50)
			stay.waitNote(signal.TypeStreamAdded)
			if !tc.opts.noPong {
				stay.flowing("gone", 3)
			}
			tc.goAway(gone)
			if rm := stay.waitNote(signal.TypeStreamRemoved); rm.Stream == nil || rm.Stream.UserID != "gone" {
				t.Fatalf("stream-removed = %+v", rm)
			}
			pl := stay.waitNote(signal.TypePeerLeave)
			if pl.UserID != "gone" || pl.Reason != tc.reason {
				t.Fatalf("peer-leave = %+v, want gone with reason %d (%s)", pl, tc.reason, signal.ReasonText(tc.reason))
			}
			// The one who stayed, answering pings, is still there.
			if _, ok := srv.Participant("r", "stay"); !ok {
				t.Fatal("the remaining participant was dropped too")
			}
			if tc.opts.noPong {
				if gone.pings.Load() == 0 {
					t.Error("the silent client was never pinged")
				}
				if code := gone.closeCode(); code != websocket.CloseGoingAway {
					t.Errorf("silent client's close code %d, want %d", code, websocket.CloseGoingAway)
				}
			}
		})
	}
}

// TestRoomLifecycle: a room exists from its first join until its last
// participant is gone, and a later join creates it afresh.
func TestRoomLifecycle(t *testing.T) {
	guard(t)
	srv, url := startServer(t, Config{})
	if rooms := srv.Rooms(); len(rooms) != 0 {
		t.Fatalf("rooms before any join: %+v", rooms)
	}
	a := dial(t, url, clientOpts{})
	b := dial(t, url, clientOpts{})
	c := dial(t, url, clientOpts{})
	a.join("one", "a", signal.RoleJoiner)
	b.join("one", "b", signal.RolePlayer)
	c.join("two", "c", signal.RoleJoiner)
	rooms := srv.Rooms()
	if len(rooms) != 2 || rooms[0].Name != "one" || len(rooms[0].Participants) != 2 || rooms[1].Name != "two" {
		t.Fatalf("rooms = %+v, want one (a, b) and two (c)", rooms)
	}
	if p := rooms[0].Participants[1]; p.UserID != "b" || p.Role != signal.RolePlayer {
		t.Fatalf("second member of one = %+v, want player b", p)
	}
	a.request(signal.Message{Type: signal.TypeLeave})
	if _, ok := srv.Room("one"); !ok {
		t.Fatal("room one vanished while b is still in it")
	}
	b.close()
	eventually(t, "room one to be destroyed", func() bool { _, ok := srv.Room("one"); return !ok })
	if rooms := srv.Rooms(); len(rooms) != 1 || rooms[0].Name != "two" {
		t.Fatalf("rooms = %+v, want only two", rooms)
	}
	// a left but kept its connection: it may join again, creating the room.
	if j := a.join("one", "a", signal.RoleJoiner); len(j.Peers) != 0 {
		t.Fatalf("peers of the recreated room: %+v", j.Peers)
	}
	if info, ok := srv.Room("one"); !ok || len(info.Participants) != 1 {
		t.Fatalf("recreated room one = %+v", info)
	}
}

// TestSameUserReplaced: a second session of a userId replaces the first,
// which is told so (kicked, reason 5, no ban time) and disconnected with
// CloseReplaced; the others see it leave with reason 5 and join again.
func TestSameUserReplaced(t *testing.T) {
	guard(t)
	srv, url := startServer(t, Config{})
	bob := dial(t, url, clientOpts{})
	old := dial(t, url, clientOpts{})
	bob.join("r", "bob", signal.RoleJoiner)
	first := old.join("r", "alice", signal.RoleJoiner)
	bob.waitNote(signal.TypePeerJoin)

	fresh := dial(t, url, clientOpts{})
	second := fresh.join("r", "alice", signal.RoleJoiner)
	if second.SessionID == first.SessionID {
		t.Fatal("the new session reuses the old session id")
	}
	if len(second.Peers) != 1 || second.Peers[0].UserID != "bob" {
		t.Fatalf("the new session sees peers %+v, want only bob", second.Peers)
	}
	if k := old.waitNote(signal.TypeKicked); k.Reason != signal.ReasonBanned || k.Until != 0 || k.Message == "" {
		t.Fatalf("the old session got %+v, want kicked reason 5, until 0, with a message", k)
	}
	if code := old.closeCode(); code != signal.CloseReplaced {
		t.Fatalf("old session close code %d, want %d", code, signal.CloseReplaced)
	}
	if pl := bob.waitNote(signal.TypePeerLeave); pl.UserID != "alice" || pl.Reason != signal.ReasonBanned {
		t.Fatalf("bob got %+v, want peer-leave alice reason 5", pl)
	}
	if pj := bob.waitNote(signal.TypePeerJoin); pj.UserID != "alice" {
		t.Fatalf("bob got %+v, want alice to join again", pj)
	}
	info, _ := srv.Participant("r", "alice")
	if info.SessionID != second.SessionID {
		t.Fatalf("the room holds session %s, want the new %s", info.SessionID, second.SessionID)
	}
}

// TestRoomFull: one more than MaxRoomParticipants gets CodeRoomFull and the
// room is unchanged.
func TestRoomFull(t *testing.T) {
	guard(t)
	srv, url := startServer(t, Config{MaxRoomParticipants: 2})
	dial(t, url, clientOpts{}).join("r", "a", signal.RoleJoiner)
	dial(t, url, clientOpts{}).join("r", "b", signal.RoleJoiner)
	c := dial(t, url, clientOpts{})
	if r := c.request(joinMsg("r", "c", signal.RoleJoiner)); r.Code != signal.CodeRoomFull {
		t.Fatalf("third join: %s %d %s, want code %d", r.Type, r.Code, r.Message, signal.CodeRoomFull)
	}
	if info, _ := srv.Room("r"); len(info.Participants) != 2 {
		t.Fatalf("room r = %+v", info)
	}
	c.join("other", "c", signal.RoleJoiner) // the connection is still usable
}
