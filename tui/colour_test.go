package tui

import (
	"bytes"
	"image/color"
	"io"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// downsampled returns a screen as a terminal of the given profile
// receives it: Bubble Tea writes through colorprofile's Writer.
func downsampled(t *testing.T, s string, p colorprofile.Profile) string {
	t.Helper()
	var b bytes.Buffer
	w := &colorprofile.Writer{Forward: &b, Profile: p}
	if _, err := io.WriteString(w, s); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// shown returns a colour as the profile shows it, nil for none (the
// terminal's own).
func shown(p colorprofile.Profile, c color.Color) color.Color {
	if _, none := c.(lipgloss.NoColor); none || c == nil {
		return nil
	}
	return p.Convert(c)
}

func sameColour(a, b color.Color) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	r1, g1, b1, _ := a.RGBA()
	r2, g2, b2, _ := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2
}

// TestColourProfiles renders the palette as 256- and 16-colour terminals
// show it: states that differ by colour must still differ, text on the
// header band must not take the band's colour, and text on the
// terminal's own background must not turn black or bright white (unread
// on a dark or a light theme).
func TestColourProfiles(t *testing.T) {
	st := NewStyles(false)
	groups := map[string][]lipgloss.Style{
		"connection state":   {st.Connected, st.Connecting, st.Disconnected},
		"network quality":    {st.NetGood, st.NetFair, st.NetBad, st.NetUnknown},
		"mic":                {st.MicOn, st.MicOff, st.NoAudio},
		"bar":                {st.Bar, st.BarSpeaking, st.BarEmpty},
		"speaking name":      {st.Name, st.SpeakingName},
		"camera":             {st.CamOn, st.CamOff},
		"notice and error":   {st.Notice, st.Error},
		"selected and empty": {st.Selected, st.BarEmpty},
	}
	onBand := []lipgloss.Style{st.Header, st.App, st.Room, st.Timer, st.Connected, st.Connecting, st.Disconnected,
		st.headerQuality(1), st.headerQuality(3), st.headerQuality(6), st.headerQuality(0)}
	onTerminal := []lipgloss.Style{st.Rule, st.Section, st.Name, st.SpeakingName, st.Suffix, st.MicOn, st.MicOff, st.NoAudio,
		st.Bar, st.BarSpeaking, st.BarEmpty, st.Speaking, st.Selected, st.CamOn, st.CamOff, st.NetGood, st.NetFair,
		st.NetBad, st.NetUnknown, st.Stream, st.Notice, st.Error, st.LogTime, st.LogText,
		st.Help.ShortKey, st.Help.ShortDesc, st.Help.FullKey, st.Help.FullDesc}
	for _, p := range []colorprofile.Profile{colorprofile.TrueColor, colorprofile.ANSI256, colorprofile.ANSI} {
		black, white := p.Convert(color.Black), p.Convert(color.White)
		for name, g := range groups {
			for i := range g {
				for j := i + 1; j < len(g); j++ {
					if sameColour(shown(p, g[i].GetForeground()), shown(p, g[j].GetForeground())) {
						t.Errorf("%v: %s: styles %d and %d look the same (%v)", p, name, i, j, shown(p, g[i].GetForeground()))
					}
				}
			}
		}
		for i, s := range onBand {
			f, b := shown(p, s.GetForeground()), shown(p, s.GetBackground())
			if b == nil || f == nil || sameColour(f, b) {
				t.Errorf("%v: header style %d: %v on %v", p, i, f, b)
			}
		}
		for i, s := range onTerminal {
			if f := shown(p, s.GetForeground()); f != nil && (sameColour(f, black) || sameColour(f, white)) {
				t.Errorf("%v: style %d is %v on the terminal's background", p, i, f)
			}
		}
	}
}

// TestScreenDownsampled sends whole screens through the writer Bubble Tea
// uses: a 16- or 256-colour terminal gets only its own colour codes, the
// same text, and the states still in distinct colours.
func TestScreenDownsampled(t *testing.T) {
	m := buildCall(t, 120, 40, false)
	screenText := m.View().Content
	for _, c := range []struct {
		p    colorprofile.Profile
		bad  string // a colour code this profile must not receive
		want []string
	}{
		// 256 colours: indexed codes only, never 24-bit ones.
		{colorprofile.ANSI256, "38;2;", []string{"38;5;"}},
		// 16 colours: basic codes only: green (32) and bright red (91)
		// for the good and the lost network.
		{colorprofile.ANSI, "38;5;", []string{"32m", "91"}},
	} {
		out := downsampled(t, screenText, c.p)
		if strings.Contains(out, c.bad) || strings.Contains(out, "38;2;") || strings.Contains(out, "48;2;") {
			t.Errorf("%v: the terminal receives colours it cannot show", c.p)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: no %q in the downsampled screen", c.p, w)
			}
		}
		if ansi.Strip(out) != ansi.Strip(screenText) {
			t.Errorf("%v: downsampling changed the text", c.p)
		}
	}
	if out := downsampled(t, screenText, colorprofile.Ascii); colourCode.MatchString(out) {
		t.Error("an Ascii terminal (NO_COLOR) receives colour codes")
	}
}
