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
	close(f.events)
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
