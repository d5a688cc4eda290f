package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/confab-rtc/confab/config"
	"github.com/confab-rtc/confab/signal"
)

// TestBadInputKeepsTheCallGoing sends every kind of bad request to a
// server while two clients are in a call in the same room: each gets an
// error with its code, and the call carries on undisturbed.
func TestBadInputKeepsTheCallGoing(t *testing.T) {
	e := newEnv(t)
	url := e.startServer()
	cfg, err := config.Load(e.config)
	if err != nil {
		t.Fatal(err)
	}
	writeTone(t, e.path("a.wav"), 440)
	writeTone(t, e.path("b.wav"), 1000)
	a := e.startClient("alice", "--server", url, "--user", "alice", "--send", e.path("a.wav"), "--speaker", "none", "room1")
	b := e.startClient("bob", "--server", url, "--user", "bob", "--send", e.path("b.wav"), "--record", e.path("b-rec.wav"), "--speaker", "none", "room1")
	a.waitEvent("CONNECTED", 15*time.Second, isEvent("connection-state-changed", map[string]any{"cur": "CONNECTED"}))
	bUp := b.waitEvent("CONNECTED", 15*time.Second, isEvent("connection-state-changed", map[string]any{"cur": "CONNECTED"}))
	b.waitEvent("first audio from alice", 10*time.Second, isEvent("first-audio-frame", map[string]any{"userId": "alice"}))
	time.Sleep(time.Second)

	start := time.Now()
	valid := func(room, user string, ctime int64) signal.Message {
		return signal.Message{Type: signal.TypeJoin, ID: "1", Version: signal.Version, AppID: cfg.App.ID,
			Room: room, UserID: user, CTime: ctime, Signature: signal.Sign(cfg.App.Key, cfg.App.ID, room, user, ctime)}
	}
	later := time.Now().Add(time.Hour).Unix()
	wrongSig := valid("room1", "mallory", later)
	wrongSig.Signature = signal.Sign("not-the-key", cfg.App.ID, "room1", "mallory", later)
	long := strings.Repeat("u", 65)
	cases := []struct {
		name  string
		frame any // a signal.Message, or a raw string
		code  int
	}{
		{"wrong signature", wrongSig, signal.CodeAuthFailed},
		{"expired ctime", valid("room1", "mallory", time.Now().Add(-time.Minute).Unix()), signal.CodeSignatureExpired},
		{"65-character userId", valid("room1", long, later), signal.CodeInvalidUserID},
		{"userId with a space", valid("room1", "mal lory", later), signal.CodeInvalidUserID},
		{"malformed JSON", `{"type":"join",`, signal.CodeMalformed},
		{"unknown type", `{"type":"teleport","id":"7"}`, signal.CodeUnknownType},
	}
	target := strings.TrimRight(url, "/") + "/v1/ws"
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ws, _, err := websocket.DefaultDialer.Dial(target, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			ws.SetReadDeadline(time.Now().Add(5 * time.Second))
			switch f := c.frame.(type) {
			case string:
				err = ws.WriteMessage(websocket.TextMessage, []byte(f))
			default:
				err = ws.WriteJSON(f)
			}
			if err != nil {
				t.Fatal(err)
			}
			var reply signal.Message
			if err := ws.ReadJSON(&reply); err != nil {
				t.Fatalf("no reply: %v", err)
			}
			if reply.Type != signal.TypeError || reply.Code != c.code || reply.Message == "" {
				t.Fatalf("reply %+v, want an error with code %d and a message", reply, c.code)
			}
			// The connection survives a bad frame: it still answers a ping.
			if err := ws.WriteJSON(signal.Message{Type: signal.TypePing, ID: "p"}); err != nil {
				t.Fatal(err)
			}
			var pong signal.Message
			if err := ws.ReadJSON(&pong); err != nil || pong.Type != signal.TypePong {
				t.Fatalf("after the error the connection did not answer a ping: %+v %v", pong, err)
			}
		})
	}
	end := time.Now()
	time.Sleep(time.Second)
	b.send("leave")
	a.send("leave")
	if err := b.waitExit(10 * time.Second); err != nil {
		t.Errorf("bob exited with %v", err)
	}
	if err := a.waitExit(10 * time.Second); err != nil {
		t.Errorf("alice exited with %v", err)
	}
	for _, c := range []*client{a, b} {
		for _, ev := range c.all() {
			if name := ev.str("event"); name == "error" || name == "peer-join" && ev.str("userId") != "alice" && ev.str("userId") != "bob" {
				t.Errorf("%s saw %v: bad input leaked into the call", c.name, ev)
			}
		}
	}
	rec := readRecording(t, e.path("b-rec.wav"), bUp.time())
	assertTone(t, "bob hearing alice during the bad input", rec.between(t, start.Add(-500*time.Millisecond), end.Add(800*time.Millisecond)), 440, 1000)
}
