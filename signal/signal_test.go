package signal

import (
	"strings"
	"testing"
	"time"
)

func TestSignVerify(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	ctime := now.Add(time.Hour).Unix()
	sig := Sign("key", "app", "room1", "alice", ctime)
	if len(sig) != 64 {
		t.Fatalf("signature length %d, want 64 hex chars", len(sig))
	}
	cases := []struct {
		name  string
		room  string
		user  string
		ctime int64
		sig   string
		code  int
	}{
		{"valid", "room1", "alice", ctime, sig, 0},
		{"wrong user", "room1", "bob", ctime, sig, CodeAuthFailed},
		{"wrong room", "room2", "alice", ctime, sig, CodeAuthFailed},
		{"tampered", "room1", "alice", ctime, strings.Repeat("0", 64), CodeAuthFailed},
		{"expired", "room1", "alice", now.Add(-time.Second).Unix(), Sign("key", "app", "room1", "alice", now.Add(-time.Second).Unix()), CodeSignatureExpired},
		{"too far", "room1", "alice", now.Add(13 * time.Hour).Unix(), Sign("key", "app", "room1", "alice", now.Add(13*time.Hour).Unix()), CodeCTimeTooFar},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := VerifyAt(now, "key", "app", c.room, c.user, c.ctime, c.sig)
			got := 0
			if err != nil {
				got = err.Code
			}
			if got != c.code {
				t.Fatalf("code %d, want %d (%v)", got, c.code, err)
			}
		})
	}
}

func TestCheckIdentity(t *testing.T) {
	cases := []struct {
		name, room, user, userName string
		code                       int
	}{
		{"ok", "room_1", "user-A", "Ann", 0},
		{"64 chars", "r", strings.Repeat("a", 64), "", 0},
		{"65 chars", "r", strings.Repeat("a", 65), "", CodeInvalidUserID},
		{"space", "r", "a b", "", CodeInvalidUserID},
		{"empty user", "r", "", "", CodeInvalidUserID},
		{"bad room", "r/1", "u", "", CodeInvalidRoomID},
		{"long name", "r", "u", strings.Repeat("é", 129), CodeInvalidUserName},
		{"bad utf8", "r", "u", "\xff", CodeInvalidUserName},
		{"256 byte name", "r", "u", strings.Repeat("é", 128), 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckIdentity(c.room, c.user, c.userName)
			got := 0
			if err != nil {
				got = err.Code
			}
			if got != c.code {
				t.Fatalf("code %d, want %d (%v)", got, c.code, err)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	cases := []struct {
		name string
		in   string
		code int
	}{
		{"join", `{"type":"join","room":"r"}`, 0},
		{"not json", `hello`, CodeMalformed},
		{"array", `[1,2]`, CodeMalformed},
		{"no type", `{"room":"r"}`, CodeMalformed},
		{"truncated", `{"type":"join"`, CodeMalformed},
		{"wrong field type", `{"type":"join","role":"x"}`, CodeMalformed},
		{"empty", ``, CodeMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode([]byte(c.in))
			got := 0
			if err != nil {
				got = err.Code
			}
			if got != c.code {
				t.Fatalf("code %d, want %d (%v)", got, c.code, err)
			}
		})
	}
}

func TestEncodeNoTrailingNewline(t *testing.T) {
	b, err := Encode(Message{Type: TypePing})
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(string(b), "\n") {
		t.Fatal("encoded frame ends in a newline")
	}
}
