package tui

import (
	"strings"
	"testing"

	"github.com/confab-rtc/confab/call"
)

// TestCameraFollowsVideoEvents: a video stream turns the camera cell on,
// mute-video off, unmute-video on again, stream-removed off.
func TestCameraFollowsVideoEvents(t *testing.T) {
	m, _, _ := newTestModel(80, 24, true)
	m = send(t, m, call.PeerJoin{UserID: "b", UserName: "Bob"}, call.StreamAdded{UserID: "b", Kind: "audio"})
	steps := []struct {
		ev   call.Event
		want string
	}{
		{nil, camOffText},
		{call.StreamAdded{UserID: "b", Kind: "video"}, camOnText},
		{call.MuteVideo{UserID: "b"}, camOffText},
		{call.UnmuteVideo{UserID: "b"}, camOnText},
		{call.StreamRemoved{UserID: "b", Kind: "video"}, camOffText},
	}
	for _, s := range steps {
		if s.ev != nil {
			m = send(t, m, s.ev)
		}
		row := rowOf(m, "Bob")
		if !strings.Contains(row, "  "+s.want+" ") || !strings.Contains(row, "● mic on") {
			t.Errorf("after %T: row %q, want %q and the mic untouched", s.ev, row, s.want)
		}
	}
}

// TestNetworkQualityCells: each score draws its bars in the row (the
// worse of up and down) and the local user's up and down in the header.
func TestNetworkQualityCells(t *testing.T) {
	want := map[int]string{0: "  ?  ", 1: "▁▂▃▄▅", 2: "▁▂▃▄·", 3: "▁▂▃··", 4: "▁▂···", 5: "▁····", 6: "  ✕  "}
	for q, cell := range want {
		if got := qualityBars(q); got != cell {
			t.Errorf("qualityBars(%d) = %q, want %q", q, got, cell)
		}
	}
	m, _, _ := newTestModel(80, 24, true)
	m = send(t, m, call.PeerJoin{UserID: "b", UserName: "Bob"},
		call.NetworkQuality{UserID: "b", Uplink: 2, Downlink: 4},
		call.NetworkQuality{UserID: "alice", Uplink: 3, Downlink: 0})
	if row := rowOf(m, "Bob"); !strings.HasSuffix(row, want[4]) {
		t.Errorf("Bob (up 2, down 4) row %q does not end in the worse, %q", row, want[4])
	}
	if row := rowOf(m, "Alice"); !strings.HasSuffix(row, want[3]) {
		t.Errorf("Alice (up 3, down unknown) row %q does not end in %q", row, want[3])
	}
	if h := screen(m)[0]; !strings.Contains(h, "up "+want[3]+"  down "+want[0]) {
		t.Errorf("header %q lacks the local up 3 and down unknown", h)
	}
	// A narrow header keeps the room name and drops the quality first.
	m.width = 44
	if h := screen(m)[0]; strings.Contains(h, "down") || !strings.Contains(h, "standup") {
		t.Errorf("44-column header %q", h)
	}
}

// TestHelpListsQualityMeanings: ? lists every score with the seeds'
// meaning, each item whole, at every size.
func TestHelpListsQualityMeanings(t *testing.T) {
	for _, w := range []int{80, 120, 200} {
		m, _ := update(t, buildCall(t, w, 40, true), keyPress("?"))
		text := strings.Join(screen(m), "\n")
		for q := range 7 {
			item := strings.TrimSpace(qualityBars(q)) + " " + string(rune('0'+q)) + " " + qualityMeaning(q)
			if !strings.Contains(text, item) {
				t.Errorf("%d columns: help lacks %q:\n%s", w, item, text)
			}
		}
	}
}
