package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/confab-rtc/confab/signal"
)

// httpBase turns startServer's websocket URL into the server's HTTP base.
func httpBase(wsURL string) string {
	return "http" + strings.TrimSuffix(strings.TrimPrefix(wsURL, "ws"), "/v1/ws")
}

// bearer is a valid Authorization header for userID signed for room.
func bearer(room, userID string) string {
	ctime := time.Now().Add(time.Hour).Unix()
	return fmt.Sprintf("Bearer %s:%s:%d:%s", testAppID, userID, ctime, signal.Sign(testAppKey, testAppID, room, userID, ctime))
}

// httpDo sends a request with the Authorization header auth (none if
// empty) and decodes a JSON answer into out; it returns the status.
func httpDo(t *testing.T, method, url, auth, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: answer is not JSON: %v", method, url, err)
		}
	}
	return resp.StatusCode
}

// TestRoomsHTTP: GET /v1/rooms needs a lobby (or admin) signature and
// lists the rooms with their counts and creation times.
func TestRoomsHTTP(t *testing.T) {
	guard(t)
	_, url := startServer(t, Config{})
	base := httpBase(url)
	before := time.Now().UnixMilli()
	a, b, c := dial(t, url, clientOpts{}), dial(t, url, clientOpts{}), dial(t, url, clientOpts{})
	a.join("alpha", "a", signal.RoleJoiner)
	b.join("alpha", "b", signal.RolePlayer)
	c.join("beta", "c", signal.RoleJoiner)

	ctime := time.Now().Add(time.Hour).Unix()
	bad := []struct{ name, auth string }{
		{"none", ""},
		{"not bearer", "Basic abc"},
		{"three parts", "Bearer " + testAppID + ":u:123"},
		{"bad ctime", "Bearer " + testAppID + ":u:x:" + signal.Sign(testAppKey, testAppID, signal.LobbyRoom, "u", ctime)},
		{"wrong key", fmt.Sprintf("Bearer %s:u:%d:%s", testAppID, ctime, signal.Sign("other-key-000000", testAppID, signal.LobbyRoom, "u", ctime))},
		{"room signature", bearer("alpha", "u")},
		{"wrong app", fmt.Sprintf("Bearer other:u:%d:%s", ctime, signal.Sign(testAppKey, "other", signal.LobbyRoom, "u", ctime))},
	}
	for _, tc := range bad {
		var e ErrorReply
		if st := httpDo(t, "GET", base+"/v1/rooms", tc.auth, "", &e); st != http.StatusUnauthorized || e.Code == 0 {
			t.Errorf("%s: status %d %+v, want 401 with a code", tc.name, st, e)
		}
	}
	var rooms []signal.RoomInfo
	if st := httpDo(t, "GET", base+"/v1/rooms", bearer(signal.LobbyRoom, "viewer"), "", &rooms); st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	if len(rooms) != 2 || rooms[0].Room != "alpha" || rooms[0].Participants != 2 || rooms[1].Room != "beta" || rooms[1].Participants != 1 {
		t.Fatalf("rooms %+v, want alpha 2, beta 1", rooms)
	}
	for _, r := range rooms {
		if r.CreatedAt < before || r.CreatedAt > time.Now().UnixMilli() {
			t.Errorf("room %s createdAt %d outside the test", r.Room, r.CreatedAt)
		}
	}
	// An administrator's signature also reads the list.
	if st := httpDo(t, "GET", base+"/v1/rooms", bearer(signal.AdminRoom, "root"), "", &rooms); st != http.StatusOK {
		t.Fatalf("admin: status %d", st)
	}
}

// lobbyMsg is a signed subscribeRooms request.
func lobbyMsg(user string) signal.Message {
	ctime := time.Now().Add(time.Hour).Unix()
	return signal.Message{Type: signal.TypeSubscribeRooms, AppID: testAppID, UserID: user, CTime: ctime,
		Signature: signal.Sign(testAppKey, testAppID, signal.LobbyRoom, user, ctime)}
}

// wantRoom waits for the next lobby push and checks it.
func wantRoom(t *testing.T, c *client, typ, room string, n int) signal.RoomInfo {
	t.Helper()
	m := c.waitNote(typ)
	if m.RoomInfo == nil || m.RoomInfo.Room != room || m.RoomInfo.Participants != n || m.RoomInfo.CreatedAt == 0 {
		t.Fatalf("%s: roomInfo %+v, want room %s with %d", typ, m.RoomInfo, room, n)
	}
	return *m.RoomInfo
}

// TestLobbySubscription: a subscriber gets the list, then every change in
// order: created, updated as people come and go, destroyed.
func TestLobbySubscription(t *testing.T) {
	guard(t)
	_, url := startServer(t, Config{})
	old := dial(t, url, clientOpts{})
	old.join("old", "o", signal.RoleJoiner)

	lob := dial(t, url, clientOpts{})
	// Refused: bad signature, a room signature, a joined connection.
	bad := lobbyMsg("v")
	bad.Signature = signal.Sign(testAppKey, testAppID, "old", "v", bad.CTime)
	if r := lob.request(bad); r.Type != signal.TypeError || r.Code != signal.CodeAuthFailed {
		t.Fatalf("room-signed subscribe: %s %d", r.Type, r.Code)
	}
	if r := old.request(lobbyMsg("o")); r.Type != signal.TypeError || r.Code != signal.CodeAlreadyJoined {
		t.Fatalf("subscribe on a joined connection: %s %d", r.Type, r.Code)
	}

	r := lob.request(lobbyMsg("v"))
	if r.Type != signal.TypeRooms || len(r.Rooms) != 1 || r.Rooms[0].Room != "old" || r.Rooms[0].Participants != 1 {
		t.Fatalf("subscribe reply %s %+v", r.Type, r.Rooms)
	}
	a, b := dial(t, url, clientOpts{}), dial(t, url, clientOpts{})
	a.join("new", "a", signal.RoleJoiner)
	created := wantRoom(t, lob, signal.TypeRoomCreated, "new", 1)
	b.join("new", "b", signal.RoleJoiner)
	if up := wantRoom(t, lob, signal.TypeRoomUpdated, "new", 2); up.CreatedAt != created.CreatedAt {
		t.Errorf("createdAt changed from %d to %d", created.CreatedAt, up.CreatedAt)
	}
	b.request(signal.Message{Type: signal.TypeLeave})
	wantRoom(t, lob, signal.TypeRoomUpdated, "new", 1)
	a.close()
	wantRoom(t, lob, signal.TypeRoomDestroyed, "new", 0)
	old.close()
	wantRoom(t, lob, signal.TypeRoomDestroyed, "old", 0)
	select {
	case m := <-lob.notes:
		t.Fatalf("unexpected %s %+v", m.Type, m.RoomInfo)
	default:
	}
	lob.alive()
}

// TestSoloReplacedKeepsRoom: when the only member joins again from another
// connection, the room lives on (same room session, listed, reachable):
// the lobby sees updated, never destroyed and created.
func TestSoloReplacedKeepsRoom(t *testing.T) {
	guard(t)
	srv, url := startServer(t, Config{})
	lob := dial(t, url, clientOpts{})
	lob.request(lobbyMsg("v"))
	a := dial(t, url, clientOpts{})
	a.join("r", "a", signal.RoleJoiner)
	created := wantRoom(t, lob, signal.TypeRoomCreated, "r", 1)
	a2 := dial(t, url, clientOpts{})
	a2.join("r", "a", signal.RoleJoiner)
	if k := a.waitNote(signal.TypeKicked); k.Reason != signal.ReasonBanned {
		t.Fatalf("old session: kicked %+v", k)
	}
	if up := wantRoom(t, lob, signal.TypeRoomUpdated, "r", 1); up.CreatedAt != created.CreatedAt {
		t.Fatalf("createdAt changed: %d -> %d", created.CreatedAt, up.CreatedAt)
	}
	b := dial(t, url, clientOpts{})
	b.join("r", "b", signal.RoleJoiner)
	if pj := a2.waitNote(signal.TypePeerJoin); pj.UserID != "b" {
		t.Fatalf("a2 got peer-join %+v", pj)
	}
	wantRoom(t, lob, signal.TypeRoomUpdated, "r", 2)
	if info, ok := srv.Room("r"); !ok || len(info.Participants) != 2 {
		t.Fatalf("room r: %+v %v", info, ok)
	}
}

// TestLobbySlowSubscriber: a subscriber whose send queue is full is
// dropped at once; pushes to it never wait, so rooms never do.
func TestLobbySlowSubscriber(t *testing.T) {
	guard(t)
	srv, err := New(Config{AppID: testAppID, AppKey: testAppKey, SendQueue: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	// A connection nobody writes out: its queue holds one frame.
	c := &conn{srv: srv, log: srv.log, out: make(chan []byte, 1), quit: make(chan struct{}), done: make(chan struct{})}
	c.endReason.Store(noReason)
	srv.lobby.subscribe(c, "1") // the reply fills the queue
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 100 {
			srv.lobby.update(signal.TypeRoomUpdated, signal.RoomInfo{Room: "r", Participants: 1, CreatedAt: 1})
		}
	}()
	select {
	case <-done:
	case <-time.After(waitLong):
		t.Fatal("lobby pushes blocked on a slow subscriber")
	}
	select {
	case <-c.quit:
	default:
		t.Fatal("the slow subscriber was not dropped")
	}
	if got := c.reason(-1); got != signal.ReasonNetworkCheck {
		t.Fatalf("dropped with reason %d, want 8", got)
	}
}
