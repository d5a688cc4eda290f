package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/confab-rtc/confab/internal/pulsetest"
)

// streamBlock matches a remote stream's block in the stats pane: its
// title and the first line of its grid, which starts with the bitrate and
// the packet count.
var streamBlock = regexp.MustCompile(`(?m)^ (Ada|Bruno|Chiara) · opus/48000/2\s*\n\s+bitrate\s+([0-9.]+) kb/s\s+packets\s+([0-9,]+)`)

// remoteStreams reads the bitrate (kb/s) and packet count of every remote
// stream block on a screen, by sender.
func remoteStreams(screen string) map[string][2]float64 {
	out := map[string][2]float64{}
	for _, m := range streamBlock.FindAllStringSubmatch(screen, -1) {
		kb, _ := strconv.ParseFloat(m[2], 64)
		pk, _ := strconv.ParseFloat(strings.ReplaceAll(m[3], ",", ""), 64)
		out[m[1]] = [2]float64{kb, pk}
	}
	return out
}

// TestDemoStatsPaneInTmux runs `confab demo` in an 80x24 terminal, opens
// the stats pane with s and reads what a person would: a block for each
// simulated person's stream with a bitrate a talking Opus stream has and
// packets that count on from one refresh to the next, the connections'
// candidate pairs; s closes the pane, q q leaves.
func TestDemoStatsPaneInTmux(t *testing.T) {
	needTmux(t)
	pa := pulsetest.Start(t)
	e := newEnv(t)
	x := confabInTmux(t, e, pa, 80, 24, "demo.log", "demo", "--name", "Tester")
	x.waitScreen("the three simulated people", 30*time.Second, func(s string) bool {
		return strings.Contains(s, "Ada") && strings.Contains(s, "Bruno") && strings.Contains(s, "Chiara") && strings.Contains(s, "● connected")
	})

	x.run("send-keys", "-t", "demo", "s")
	// Everyone talks in turn: within a few seconds each stream has been
	// heard at a talking bitrate (Opus speech: well above 8 kb/s).
	talking := map[string]bool{}
	var firstScreen string
	screen := x.waitScreen("each simulated person's stream at a talking bitrate", 30*time.Second, func(s string) bool {
		st := remoteStreams(s)
		if len(st) == 3 && firstScreen == "" {
			firstScreen = s
		}
		for who, v := range st {
			if v[0] >= 8 {
				talking[who] = true
			}
		}
		return len(talking) == 3
	})
	t.Logf("first reading:\n%s\nstats pane with everyone heard:\n%s", firstScreen, screen)
	for _, want := range []string{"▸Stats at ", " You · opus/48000/2", " Transport", "  publish    connected · host → host udp", "  subscribe  connected · host → host udp"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the stats pane lacks %q", want)
		}
	}
	// The next refresh counts on from this one.
	title := regexp.MustCompile(`Stats at \d\d:\d\d:\d\d`)
	at := title.FindString(screen)
	next := x.waitScreen("the next refresh", 5*time.Second, func(s string) bool {
		return title.FindString(s) != at && len(remoteStreams(s)) == 3
	})
	before, after := remoteStreams(screen), remoteStreams(next)
	for who, v := range before {
		if after[who][1] <= v[1] {
			t.Errorf("%s's packets did not count on from one refresh to the next: %v then %v", who, v[1], after[who][1])
		}
	}

	x.run("send-keys", "-t", "demo", "s")
	x.waitScreen("the call again", 5*time.Second, func(s string) bool {
		return strings.Contains(s, "Participants") && !strings.Contains(s, "Stats at")
	})
	x.leave()
}
