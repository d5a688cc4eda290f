package tui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/confab-rtc/confab/signal"
)

// roomsPane is the live room list, as a component: the rooms screen shows
// it full size before a call, and the call view as its side pane (r). It
// keeps the list, the lobby's state, a text input that filters the list
// and names a new room, and the selection; the App owns it across calls.
type roomsPane struct {
	list roomList
	// status is how the lobby subscription stands; problem says, with the
	// error's code, why it failed and when it retries.
	status  lobbyStatus
	problem string
	// input filters the list and names a room to create. On the rooms
	// screen it always takes the typed keys (always); in the call's side
	// pane only after the filter key, so that the call's own keys (m, q,
	// r) keep working in the pane.
	input  textinput.Model
	typing bool
	always bool
	// selected is the chosen item: a listed room's name, or newItem for
	// the room the input names; "" means the first item.
	selected string
	// current is the room of the call in progress ("" before any call);
	// joining the room being joined; joinErr why the last choice failed.
	current string
	joining string
	joinErr string
}

// lobbyStatus is the state of the room list's subscription.
type lobbyStatus int

const (
	lobbyIdle lobbyStatus = iota // not asked for yet
	lobbyConnecting
	lobbyLive
	lobbyFailed // retrying after a pause
)

// newItem is the selection key of the "create a room" item, which cannot
// clash with a room id.
const newItem = "+"

// newRoomsPane returns an empty pane; always makes its input take every
// typed key (the rooms screen).
func newRoomsPane(always bool, st Styles) roomsPane {
	in := textinput.New()
	in.SetStyles(inputStyles(st))
	in.Prompt = "Room: "
	in.Placeholder = "type to filter, or a new room's name"
	in.CharLimit = 64
	p := roomsPane{input: in, always: always, typing: always}
	if always {
		p.input.Focus()
	}
	return p
}

// inputStyles styles a text input with the view's styles, so NO_COLOR
// holds for it too; the cursor does not blink, which would redraw the
// screen twice a second for nothing.
func inputStyles(st Styles) textinput.Styles {
	state := textinput.StyleState{Text: st.Name, Placeholder: st.Suffix, Suggestion: st.Suffix, Prompt: st.Section}
	return textinput.Styles{Focused: state, Blurred: state, Cursor: textinput.CursorStyle{Shape: tea.CursorBlock}}
}

// roomItem is one line of the list a user can choose.
type roomItem struct {
	key   string // room name, or newItem
	room  string
	count int
}

// items returns what the list shows: the rooms that match the input, then
// the room the input names when it is a valid id that is not listed.
func (p roomsPane) items() []roomItem {
	filter := strings.TrimSpace(p.input.Value())
	var out []roomItem
	exact := false
	for _, r := range p.list.matching(filter) {
		out = append(out, roomItem{key: r.Room, room: r.Room, count: r.Participants})
		exact = exact || r.Room == filter
	}
	if filter != "" && !exact {
		out = append(out, roomItem{key: newItem, room: filter})
	}
	return out
}

// selectedIndex returns the position of the selection among items, 0 when
// it is gone (a room that vanished selects the first again).
func (p roomsPane) selectedIndex(items []roomItem) int {
	for i, it := range items {
		if it.key == p.selected {
			return i
		}
	}
	return 0
}

// move moves the selection by step, stopping at the ends.
func (p *roomsPane) move(step int) {
	items := p.items()
	if len(items) == 0 {
		return
	}
	p.selected = items[clamp(p.selectedIndex(items)+step, 0, len(items)-1)].key
}

// chooseRoomMsg asks the App to leave the current call, if any, and join
// room.
type chooseRoomMsg struct{ room string }

// choose returns the room enter would join, or why it cannot be joined.
func (p roomsPane) choose() (room string, problem string) {
	items := p.items()
	if len(items) == 0 {
		if p.input.Value() == "" {
			return "", "Type the name of a room to create it."
		}
		return "", ""
	}
	it := items[p.selectedIndex(items)]
	if e := signal.CheckIdentity(it.room, "u", ""); e != nil {
		return "", errorSentence(e.Code, "That is not a room name. A room's name is 1 to 64 letters, digits, - or _; change it and press enter again.")
	}
	return it.room, ""
}

// key handles a key while the pane has the focus. handled is false for a
// key the pane leaves to the caller (the call's own keys, or quitting).
func (p roomsPane) key(k tea.KeyPressMsg, km KeyMap) (roomsPane, tea.Cmd, bool) {
	switch {
	case key.Matches(k, km.Interrupt):
		return p, nil, false
	case key.Matches(k, km.SelectUp):
		p.move(-1)
		return p, nil, true
	case key.Matches(k, km.SelectDown):
		p.move(1)
		return p, nil, true
	case key.Matches(k, km.Choose):
		room, problem := p.choose()
		p.joinErr = problem
		if room == "" {
			return p, nil, true
		}
		if room == p.current {
			p.joinErr = "You are in " + sanitize(room) + " already."
			return p, nil, true
		}
		return p, func() tea.Msg { return chooseRoomMsg{room: room} }, true
	}
	if !p.typing {
		if key.Matches(k, km.RoomFilter) {
			p.typing = true
			return p, p.input.Focus(), true
		}
		return p, nil, false
	}
	if key.Matches(k, km.ClosePane) {
		if p.always && p.input.Value() == "" {
			return p, nil, false
		}
		p.input.SetValue("")
		p.selected = ""
		if !p.always {
			p.typing = false
			p.input.Blur()
		}
		return p, nil, true
	}
	before := p.input.Value()
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(k)
	if p.input.Value() != before {
		// A new filter selects its best match: the room named exactly,
		// else the first.
		p.selected = ""
		p.joinErr = ""
		for _, it := range p.items() {
			if it.key == strings.TrimSpace(p.input.Value()) {
				p.selected = it.key
			}
		}
	}
	return p, cmd, true
}

// Row geometry of the list: marker, name, gap, count, and the "you are
// here" tag of the current room.
const (
	roomIndent = 4 // "  › "
	roomCount  = 10
	hereTag    = "  you are here"
)

// countWords renders a room's participants: "1 person", "4 people".
func countWords(n int) string {
	if n == 1 {
		return "1 person"
	}
	return strconv.Itoa(n) + " people"
}

// lines renders the pane in at most h lines, none wider than w cells:
// title, input, the rooms, then the state of the lobby and of the last
// choice. The selection always stays in view.
func (p roomsPane) lines(st Styles, w, h int, focused bool) []string {
	if h <= 0 || w <= 0 {
		return nil
	}
	items := p.items()
	title := cut("Rooms ("+strconv.Itoa(len(p.list.rooms))+")", w-1)
	out := []string{paneTitleStyled(st, focused, title)}
	out = append(out, p.inputLine(st, w))

	var tail []string
	for _, s := range []struct {
		text  string
		style func(string) string
	}{
		{p.statusText(), func(s string) string { return st.Notice.Render(s) }},
		{p.joinText(), func(s string) string { return st.Error.Render(s) }},
	} {
		if s.text == "" {
			continue
		}
		for _, l := range strings.Split(ansi.Wordwrap(s.text, max(w-3, 1), ""), "\n") {
			tail = append(tail, s.style(cut(" "+l, w-rowMargin)))
		}
	}
	// The list gets what the title, input and tail leave, at least a line.
	room := max(h-len(out)-len(tail), 1)
	out = append(out, p.itemLines(st, items, w, room)...)
	if len(out)+len(tail) > h {
		tail = tail[:max(h-len(out), 0)]
	}
	out = append(out, tail...)
	if len(out) > h {
		out = out[:h]
	}
	return out
}

// inputLine renders the input, or on the side pane before the filter key
// a line that says how to type.
func (p roomsPane) inputLine(st Styles, w int) string {
	if !p.typing {
		return st.Suffix.Render(cut("  / to find a room or name a new one", w-rowMargin))
	}
	in := p.input
	in.SetWidth(max(w-len(in.Prompt)-4, 1))
	return cut(" "+in.View(), w)
}

// itemLines renders the list in at most n lines, scrolled so that the
// selection is visible.
func (p roomsPane) itemLines(st Styles, items []roomItem, w, n int) []string {
	if len(items) == 0 {
		text := "  No rooms yet: type a name and press enter to create one."
		if p.status != lobbyLive && p.input.Value() == "" {
			text = ""
		}
		if text == "" {
			return nil
		}
		var out []string
		for _, l := range strings.Split(ansi.Wordwrap(text, max(w-3, 1), ""), "\n") {
			out = append(out, st.Suffix.Render(cut(l, w-rowMargin)))
		}
		return out[:min(len(out), n)]
	}
	sel := p.selectedIndex(items)
	show := n
	if len(items) > n && n > 1 {
		show = n - 1 // the last line says how many more there are
	}
	first := 0
	if sel >= show {
		first = sel - show + 1
	}
	last := min(first+show, len(items))
	l := newRoomLayout(w)
	out := make([]string, 0, n)
	for i := first; i < last; i++ {
		out = append(out, p.itemLine(st, items[i], i == sel, l))
	}
	if hidden := len(items) - last; hidden > 0 && len(out) < n {
		out = append(out, st.Suffix.Render(cut("    … and "+strconv.Itoa(hidden)+" more", w-rowMargin)))
	}
	return out
}

// roomLayout is the width of a room line's name column, and whether the
// line has room for the "you are here" tag.
type roomLayout struct {
	name int
	tag  bool
}

// newRoomLayout fits the columns in w cells: the tag goes first when the
// pane is narrow, then the name shrinks.
func newRoomLayout(w int) roomLayout {
	avail := w - roomIndent - rowMargin - rowGap - roomCount
	tag := avail-len(hereTag) >= minName
	if tag {
		avail -= len(hereTag)
	}
	return roomLayout{name: clamp(avail, 1, maxName), tag: tag}
}

// itemLine renders one room: the selection marker, its name, how many are
// in it, and whether the user is there.
func (p roomsPane) itemLine(st Styles, it roomItem, selected bool, l roomLayout) string {
	mark := "    "
	if selected {
		mark = "  " + st.Speaking.Render("›") + " "
	}
	name := sanitize(it.room)
	count := countWords(it.count)
	tag := ""
	switch {
	case it.key == newItem:
		name, count = "create "+strconv.Quote(name), "new room"
	case it.room == p.joining:
		tag = "  joining…"
	case it.room == p.current:
		tag = hereTag
	}
	if !l.tag {
		tag = "" // a narrow pane keeps the count rather than the tag
	}
	nameW := l.name
	nameStyle := st.Name
	if selected {
		nameStyle = st.SpeakingName
	}
	line := mark + nameStyle.Render(fit(name, nameW)) + strings.Repeat(" ", rowGap) + st.Suffix.Render(fit(count, roomCount))
	if tag != "" {
		line += st.Speaking.Render(tag)
	}
	return line
}

// statusText says how the lobby stands, when that is worth a line.
func (p roomsPane) statusText() string {
	switch p.status {
	case lobbyIdle:
		return "The room list is not connected."
	case lobbyConnecting:
		return "Connecting to the room list…"
	case lobbyFailed:
		return p.problem
	}
	return ""
}

// joinText says what the last choice is doing or why it failed.
func (p roomsPane) joinText() string {
	if p.joinErr != "" {
		return p.joinErr
	}
	if p.joining != "" {
		return "Joining " + sanitize(p.joining) + "…"
	}
	return ""
}
