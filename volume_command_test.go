package main

import (
	"strings"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/call"
	sig "github.com/confab-rtc/confab/signal"
)

// TestVolumeCommand feeds headless stdin commands to an engine that is not
// in a call (SetVolume needs none): good lines set the volume, bad ones
// become bad-request error events naming the problem.
func TestVolumeCommand(t *testing.T) {
	eng := call.New(call.Config{ServerURL: "ws://127.0.0.1:1", Room: "r", UserID: "me"},
		call.Params{Outputs: []audio.Output{discard{}}})
	defer eng.Close()
	readCommands(strings.NewReader(strings.Join([]string{
		"volume alice 50",
		"volume bob 0%",
		"volume carol",
		"volume carol loud",
		"volume dave 300",
		"volume",
	}, "\n")), eng, nil)
	if v := eng.Volume("alice"); v != 50 {
		t.Errorf("alice at %d %%, want 50", v)
	}
	if v := eng.Volume("bob"); v != 0 {
		t.Errorf("bob at %d %%, want 0 (muted)", v)
	}
	for _, who := range []string{"carol", "dave"} {
		if v := eng.Volume(who); v != 100 {
			t.Errorf("%s at %d %% after a bad command, want 100", who, v)
		}
	}
	want := []string{
		`volume wants a user id and a percent, as in "volume alice 50", not "carol"`,
		`volume "loud" is not a whole number of percent (0-200)`,
		`volume 300% is outside 0-200 %`,
		`volume wants a user id and a percent, as in "volume alice 50", not ""`,
	}
	for i, w := range want {
		select {
		case ev := <-eng.Events():
			e, ok := ev.(call.Error)
			if !ok || e.Code != sig.CodeBadRequest || e.Message != w {
				t.Errorf("event %d: %#v, want bad-request %q", i, ev, w)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("event %d (%q) never came", i, w)
		}
	}
}
