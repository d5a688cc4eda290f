package tui

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/charmbracelet/x/ansi"
	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/signal"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata")

// scenarios build the screens the golden files hold.
var scenarios = []struct {
	name  string
	build func(t *testing.T, w, h int, noColor bool) Model
}{
	{"call", buildCall},
	{"receive-only", buildReceiveOnly},
	{"help", func(t *testing.T, w, h int, noColor bool) Model {
		m, _ := update(t, buildCall(t, w, h, noColor), keyPress("?"))
		return m
	}},
	{"volume", func(t *testing.T, w, h int, noColor bool) Model {
		m := buildCall(t, w, h, noColor)
		for _, k := range []tea.KeyPressMsg{{Code: tea.KeyDown}, keyPress("+"), keyPress("+")} {
			m, _ = update(t, m, k)
		}
		return m
	}},
	{"events-scrolled", func(t *testing.T, w, h int, noColor bool) Model {
		m := buildCall(t, w, h, noColor)
		for _, k := range []tea.KeyPressMsg{keyPress("tab"), {Code: tea.KeyUp}, {Code: tea.KeyUp}} {
			m, _ = update(t, m, k)
		}
		return m
	}},
	{"devices", buildDevices},
	{"stats", func(t *testing.T, w, h int, noColor bool) Model { return buildStatsCall(t, w, h, noColor) }},
	{"stats-scrolled", func(t *testing.T, w, h int, noColor bool) Model {
		m := buildStatsParty(t, w, h, noColor, extraSpeakers)
		for range 2 {
			m, _ = update(t, m, tea.KeyPressMsg{Code: tea.KeyDown})
		}
		return m
	}},
	{"confirm-leave", func(t *testing.T, w, h int, noColor bool) Model {
		m, _ := update(t, buildCall(t, w, h, noColor), keyPress("q"))
		return m
	}},
}

// buildCall is a call in progress: five people, three speaking (Frank,
// who joined last, moved up among the speakers), one muted with the camera
// off, one with the camera on, a player, network scores from excellent to
// disconnected and one unknown, someone dropped by the network, and one
// error.
func buildCall(t *testing.T, w, h int, noColor bool) Model {
	m, f, c := newTestModel(w, h, noColor)
	m = send(t, m,
		call.ConnectionStateChanged{Prev: call.StateDisconnected, Cur: call.StateConnecting},
		call.MediaDevice{Kind: "recording", DeviceID: "alsa_input.usb", DeviceName: "USB Audio Mic"},
		call.MediaDevice{Kind: "playback", DeviceID: "alsa_output.usb", DeviceName: "USB Audio Speaker"},
	)
	c.advance(2 * time.Second)
	m = send(t, m,
		call.ConnectionStateChanged{Prev: call.StateConnecting, Cur: call.StateConnected},
		call.PeerJoin{UserID: "bob", UserName: "Bob Stone"},
		call.StreamAdded{UserID: "bob", Kind: "audio"},
		call.PeerJoin{UserID: "carol", UserName: "Carol", Role: 2},
	)
	c.advance(14 * time.Second)
	m = send(t, m, call.PeerJoin{UserID: "dave", UserName: "Dave Okonkwo-Harrington"}, call.StreamAdded{UserID: "dave", Kind: "audio"},
		call.StreamAdded{UserID: "bob", Kind: "video"}, call.StreamAdded{UserID: "dave", Kind: "video"})
	c.advance(9 * time.Second)
	m = send(t, m, call.MuteAudio{UserID: "dave"}, call.MuteVideo{UserID: "dave"},
		call.PeerJoin{UserID: "frank", UserName: "Frank"}, call.StreamAdded{UserID: "frank", Kind: "audio"})
	c.advance(21 * time.Second)
	m = send(t, m, call.PeerJoin{UserID: "erin", UserName: "Erin"})
	c.advance(30 * time.Second)
	m = send(t, m,
		call.PeerLeave{UserID: "erin", Reason: signal.ReasonNetworkCheck},
		call.Error{Code: 90100108, Message: "requests too frequent; slow down"},
	)
	m = send(t, m,
		call.NetworkQuality{UserID: "alice", Uplink: 1, Downlink: 2},
		call.NetworkQuality{UserID: "bob", Uplink: 3, Downlink: 1},
		call.NetworkQuality{UserID: "dave", Uplink: 5, Downlink: 2},
		call.NetworkQuality{UserID: "frank", Uplink: 6, Downlink: 0},
	)
	f.setLevel("alice", 64)
	f.setLevel("bob", 41)
	f.setLevel("carol", 0)
	f.setLevel("dave", 12)
	f.setLevel("frank", 55)
	c.advance(7 * time.Second)
	m, _ = update(t, m, tickMsg{})
	return m
}

// buildReceiveOnly is a call without a microphone, muted, with a long name.
func buildReceiveOnly(t *testing.T, w, h int, noColor bool) Model {
	m, f, c := newTestModel(w, h, noColor)
	m = send(t, m,
		call.MediaDevice{Kind: "recording", Problem: "no capture device found", Code: 90100019},
		call.ConnectionStateChanged{Prev: call.StateConnecting, Cur: call.StateConnected},
		call.PeerJoin{UserID: "host", UserName: "Presenter with a really rather long display name, for sure"},
		call.StreamAdded{UserID: "host", Kind: "audio"},
	)
	c.advance(3*time.Minute + 4*time.Second)
	m = send(t, m, call.ConnectionStateChanged{Prev: call.StateConnected, Cur: call.StateReconnecting})
	f.setLevel("host", 77)
	c.advance(2 * time.Second)
	m, _ = update(t, m, tickMsg{})
	return m
}

// checkGolden compares the screen got with testdata/<name>.golden,
// rewriting that file first under -update; test names the test that
// makes it, for the hint when the file is missing.
func checkGolden(t *testing.T, name, test, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *updateGolden {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tui -run %s -update to create it)", err, test)
	}
	if got != string(want) {
		t.Errorf("screen differs from %s (rerun with -update if intended)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// checkFits fails unless the screen out fills a w x h terminal exactly:
// h lines, none wider than w cells, so the terminal neither wraps nor
// scrolls it.
func checkFits(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Errorf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("line %d is %d cells wide, terminal %d: %q", i, lw, w, ansi.Strip(l))
		}
	}
}

func TestGolden(t *testing.T) {
	sizes := []struct{ w, h int }{{80, 24}, {120, 40}, {200, 60}}
	for _, sc := range scenarios {
		for _, sz := range sizes {
			name := fmt.Sprintf("%s_%dx%d", sc.name, sz.w, sz.h)
			t.Run(name, func(t *testing.T) {
				checkGolden(t, name, "TestGolden", ansi.Strip(sc.build(t, sz.w, sz.h, true).View().Content)+"\n")
			})
		}
	}
}

// TestScreenFits renders crowded screens at many sizes, in colour and
// without, and checks the terminal would neither wrap nor scroll them.
func TestScreenFits(t *testing.T) {
	crowd := func(t *testing.T, w, h int, noColor bool) Model {
		m := buildCall(t, w, h, noColor)
		for i := range 30 {
			m = send(t, m, call.PeerJoin{UserID: fmt.Sprintf("u%d", i), UserName: strings.Repeat("名前", 20) + fmt.Sprint(i)})
		}
		m = send(t, m,
			call.MediaDevice{Kind: "recording", Problem: strings.Repeat("very long problem ", 20), Code: 90100019},
			call.MediaDevice{Kind: "playback", Problem: strings.Repeat("también ", 30)},
			call.Error{Code: 1, Message: strings.Repeat("x", 300)},
		)
		return m
	}
	builds := map[string]func(*testing.T, int, int, bool) Model{
		"call": buildCall, "receive-only": buildReceiveOnly, "crowd": crowd, "devices": buildDevices,
	}
	sizes := []struct{ w, h int }{{80, 24}, {120, 40}, {100, 30}, {60, 16}, {200, 60}, {40, 10}, {20, 5}, {1, 1}}
	for name, build := range builds {
		for _, sz := range sizes {
			for _, noColor := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%dx%d/nocolor=%v", name, sz.w, sz.h, noColor), func(t *testing.T) {
					checkFits(t, build(t, sz.w, sz.h, noColor).View().Content, sz.w, sz.h)
				})
			}
		}
	}
}

func TestCrowdedScreenKeepsEssentials(t *testing.T) {
	m := buildCall(t, 80, 24, true)
	for i := range 30 {
		m = send(t, m, call.PeerJoin{UserID: fmt.Sprintf("u%d", i), UserName: fmt.Sprintf("User %d", i)})
	}
	lines := screen(m)
	for _, want := range []string{"Alice (you)", "… and ", "Your audio:", "Error 90100108", "q leave", "Participants (35)"} {
		if !containsLine(lines, want) {
			t.Errorf("crowded screen lacks %q:\n%s", want, strings.Join(lines, "\n"))
		}
	}
	if lines[len(lines)-1] != " m mute mic • space hold to talk • ? all keys • q leave" {
		t.Errorf("footer = %q", lines[len(lines)-1])
	}
}

// colourCode matches an SGR sequence that sets a foreground or background
// colour (30-37, 38;..., 40-47, 48;..., 90-97, 100-107).
var colourCode = regexp.MustCompile(`\x1b\[[0-9;]*?(^|;|\[)(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;|m)`)

// checkNoColour checks the screen of scenario name drawn in colour and
// with NoColor: the first has colour codes (else the check proves
// nothing), the second none, and both read the same once stripped.
func checkNoColour(t *testing.T, name, colour, plain string) {
	t.Helper()
	if !colourCode.MatchString(colour) {
		t.Errorf("%s: colour screen has no colour codes, so this test proves nothing", name)
	}
	if loc := colourCode.FindStringIndex(plain); loc != nil {
		t.Errorf("%s: NoColor screen sets a colour: %q", name, plain[loc[0]:loc[1]])
	}
	if ansi.Strip(colour) != ansi.Strip(plain) {
		t.Errorf("%s: colour changes the text; states must read the same without it", name)
	}
}

func TestNoColor(t *testing.T) {
	for _, sc := range scenarios {
		checkNoColour(t, sc.name, sc.build(t, 80, 24, false).View().Content, sc.build(t, 80, 24, true).View().Content)
	}
}
