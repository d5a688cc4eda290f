package tui

import (
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/confab-rtc/confab/call"
)

// fakeEngine is an Engine whose levels the test sets and whose actions it
// records. It is safe for concurrent use, as Run calls it from the program.
type fakeEngine struct {
	mu        sync.Mutex
	events    chan call.Event
	levels    map[string]int
	levelAsks map[string]int // Level calls per user id
	// faultAfter > 0 makes the faultAfter-th LocalLevel call panic.
	faultAfter int
	local      int
	muted      bool
	muteCalls  []bool
	leaves     int
	cycles     []string // "mic" or "speaker", in order
	volumes    map[string]int
	renames    []string
	stats      call.CallStats
	statsRead  int
	userID     string
	room       string
	// devices is what Devices returns; Choose* switch it and report the
	// switch as the real engine does, with a media-device event.
	devices  DeviceList
	chosen   []string // "mic:ID" or "speaker:ID", in order
	micLevel int
	tones    int
	noOutput bool
	endOnce  sync.Once
}

// end closes the event channel, as the real engine does when its Run
// returns: a program still waiting for an event then stops waiting. Tests
// that run a real program call it at cleanup, so no goroutine outlives
// them (TestMain checks).
func (f *fakeEngine) end() { f.endOnce.Do(func() { close(f.events) }) }

func newFake() *fakeEngine {
	return &fakeEngine{
		events:    make(chan call.Event, 64),
		levels:    map[string]int{},
		levelAsks: map[string]int{},
		volumes:   map[string]int{},
		userID:    "alice",
		room:      "standup",
	}
}

func (f *fakeEngine) Events() <-chan call.Event { return f.events }

func (f *fakeEngine) Level(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.levelAsks[id]++
	return f.levels[id]
}

func (f *fakeEngine) LocalLevel() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.faultAfter > 0 {
		if f.faultAfter--; f.faultAfter == 0 {
			// The test hook for a fault inside the view's update loop.
			panic("fake engine: forced fault")
		}
	}
	return f.local
}

func (f *fakeEngine) SetMicMuted(muted bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.muted = muted
	f.muteCalls = append(f.muteCalls, muted)
}

func (f *fakeEngine) MicMuted() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.muted
}

func (f *fakeEngine) Leave() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.leaves++
}

func (f *fakeEngine) CycleMicrophone() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cycles = append(f.cycles, "mic")
}

func (f *fakeEngine) CycleSpeaker() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cycles = append(f.cycles, "speaker")
}

func (f *fakeEngine) SetVolume(id string, percent int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.volumes[id] = percent
}

func (f *fakeEngine) Volume(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if v, ok := f.volumes[id]; ok {
		return v
	}
	return 100
}

func (f *fakeEngine) SetUserName(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.renames = append(f.renames, name)
}

func (f *fakeEngine) Devices() DeviceList {
	f.mu.Lock()
	defer f.mu.Unlock()
	l := f.devices
	l.Microphones = append([]Device(nil), l.Microphones...)
	l.Speakers = append([]Device(nil), l.Speakers...)
	return l
}

func (f *fakeEngine) ChooseMicrophone(id string) { f.choose("recording", id) }
func (f *fakeEngine) ChooseSpeaker(id string)    { f.choose("playback", id) }

// choose records a switch, makes it the device in use and reports it.
func (f *fakeEngine) choose(kind, id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	list, tag := f.devices.Microphones, "mic:"
	if kind == "playback" {
		list, tag = f.devices.Speakers, "speaker:"
	}
	f.chosen = append(f.chosen, tag+id)
	for _, d := range list {
		if d.ID != id {
			continue
		}
		if kind == "playback" {
			f.devices.Speaker = id
		} else {
			f.devices.Mic = id
		}
		select {
		case f.events <- call.MediaDevice{Kind: kind, DeviceID: id, DeviceName: d.Name, Reason: "user"}:
		default:
		}
	}
}

func (f *fakeEngine) MicLevel() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.micLevel
}

func (f *fakeEngine) PlayTestTone() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.noOutput {
		return false
	}
	f.tones++
	return true
}

// setDevices replaces the devices the fake lists.
func (f *fakeEngine) setDevices(l DeviceList) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.devices = l
}

func (f *fakeEngine) Stats() call.CallStats {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.statsRead++
	return f.stats
}

func (f *fakeEngine) setStats(s call.CallStats) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stats = s
}

func (f *fakeEngine) UserID() string { return f.userID }
func (f *fakeEngine) Room() string   { return f.room }

func (f *fakeEngine) setLevel(id string, level int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id == f.userID {
		f.local = level
		return
	}
	f.levels[id] = level
}

func (f *fakeEngine) leaveCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.leaves
}

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// t0 is the fixed start of every test call.
var t0 = time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)

// newTestModel returns a model of a fake engine at a fixed size and clock.
func newTestModel(w, h int, noColor bool) (Model, *fakeEngine, *fakeClock) {
	f := newFake()
	c := &fakeClock{t: t0}
	m := New(f, Options{Room: "standup", UserName: "Alice", Width: w, Height: h, NoColor: noColor, Clock: c.now})
	return m, f, c
}

// update runs one message through the model and returns the next model.
func update(t testing.TB, m Model, msg tea.Msg) (Model, tea.Cmd) {
	t.Helper()
	next, cmd := m.Update(msg)
	nm, ok := next.(Model)
	if !ok {
		t.Fatalf("Update returned %T, want tui.Model", next)
	}
	return nm, cmd
}

// send delivers events to the model as the event command would.
func send(t testing.TB, m Model, evs ...call.Event) Model {
	t.Helper()
	for _, ev := range evs {
		m, _ = update(t, m, eventMsg{ev: ev})
	}
	return m
}

// keyPress builds the message a terminal key press produces: "m", "q",
// "ctrl+c".
func keyPress(s string) tea.KeyPressMsg {
	if rest, ok := strings.CutPrefix(s, "ctrl+"); ok {
		return tea.KeyPressMsg{Code: rune(rest[0]), Mod: tea.ModCtrl}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

// screen returns the rendered lines without ANSI styling.
func screen(m Model) []string {
	return strings.Split(ansi.Strip(m.View().Content), "\n")
}

// rowOf returns the participant row that starts with the name, or "".
func rowOf(m Model, name string) string {
	for _, l := range screen(m) {
		if strings.HasPrefix(l, "  "+name) {
			return l
		}
	}
	return ""
}

// names returns the participant names in screen order.
func names(m Model) []string {
	var out []string
	lines := screen(m)
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(strings.TrimLeft(lines[i], " ▸"), "Participants") {
			continue
		}
		for _, l := range lines[i+1:] {
			if l == "" {
				break
			}
			f := strings.Fields(strings.TrimPrefix(l, "›"))
			out = append(out, f[0])
		}
	}
	return out
}
