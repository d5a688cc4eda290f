package call

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pion/transport/v4/test"

	"github.com/confab-rtc/confab/server"
	"github.com/confab-rtc/confab/signal"
)

// engineIn starts an engine of user in room, receive-only, and returns it
// with its events and Run's result.
func engineIn(t *testing.T, url, room, user string) (*Engine, *events, chan error) {
	t.Helper()
	ctime := time.Now().Add(time.Hour).Unix()
	e := New(Config{ServerURL: url, Room: room, UserID: user, UserName: "User " + user, AppID: testAppID,
		CTime: ctime, Signature: signal.Sign(testAppKey, testAppID, room, user, ctime)}, Params{})
	ev := collect(e)
	run := make(chan error, 1)
	go func() { run <- e.Run(context.Background()) }()
	ev.wait(t, "connected", func(x Event) bool { c, ok := x.(ConnectionStateChanged); return ok && c.Cur == StateConnected })
	t.Cleanup(func() {
		e.Leave()
		<-ev.done // closed once Run returned, whoever took its result
		e.Close()
	})
	return e, ev, run
}

// nextLobby returns the lobby's next event.
func nextLobby(t *testing.T, l *Lobby) Event {
	t.Helper()
	select {
	case ev, ok := <-l.Events():
		if !ok {
			t.Fatalf("lobby events closed: %v", l.Err())
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no lobby event within 10s")
	}
	return nil
}

// TestLobby: call.Lobby gets the list, then created, updated and
// destroyed as engines come and go; a bad signature is refused with its
// code; ListRooms reads the same list over HTTP.
func TestLobby(t *testing.T) {
	t.Cleanup(test.CheckRoutines(t)) // registered first, so it runs after every other cleanup
	_, url := startServer(t, server.Config{})
	ctime := time.Now().Add(time.Hour).Unix()
	cfg := LobbyConfig{ServerURL: url, AppID: testAppID, UserID: "viewer", CTime: ctime, Signature: signal.Sign(testAppKey, testAppID, signal.LobbyRoom, "viewer", ctime)}

	bad := cfg
	bad.Signature = signal.Sign(testAppKey, testAppID, "r", "viewer", ctime)
	var se *signal.Error
	if _, err := DialLobby(context.Background(), bad); !errors.As(err, &se) || se.Code != signal.CodeAuthFailed {
		t.Fatalf("bad signature: %v", err)
	}

	l, err := DialLobby(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if len(l.Rooms()) != 0 {
		t.Fatalf("rooms %+v, want none", l.Rooms())
	}
	a, _, aRun := engineIn(t, url, "r", "a")
	if ev, ok := nextLobby(t, l).(RoomCreated); !ok || ev.Room != "r" || ev.Participants != 1 || ev.CreatedAt == 0 {
		t.Fatalf("want room-created r 1, got %#v", ev)
	}
	b, _, bRun := engineIn(t, url, "r", "b")
	if ev, ok := nextLobby(t, l).(RoomUpdated); !ok || ev.Room != "r" || ev.Participants != 2 {
		t.Fatalf("want room-updated r 2, got %#v", ev)
	}
	auth := BearerToken(testAppID, "viewer", ctime, cfg.Signature)
	rooms, err := ListRooms(context.Background(), url, "", auth)
	if err != nil || len(rooms) != 1 || rooms[0].Room != "r" || rooms[0].Participants != 2 {
		t.Fatalf("ListRooms = %+v, %v", rooms, err)
	}
	if _, err := ListRooms(context.Background(), url, "", BearerToken(testAppID, "viewer", ctime, "00")); !errors.As(err, &se) || se.Code != signal.CodeAuthFailed {
		t.Fatalf("ListRooms with a bad signature: %v", err)
	}
	b.Leave()
	<-bRun
	if ev, ok := nextLobby(t, l).(RoomUpdated); !ok || ev.Participants != 1 {
		t.Fatalf("want room-updated r 1, got %#v", ev)
	}
	a.Leave()
	<-aRun
	if ev, ok := nextLobby(t, l).(RoomDestroyed); !ok || ev.Room != "r" || ev.Participants != 0 {
		t.Fatalf("want room-destroyed r, got %#v", ev)
	}
	l.Close()
	if _, ok := <-l.Events(); ok {
		t.Fatal("events still open after Close")
	}
	if err := l.Err(); err != nil {
		t.Fatalf("Err after Close = %v", err)
	}
}

// TestEngineAdminActions: kick, ban and dismiss reach the engines as
// ClientBanned with the reason (and until), Run returns ErrBanned, and
// the others see peer-leave with the same reason.
func TestEngineAdminActions(t *testing.T) {
	t.Cleanup(test.CheckRoutines(t)) // registered first, so it runs after every other cleanup
	srv, url := startServer(t, server.Config{})
	_, aEv, aRun := engineIn(t, url, "r", "a")
	_, bEv, bRun := engineIn(t, url, "r", "b")
	_, cEv, cRun := engineIn(t, url, "r", "c")
	aEv.wait(t, "peer-join of c", func(x Event) bool { p, ok := x.(PeerJoin); return ok && p.UserID == "c" })

	if err := srv.Kick("r", "b"); err != nil {
		t.Fatal(err)
	}
	bEv.wait(t, "b banned with reason 9", func(x Event) bool {
		c, ok := x.(ClientBanned)
		return ok && c.Reason == signal.ReasonRemoved && c.Until == 0 && c.Message != ""
	})
	if err := <-bRun; !errors.Is(err, ErrBanned) {
		t.Fatalf("b's Run = %v, want ErrBanned", err)
	}
	aEv.wait(t, "peer-leave of b, reason 9", func(x Event) bool {
		p, ok := x.(PeerLeave)
		return ok && p.UserID == "b" && p.Reason == signal.ReasonRemoved
	})

	now := time.Now()
	until := now.Add(time.Minute).Truncate(time.Second)
	if removed, err := srv.Ban("r", "c", until, now); err != nil || !removed {
		t.Fatalf("Ban = %v, %v", removed, err)
	}
	cEv.wait(t, "c banned with reason 5 and until", func(x Event) bool {
		c, ok := x.(ClientBanned)
		return ok && c.Reason == signal.ReasonBanned && c.Until == until.Unix()
	})
	if err := <-cRun; !errors.Is(err, ErrBanned) {
		t.Fatalf("c's Run = %v, want ErrBanned", err)
	}
	// c cannot come back.
	ctime := time.Now().Add(time.Hour).Unix()
	c2 := New(Config{ServerURL: url, Room: "r", UserID: "c", AppID: testAppID, CTime: ctime, Signature: signal.Sign(testAppKey, testAppID, "r", "c", ctime)}, Params{})
	c2Ev := collect(c2)
	var se *signal.Error
	if err := c2.Run(context.Background()); !errors.As(err, &se) || se.Code != signal.CodeBanned {
		t.Fatalf("banned rejoin: Run = %v, want code %d", err, signal.CodeBanned)
	}
	<-c2Ev.done
	c2.Close()

	if err := srv.Dismiss("r"); err != nil {
		t.Fatal(err)
	}
	aEv.wait(t, "a banned with reason 10", func(x Event) bool {
		c, ok := x.(ClientBanned)
		return ok && c.Reason == signal.ReasonRoomDismissed
	})
	if err := <-aRun; !errors.Is(err, ErrBanned) {
		t.Fatalf("a's Run = %v, want ErrBanned", err)
	}
}
