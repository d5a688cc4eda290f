package server

import (
	"strconv"
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
	// sig signs for mallory in r1 (or user) with ctime at.
	sig := func(user string, at int64) string { return signal.Sign(testAppKey, testAppID, "r1", user, at) }
	soon := time.Now().Add(30 * time.Minute).Unix() // before the join's ctime (1 h)
	later := time.Now().Add(2 * time.Hour).Unix()

	cases := []struct {
		name     string
		joinAs   int // -1: send the frame unjoined; else join with this role first
		frame    func(*testing.T) []byte
		binary   bool
		noID     bool // the error cannot carry the id (unparseable frame)
		code     int
		closedAs int // 0: stays open; else the websocket close code
		flood    int // send this many pings first, without waiting
	}{
		{"wrong signature", -1, join(func(m *signal.Message) { m.Signature = signal.Sign("other key", testAppID, m.Room, m.UserID, m.CTime) }), false, false, signal.CodeAuthFailed, 0, 0},
		{"signature of another user", -1, join(func(m *signal.Message) { m.Signature = signal.Sign(testAppKey, testAppID, m.Room, "alice", m.CTime) }), false, false, signal.CodeAuthFailed, 0, 0},
		{"expired ctime", -1, join(func(m *signal.Message) {
			m.CTime = past
			m.Signature = signal.Sign(testAppKey, testAppID, m.Room, m.UserID, past)
		}), false, false, signal.CodeSignatureExpired, 0, 0},
		{"ctime too far ahead", -1, join(func(m *signal.Message) {
			m.CTime = far
			m.Signature = signal.Sign(testAppKey, testAppID, m.Room, m.UserID, far)
		}), false, false, signal.CodeCTimeTooFar, 0, 0},
		{"65-char userId", -1, join(func(m *signal.Message) { m.UserID = strings.Repeat("m", 65) }), false, false, signal.CodeInvalidUserID, 0, 0},
		{"userId with a space", -1, join(func(m *signal.Message) { m.UserID = "mal lory" }), false, false, signal.CodeInvalidUserID, 0, 0},
		{"room id with a slash", -1, join(func(m *signal.Message) { m.Room = "r1/x" }), false, false, signal.CodeInvalidRoomID, 0, 0},
		{"user name over 256 bytes", -1, join(func(m *signal.Message) { m.UserName = strings.Repeat("é", 129) }), false, false, signal.CodeInvalidUserName, 0, 0},
		{"wrong appId", -1, join(func(m *signal.Message) { m.AppID = "someone-else" }), false, false, signal.CodeUnknownApp, 0, 0},
		{"other protocol version", -1, join(func(m *signal.Message) { m.Version = signal.Version + 1 }), false, false, signal.CodeVersion, 0, 0},
		{"unknown role", -1, join(func(m *signal.Message) { m.Role = 1 }), false, false, signal.CodeBadRequest, 0, 0},
		{"malformed JSON frame", -1, raw(`{"type":"join","id":"bad",`), false, true, signal.CodeMalformed, 0, 0},
		{"frame that is not an object", -1, raw(`["join"]`), false, true, signal.CodeMalformed, 0, 0},
		{"binary frame", -1, raw(`{"type":"ping","id":"bad"}`), true, true, signal.CodeMalformed, 0, 0},
		{"unknown type", -1, msg(signal.Message{Type: "dance"}), false, false, signal.CodeUnknownType, 0, 0},
		{"server-only type", -1, msg(signal.Message{Type: signal.TypeJoined}), false, false, signal.CodeUnknownType, 0, 0},
		{"mute before join", -1, msg(signal.Message{Type: signal.TypeMute, Kind: signal.KindAudio, Muted: true}), false, false, signal.CodeNotJoined, 0, 0},
		{"offer before join", -1, msg(signal.Message{Type: signal.TypeOffer, PC: signal.PCPublish, SDP: "v=0"}), false, false, signal.CodeNotJoined, 0, 0},
		{"leave before join", -1, msg(signal.Message{Type: signal.TypeLeave}), false, false, signal.CodeNotJoined, 0, 0},
		{"second join", signal.RoleJoiner, join(func(*signal.Message) {}), false, false, signal.CodeAlreadyJoined, 0, 0},
		{"player publishes", signal.RolePlayer, msg(signal.Message{Type: signal.TypeOffer, PC: signal.PCPublish, SDP: "v=0"}), false, false, signal.CodeRoleNoPermission, 0, 0},
		{"client offers the subscribe pc", signal.RoleJoiner, msg(signal.Message{Type: signal.TypeOffer, PC: signal.PCSubscribe, SDP: "v=0"}), false, false, signal.CodeBadRequest, 0, 0},
		{"offer without sdp", signal.RoleJoiner, msg(signal.Message{Type: signal.TypeOffer, PC: signal.PCPublish}), false, false, signal.CodeBadRequest, 0, 0},
		{"garbage sdp", signal.RoleJoiner, msg(signal.Message{Type: signal.TypeOffer, PC: signal.PCPublish, SDP: "v=0\r\nnonsense\r\n"}), false, false, signal.CodeNegotiation, 0, 0},
		{"answer to no offer", signal.RoleJoiner, msg(signal.Message{Type: signal.TypeAnswer, PC: signal.PCSubscribe, SDP: "v=0"}), false, false, signal.CodeBadRequest, 0, 0},
		{"mute of an unknown kind", signal.RoleJoiner, msg(signal.Message{Type: signal.TypeMute, Kind: "smell", Muted: true}), false, false, signal.CodeBadRequest, 0, 0},
		{"oversized frame", -1, raw(`{"type":"ping","pad":"` + strings.Repeat("x", signal.MaxMessageBytes) + `"}`), false, true, signal.CodeTooLarge, websocket.CloseMessageTooBig, 0},
		{"role as a string", signal.RoleJoiner, raw(`{"type":"switchRole","id":"bad","role":"player"}`), false, true, signal.CodeMalformed, 0, 0},
		{"ctime as a string", -1, raw(`{"type":"join","id":"bad","version":1,"appId":"app-test","room":"r1","userId":"mallory","ctime":"soon"}`), false, true, signal.CodeMalformed, 0, 0},
		{"rename before join", -1, msg(signal.Message{Type: signal.TypeChangeUserName, UserName: "M"}), false, false, signal.CodeNotJoined, 0, 0},
		{"rename to an oversized name", signal.RoleJoiner, msg(signal.Message{Type: signal.TypeChangeUserName, UserName: strings.Repeat("m", 257)}), false, false, signal.CodeInvalidUserName, 0, 0},
		{"switchRole before join", -1, msg(signal.Message{Type: signal.TypeSwitchRole, Role: signal.RolePlayer, CTime: later, Signature: sig("mallory", later)}), false, false, signal.CodeNotJoined, 0, 0},
		{"switchRole to an unknown role", signal.RoleJoiner, msg(signal.Message{Type: signal.TypeSwitchRole, Role: 1, CTime: later, Signature: sig("mallory", later)}), false, false, signal.CodeBadRequest, 0, 0},
		{"switchRole with a wrong signature", signal.RolePlayer, msg(signal.Message{Type: signal.TypeSwitchRole, Role: signal.RoleJoiner, CTime: later, Signature: sig("alice", later)}), false, false, signal.CodeAuthFailed, 0, 0},
		{"switchRole with an expired signature", signal.RolePlayer, msg(signal.Message{Type: signal.TypeSwitchRole, Role: signal.RoleJoiner, CTime: past, Signature: sig("mallory", past)}), false, false, signal.CodeSignatureExpired, 0, 0},
		{"renewSignature before join", -1, msg(signal.Message{Type: signal.TypeRenewSignature, CTime: later, Signature: sig("mallory", later)}), false, false, signal.CodeNotJoined, 0, 0},
		{"renewSignature with another user's signature", signal.RoleJoiner, msg(signal.Message{Type: signal.TypeRenewSignature, CTime: later, Signature: sig("alice", later)}), false, false, signal.CodeAuthFailed, 0, 0},
		{"renewSignature with an expired signature", signal.RoleJoiner, msg(signal.Message{Type: signal.TypeRenewSignature, CTime: past, Signature: sig("mallory", past)}), false, false, signal.CodeSignatureExpired, 0, 0},
		{"renewSignature with an older signature (replay)", signal.RoleJoiner, msg(signal.Message{Type: signal.TypeRenewSignature, CTime: soon, Signature: sig("mallory", soon)}), false, false, signal.CodeBadRequest, 0, 0},
		{"request flood", signal.RoleJoiner, msg(signal.Message{Type: signal.TypePing}), false, false, signal.CodeRequestTooFrequent, 0, 100},
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
			for i := range tc.flood {
				mallory.sendRaw(websocket.TextMessage, mustJSON(t, signal.Message{Type: signal.TypePing, ID: "f" + strconv.Itoa(i)}))
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
			} else if tc.flood > 0 {
				eventually(t, "the flooder to be served again", func() bool {
					return mallory.request(signal.Message{Type: signal.TypePing}).Type == signal.TypePong
				})
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
	// No rate limit: this test sends 60 requests back to back.
	_, url := startServer(t, Config{RequestRate: -1})
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
