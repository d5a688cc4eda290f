package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/confab-rtc/confab/call"
)

// refresh delivers a snapshot to the model as the pane's tick would, and
// returns the command Update re-armed.
func refresh(t *testing.T, m Model, s call.CallStats) (Model, tea.Cmd) {
	t.Helper()
	return update(t, m, statsMsg{opening: m.stats.opening, stats: s})
}

// blockLine returns the line of the stats pane that starts the block
// titled name, and the lines of its grid under it.
func blockLines(m Model, name string) []string {
	lines := screen(m)
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(sideOf(m, l)), name+" · ") {
			var out []string
			for _, g := range lines[i : i+3] {
				out = append(out, sideOf(m, g))
			}
			return out
		}
	}
	return nil
}

// sideOf is the side pane's part of a screen line (all of it below 120
// columns).
func sideOf(m Model, l string) string {
	if !m.split(m.width) {
		return l
	}
	cw := m.callWidth(m.width)
	return ansi.Cut(l, cw+1, m.width)
}

// TestStatsPaneOpensRefreshesCloses: s opens the pane with the focus and
// its first reading at once; each reading re-arms the next; s closes it,
// and a reading still on its way then ends the chain instead of showing.
// A reading of an earlier opening never shows in a later one; rendering
// never reads the engine, and what it keeps of a reading follows the
// terminal's size.
func TestStatsPaneOpensRefreshesCloses(t *testing.T) {
	m := buildStatsCall(t, 80, 24, true)
	f := m.engine.(*fakeEngine)
	if m.focus != paneSide {
		t.Errorf("focus %d after s, want the side pane", m.focus)
	}
	carol := blockLines(m, "Carol Nguyen")
	if carol == nil || !strings.Contains(carol[1], "30.5 kb/s") || !strings.Contains(carol[1], "4.8 %") || !strings.Contains(carol[2], "86 ms") {
		t.Fatalf("Carol's block %q, want 30.5 kb/s, 4.8 %% loss, 86 ms buffer:\n%s", carol, strings.Join(screen(m), "\n"))
	}
	reads := f.statsRead
	for range 10 {
		_ = m.View()
	}
	if f.statsRead != reads {
		t.Errorf("rendering read the engine's stats %d times", f.statsRead-reads)
	}
	// A narrower terminal lays the same reading out anew: three columns.
	narrow, _ := update(t, m, tea.WindowSizeMsg{Width: 60, Height: 24})
	if c := blockLines(narrow, "Carol Nguyen"); c == nil || !strings.Contains(c[1], "loss") || !strings.HasPrefix(c[2], "  jitter") {
		t.Errorf("at 60 columns Carol's block is %q, want three cells a line", c)
	}

	m, cmd := refresh(t, m, fourPartyStats(t0.Add(5*time.Minute+time.Second), 1))
	if cmd == nil {
		t.Fatal("a reading of the open pane did not re-arm the next")
	}
	carol = blockLines(m, "Carol Nguyen")
	if !strings.Contains(carol[1], "31.2 kb/s") || !strings.Contains(carol[1], "8.7 %") || !strings.Contains(carol[2], "8.0 %") {
		t.Errorf("Carol's block after a refresh %q, want 31.2 kb/s, 8.7 %% loss, 8.0 %% concealed", carol)
	}
	if !containsLine(screen(m), "Stats at 10:05:01") {
		t.Errorf("the title does not show the refresh's time:\n%s", strings.Join(screen(m), "\n"))
	}

	m, cmd = update(t, m, keyPress("s"))
	if m.side != sideNone || cmd != nil || !containsLine(screen(m), "Participants (4)") {
		t.Fatalf("s again: side %d, command %v, screen:\n%s", m.side, cmd, strings.Join(screen(m), "\n"))
	}
	if _, cmd = refresh(t, m, fourPartyStats(t0, 2)); cmd != nil {
		t.Error("a reading after the pane closed re-armed another")
	}

	// Reopened: the first opening's late reading is dropped.
	old := m.stats.opening
	m, cmd = update(t, m, keyPress("s"))
	if cmd == nil || m.stats.opening == old {
		t.Fatal("reopening started no new reading")
	}
	m, cmd = update(t, m, statsMsg{opening: old, stats: fourPartyStats(t0, 3)})
	if cmd != nil || !containsLine(screen(m), "reading the call's statistics") {
		t.Errorf("a reading of the earlier opening showed or re-armed:\n%s", strings.Join(screen(m), "\n"))
	}
	m, _ = update(t, m, tea.KeyPressMsg{Code: tea.KeyEscape})
	if m.side != sideNone {
		t.Error("esc did not close the stats pane")
	}

	// The app switched rooms: the next call's pane, just opened, drops a
	// reading of the last call's.
	next, _, _ := newTestModel(80, 24, true)
	next, _ = update(t, next, keyPress("s"))
	if next, cmd = update(t, next, statsMsg{opening: old, stats: fourPartyStats(t0, 3)}); cmd != nil || !containsLine(screen(next), "reading the call's statistics") {
		t.Errorf("a new call's pane took the last call's reading:\n%s", strings.Join(screen(next), "\n"))
	}
}

// TestStatsPaneNames: remote streams are named by their senders' display
// names, sanitized, sorted by name; a sender not (yet) in the roster by
// its id; a rename shows at the next refresh.
func TestStatsPaneNames(t *testing.T) {
	m := buildStatsCall(t, 80, 30, true)
	m = send(t, m, call.PeerJoin{UserID: "zed", UserName: "Aaron\x1b[2J\x07 Evil"})
	s := fourPartyStats(t0, 0)
	aaron := s.Remote[0]
	aaron.UserID = "zed"
	stranger := s.Remote[0]
	stranger.UserID = "x\x1b]0;title\x07y"
	s.Remote = append(s.Remote, aaron, stranger)
	m, _ = refresh(t, m, s)
	var titles []string
	for _, l := range screen(m) {
		if strings.Contains(l, " · opus/48000/2") && !strings.HasPrefix(l, " You") {
			titles = append(titles, strings.TrimSpace(strings.TrimSuffix(l, " · opus/48000/2")))
		}
	}
	want := []string{"Aaron[2J Evil", "Bob Stone", "Carol Nguyen", "Dave Okonkwo-Harrington", "x]0;titley"}
	if strings.Join(titles, "|") != strings.Join(want, "|") {
		t.Errorf("stream titles %q, want %q", titles, want)
	}
	for _, l := range screen(m) {
		if strings.ContainsFunc(l, isControl) {
			t.Errorf("a control character reached the screen: %q", l)
		}
	}
	m = send(t, m, call.RemoteUserNameChanged{UserID: "bob", UserName: "Robert"})
	m, _ = refresh(t, m, s)
	if blockLines(m, "Robert") == nil {
		t.Errorf("after a rename and a refresh, no block for Robert:\n%s", strings.Join(screen(m), "\n"))
	}
}

// TestStatsPaneUnmeasured: a receive-only call says it sends nothing;
// figures not measured yet read as a dash, not as a zero that claims a
// measurement.
func TestStatsPaneUnmeasured(t *testing.T) {
	m := buildStatsCall(t, 80, 24, true)
	s := fourPartyStats(t0, 0)
	s.Local = nil
	s.Remote[0].Codec, s.Remote[0].RTT = "", 0
	m, _ = refresh(t, m, s)
	if !containsLine(screen(m), " You · not sending") {
		t.Errorf("receive-only: no 'not sending' line:\n%s", strings.Join(screen(m), "\n"))
	}
	bob := blockLines(m, "Bob Stone")
	if bob == nil || !strings.HasSuffix(bob[0], "Bob Stone · —") || !strings.Contains(bob[2], "RTT             —") {
		t.Errorf("Bob before his first packet and round trip: %q", bob)
	}
	s = fourPartyStats(t0, 0)
	s.Local.ReportsReceived, s.Local.RTT = 0, 0
	m, _ = refresh(t, m, s)
	if l := screen(m)[4]; !strings.Contains(l, "loss            —") {
		t.Errorf("the local stream before the server's first report: %q, want loss —", l)
	}

	// The engine's first reading has counters but no rates yet.
	s = fourPartyStats(t0, 0)
	s.Window = 0
	m, _ = refresh(t, m, s)
	if l := screen(m)[4]; !strings.Contains(l, "bitrate         —") || !strings.Contains(l, "packets    14,872") {
		t.Errorf("the local stream on the first reading: %q, want bitrate — and the packets", l)
	}
	carol := blockLines(m, "Carol Nguyen")
	for _, want := range []string{"bitrate         —", "packets    13,912", "loss            —", "FEC             —", "conceal         —", "buffer      86 ms"} {
		if !strings.Contains(carol[1]+carol[2], want) {
			t.Errorf("Carol on the first reading: %q, want %q", carol, want)
		}
	}
	// Reopened after a pause, the rates span it, and the title says so.
	s = fourPartyStats(t0.Add(5*time.Minute), 0)
	s.Window = 4*time.Minute + 30*time.Second
	m, _ = refresh(t, m, s)
	if !containsLine(screen(m), "Stats at 10:05:00, rates since 10:00:30") {
		t.Errorf("rates over 4.5 minutes, but the title is %q", screen(m)[2])
	}
}

// TestStatsPaneScrolls: with more streams than fit, the arrows move the
// focused pane's view a block at a time, so a stream's name heads the
// view, and stop where the last block shows; they leave the participant
// selection alone. Once tab moves the focus away, they select again.
func TestStatsPaneScrolls(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{80, 24}, {120, 30}} {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			m := buildStatsParty(t, sz.w, sz.h, true, extraSpeakers)
			top := func() string { return strings.TrimSpace(sideOf(m, screen(m)[3])) }
			if !strings.HasPrefix(top(), "You · ") || !strings.Contains(sideOf(m, screen(m)[2]), "(0 above, ") {
				t.Fatalf("before scrolling the view starts with %q:\n%s", top(), strings.Join(screen(m), "\n"))
			}
			down := tea.KeyPressMsg{Code: tea.KeyDown}
			var heads []string
			for range 12 {
				m, _ = update(t, m, down)
				heads = append(heads, strings.SplitN(top(), " · ", 2)[0])
			}
			t.Logf("heads: %q", heads)
			if heads[0] != "Bob Stone" || heads[1] != "Carol Nguyen" {
				t.Errorf("the first moves showed %q, want Bob Stone then Carol Nguyen", heads[:2])
			}
			last := heads[len(heads)-1]
			if heads[len(heads)-2] != last || !strings.Contains(sideOf(m, screen(m)[2]), " 0 below)") {
				t.Errorf("scrolling does not stop at the end: heads %q, title %q", heads, screen(m)[2])
			}
			if !containsLine(screen(m), "  subscribe  connected") {
				t.Errorf("scrolled to the end, the transport does not show:\n%s", strings.Join(screen(m), "\n"))
			}
			if m.selected != "" {
				t.Errorf("the arrows in the stats pane selected %q", m.selected)
			}
			for range 12 {
				m, _ = update(t, m, tea.KeyPressMsg{Code: tea.KeyUp})
			}
			if !strings.HasPrefix(top(), "You · ") {
				t.Errorf("back up, the view starts with %q", top())
			}
			m, _ = update(t, m, keyPress("tab"))
			m, _ = update(t, m, down)
			if m.selected != "bob" {
				t.Errorf("after tab, down selected %q, want bob", m.selected)
			}
		})
	}
}

// TestStatsPaneFits renders the pane at many sizes, in colour and without,
// with long names and huge counters: the terminal would neither wrap nor
// scroll it, and at 56 columns and wider (the side pane's least) no cell
// is cut.
func TestStatsPaneFits(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{80, 24}, {120, 40}, {200, 60}, {100, 30}, {60, 16}, {40, 10}, {20, 5}, {1, 1}} {
		for _, noColor := range []bool{false, true} {
			t.Run(fmt.Sprintf("%dx%d/nocolor=%v", sz.w, sz.h, noColor), func(t *testing.T) {
				m := buildStatsParty(t, sz.w, sz.h, noColor, extraSpeakers)
				m = send(t, m, call.PeerJoin{UserID: "hiro", UserName: strings.Repeat("名前", 40)})
				s := fourPartyStats(t0, 0)
				s.Local.PacketsSent, s.Local.Bitrate = 123_456_789, 510_000
				s.Remote[1].LossPercent, s.Remote[1].Jitter = 100, 12*time.Second
				s.Transport.BytesReceived = 98_765_432_100
				s.Transport.Connections[0].Remote = "udp6 host [2001:db8:ffff:ffff:ffff:ffff:ffff:1]:65535"
				m, _ = refresh(t, m, s)
				checkFits(t, m.View().Content, sz.w, sz.h)
				if sz.w < sideMin {
					return
				}
				for _, l := range m.sideLines(m.sideSize()) {
					// Only the long name and the IPv6 address may be cut.
					if l := ansi.Strip(l); strings.Contains(l, "…") && !strings.Contains(l, "名前") && !strings.Contains(l, "2001:db8") {
						t.Errorf("a line is cut at %d columns: %q", sz.w, l)
					}
				}
			})
		}
	}
}

// TestStatsPaneMarksLoss: in colour, loss and concealment are marked as
// they hurt the call (from 2.5 % and from 7.5 %); other figures are not.
func TestStatsPaneMarksLoss(t *testing.T) {
	m := buildStatsCall(t, 80, 24, false)
	st := m.styles
	marked := func(m Model, value string, style lipgloss.Style, how string) {
		t.Helper()
		if !strings.Contains(m.View().Content, style.Render(value)) {
			t.Errorf("%s is not marked %s", value, how)
		}
	}
	// Carol: 4.8 % loss, 1.6 % concealed, FEC 3.1 %.
	marked(m, "4.8 %", st.Notice, "as a notice")
	marked(m, "1.6 %", st.Name, "plain")
	// Then 8.7 % loss, 8.0 % concealed, FEC 5.1 %.
	m, _ = refresh(t, m, fourPartyStats(t0, 1))
	marked(m, "8.7 %", st.Error, "as an error")
	marked(m, "8.0 %", st.Error, "as an error")
	marked(m, "5.1 %", st.Name, "plain")
}

func TestStatsFormats(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{formatBitrate(0), "0.0 kb/s"},
		{formatBitrate(31_849), "31.8 kb/s"},
		{formatBitrate(99_949), "99.9 kb/s"},
		{formatBitrate(99_960), "100 kb/s"},
		{formatBitrate(128_000), "128 kb/s"},
		{formatCount(0), "0"},
		{formatCount(999), "999"},
		{formatCount(1000), "1,000"},
		{formatCount(9_999_999), "9,999,999"},
		{formatCount(12_345_678), "12.3 M"},
		{formatPercent(0), "0.0 %"},
		{formatPercent(-0.2), "0.0 %"},
		{formatPercent(4.75), "4.8 %"},
		{formatPercent(100), "100.0 %"},
		{formatDelay(114 * time.Microsecond), "0.1 ms"},
		{formatDelay(9940 * time.Microsecond), "9.9 ms"},
		{formatDelay(9960 * time.Microsecond), "10 ms"},
		{formatDelay(86 * time.Millisecond), "86 ms"},
		{formatDelay(12 * time.Second), "12.0 s"},
		{formatMeasured(0), "—"},
		{formatBytes(999), "999 B"},
		{formatBytes(1_912_554), "1.9 MB"},
		{formatBytes(345_000), "345 kB"},
		{formatBytes(99_960), "100 kB"},
		{formatBytes(999_700), "1.0 MB"},
		{formatBytes(98_765_432_100), "98.8 GB"},
		{formatBytes(5_000_000_000_000_000), "5000 TB"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if p, ty, a, ok := candidateParts("udp4 srflx 198.51.100.23:54012"); !ok || p != "udp4" || ty != "srflx" || a != "198.51.100.23:54012" {
		t.Errorf("candidateParts = %q %q %q %v", p, ty, a, ok)
	}
	if _, _, _, ok := candidateParts("udp4 host"); ok {
		t.Error("candidateParts accepted two words")
	}
}

// BenchmarkStatsPaneView80x24 renders the screen of an 80-column
// terminal with the stats pane of a four-party call open, which then
// fills the body, as every frame does (the level tick redraws ten times a
// second); BenchmarkView200x60 has the pane beside the call.
func BenchmarkStatsPaneView80x24(b *testing.B) {
	m := buildStatsCall(b, 80, 24, false)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}
