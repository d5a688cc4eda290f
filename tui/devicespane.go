package tui

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/confab-rtc/confab/call"
)

// The devices pane (d): the microphones and speakers, each marked in use,
// default or gone; the arrows and enter switch mid-call, a meter shows the
// microphone also while muted (to check it before unmuting), t plays a
// test chime on the speaker, and plugging or unplugging a device shows at
// once with a line saying so. Cameras join when the engine has video.

// Device row geometry: the cursor cell, a state symbol, the name, then the
// marks ("in use · default" is the widest).
const (
	devIndent   = 4 // "› ● "
	devMarksMax = len("in use · default")
	devMinName  = 8
	devMaxName  = 48
)

// devicesPane is the devices pane's state, kept in the Model. It is fed
// from Update only (snapshots, polled levels, events), so rendering reads
// nothing but this.
type devicesPane struct {
	// mics and speakers are every device seen this session, in the
	// order first seen; an unplugged one stays, gone, until it returns.
	mics, speakers []seenDevice
	// list is the last snapshot: the ids in use and why a kind is off.
	list DeviceList
	// cursor indexes the selectable rows: microphones, then speakers.
	cursor int
	// level is the microphone's level before mute, polled while open;
	// muted is whether the call mutes it.
	level int
	muted bool
	// note is the last hot-plug (or test tone) line and when it came.
	note   string
	noteAt time.Time
}

// devEntry is one selectable row.
type devEntry struct {
	kind string // "recording" or "playback", as call events name them
	dev  seenDevice
}

// entries returns the rows the cursor moves over: the kinds that can be
// switched in this call.
func (p devicesPane) entries() []devEntry {
	var out []devEntry
	if p.list.MicOff == "" {
		for _, d := range p.mics {
			out = append(out, devEntry{"recording", d})
		}
	}
	if p.list.SpeakerOff == "" {
		for _, d := range p.speakers {
			out = append(out, devEntry{"playback", d})
		}
	}
	return out
}

// refreshDevices takes a fresh snapshot from the engine (a copy under a
// short lock in the real engine; never a device call).
func (m *Model) refreshDevices() {
	p := &m.devices
	l := m.engine.Devices()
	p.list = l
	p.mics = mergeDevices(p.mics, l.Microphones)
	p.speakers = mergeDevices(p.speakers, l.Speakers)
	p.cursor = clamp(p.cursor, 0, max(len(p.entries())-1, 0))
}

// devicesEvent updates the pane from a device event, whether it is open
// or not, so a device unplugged while the pane is closed still shows as
// gone when it opens. A hot-plug becomes the pane's notification line.
func (m *Model) devicesEvent(ev call.Event) {
	switch ev := ev.(type) {
	case call.DeviceChanged:
		m.refreshDevices()
		if ev.Action == "REMOVE" {
			name := sanitize(ev.DeviceName)
			if ev.Kind == "playback" {
				m.devices.speakers = markGone(m.devices.speakers, ev.DeviceID, name)
			} else {
				m.devices.mics = markGone(m.devices.mics, ev.DeviceID, name)
			}
		}
		m.devices.note, m.devices.noteAt = deviceChangedSentence(ev), m.now
	case call.MediaDevice:
		m.refreshDevices()
	}
}

// devicesTick polls the microphone meter and the list while the pane is
// open.
func (m *Model) devicesTick() {
	if m.side != sideDevices {
		return
	}
	m.devices.level = clamp(m.engine.MicLevel(), 0, 100)
	m.devices.muted = m.people.self.muted
	m.refreshDevices()
}

// openDevices toggles the pane, with a fresh snapshot when it opens.
func (m *Model) openDevices() tea.Cmd {
	if m.side != sideDevices {
		m.refreshDevices()
		m.devices.level = clamp(m.engine.MicLevel(), 0, 100)
		m.devices.muted = m.people.self.muted
	}
	return m.toggleSide(sideDevices)
}

// devicesKey handles the arrows and enter while the pane has the focus.
func (m Model) devicesKey(k tea.KeyPressMsg) (Model, tea.Cmd, bool) {
	n := len(m.devices.entries())
	switch {
	case key.Matches(k, m.keys.SelectUp):
		m.devices.cursor = clamp(m.devices.cursor-1, 0, max(n-1, 0))
	case key.Matches(k, m.keys.SelectDown):
		m.devices.cursor = clamp(m.devices.cursor+1, 0, max(n-1, 0))
	case key.Matches(k, m.keys.Choose):
		m.chooseDevice()
	default:
		return m, nil, false
	}
	return m, nil, true
}

// chooseDevice switches to the device under the cursor. The engine
// answers with a media-device event, which marks it in use.
func (m *Model) chooseDevice() {
	es := m.devices.entries()
	if len(es) == 0 {
		return
	}
	e := es[clamp(m.devices.cursor, 0, len(es)-1)]
	switch {
	case e.dev.gone:
		m.devices.note, m.devices.noteAt = deviceName(e.dev)+" is unplugged; plug it in to use it.", m.now
	case e.kind == "recording" && e.dev.ID != m.devices.list.Mic:
		m.engine.ChooseMicrophone(e.dev.ID)
	case e.kind == "playback" && e.dev.ID != m.devices.list.Speaker:
		m.engine.ChooseSpeaker(e.dev.ID)
	}
}

// testTone plays the test chime on the speaker in use.
func (m *Model) testTone() {
	m.now = m.clock()
	note := "This call plays nothing, so there is no speaker to test."
	if m.engine.PlayTestTone() {
		note = "Test chime playing"
		for _, d := range m.devices.speakers {
			if d.ID == m.devices.list.Speaker {
				note += " on " + deviceName(d)
			}
		}
		note += "."
	}
	m.devices.note, m.devices.noteAt = note, m.now
}

// deviceName is a device's name for the screen, its id when it has none.
func deviceName(d seenDevice) string {
	if d.Name != "" {
		return sanitize(d.Name)
	}
	return sanitize(d.ID)
}

// lines renders the pane in w cells by at most h lines. When the lists do
// not fit, the blank lines go first, then the key hint.
func (p devicesPane) lines(st Styles, keys KeyMap, w, h int, focused bool) []string {
	title := paneTitleStyled(st, focused, "Devices")
	var body []string
	cur := clamp(p.cursor, 0, max(len(p.entries())-1, 0))
	row := 0 // selectable row index, to place the cursor
	section := func(name string, devs []seenDevice, inUse, off string) {
		body = append(body, st.Section.Render(cut(" "+name, w-rowMargin)))
		switch {
		case off != "":
			body = append(body, st.NoAudio.Render(cut("   "+sanitize(off), w-rowMargin)))
			return
		case len(devs) == 0:
			body = append(body, st.NoAudio.Render("   none found"))
		}
		for _, d := range devs {
			body = append(body, p.deviceRow(st, d, d.ID == inUse, focused && row == cur, w))
			row++
		}
	}
	section("Microphones", p.mics, p.list.Mic, p.list.MicOff)
	if p.list.MicOff == "" {
		body = append(body, p.meterLine(st, w))
	}
	body = append(body, "")
	section("Speakers", p.speakers, p.list.Speaker, p.list.SpeakerOff)
	if p.note != "" {
		// Wrapped, not cut: the line is news the user must read whole.
		text := ansi.Wordwrap(p.noteAt.Format("15:04:05")+" "+p.note, max(w-rowMargin-3, 1), "")
		body = append(body, "")
		for i, l := range strings.Split(text, "\n") {
			lead := "   "
			if i == 0 {
				lead = " ! "
			}
			body = append(body, st.Notice.Render(cut(lead+l, w-rowMargin)))
		}
	}
	hint := st.Suffix.Render(cut(" "+keyHelp(keys.SelectUp)+"/"+keyHelp(keys.SelectDown)+" move · "+
		keyHelp(keys.Choose)+" switch · "+keyHelp(keys.TestTone)+" test speaker · "+keyHelp(keys.ClosePane)+" close", w-rowMargin))

	out := append([]string{title, ""}, body...)
	out = append(out, "", hint)
	if len(out) > h {
		out = dropBlank(out, len(out)-h)
	}
	if len(out) > h && h > 0 {
		out = out[:h]
	}
	return out
}

// keyHelp is a binding's key as its help shows it.
func keyHelp(b key.Binding) string { return b.Help().Key }

// dropBlank removes up to n empty lines, from the end up.
func dropBlank(lines []string, n int) []string {
	for i := len(lines) - 1; i >= 0 && n > 0; i-- {
		if lines[i] == "" {
			lines = append(lines[:i], lines[i+1:]...)
			n--
		}
	}
	return lines
}

// deviceRow renders one device: the cursor, a symbol, the name and its
// marks in words, so the states read without colour.
func (p devicesPane) deviceRow(st Styles, d seenDevice, inUse, selected bool, w int) string {
	var marks []string
	if d.gone {
		marks = append(marks, "gone")
	}
	if inUse && !d.gone {
		marks = append(marks, "in use")
	}
	if d.Default {
		marks = append(marks, "default")
	}
	mark := strings.Join(marks, " · ")
	nameW := clamp(w-devIndent-rowGap-devMarksMax-rowMargin, devMinName, devMaxName)
	if devIndent+nameW+rowGap+len(mark) > w-rowMargin {
		nameW = max(w-devIndent-rowGap-ansi.StringWidth(mark)-rowMargin, 1)
	}
	cursor, symbol, style := " ", "○", st.Name
	if selected {
		cursor = st.Speaking.Render("›")
	}
	switch {
	case d.gone:
		symbol, style = "×", st.NoAudio
	case inUse:
		symbol, style = "●", st.MicOn
	}
	name := cutAtWord(deviceName(d), nameW)
	out := cursor + " " + style.Render(symbol) + " " + style.Render(name)
	if mark != "" {
		out += strings.Repeat(" ", nameW-ansi.StringWidth(name)+rowGap) + st.Suffix.Render(mark)
	}
	return out
}

// meterLine renders the microphone meter: what the microphone hears, also
// while muted, when only the user sees it.
func (p devicesPane) meterLine(st Styles, w int) string {
	const label = "   level "
	suffix := " " + strconv.Itoa(p.level)
	if p.muted {
		suffix += " · muted, not sent"
	}
	bw := w - len(label) - ansi.StringWidth(suffix) - rowMargin
	if bw < 4 {
		return st.Stream.Render(cut(label+strings.TrimSpace(suffix), w-rowMargin))
	}
	filled := (clamp(p.level, 0, 100)*bw + 50) / 100
	bar := ""
	if filled > 0 {
		bar = st.Bar.Render(strings.Repeat(barFull, filled))
	}
	if filled < bw {
		bar += st.BarEmpty.Render(strings.Repeat(barEmpty, bw-filled))
	}
	return st.Stream.Render(label) + bar + st.Stream.Render(suffix)
}

// cutAtWord shortens s to w cells at a word's end, marked "…", so a long
// device name reads "Jabra Evolve2 65 Headset…" rather than ending in a
// piece of a word; a first word too long for w is cut as cut does.
func cutAtWord(s string, w int) string {
	if ansi.StringWidth(s) <= w {
		return s
	}
	for i := len(s) - 1; i > 0; i-- {
		if s[i] == ' ' {
			if head := strings.TrimRight(s[:i], " "); head != "" && ansi.StringWidth(head)+1 <= w {
				return head + "…"
			}
		}
	}
	return cut(s, w)
}
