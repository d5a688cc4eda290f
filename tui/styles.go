package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/signal"
)

// Styles are the lipgloss styles of the call view, built once from the
// options and handed to the renderer (no package-level style variables).
type Styles struct {
	// Header is the top line: app name, room, state and timer.
	Header lipgloss.Style
	// App is the "confab" label inside the header.
	App lipgloss.Style
	// Room is the room name inside the header.
	Room lipgloss.Style
	// Timer is the call timer inside the header.
	Timer lipgloss.Style
	// Connected, Connecting and Disconnected colour the connection state
	// by how usable the call is (RECONNECTING counts as connecting).
	Connected, Connecting, Disconnected lipgloss.Style
	// Rule is the horizontal line under the header and above the footer.
	Rule lipgloss.Style
	// Section is a section title ("Participants", "Events").
	Section lipgloss.Style
	// Name is a participant's name; SpeakingName replaces it while they
	// speak.
	Name, SpeakingName lipgloss.Style
	// Suffix is the "(you)" / "(player)" after a name.
	Suffix lipgloss.Style
	// MicOn, MicOff and NoAudio are the mic state cell.
	MicOn, MicOff, NoAudio lipgloss.Style
	// Bar is the filled part of a volume bar, BarSpeaking while the
	// participant speaks, BarEmpty the rest.
	Bar, BarSpeaking, BarEmpty lipgloss.Style
	// Speaking is the mic cell while the participant speaks.
	Speaking lipgloss.Style
	// Selected is the marker of the selected participant.
	Selected lipgloss.Style
	// CamOn and CamOff are the camera cell.
	CamOn, CamOff lipgloss.Style
	// NetGood (scores 1-2), NetFair (3-4), NetBad (5-6) and NetUnknown
	// (0) colour the network-quality bars.
	NetGood, NetFair, NetBad, NetUnknown lipgloss.Style
	// Stream is the "Your audio" line.
	Stream lipgloss.Style
	// Notice is a device problem line, Error an error line.
	Notice, Error lipgloss.Style
	// LogTime is the time column of the event log, LogText its text.
	LogTime, LogText lipgloss.Style
	// Help styles the key help in the footer.
	Help help.Styles
}

// NewStyles returns the view's styles. With noColor every style is plain or
// bold/faint only, so the screen honours NO_COLOR and still reads: states
// are written as words, never shown by colour alone.
func NewStyles(noColor bool) Styles {
	plain := lipgloss.NewStyle()
	bold := plain.Bold(true)
	if noColor {
		return Styles{
			Header: plain, App: bold, Room: bold, Timer: plain,
			Connected: plain, Connecting: plain, Disconnected: bold,
			Rule: plain, Section: bold,
			Name: plain, SpeakingName: bold, Suffix: plain,
			MicOn: plain, MicOff: plain, NoAudio: plain,
			Bar: plain, BarSpeaking: plain, BarEmpty: plain,
			Speaking: bold, Selected: bold, Stream: plain,
			CamOn: plain, CamOff: plain,
			NetGood: plain, NetFair: plain, NetBad: bold, NetUnknown: plain,
			Notice: plain, Error: bold,
			LogTime: plain, LogText: plain,
			Help: help.Styles{
				ShortKey: bold, ShortDesc: plain, ShortSeparator: plain, Ellipsis: plain,
				FullKey: bold, FullDesc: plain, FullSeparator: plain,
			},
		}
	}
	// The palette is chosen to degrade: on a 256-colour terminal each
	// colour maps to a near one, and on a 16-colour terminal to the
	// basic colour of the same meaning (green 2, yellow 11, red 9, blue
	// 12, grey 7, dim 8; the header band to black), so states that differ
	// in colour still differ there (TestColourProfiles). Text that is
	// neither a state nor secondary keeps the terminal's own colour, which
	// is readable on dark and light themes alike.
	var (
		green  = lipgloss.Color("#3FB950")
		yellow = lipgloss.Color("#E8D44D")
		red    = lipgloss.Color("#F85149")
		blue   = lipgloss.Color("#58A6FF")
		grey   = lipgloss.Color("#8A8A8A")
		dim    = lipgloss.Color("#666666")
		light  = lipgloss.Color("#D0D0D0")
		band   = lipgloss.Color("#262626")
	)
	header := plain.Background(band).Foreground(light)
	return Styles{
		Header:       header,
		App:          header.Bold(true).Foreground(blue),
		Room:         header.Bold(true),
		Timer:        header,
		Connected:    header.Foreground(green),
		Connecting:   header.Foreground(yellow),
		Disconnected: header.Foreground(red).Bold(true),
		Rule:         plain.Foreground(dim),
		Section:      bold.Foreground(grey),
		Name:         plain,
		SpeakingName: bold.Foreground(green),
		Suffix:       plain.Foreground(grey),
		MicOn:        plain.Foreground(green),
		MicOff:       plain.Foreground(red),
		NoAudio:      plain.Foreground(grey),
		Bar:          plain.Foreground(blue),
		BarSpeaking:  plain.Foreground(green),
		BarEmpty:     plain.Foreground(dim),
		Speaking:     bold.Foreground(green),
		Selected:     bold.Foreground(blue),
		CamOn:        plain.Foreground(green),
		CamOff:       plain.Foreground(grey),
		NetGood:      plain.Foreground(green),
		NetFair:      plain.Foreground(yellow),
		NetBad:       bold.Foreground(red),
		NetUnknown:   plain.Foreground(grey),
		Stream:       plain.Foreground(grey),
		Notice:       plain.Foreground(yellow),
		Error:        bold.Foreground(red),
		LogTime:      plain.Foreground(dim),
		LogText:      plain,
		Help: help.Styles{
			ShortKey:       bold,
			ShortDesc:      plain.Foreground(grey),
			ShortSeparator: plain.Foreground(dim),
			Ellipsis:       plain.Foreground(dim),
			FullKey:        bold,
			FullDesc:       plain.Foreground(grey),
			FullSeparator:  plain.Foreground(dim),
		},
	}
}

// state returns the style for a connection state.
func (s Styles) state(c call.ConnState) lipgloss.Style {
	switch c {
	case call.StateConnected:
		return s.Connected
	case call.StateDisconnected:
		return s.Disconnected
	}
	return s.Connecting
}

// quality returns the style for a 0-6 network score.
func (s Styles) quality(q int) lipgloss.Style {
	switch q {
	case signal.QualityExcellent, signal.QualityGood:
		return s.NetGood
	case signal.QualityPoor, signal.QualityBad:
		return s.NetFair
	case signal.QualityVeryBad, signal.QualityDown:
		return s.NetBad
	}
	return s.NetUnknown
}

// headerQuality is quality on the header's band.
func (s Styles) headerQuality(q int) lipgloss.Style {
	return s.quality(q).Background(s.Header.GetBackground())
}
