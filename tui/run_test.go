package tui

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/confab-rtc/confab/call"
)

// runProgram runs the real Bubble Tea program on a fake engine with keys
// read from input and the screen discarded, and returns Run's result.
func runProgram(t *testing.T, ctx context.Context, f *fakeEngine, input io.Reader) error {
	t.Helper()
	t.Cleanup(f.end)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, f, Options{NoColor: true}, tea.WithInput(input), tea.WithOutput(io.Discard), tea.WithoutSignalHandler())
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return")
		return nil
	}
}

// waitRun waits for a program the test started in the background to end
// (its result arrives on done) and fails the test on an error or when it
// has not ended within 10 s.
func waitRun(t *testing.T, done <-chan error) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the program did not end")
	}
}

// waitLevelAsked waits until the running view polled the level of peer
// id, which it does once the peer's row is on screen and ticks run.
func (f *fakeEngine) waitLevelAsked(t *testing.T, id string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		f.mu.Lock()
		n := f.levelAsks[id]
		f.mu.Unlock()
		if n > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the view never polled %s's level", id)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRunLeavesOnQ(t *testing.T) {
	f := newFake()
	f.events <- call.PeerJoin{UserID: "b", UserName: "Bob"}
	// The x cancels the first q, so only the last two leave.
	if err := runProgram(t, context.Background(), f, strings.NewReader("mqxqq")); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	if f.leaveCount() != 1 {
		t.Errorf("Leave called %d times, want 1", f.leaveCount())
	}
	if !f.MicMuted() {
		t.Error("m before q did not mute")
	}
}

func TestRunEndsWhenEventsClose(t *testing.T) {
	f := newFake()
	f.end()
	r, w := io.Pipe()
	defer w.Close()
	if err := runProgram(t, context.Background(), f, r); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	if f.leaveCount() != 0 {
		t.Errorf("Leave called on an engine that ended the call")
	}
}

func TestRunEndsWithContext(t *testing.T) {
	f := newFake()
	r, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if err := runProgram(t, ctx, f, r); err != nil {
		t.Fatalf("Run = %v, want nil after ctx ends", err)
	}
}

// TestRunRenameMuteLeave drives the real program from a terminal's bytes:
// n opens the name input, typed keys edit it (m there does not mute),
// enter sends it, then m mutes and q q leaves.
func TestRunRenameMuteLeave(t *testing.T) {
	f := newFake()
	if err := runProgram(t, context.Background(), f, strings.NewReader("n-m\rmqq")); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	f.mu.Lock()
	renames, mutes := f.renames, f.muteCalls
	f.mu.Unlock()
	if len(renames) != 1 || renames[0] != "alice-m" {
		t.Errorf("renames = %q, want [alice-m]", renames)
	}
	if len(mutes) != 1 || !mutes[0] {
		t.Errorf("mute calls = %v, want one mute after the rename", mutes)
	}
	if f.leaveCount() != 1 {
		t.Errorf("Leave called %d times, want 1", f.leaveCount())
	}
}

// TestRunPushToTalkKittyRelease feeds the real program what a terminal
// with the kitty keyboard protocol sends: its answer to the view's request
// for key event types (flags 3), then space pressed and released in the
// protocol's encoding. Talk opens on the press and closes on the release
// with no wait, which only a reported release can do.
func TestRunPushToTalkKittyRelease(t *testing.T) {
	f := newFake()
	input := "m" + "\x1b[?3u" + "\x1b[32u" + "\x1b[32;1:3u" + "qq"
	if err := runProgram(t, context.Background(), f, strings.NewReader(input)); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	f.mu.Lock()
	mutes := f.muteCalls
	f.mu.Unlock()
	if len(mutes) != 3 || !mutes[0] || mutes[1] || !mutes[2] {
		t.Errorf("mute calls = %v, want [true false true]: mute, talk, release", mutes)
	}
}
