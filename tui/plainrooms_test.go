package tui

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/signal"
)

// chooseRun runs ChooseRoomPlain on a pipe the test types into and
// collects its lines.
type chooseRun struct {
	t     *testing.T
	keys  *io.PipeWriter
	out   *screenBuffer
	done  chan struct{}
	room  string
	err   error
	dials int
}

func startChoose(t *testing.T, ctx context.Context, dial LobbyDialer) *chooseRun {
	in, keys := io.Pipe()
	r := &chooseRun{t: t, keys: keys, out: &screenBuffer{}, done: make(chan struct{})}
	t.Cleanup(func() { keys.Close() })
	go func() {
		defer close(r.done)
		r.room, r.err = ChooseRoomPlain(ctx, dial, in, r.out, PlainOptions{})
	}()
	return r
}

func (r *chooseRun) typeLine(s string) {
	r.t.Helper()
	if _, err := io.WriteString(r.keys, s+"\n"); err != nil {
		r.t.Fatal(err)
	}
}

// waitLines waits until the output has n lines and returns them.
func (r *chooseRun) waitLines(n int) []string {
	r.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s := r.out.String()
		if lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n"); s != "" && len(lines) >= n {
			return lines
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("wanted %d lines, got:\n%s", n, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (r *chooseRun) wait() {
	r.t.Helper()
	select {
	case <-r.done:
	case <-time.After(5 * time.Second):
		r.t.Fatal("ChooseRoomPlain did not return")
	}
}

func checkSaid(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d = %q\n          want %q", i+1, got[i], want[i])
		}
	}
}

// TestChooseRoomPlain reads the list, hears its changes, asks for a
// number that is not there, and picks a room by number.
func TestChooseRoomPlain(t *testing.T) {
	l := newFakeLobby(info("demo", 4), info("lounge", 1), info("standup", 7))
	r := startChoose(t, context.Background(), func(context.Context) (Lobby, error) { return l, nil })
	l.events <- call.RoomCreated{RoomInfo: info("retro", 1)}
	l.events <- call.RoomUpdated{RoomInfo: info("lounge", 2)}
	l.events <- call.RoomDestroyed{RoomInfo: info("retro", 0)}
	r.waitLines(8)
	r.typeLine("9")
	r.waitLines(9)
	r.typeLine("")
	r.waitLines(14)
	r.typeLine("2")
	r.wait()
	checkSaid(t, strings.Split(strings.TrimSuffix(r.out.String(), "\n"), "\n"), []string{
		"3 rooms, the busiest first.",
		"1: standup, 7 people.",
		"2: demo, 4 people.",
		"3: lounge, 1 person.",
		"Type a room's number or a name, then Enter; a new name creates that room. Enter alone reads the list again.",
		"New room retro, 1 person.",
		"lounge now has 2 people.",
		"Room retro closed: everyone left.",
		"There is no room number 9; the list has 3 rooms. Enter alone reads it again.",
		"3 rooms, the busiest first.",
		"1: standup, 7 people.",
		"2: demo, 4 people.",
		"3: lounge, 2 people.",
		"Type a room's number or a name, then Enter; a new name creates that room. Enter alone reads the list again.",
		"Joining demo.",
	})
	if r.err != nil || r.room != "demo" {
		t.Errorf("chose %q, %v; want demo", r.room, r.err)
	}
}

// TestChooseRoomPlainNewName creates a room by name after a bad one, and
// leaves what follows the chosen line unread.
func TestChooseRoomPlainNewName(t *testing.T) {
	l := newFakeLobby()
	in := strings.NewReader("bad name!\nretro\nmq")
	out := &screenBuffer{}
	room, err := ChooseRoomPlain(context.Background(), func(context.Context) (Lobby, error) { return l, nil }, in, out, PlainOptions{})
	if err != nil || room != "retro" {
		t.Fatalf("chose %q, %v; want retro", room, err)
	}
	checkSaid(t, strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n"), []string{
		"No rooms yet. Type a name for a new room, then Enter.",
		"Error 91000009: That is not a room name. A room's name is 1 to 64 letters, digits, - or _; type another.",
		"Creating room retro.",
	})
	if rest, _ := io.ReadAll(in); string(rest) != "mq" {
		t.Errorf("the chooser consumed the call's keys: %q left, want mq", rest)
	}
}

// TestChooseRoomPlainRetries says a failed list with its code, tries again
// (after the first retry's second), and stops on refused credentials.
func TestChooseRoomPlainRetries(t *testing.T) {
	errs := []error{
		signal.Errorf(signal.CodeWebsocketConnect, "cannot reach ws://127.0.0.1:1: connection refused"),
		signal.Errorf(signal.CodeAuthFailed, "signature mismatch"),
	}
	n := 0
	dial := func(context.Context) (Lobby, error) {
		err := errs[n]
		n++
		return nil, err
	}
	out := &screenBuffer{}
	in, keys := io.Pipe() // open, and nothing typed: only the list's failures end it
	defer keys.Close()
	_, err := ChooseRoomPlain(context.Background(), dial, in, out, PlainOptions{})
	var se *signal.Error
	if !errors.As(err, &se) || se.Code != signal.CodeAuthFailed {
		t.Fatalf("err = %v, want the refusal", err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "Error 90100016: Cannot reach") || !strings.Contains(lines[0], "Trying again in 1 second.") {
		t.Errorf("first line = %q", lines[0])
	}
	if len(lines) == 2 && (!strings.HasPrefix(lines[1], "Error 31000004: Signature mismatch. Reading the room list needs app credentials") || strings.Contains(lines[1], "Trying again")) {
		t.Errorf("second line = %q, want the refusal without a retry", lines[1])
	}
}
