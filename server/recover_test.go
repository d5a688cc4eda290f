package server

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/confab-rtc/confab/signal"
)

// TestPanicEndsOnlyItsSession injects a panic into one participant's
// connection reader and another into a participant's track forwarding
// (which runs on a pion goroutine, where an unrecovered panic kills the
// process), while alice's audio flows to bob. Each faulty session ends
// alone: its client gets CodeInternal and close code 1011, the others see
// it leave with reason 1, and alice's packets keep reaching bob.
func TestPanicEndsOnlyItsSession(t *testing.T) {
	guard(t)
	srv, err := New(Config{AppID: testAppID, AppKey: testAppKey}, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	srv.faults.dispatch = func(userID string, m signal.Message) {
		if userID == "carol" && m.Type == signal.TypeMute {
			panic("injected fault in carol's reader")
		}
	}
	srv.faults.track = func(userID string) {
		if userID == "dave" {
			panic("injected fault in dave's forwarding")
		}
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		ts.Close()
	})
	url := "ws" + strings.TrimPrefix(ts.URL, "http") + "/v1/ws"

	alice, bob := dial(t, url, clientOpts{}), dial(t, url, clientOpts{})
	carol, dave := dial(t, url, clientOpts{}), dial(t, url, clientOpts{})
	alice.join("r1", "alice", signal.RoleJoiner)
	bob.join("r1", "bob", signal.RoleJoiner)
	carol.join("r1", "carol", signal.RoleJoiner)
	dave.join("r1", "dave", signal.RoleJoiner)
	alice.publish("alice", "mic", 0x80|20)
	bob.flowing("alice", 25)

	crashed := func(c *client, who string) {
		t.Helper()
		r := c.waitNote(signal.TypeError)
		if r.Code != signal.CodeInternal || r.Message == "" {
			t.Fatalf("%s got error %d %q, want %d with a sentence", who, r.Code, r.Message, signal.CodeInternal)
		}
		if code := c.closeCode(); code != websocket.CloseInternalServerErr {
			t.Fatalf("%s's websocket closed with %d, want %d", who, code, websocket.CloseInternalServerErr)
		}
		for _, o := range []*client{alice, bob} {
			if pl := o.waitNote(signal.TypePeerLeave); pl.UserID != who || pl.Reason != signal.ReasonServerException {
				t.Fatalf("peer-leave %+v, want %s with reason %d", pl, who, signal.ReasonServerException)
			}
		}
		if _, ok := srv.Participant("r1", who); ok {
			t.Fatalf("%s is still in the room", who)
		}
		bob.flowing("alice", 25) // the call goes on
		alice.alive()
		bob.alive()
	}

	carol.send(signal.Message{Type: signal.TypeMute, ID: "m1", Kind: signal.KindAudio, Muted: true})
	crashed(carol, "carol")

	dave.publish("dave", "mic", 0x80|40)
	crashed(dave, "dave")

	if info, ok := srv.Room("r1"); !ok || len(info.Participants) != 2 {
		t.Fatalf("room r1 = %+v, want alice and bob", info)
	}
}
