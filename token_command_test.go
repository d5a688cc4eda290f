package main

import (
	"strconv"
	"testing"
	"time"
)

// TestParseToken: both output forms are read; anything else is an error.
func TestParseToken(t *testing.T) {
	future := time.Now().Add(time.Hour).Unix()
	f := strconv.FormatInt(future, 10)
	cases := []struct {
		out     string
		sig     string
		wantErr bool
	}{
		{"abc123 " + f + "\n", "abc123", false},
		{`{"signature":"abc123","ctime":` + f + `}`, "abc123", false},
		{"  abc123\t" + f + "  ", "abc123", false},
		{"abc123", "", true},
		{"abc123 soon", "", true},
		{"abc123 " + f + " extra", "", true},
		{`{"signature":"abc123"}`, "", true},
		{`{"signature":"abc123","ctime":"soon"}`, "", true},
		{"abc123 1000", "", true}, // expired
		{"", "", true},
	}
	for _, tc := range cases {
		sig, ctime, err := parseToken([]byte(tc.out))
		if tc.wantErr {
			if err == nil {
				t.Errorf("%q: no error", tc.out)
			}
			continue
		}
		if err != nil || sig != tc.sig || ctime != future {
			t.Errorf("%q: got %q %d %v", tc.out, sig, ctime, err)
		}
	}
}

// TestTokenCommand: the command runs through sh -c with the room and user
// in its environment; a failing command is an error with its stderr.
func TestTokenCommand(t *testing.T) {
	future := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	sig, ctime, err := tokenCommand(`echo "s-$CONFAB_ROOM-$CONFAB_USER `+future+`"`)("lobby", "alice")
	if err != nil || sig != "s-lobby-alice" || strconv.FormatInt(ctime, 10) != future {
		t.Fatalf("got %q %d %v", sig, ctime, err)
	}
	if _, _, err := tokenCommand("echo no key >&2; exit 3")("lobby", "alice"); err == nil {
		t.Fatal("a failing command gave no error")
	}
}
