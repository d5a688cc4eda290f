package server

import (
	"net/http"
	"testing"
	"time"

	"github.com/confab-rtc/confab/signal"
)

// adminAuth is an administrator's Authorization header.
func adminAuth() string { return bearer(signal.AdminRoom, "root") }

// TestAdminAuth: the admin API refuses anything but an admin signature
// and answers bad bodies and absent users with codes.
func TestAdminAuth(t *testing.T) {
	guard(t)
	_, url := startServer(t, Config{})
	base := httpBase(url)
	a := dial(t, url, clientOpts{})
	a.join("r", "a", signal.RoleJoiner)
	for _, auth := range []string{"", bearer(signal.LobbyRoom, "root"), bearer("r", "root")} {
		var e ErrorReply
		if st := httpDo(t, "POST", base+"/v1/admin/kick", auth, `{"room":"r","userId":"a"}`, &e); st != http.StatusUnauthorized || e.Code != signal.CodeAuthFailed {
			t.Errorf("auth %q: %d %+v, want 401 code %d", auth, st, e, signal.CodeAuthFailed)
		}
	}
	cases := []struct {
		path, body string
		status     int
		code       int
	}{
		{"/v1/admin/kick", `not json`, 400, signal.CodeMalformed},
		{"/v1/admin/kick", `{"room":"r","userId":"a","extra":1}`, 400, signal.CodeMalformed},
		{"/v1/admin/kick", `{"room":"r r","userId":"a"}`, 400, signal.CodeInvalidRoomID},
		{"/v1/admin/kick", `{"room":"r"}`, 400, signal.CodeInvalidUserID},
		{"/v1/admin/kick", `{"room":"r","userId":"nobody"}`, 404, signal.CodeNotJoined},
		{"/v1/admin/kick", `{"room":"empty","userId":"a"}`, 404, signal.CodeNotJoined},
		{"/v1/admin/ban", `{"room":"r","userId":"a"}`, 400, signal.CodeBadRequest},
		{"/v1/admin/ban", `{"room":"r","userId":"a","duration":-5}`, 400, signal.CodeBadRequest},
		{"/v1/admin/dismiss", `{"room":"empty"}`, 404, signal.CodeNotJoined},
	}
	for _, tc := range cases {
		var e ErrorReply
		if st := httpDo(t, "POST", base+tc.path, adminAuth(), tc.body, &e); st != tc.status || e.Code != tc.code {
			t.Errorf("%s %s: %d %+v, want %d code %d", tc.path, tc.body, st, e, tc.status, tc.code)
		}
	}
	a.alive() // nothing above touched the session
}

// TestAdminKick: the kicked user gets kicked reason 9 and its socket
// closes with CloseRemoved; the others peer-leave reason 9; the call of
// those who stay goes on.
func TestAdminKick(t *testing.T) {
	guard(t)
	srv, url := startServer(t, Config{})
	a, b, c := dial(t, url, clientOpts{}), dial(t, url, clientOpts{}), dial(t, url, clientOpts{})
	a.join("r", "a", signal.RoleJoiner)
	b.join("r", "b", signal.RoleJoiner)
	c.join("r", "c", signal.RoleJoiner)
	a.publish("a", "mic", 30)
	c.flowing("a", 10)

	var rep AdminReply
	if st := httpDo(t, "POST", httpBase(url)+"/v1/admin/kick", adminAuth(), `{"room":"r","userId":"b"}`, &rep); st != http.StatusOK || !rep.OK {
		t.Fatalf("kick: %d %+v", st, rep)
	}
	k := b.waitNote(signal.TypeKicked)
	if k.Reason != signal.ReasonRemoved || k.Until != 0 || k.Message == "" {
		t.Fatalf("kicked = %+v, want reason 9 with a message", k)
	}
	if code := b.closeCode(); code != signal.CloseRemoved {
		t.Fatalf("b's socket closed with %d, want %d", code, signal.CloseRemoved)
	}
	for _, o := range []*client{a, c} {
		if pl := o.waitNote(signal.TypePeerLeave); pl.UserID != "b" || pl.Reason != signal.ReasonRemoved {
			t.Fatalf("peer-leave = %+v, want b reason 9", pl)
		}
	}
	c.flowing("a", 10)
	eventually(t, "b gone from the room", func() bool {
		info, _ := srv.Room("r")
		return len(info.Participants) == 2
	})
	// A kick is not a ban: b may come back.
	b2 := dial(t, url, clientOpts{})
	b2.join("r", "b", signal.RoleJoiner)
}

// TestAdminBan: a banned user gets kicked reason 5 with until, the others
// peer-leave reason 5, and its rejoins are refused with CodeBanned until
// the ban ends; other users and other rooms are unaffected.
func TestAdminBan(t *testing.T) {
	guard(t)
	srv, url := startServer(t, Config{})
	a, b := dial(t, url, clientOpts{}), dial(t, url, clientOpts{})
	a.join("r", "a", signal.RoleJoiner)
	b.join("r", "b", signal.RoleJoiner)

	var rep AdminReply
	before := time.Now().Unix()
	if st := httpDo(t, "POST", httpBase(url)+"/v1/admin/ban", adminAuth(), `{"room":"r","userId":"b","duration":600}`, &rep); st != http.StatusOK || !rep.Removed {
		t.Fatalf("ban: %d %+v", st, rep)
	}
	if rep.Until < before+600 || rep.Until > time.Now().Unix()+600 {
		t.Fatalf("until %d, want now+600", rep.Until)
	}
	k := b.waitNote(signal.TypeKicked)
	if k.Reason != signal.ReasonBanned || k.Until != rep.Until {
		t.Fatalf("kicked = %+v, want reason 5 until %d", k, rep.Until)
	}
	if pl := a.waitNote(signal.TypePeerLeave); pl.UserID != "b" || pl.Reason != signal.ReasonBanned {
		t.Fatalf("peer-leave = %+v, want b reason 5", pl)
	}
	b2 := dial(t, url, clientOpts{})
	if r := b2.request(joinMsg("r", "b", signal.RoleJoiner)); r.Type != signal.TypeError || r.Code != signal.CodeBanned {
		t.Fatalf("rejoin while banned: %s %d %s", r.Type, r.Code, r.Message)
	}
	b2.join("other", "b", signal.RoleJoiner) // the ban is per room
	c := dial(t, url, clientOpts{})
	c.join("r", "c", signal.RoleJoiner)

	// The ban's end is a time: at it, the join is accepted.
	if e := srv.bans.check("r", "b", time.Unix(rep.Until, 0).Add(-time.Second)); e == nil || e.Code != signal.CodeBanned {
		t.Fatalf("just before the end: %v", e)
	}
	if e := srv.bans.check("r", "b", time.Unix(rep.Until, 0)); e != nil {
		t.Fatalf("at the end: %v", e)
	}
	// A ban of someone absent holds too.
	rep = AdminReply{}
	if st := httpDo(t, "POST", httpBase(url)+"/v1/admin/ban", adminAuth(), `{"room":"r","userId":"z","duration":60}`, &rep); st != http.StatusOK || rep.Removed {
		t.Fatalf("ban of an absent user: %d %+v", st, rep)
	}
	if r := dial(t, url, clientOpts{}).request(joinMsg("r", "z", signal.RoleJoiner)); r.Code != signal.CodeBanned {
		t.Fatalf("absent banned user joined: %s %d", r.Type, r.Code)
	}
}

// TestAdminDismiss: everyone gets kicked reason 10, peer-leave reason 10
// for those still there, and the room is destroyed.
func TestAdminDismiss(t *testing.T) {
	guard(t)
	srv, url := startServer(t, Config{})
	lob := dial(t, url, clientOpts{})
	if r := lob.request(lobbyMsg("v")); r.Type != signal.TypeRooms {
		t.Fatalf("subscribe: %s %d", r.Type, r.Code)
	}
	cs := []*client{dial(t, url, clientOpts{}), dial(t, url, clientOpts{}), dial(t, url, clientOpts{})}
	for i, c := range cs {
		c.join("r", string(rune('a'+i)), signal.RoleJoiner)
	}
	other := dial(t, url, clientOpts{})
	other.join("elsewhere", "x", signal.RoleJoiner)

	if st := httpDo(t, "POST", httpBase(url)+"/v1/admin/dismiss", adminAuth(), `{"room":"r"}`, nil); st != http.StatusOK {
		t.Fatalf("dismiss: %d", st)
	}
	for i, c := range cs {
		if k := c.waitNote(signal.TypeKicked); k.Reason != signal.ReasonRoomDismissed {
			t.Fatalf("client %d: kicked = %+v, want reason 10", i, k)
		}
		if code := c.closeCode(); code != signal.CloseRemoved {
			t.Fatalf("client %d closed with %d", i, code)
		}
	}
	// a leaves first, so b and c hear of it; b hears of c... every
	// peer-leave carries reason 10.
	if pl := cs[2].waitNote(signal.TypePeerLeave); pl.UserID != "a" || pl.Reason != signal.ReasonRoomDismissed {
		t.Fatalf("peer-leave = %+v, want a reason 10", pl)
	}
	var info signal.RoomInfo
	for {
		m := lob.waitNote(signal.TypeRoomDestroyed)
		if m.RoomInfo.Room == "r" {
			info = *m.RoomInfo
			break
		}
	}
	if info.Participants != 0 {
		t.Fatalf("destroyed %+v", info)
	}
	if _, ok := srv.Room("r"); ok {
		t.Fatal("room r still exists")
	}
	other.alive()
}
