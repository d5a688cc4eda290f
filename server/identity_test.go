package server

import (
	"strings"
	"testing"
	"time"

	"github.com/confab-rtc/confab/signal"
)

// signed returns a signature of room and user valid for ttl, and its ctime.
func signed(room, user string, ttl time.Duration) (string, int64) {
	ctime := time.Now().Add(ttl).Unix()
	return signal.Sign(testAppKey, testAppID, room, user, ctime), ctime
}

// switchRoleMsg is a switchRole request with a fresh signature.
func switchRoleMsg(room, user string, role int) signal.Message {
	sig, ctime := signed(room, user, time.Hour)
	return signal.Message{Type: signal.TypeSwitchRole, Role: role, Signature: sig, CTime: ctime}
}

// TestRename: changeUserName tells the whole room, the sender included,
// the new name is what later joiners see, and a bad name is refused.
func TestRename(t *testing.T) {
	guard(t)
	srv, url := startServer(t, Config{})
	alice := dial(t, url, clientOpts{})
	bob := dial(t, url, clientOpts{})
	alice.join("r", "alice", signal.RoleJoiner)
	bob.join("r", "bob", signal.RoleJoiner)
	alice.waitNote(signal.TypePeerJoin)

	const name = "Robert ✓"
	if r := bob.request(signal.Message{Type: signal.TypeChangeUserName, UserName: name}); r.Type != signal.TypeOK {
		t.Fatalf("rename: %s %d %s", r.Type, r.Code, r.Message)
	}
	for _, c := range []*client{alice, bob} {
		if n := c.waitNote(signal.TypeUserNameChanged); n.UserID != "bob" || n.UserName != name {
			t.Fatalf("user-name-changed = %+v, want bob %q", n, name)
		}
	}
	if info, _ := srv.Participant("r", "bob"); info.UserName != name {
		t.Fatalf("the server holds name %q", info.UserName)
	}
	carol := dial(t, url, clientOpts{})
	j := carol.join("r", "carol", signal.RoleJoiner)
	if len(j.Peers) != 2 || j.Peers[1].UserID != "bob" || j.Peers[1].UserName != name {
		t.Fatalf("a newcomer sees peers %+v", j.Peers)
	}
	if r := bob.request(signal.Message{Type: signal.TypeChangeUserName, UserName: strings.Repeat("é", 129)}); r.Code != signal.CodeInvalidUserName {
		t.Fatalf("an oversized name: %s %d %s", r.Type, r.Code, r.Message)
	}
	if info, _ := srv.Participant("r", "bob"); info.UserName != name {
		t.Fatalf("a refused rename changed the name to %q", info.UserName)
	}
}

// TestSwitchRole: a player cannot publish; switching to joiner lets it
// publish to the room; switching back to player ends its stream for the
// others (stream-removed, then role-changed) and it can no longer publish;
// a second switch to joiner publishes again. It keeps receiving throughout.
func TestSwitchRole(t *testing.T) {
	guard(t)
	srv, url := startServer(t, Config{})
	alice := dial(t, url, clientOpts{})
	bob := dial(t, url, clientOpts{})
	alice.join("r", "alice", signal.RoleJoiner)
	bob.join("r", "bob", signal.RolePlayer)
	alice.publish("alice", "mic", 40)
	bob.flowing("alice", 5)
	offer := signal.Message{Type: signal.TypeOffer, PC: signal.PCPublish, SDP: "v=0"}
	if r := bob.request(offer); r.Code != signal.CodeRoleNoPermission {
		t.Fatalf("a player's offer: %s %d %s", r.Type, r.Code, r.Message)
	}

	if r := bob.request(switchRoleMsg("r", "bob", signal.RoleJoiner)); r.Type != signal.TypeOK {
		t.Fatalf("switch to joiner: %s %d %s", r.Type, r.Code, r.Message)
	}
	for _, c := range []*client{alice, bob} {
		if n := c.waitNote(signal.TypeRoleChanged); n.UserID != "bob" || n.Role != signal.RoleJoiner {
			t.Fatalf("role-changed = %+v, want bob 0", n)
		}
	}
	bob.publish("bob", "mic", 50)
	if n := alice.waitNote(signal.TypeStreamAdded); n.Stream == nil || n.Stream.UserID != "bob" {
		t.Fatalf("stream-added = %+v", n)
	}
	alice.flowing("bob", 5)

	if r := bob.request(switchRoleMsg("r", "bob", signal.RolePlayer)); r.Type != signal.TypeOK {
		t.Fatalf("switch to player: %s %d %s", r.Type, r.Code, r.Message)
	}
	if n := alice.waitNote(signal.TypeStreamRemoved); n.Stream == nil || n.Stream.UserID != "bob" {
		t.Fatalf("stream-removed = %+v", n)
	}
	if n := alice.waitNote(signal.TypeRoleChanged); n.UserID != "bob" || n.Role != signal.RolePlayer {
		t.Fatalf("role-changed = %+v, want bob 2", n)
	}
	if info, _ := srv.Participant("r", "bob"); info.Role != signal.RolePlayer || len(info.Streams) != 0 {
		t.Fatalf("bob on the server: %+v", info)
	}
	if r := bob.request(offer); r.Code != signal.CodeRoleNoPermission {
		t.Fatalf("an offer after switching back to player: %s %d %s", r.Type, r.Code, r.Message)
	}
	bob.flowing("alice", 5)
	// The same role again is an ok that changes nothing.
	if r := bob.request(switchRoleMsg("r", "bob", signal.RolePlayer)); r.Type != signal.TypeOK {
		t.Fatalf("switch to the current role: %s %d %s", r.Type, r.Code, r.Message)
	}
	// A signature for someone else does not switch.
	m := switchRoleMsg("r", "alice", signal.RoleJoiner)
	if r := bob.request(m); r.Code != signal.CodeAuthFailed {
		t.Fatalf("switch with alice's signature: %s %d %s", r.Type, r.Code, r.Message)
	}
	if info, _ := srv.Participant("r", "bob"); info.Role != signal.RolePlayer {
		t.Fatalf("a refused switch changed the role to %d", info.Role)
	}

	// Back to joiner: a new publish connection, a new stream.
	_ = bob.pub.Close() // the server closed its side at the switch to player
	if r := bob.request(switchRoleMsg("r", "bob", signal.RoleJoiner)); r.Type != signal.TypeOK {
		t.Fatalf("second switch to joiner: %s %d %s", r.Type, r.Code, r.Message)
	}
	bob.publish("bob", "mic", 50)
	if n := alice.waitNote(signal.TypeStreamAdded); n.Stream == nil || n.Stream.UserID != "bob" {
		t.Fatalf("stream-added after publishing again = %+v", n)
	}
	alice.flowing("bob", 5)
}
