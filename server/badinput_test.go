package server

import (
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/confab-rtc/confab/signal"
)

// TestBadInput sends one bad request per case on a fresh connection while a
// call runs in the same room: each gets its error code with the request's
// id, the connection stays open unless the case says otherwise, and the
// call keeps forwarding packets throughout.
func TestBadInput(t *testing.T) {
	guard(t)
	srv, url := startServer(t, Config{})
	alice := dial(t, url, clientOpts{})
	bob := dial(t, url, clientOpts{})
	alice.join("r1", "alice", signal.RoleJoiner)
	bob.join("r1", "bob", signal.RoleJoiner)
	alice.publish("alice", "mic", 40)
	bob.flowing("alice", 5)

	join := func(edit func(m *signal.Message)) func(*testing.T) []byte {
		return func(t *testing.T) []byte {
			m := joinMsg("r1", "mallory", signal.RoleJoiner)
			m.ID = "bad"
			edit(&m)
			return mustJSON(t, m)
		}
	}
	msg := func(m signal.Message) func(*testing.T) []byte {
		return func(t *testing.T) []byte { m.ID = "bad"; return mustJSON(t, m) }
	}
	raw := func(s string) func(*testing.T) []byte { return func(*testing.T) []byte { return []byte(s) } }
	past := time.Now().Add(-time.Minute).Unix()
	far := time.Now().Add(13 * time.Hour).Unix()

	cases := []struct {
		name     string
		joinAs   int // -1: send the frame unjoined; else join with this role first
		frame    func(*testing.T) []byte
		binary   bool
		noID     bool // the error cannot carry the id (unparseable frame)
		code     int
		closedAs int // 0: stays open; else the websocket close code
	}{
		{"wrong signature", -1, join(func(m *signal.Message) { m.Signature = signal.Sign("other key", testAppID, m.Room, m.UserID, m.CTime) }), false, false, signal.CodeAuthFailed, 0},
		{"signature of another user", -1, join(func(m *signal.Message) { m.Signature = signal.Sign(testAppKey, testAppID, m.Room, "alice", m.CTime) }), false, false, signal.CodeAuthFailed, 0},
		{"expired ctime", -1, join(func(m *signal.Message) {
			m.CTime = past
			m.Signature = signal.Sign(testAppKey, testAppID, m.Room, m.UserID, past)
		}), false, false, signal.CodeSignatureExpired, 0},
		{"ctime too far ahead", -1, join(func(m *signal.Message) {
			m.CTime = far
			m.Signature = signal.Sign(testAppKey, testAppID, m.Room, m.UserID, far)
		}), false, false, signal.CodeCTimeTooFar, 0},
		{"65-char userId", -1, join(func(m *signal.Message) { m.UserID = strings.Repeat("m", 65) }), false, false, signal.CodeInvalidUserID, 0},
		{"userId with a space", -1, join(func(m *signal.Message) { m.UserID = "mal lory" }), false, false, signal.CodeInvalidUserID, 0},
		{"room id with a slash", -1, join(func(m *signal.Message) { m.Room = "r1/x" }), false, false, signal.CodeInvalidRoomID, 0},
		{"user name over 256 bytes", -1, join(func(m *signal.Message) { m.UserName = strings.Repeat("é", 129) }), false, false, signal.CodeInvalidUserName, 0},
		{"wrong appId", -1, join(func(m *signal.Message) { m.AppID = "someone-else" }), false, false, signal.CodeUnknownApp, 0},
		{"other protocol version", -1, join(func(m *signal.Message) { m.Version = signal.Version + 1 }), false, false, signal.CodeVersion, 0},
		{"unknown role", -1, join(func(m *signal.Message) { m.Role = 1 }), false, false, signal.CodeBadRequest, 0},
		{"malformed JSON frame", -1, raw(`{"type":"join","id":"bad",`), false, true, signal.CodeMalformed, 0},
		{"frame that is not an object", -1, raw(`["join"]`), false, true, signal.CodeMalformed, 0},
		{"binary frame", -1, raw(`{"type":"ping","id":"bad"}`), true, true, signal.CodeMalformed, 0},
		{"unknown type", -1, msg(signal.Message{Type: "dance"}), false, false, signal.CodeUnknownType, 0},
		{"server-only type", -1, msg(signal.Message{Type: signal.TypeJoined}), false, false, signal.CodeUnknownType, 0},
		{"mute before join", -1, msg(signal.Message{Type: signal.TypeMute, Kind: signal.KindAudio, Muted: true}), false, false, signal.CodeNotJoined, 0},
		{"offer before join", -1, msg(signal.Message{Type: signal.TypeOffer, PC: signal.PCPublish, SDP: "v=0"}), false, false, signal.CodeNotJoined, 0},
		{"leave before join", -1, msg(signal.Message{Type: signal.TypeLeave}), false, false, signal.CodeNotJoined, 0},
		{"second join", signal.RoleJoiner, join(func(*signal.Message) {}), false, false, signal.CodeAlreadyJoined, 0},
		{"player publishes", signal.RolePlayer, msg(signal.Message{Type: signal.TypeOffer, PC: signal.PCPublish, SDP: "v=0"}), false, false, signal.CodeRoleNoPermission, 0},
		{"client offers the subscribe pc", signal.RoleJoiner, msg(signal.Message{Type: signal.TypeOffer, PC: signal.PCSubscribe, SDP: "v=0"}), false, false, signal.CodeBadRequest, 0},
		{"offer without sdp", signal.RoleJoiner, msg(signal.Message{Type: signal.TypeOffer, PC: signal.PCPublish}), false, false, signal.CodeBadRequest, 0},
		{"garbage sdp", signal.RoleJoiner, msg(signal.Message{Type: signal.TypeOffer, PC: signal.PCPublish, SDP: "v=0\r\nnonsense\r\n"}), false, false, signal.CodeNegotiation, 0},
		{"answer to no offer", signal.RoleJoiner, msg(signal.Message{Type: signal.TypeAnswer, PC: signal.PCSubscribe, SDP: "v=0"}), false, false, signal.CodeBadRequest, 0},
		{"mute of an unknown kind", signal.RoleJoiner, msg(signal.Message{Type: signal.TypeMute, Kind: "smell", Muted: true}), false, false, signal.CodeBadRequest, 0},
		{"oversized frame", -1, raw(`{"type":"ping","pad":"` + strings.Repeat("x", signal.MaxMessageBytes) + `"}`), false, true, signal.CodeTooLarge, websocket.CloseMessageTooBig},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mallory := dial(t, url, clientOpts{})
			if tc.joinAs >= 0 {
				mallory.join("r1", "mallory", tc.joinAs)
			}
			typ := websocket.TextMessage
			if tc.binary {
				typ = websocket.BinaryMessage
			}
			id := "bad"
			if tc.noID {
				id = ""
			}
			r := mallory.roundTrip(typ, tc.frame(t), id)
			if r.Type != signal.TypeError || r.Code != tc.code || r.ID != id {
				t.Fatalf("got %s id %q code %d (%s), want error id %q code %d", r.Type, r.ID, r.Code, r.Message, id, tc.code)
			}
			if r.Message == "" {
				t.Error("the error has no message for a person")
			}
			if tc.closedAs != 0 {
				if got := mallory.closeCode(); got != tc.closedAs {
					t.Fatalf("close code %d, want %d", got, tc.closedAs)
				}
			} else {
				mallory.alive()
			}
			// The call next door never noticed.
			bob.flowing("alice", 3)
			mallory.close()
		})
	}
	eventually(t, "only alice and bob left in r1", func() bool {
		info, _ := srv.Room("r1")
		return len(info.Participants) == 2 && info.Participants[0].UserID == "alice" && info.Participants[1].UserID == "bob"
	})
}

// TestTooManyErrors: MaxConsecutiveErrors failures in a row close the
// connection; a success in between resets the count.
func TestTooManyErrors(t *testing.T) {
	guard(t)
	_, url := startServer(t, Config{})
	c := dial(t, url, clientOpts{})
	bad := []byte(`{"type":"dance","id":"bad"}`)
	for range MaxConsecutiveErrors - 1 {
		if r := c.roundTrip(websocket.TextMessage, bad, "bad"); r.Code != signal.CodeUnknownType {
			t.Fatalf("code %d, want %d", r.Code, signal.CodeUnknownType)
		}
	}
	c.alive() // resets the run
	for range MaxConsecutiveErrors - 1 {
		c.roundTrip(websocket.TextMessage, bad, "bad")
	}
	c.alive()
	for range MaxConsecutiveErrors {
		c.roundTrip(websocket.TextMessage, bad, "bad")
	}
	if code := c.closeCode(); code != websocket.ClosePolicyViolation {
		t.Fatalf("close code %d, want %d (policy violation)", code, websocket.ClosePolicyViolation)
	}
}
