package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/signal"
)

// fakeLobby is a room list subscription whose changes the test sends.
type fakeLobby struct {
	rooms  []signal.RoomInfo
	events chan call.Event
	err    error
	once   sync.Once
}

func newFakeLobby(rooms ...signal.RoomInfo) *fakeLobby {
	return &fakeLobby{rooms: rooms, events: make(chan call.Event, 16)}
}

func (l *fakeLobby) Rooms() []signal.RoomInfo  { return l.rooms }
func (l *fakeLobby) Events() <-chan call.Event { return l.events }
func (l *fakeLobby) Err() error                { return l.err }
func (l *fakeLobby) Close()                    { l.once.Do(func() { close(l.events) }) }

// fakeJoiner records the rooms it was asked for and returns a fresh fake
// engine in each, or err.
type fakeJoiner struct {
	mu    sync.Mutex
	rooms []string
	engs  []*fakeEngine
	err   error
}

func (j *fakeJoiner) join(_ context.Context, room string) (Engine, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.rooms = append(j.rooms, room)
	if j.err != nil {
		return nil, j.err
	}
	f := newFake()
	f.room = room
	j.engs = append(j.engs, f)
	return f, nil
}

// end ends every engine the joiner made, as their calls would end.
func (j *fakeJoiner) end() {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, f := range j.engs {
		f.end()
	}
}

func (j *fakeJoiner) joined() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]string(nil), j.rooms...)
}

func escKey() tea.KeyPressMsg   { return tea.KeyPressMsg{Code: tea.KeyEscape} }
func enterKey() tea.KeyPressMsg { return tea.KeyPressMsg{Code: tea.KeyEnter} }
func downKey() tea.KeyPressMsg  { return tea.KeyPressMsg{Code: tea.KeyDown} }

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// demoRooms is the list the goldens show: the demo's two rooms, a busy
// standup, and a room whose long name must be cut, not wrapped.
func demoRooms() []signal.RoomInfo {
	return []signal.RoomInfo{
		info("demo", 4), info("lounge", 1), info("standup", 7),
		info("quarterly-planning-with-the-whole-extended-team-and-guests", 2),
	}
}

// appUpdate runs one message through the App.
func appUpdate(t *testing.T, a App, msg tea.Msg) (App, tea.Cmd) {
	t.Helper()
	next, cmd := a.Update(msg)
	na, ok := next.(App)
	if !ok {
		t.Fatalf("Update returned %T, want tui.App", next)
	}
	return na, cmd
}

// newTestApp returns the rooms screen of an App with a live lobby.
func newTestApp(t *testing.T, w, h int, noColor bool, j *fakeJoiner, rooms ...signal.RoomInfo) (App, *fakeLobby) {
	l := newFakeLobby(rooms...)
	c := &fakeClock{t: t0}
	a := NewApp(context.Background(), AppOptions{
		Options: Options{UserName: "Alice", Width: w, Height: h, NoColor: noColor, Clock: c.now},
		Join:    j.join,
		Lobby:   func(context.Context) (Lobby, error) { return l, nil },
	})
	a, _ = appUpdate(t, a, lobbyDialedMsg{lobby: l})
	return a, l
}

// roomScenarios build the screens of the rooms goldens.
var roomScenarios = []struct {
	name  string
	build func(t *testing.T, w, h int, noColor bool) string
}{
	{"rooms-screen", func(t *testing.T, w, h int, noColor bool) string {
		a, _ := newTestApp(t, w, h, noColor, &fakeJoiner{}, demoRooms()...)
		a, _ = appUpdate(t, a, downKey())
		return a.View().Content
	}},
	{"rooms-screen-new", func(t *testing.T, w, h int, noColor bool) string {
		a, _ := newTestApp(t, w, h, noColor, &fakeJoiner{}, demoRooms()...)
		for _, r := range "retro" {
			a, _ = appUpdate(t, a, keyPress(string(r)))
		}
		return a.View().Content
	}},
	{"rooms-screen-offline", func(t *testing.T, w, h int, noColor bool) string {
		a := NewApp(context.Background(), AppOptions{Options: Options{Width: w, Height: h, NoColor: noColor}})
		a, _ = appUpdate(t, a, lobbyDialedMsg{err: signal.Errorf(signal.CodeWebsocketConnect, "cannot reach ws://127.0.0.1:7880: connection refused")})
		return a.View().Content
	}},
	{"rooms-pane", func(t *testing.T, w, h int, noColor bool) string {
		m := buildCall(t, w, h, noColor)
		m.rooms.status = lobbyLive
		m.rooms.current = "standup"
		m.rooms.list.reset(demoRooms())
		m, _ = update(t, m, keyPress("r"))
		m, _ = update(t, m, downKey())
		return m.View().Content
	}},
	{"rooms-pane-typing", func(t *testing.T, w, h int, noColor bool) string {
		m := buildCall(t, w, h, noColor)
		m.rooms.status = lobbyLive
		m.rooms.current = "standup"
		m.rooms.list.reset(demoRooms())
		for _, k := range []string{"r", "/", "l", "o"} {
			m, _ = update(t, m, keyPress(k))
		}
		return m.View().Content
	}},
}

func TestGoldenRooms(t *testing.T) {
	sizes := []struct{ w, h int }{{80, 24}, {120, 40}, {200, 60}}
	for _, sc := range roomScenarios {
		for _, sz := range sizes {
			name := fmt.Sprintf("%s_%dx%d", sc.name, sz.w, sz.h)
			t.Run(name, func(t *testing.T) {
				out := sc.build(t, sz.w, sz.h, true)
				checkFits(t, out, sz.w, sz.h)
				checkGolden(t, name, "TestGoldenRooms", ansi.Strip(out)+"\n")
			})
		}
	}
}

// TestRoomsNoColor checks that colour adds nothing the text does not say.
func TestRoomsNoColor(t *testing.T) {
	for _, sc := range roomScenarios {
		checkNoColour(t, sc.name, sc.build(t, 80, 24, false), sc.build(t, 80, 24, true))
	}
}

// TestRoomsScreenFits renders the rooms screen with many rooms at small
// sizes: nothing wider than the terminal, exactly its height, and the
// selection in view.
func TestRoomsScreenFits(t *testing.T) {
	var many []signal.RoomInfo
	for i := range 40 {
		many = append(many, info(fmt.Sprintf("room-%02d", i), 40-i))
	}
	for _, sz := range []struct{ w, h int }{{80, 24}, {60, 16}, {40, 10}, {20, 5}, {1, 1}} {
		a, _ := newTestApp(t, sz.w, sz.h, false, &fakeJoiner{}, many...)
		for range 30 {
			a, _ = appUpdate(t, a, downKey())
		}
		lines := strings.Split(a.View().Content, "\n")
		if len(lines) != sz.h {
			t.Errorf("%dx%d: %d lines", sz.w, sz.h, len(lines))
		}
		for i, l := range lines {
			if lw := ansi.StringWidth(l); lw > sz.w {
				t.Errorf("%dx%d: line %d is %d cells wide", sz.w, sz.h, i, lw)
			}
		}
		if sz.h >= 10 && !strings.Contains(ansi.Strip(a.View().Content), "room-30") {
			t.Errorf("%dx%d: the selected room-30 is not on screen:\n%s", sz.w, sz.h, ansi.Strip(a.View().Content))
		}
	}
}

// TestAppLobbyRetries checks the list's connection: a failed subscription
// shows its code and a sentence and retries; a live list applies changes;
// an ended one retries, and the next subscription replaces the list.
func TestAppLobbyRetries(t *testing.T) {
	a, l := newTestApp(t, 80, 24, true, &fakeJoiner{}, info("demo", 4))
	a, cmd := appUpdate(t, a, lobbyEventMsg{ev: call.RoomCreated{RoomInfo: info("lounge", 1)}, l: l})
	if cmd == nil {
		t.Fatal("a lobby event did not re-arm the wait")
	}
	if got := a.rooms.items(); len(got) != 2 || got[1].room != "lounge" {
		t.Fatalf("items = %+v, want demo and lounge", got)
	}
	// A late event of an older subscription is ignored.
	a, _ = appUpdate(t, a, lobbyEventMsg{ev: call.RoomCreated{RoomInfo: info("ghost", 1)}, l: newFakeLobby()})
	if len(a.rooms.items()) != 2 {
		t.Error("an event of another lobby changed the list")
	}
	a, cmd = appUpdate(t, a, lobbyEndedMsg{l: l, err: signal.Errorf(signal.CodeServerLost, "the server closed the room list: EOF")})
	if cmd == nil {
		t.Fatal("an ended lobby did not schedule a retry")
	}
	text := ansi.Strip(a.View().Content)
	if !containsAll(text, "offline", "Error 91000015") || !containsAll(a.rooms.problem, "Error 91000015: The server closed the room list: EOF.", "Check that the server runs", "Trying again in 1 second.") {
		t.Errorf("after the lobby ended the screen says:\n%s", text)
	}
	a, _ = appUpdate(t, a, lobbyRetryMsg{})
	a, _ = appUpdate(t, a, lobbyDialedMsg{err: errors.New("dial tcp: connection refused")})
	if !strings.Contains(a.rooms.problem, "Trying again in 2 seconds") {
		t.Errorf("the second failure in a row does not wait longer:\n%s", ansi.Strip(a.View().Content))
	}
	l2 := newFakeLobby(info("standup", 2))
	a, _ = appUpdate(t, a, lobbyDialedMsg{lobby: l2})
	text = ansi.Strip(a.View().Content)
	if strings.Contains(text, "Error") || !strings.Contains(text, "standup") || strings.Contains(text, "lounge") || !strings.Contains(text, "● live") {
		t.Errorf("after a new subscription the screen should show only its list, live:\n%s", text)
	}
}

// TestAppJoinFailureStays checks that a room the Joiner refuses leaves the
// user where they were, with the error's code and sentence.
func TestAppJoinFailureStays(t *testing.T) {
	j := &fakeJoiner{err: signal.Errorf(signal.CodeAuthFailed, "your signature is for room demo only. Pass --app-key, or --token-command, to join other rooms.")}
	first := newFake()
	first.room = "demo"
	l := newFakeLobby(info("demo", 4), info("lounge", 1))
	a := NewApp(context.Background(), AppOptions{
		Options: Options{Width: 80, Height: 24, NoColor: true, Clock: (&fakeClock{t: t0}).now},
		Engine:  first, Join: j.join,
		Lobby: func(context.Context) (Lobby, error) { return l, nil },
	})
	a, cmd := appUpdate(t, a, keyPress("r"))
	if a.call.side != sideRooms || cmd == nil {
		t.Fatalf("r did not open the rooms pane and subscribe (side %v)", a.call.side)
	}
	a, _ = appUpdate(t, a, lobbyDialedMsg{lobby: l})
	a, _ = appUpdate(t, a, downKey())
	a, cmd = appUpdate(t, a, enterKey())
	if cmd == nil {
		t.Fatal("enter on lounge did not ask to join")
	}
	a, cmd = appUpdate(t, a, cmd())
	if cmd == nil {
		t.Fatal("the join was not started")
	}
	a, _ = appUpdate(t, a, cmd())
	if got := j.joined(); len(got) != 1 || got[0] != "lounge" {
		t.Fatalf("joiner asked for %v, want [lounge]", got)
	}
	if a.call.engine != first {
		t.Error("a refused join replaced the call")
	}
	text := ansi.Strip(a.View().Content)
	if !containsAll(text, "Error 31000004", "--app-key") || !strings.Contains(text, "room demo") {
		t.Errorf("the pane does not say why lounge could not be joined:\n%s", text)
	}
	// The old call's end is still the program's end.
	close(first.events)
	if _, cmd := appUpdate(t, a, eventsClosedMsg{from: first.events}); cmd == nil {
		t.Error("the call ending by itself did not end the program")
	}
}

// TestAppSwitchIgnoresOldCall checks that the messages of the call left
// for another room do not reach the new one: its end, events and ticks.
func TestAppSwitchIgnoresOldCall(t *testing.T) {
	j := &fakeJoiner{}
	first := newFake()
	first.room = "demo"
	a := NewApp(context.Background(), AppOptions{
		Options: Options{Width: 80, Height: 24, NoColor: true, Clock: (&fakeClock{t: t0}).now},
		Engine:  first, Join: j.join,
		Lobby: func(context.Context) (Lobby, error) { return newFakeLobby(), nil },
	})
	a, cmd := appUpdate(t, a, chooseRoomMsg{room: "lounge"})
	if a.leaving != first.Events() {
		t.Fatal("the App does not know it is leaving the first call")
	}
	a, _ = appUpdate(t, a, eventsClosedMsg{from: first.events})
	if a.call.quitting {
		t.Fatal("the end of the call being left ended the view")
	}
	a, _ = appUpdate(t, a, cmd())
	if a.call.room != "lounge" || a.rooms.current != "lounge" {
		t.Fatalf("after the join the call is in %q (pane: %q), want lounge", a.call.room, a.rooms.current)
	}
	a, _ = appUpdate(t, a, eventMsg{ev: call.PeerJoin{UserID: "ghost", UserName: "Ghost"}, from: first.events})
	if a.call.people.find("ghost") != nil {
		t.Error("an event of the old call reached the new one")
	}
	if _, cmd := appUpdate(t, a, tickMsg{from: first.events}); cmd != nil {
		t.Error("a tick of the old call was re-armed: every switch would add a tick loop")
	}
	a, _ = appUpdate(t, a, eventMsg{ev: call.PeerJoin{UserID: "cy", UserName: "Cy"}, from: j.engs[0].events})
	if a.call.people.find("cy") == nil {
		t.Error("an event of the new call was dropped")
	}
}

// startApp runs the real program with opts in an 80x24 window, keys read
// from in and the screen written to out. The returned function waits for
// it to end (after q q) and returns its final model, failing the test on
// an error or when it has not ended within 10 s.
func startApp(t *testing.T, opts AppOptions, in io.Reader, out io.Writer) (wait func() App) {
	type result struct {
		final tea.Model
		err   error
	}
	done := make(chan result, 1)
	go func() {
		final, err := runApp(context.Background(), opts,
			tea.WithInput(in), tea.WithOutput(out), tea.WithoutSignalHandler(), tea.WithWindowSize(80, 24))
		done <- result{final, err}
	}()
	return func() App {
		t.Helper()
		select {
		case r := <-done:
			if r.err != nil {
				t.Fatalf("runApp = %v", r.err)
			}
			a, ok := r.final.(App)
			if !ok {
				t.Fatalf("the program ended with a %T, not an App", r.final)
			}
			return a
		case <-time.After(10 * time.Second):
			t.Fatal("runApp did not return after q q")
			return App{}
		}
	}
}

// waitJoined waits for the Joiner to be asked for a room and checks it
// was asked once, for room.
func (j *fakeJoiner) waitJoined(t *testing.T, room string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(j.joined()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := j.joined(); len(got) != 1 || got[0] != room {
		t.Fatalf("joiner called with %v, want [%s]", got, room)
	}
}

// TestRunAppCreatesRoom drives the real program: the rooms screen lists
// the lobby's rooms, typing a new name and enter calls the Joiner with
// it, and the call view of the new engine shows; q q leaves that call.
func TestRunAppCreatesRoom(t *testing.T) {
	j := &fakeJoiner{}
	t.Cleanup(j.end)
	l := newFakeLobby(info("demo", 4), info("lounge", 1))
	in, keys := io.Pipe()
	out := &screenBuffer{}
	wait := startApp(t, AppOptions{
		Options: Options{UserName: "Alice", NoColor: true},
		Join:    j.join,
		Lobby:   func(context.Context) (Lobby, error) { return l, nil },
	}, in, out)
	waitFor(t, out, "lounge")
	if _, err := io.WriteString(keys, "retro\r"); err != nil {
		t.Fatal(err)
	}
	j.waitJoined(t, "retro")
	waitFor(t, out, "Your audio")
	if _, err := io.WriteString(keys, "qq"); err != nil {
		t.Fatal(err)
	}
	a := wait()
	if !a.inCall || a.call.engine != j.engs[0] {
		t.Fatal("the program ended outside the joined call")
	}
	if text := ansi.Strip(a.View().Content); !containsAll(text, "room retro", "Alice (you)") {
		t.Errorf("the last screen is not retro's call view:\n%s", text)
	}
	keys.Close()
	if n := j.engs[0].leaveCount(); n != 1 {
		t.Errorf("the joined call was left %d times, want 1", n)
	}
}

// screenBuffer collects the program's output for waitFor.
type screenBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *screenBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *screenBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor waits until the program has drawn text (its output stripped of
// escape sequences), failing after a deadline.
func waitFor(t *testing.T, b *screenBuffer, text string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(ansi.Strip(b.String()), text) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the screen never showed %q; output so far:\n%s", text, ansi.Strip(b.String()))
}

// TestAppListedCallEndsBackToRooms checks that a room chosen from the
// list whose call ends by itself (here the server refuses the join) brings
// the rooms screen back with the error, instead of ending the program.
func TestAppListedCallEndsBackToRooms(t *testing.T) {
	j := &fakeJoiner{}
	a, _ := newTestApp(t, 80, 24, true, j, info("demo", 4), info("full", 50))
	for _, r := range "full" {
		a, _ = appUpdate(t, a, keyPress(string(r)))
	}
	a, cmd := appUpdate(t, a, enterKey())
	a, cmd = appUpdate(t, a, cmd())
	a, _ = appUpdate(t, a, cmd())
	if !a.inCall || a.call.room != "full" {
		t.Fatalf("the join of full did not start its call")
	}
	eng := j.engs[0]
	a, _ = appUpdate(t, a, eventMsg{ev: call.Error{Code: signal.CodeRoomFull, Message: "room full is full (50 participants)"}, from: eng.events})
	a, cmd = appUpdate(t, a, eventsClosedMsg{from: eng.events})
	if a.inCall {
		t.Fatal("the refused call's end did not bring the rooms screen back")
	}
	if cmd != nil {
		if _, quit := cmd().(tea.QuitMsg); quit {
			t.Fatal("the refused call's end quit the program")
		}
	}
	text := ansi.Strip(a.View().Content)
	if !containsAll(text, "confab  rooms", "demo") || !containsAll(a.rooms.joinErr, "Error 34000001", "Try again later or join another room.") {
		t.Errorf("the rooms screen does not say why (joinErr %q):\n%s", a.rooms.joinErr, text)
	}
	// Typing goes to the input again.
	a, _ = appUpdate(t, a, keyPress("x"))
	if a.rooms.input.Value() != "x" {
		t.Errorf("after coming back the input has %q, want x", a.rooms.input.Value())
	}
}

// TestAppFirstFrameConnecting checks the rooms screen's first frame, drawn
// before the subscription answers: it says the list is on its way.
func TestAppFirstFrameConnecting(t *testing.T) {
	a := NewApp(context.Background(), AppOptions{
		Options: Options{Width: 80, Height: 24, NoColor: true},
		Lobby:   func(context.Context) (Lobby, error) { return newFakeLobby(), nil },
	})
	text := ansi.Strip(a.View().Content)
	if !containsAll(text, "● connecting", "Connecting to the room list…") {
		t.Errorf("first frame:\n%s", text)
	}
}

// TestRunAppSwitchesRoom drives the real program in a call: r opens the
// rooms pane, ↓ selects lounge, enter asks the Joiner for it, and the
// call view of lounge's engine replaces the demo call; q q then leaves
// lounge, not the call that was left.
func TestRunAppSwitchesRoom(t *testing.T) {
	j := &fakeJoiner{}
	t.Cleanup(j.end)
	first := newFake()
	first.room = "demo"
	t.Cleanup(first.end)
	l := newFakeLobby(info("demo", 4), info("lounge", 1))
	in, keys := io.Pipe()
	t.Cleanup(func() { keys.Close() })
	out := &screenBuffer{}
	wait := startApp(t, AppOptions{
		Options: Options{UserName: "Alice", NoColor: true},
		Engine:  first, Join: j.join,
		Lobby: func(context.Context) (Lobby, error) { return l, nil },
	}, in, out)
	waitFor(t, out, "room demo")
	if _, err := io.WriteString(keys, "r"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, out, "you are here")
	if _, err := io.WriteString(keys, "\x1b[B\r"); err != nil {
		t.Fatal(err)
	}
	j.waitJoined(t, "lounge")
	// The new call's view sets the window title: only it writes this.
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "confab · lounge") {
		if time.Now().After(deadline) {
			t.Fatalf("the lounge call view never showed; output:\n%q", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := io.WriteString(keys, "qq"); err != nil {
		t.Fatal(err)
	}
	if a := wait(); !a.inCall || a.call.engine != j.engs[0] || a.call.room != "lounge" {
		t.Fatal("the program ended outside lounge's call")
	}
	if n := j.engs[0].leaveCount(); n != 1 {
		t.Errorf("lounge's call was left %d times, want 1", n)
	}
	if n := first.leaveCount(); n != 0 {
		t.Errorf("q q left the demo call too (%d), which the Joiner owns", n)
	}
}
