package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/signal"
)

// plainFake is the fake engine as plain mode's tests have always named it.
type plainFake struct {
	*fakeEngine
}

func newPlainFake() *plainFake {
	return &plainFake{fakeEngine: newFake()}
}

// step is one thing that happens in a scripted call: an event, a key (a
// one-character string, or "ctrl+c", "enter", "escape sequence"), or the
// clock moving on.
type step struct {
	ev    call.Event
	key   string
	after time.Duration
}

// transcript runs a script through a plain view and returns every line it
// spoke, in order.
func transcript(t *testing.T, f *plainFake, steps []step) []string {
	t.Helper()
	v := newPlainView(f, "standup", "Alice")
	now := t0
	var out []string
	for _, s := range steps {
		now = now.Add(s.after)
		switch {
		case s.ev != nil:
			out = append(out, v.event(s.ev, now)...)
		case s.key != "":
			k := plainKey{name: s.key}
			if len([]rune(s.key)) == 1 {
				k = plainKey{r: []rune(s.key)[0]}
			}
			lines, _ := v.key(k, now)
			if len(lines) == 0 && !v.leaving {
				t.Errorf("key %q got no spoken answer", s.key)
			}
			out = append(out, lines...)
		}
	}
	return out
}

// checkLines compares spoken lines with the expected text, line by line.
func checkLines(t *testing.T, got []string, want string) {
	t.Helper()
	w := strings.Split(strings.TrimSpace(want), "\n")
	for i := range w {
		w[i] = strings.TrimSpace(w[i])
	}
	if strings.Join(got, "\n") == strings.Join(w, "\n") {
		return
	}
	n := max(len(got), len(w))
	for i := 0; i < n; i++ {
		var g, x string
		if i < len(got) {
			g = got[i]
		}
		if i < len(w) {
			x = w[i]
		}
		if g != x {
			t.Errorf("line %d:\n got  %q\n want %q", i+1, g, x)
		}
	}
}

// TestPlainCallTranscript plays a whole call through plain mode, events
// and keys mixed, and checks every line a screen reader would read: the
// per-frame events (levels, streams, repeated speakers and small quality
// moves) must say nothing.
func TestPlainCallTranscript(t *testing.T) {
	f := newPlainFake()
	got := transcript(t, f, []step{
		{ev: call.ConnectionStateChanged{Prev: call.StateDisconnected, Cur: call.StateConnecting}},
		{ev: call.MediaDevice{Kind: "recording", DeviceID: "mic1", DeviceName: "Built-in Microphone"}},
		{ev: call.MediaDevice{Kind: "playback", DeviceID: "spk1", DeviceName: "Headphones"}},
		{ev: call.ConnectionStateChanged{Prev: call.StateConnecting, Cur: call.StateConnected}, after: time.Second},
		{ev: call.StreamAdded{UserID: "alice", Kind: "audio"}},
		{ev: call.PeerJoin{UserID: "ada", UserName: "Ada", Role: signal.RoleJoiner}},
		{ev: call.StreamAdded{UserID: "ada", Kind: "audio"}},
		{ev: call.FirstAudioFrame{UserID: "ada"}},
		{ev: call.PeerJoin{UserID: "bruno", UserName: "Bruno", Role: signal.RoleJoiner}},
		{ev: call.PeerJoin{UserID: "chiara", UserName: "Chiara", Role: signal.RolePlayer}},
		{ev: call.VolumeIndicator{Levels: []signal.Level{{UserID: "ada", Volume: 40}}}},
		{ev: call.ActiveSpeaker{UserID: "ada"}},
		{ev: call.ActiveSpeaker{UserID: ""}},
		{ev: call.ActiveSpeaker{UserID: "ada"}},
		{ev: call.ActiveSpeaker{UserID: "alice"}},
		{ev: call.ActiveSpeaker{UserID: "bruno"}},
		{ev: call.NetworkQuality{UserID: "ada", Uplink: 1, Downlink: 2}},
		{ev: call.NetworkQuality{UserID: "ada", Uplink: 2, Downlink: 1}},
		{ev: call.NetworkQuality{UserID: "ada", Uplink: 4, Downlink: 1}},
		{ev: call.NetworkQuality{UserID: "ada", Uplink: 3, Downlink: 1}},
		{ev: call.NetworkQuality{UserID: "ada", Uplink: 1, Downlink: 1}},
		{ev: call.NetworkQuality{UserID: "alice", Uplink: 6, Downlink: 6}},
		{key: "w", after: 2 * time.Minute},
		{ev: call.MuteAudio{UserID: "bruno"}},
		{ev: call.StreamUpdated{UserID: "bruno", Kind: "audio", Muted: true}},
		{ev: call.UnmuteAudio{UserID: "bruno"}},
		{key: "m"},
		{ev: call.MuteAudio{UserID: "alice"}}, // the engine's echo: already spoken
		{key: "m"},
		{ev: call.UnmuteAudio{UserID: "alice"}},
		// Two quick presses whose echoes both arrive after the second:
		// the stale "muted" echo must not be spoken as a new state.
		{key: "m"},
		{key: "m"},
		{ev: call.MuteAudio{UserID: "alice"}},
		{ev: call.UnmuteAudio{UserID: "alice"}},
		{key: "2"},
		{key: "+"},
		{key: "-"},
		{key: "-"},
		{key: "w"},
		{key: "a"},
		{ev: call.ActiveSpeaker{UserID: "ada"}},
		{key: "a"},
		{ev: call.ActiveSpeaker{UserID: "bruno"}},
		{key: "7"},
		{key: "t", after: 12 * time.Second},
		{key: "x"},
		{key: " "},
		{key: "enter"},
		{key: "escape sequence"},
		{key: "q"},
		{key: "m"},
		{ev: call.PeerLeave{UserID: "bruno", Reason: signal.ReasonReconnectTimeout}},
		{ev: call.PeerLeave{UserID: "chiara", Reason: signal.ReasonLeft}},
		{ev: call.PeerLeave{UserID: "chiara", Reason: signal.ReasonLeft}}, // unknown by now: silent
		{key: "+"},
		{key: "q"},
		{key: "q", after: 11 * time.Second}, // too late: asks again
		{key: "q", after: 9 * time.Second},
		{ev: call.ConnectionStateChanged{Prev: call.StateConnected, Cur: call.StateDisconnected}},
	})
	checkLines(t, got, `
		Connecting to room standup.
		Microphone: Built-in Microphone.
		Speaker: Headphones.
		You are connected to room standup.
		Ada joined.
		Bruno joined.
		Chiara joined as a listener.
		Ada is speaking.
		Bruno is speaking.
		Ada's network is poor.
		Ada's network is good again.
		Your network is down.
		3 other people here: 1 Ada; 2 Bruno, speaking; 3 Chiara, listening only. Your microphone is on.
		Bruno muted their microphone.
		Bruno unmuted their microphone.
		Muted: your microphone is off.
		Unmuted: your microphone is on.
		Muted: your microphone is off.
		Unmuted: your microphone is on.
		Bruno chosen, volume 100 percent. Press plus or minus to change it.
		Bruno's volume is 110 percent.
		Bruno's volume is 100 percent.
		Bruno's volume is 90 percent.
		3 other people here: 1 Ada; 2 Bruno, speaking, volume 90 percent; 3 Chiara, listening only. Your microphone is on.
		Speaker announcements off. Press w to hear who is speaking.
		Speaker announcements on.
		Bruno is speaking.
		There is no person 7. Press w to hear who is here.
		In the call for 2 minutes and 12 seconds.
		Unknown key x. Press h for help.
		Unknown key space. Press h for help.
		Enter is not needed: keys act at once. Press h for help.
		Unknown key escape sequence. Press h for help.
		Press q again to leave, or any other key to stay.
		Muted: your microphone is off.
		Bruno left: the connection timed out.
		Chiara left.
		Choose a person first: press w, then their number.
		Press q again to leave, or any other key to stay.
		Press q again to leave, or any other key to stay.
		Leaving the call.
		You left the call.
	`)
	if got, want := f.muteCalls, []bool{true, false, true, false, true}; !equalBools(got, want) {
		t.Errorf("SetMicMuted calls %v, want %v", got, want)
	}
	if f.Volume("bruno") != 90 {
		t.Errorf("Bruno's volume %d, want 90", f.Volume("bruno"))
	}
	if f.leaveCount() != 1 {
		t.Errorf("Leave called %d times, want 1", f.leaveCount())
	}
}

func equalBools(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
