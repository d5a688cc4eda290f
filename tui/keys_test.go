package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/confab-rtc/confab/call"
)

// spaceKey is the press a terminal reports for the space bar; repeat marks
// the auto-repeat of a held key (reported only with the kitty protocol).
func spaceKey(repeat bool) tea.KeyPressMsg {
	return tea.KeyPressMsg{Code: tea.KeySpace, Text: " ", IsRepeat: repeat}
}

// kitty is what Bubble Tea reports when the terminal speaks the kitty
// keyboard protocol with event types, i.e. reports key releases.
var kitty = tea.KeyboardEnhancementsMsg{Flags: ansi.KittyDisambiguateEscapeCodes | ansi.KittyReportEventTypes}

// mutedModel returns a test model whose microphone starts muted, as push
// to talk is used.
func mutedModel(t *testing.T) (Model, *fakeEngine, *fakeClock) {
	t.Helper()
	m, f, c := newTestModel(80, 24, true)
	m, _ = update(t, m, keyPress("m"))
	f.muteCalls = nil
	return m, f, c
}

func TestPushToTalkHoldWithKeyReleases(t *testing.T) {
	m, f, c := mutedModel(t)
	m, _ = update(t, m, kitty)
	m, cmd := update(t, m, spaceKey(false))
	if cmd != nil {
		t.Error("a press with key releases reported scheduled a hold check")
	}
	if !slices.Equal(f.muteCalls, []bool{false}) || m.people.self.muted {
		t.Fatalf("after press: mute calls %v, self muted %v; want the mic open", f.muteCalls, m.people.self.muted)
	}
	if !strings.Contains(rowOf(m, "Alice"), "mic on") {
		t.Errorf("self row while talking = %q, want mic on", rowOf(m, "Alice"))
	}
	// Held for 5 s: repeats and checks change nothing.
	for range 50 {
		c.advance(100 * time.Millisecond)
		m, _ = update(t, m, spaceKey(true))
	}
	m, _ = update(t, m, pttCheckMsg{})
	if len(f.muteCalls) != 1 {
		t.Fatalf("while held: mute calls %v, want only the opening", f.muteCalls)
	}
	m, _ = update(t, m, tea.KeyReleaseMsg{Code: tea.KeySpace})
	if !slices.Equal(f.muteCalls, []bool{false, true}) || !m.people.self.muted {
		t.Fatalf("after release: mute calls %v, self muted %v; want muted again", f.muteCalls, m.people.self.muted)
	}
	// A second release (or one of another key) does nothing.
	_, _ = update(t, m, tea.KeyReleaseMsg{Code: tea.KeySpace})
	if len(f.muteCalls) != 2 {
		t.Errorf("a stray release muted again: %v", f.muteCalls)
	}
}

func TestPushToTalkHoldFallback(t *testing.T) {
	m, f, c := mutedModel(t)
	m, cmd := update(t, m, spaceKey(false))
	if cmd == nil {
		t.Fatal("a press without key releases scheduled no hold check")
	}
	if !slices.Equal(f.muteCalls, []bool{false}) {
		t.Fatalf("after press: mute calls %v, want [false]", f.muteCalls)
	}
	// Auto-repeat every 50 ms for 2 s keeps talking, whatever checks come.
	for range 40 {
		c.advance(50 * time.Millisecond)
		m, _ = update(t, m, spaceKey(false))
		m, _ = update(t, m, pttCheckMsg{})
	}
	if len(f.muteCalls) != 1 || m.people.self.muted {
		t.Fatalf("while repeating: mute calls %v, want the mic kept open", f.muteCalls)
	}
	// Released: the hold lasts pttHold after the last press, not less.
	c.advance(pttHold - time.Millisecond)
	m, _ = update(t, m, pttCheckMsg{})
	if len(f.muteCalls) != 1 {
		t.Fatalf("muted %v before the hold ran out", time.Millisecond)
	}
	c.advance(time.Millisecond)
	m, _ = update(t, m, pttCheckMsg{})
	if !slices.Equal(f.muteCalls, []bool{false, true}) || !m.people.self.muted {
		t.Fatalf("after the hold: mute calls %v, want muted again", f.muteCalls)
	}
}

func TestPushToTalkLeavesUnmutedMicAlone(t *testing.T) {
	m, f, c := newTestModel(80, 24, true)
	m, _ = update(t, m, spaceKey(false))
	c.advance(2 * pttHold)
	m, _ = update(t, m, pttCheckMsg{})
	if len(f.muteCalls) != 0 || m.people.self.muted {
		t.Errorf("push-to-talk on an open mic: mute calls %v, want none", f.muteCalls)
	}
}

func TestMuteKeyTakesOverPushToTalk(t *testing.T) {
	m, f, c := mutedModel(t)
	m, _ = update(t, m, spaceKey(false))
	m, _ = update(t, m, keyPress("m")) // mutes; the hold must not unmute or mute again
	c.advance(2 * pttHold)
	m, _ = update(t, m, pttCheckMsg{})
	if !slices.Equal(f.muteCalls, []bool{false, true}) || !m.people.self.muted {
		t.Errorf("mute calls %v, want [false true] and muted", f.muteCalls)
	}
}

func TestLeaveNeedsConfirmation(t *testing.T) {
	m, f, _ := newTestModel(80, 24, true)
	m, cmd := update(t, m, keyPress("q"))
	if cmd != nil || f.leaveCount() != 0 {
		t.Fatal("a single q left")
	}
	lines := screen(m)
	if footer := lines[len(lines)-1]; !strings.Contains(footer, "Press q again to leave") {
		t.Errorf("footer after q = %q, want the question", footer)
	}
	// Any other key cancels, and only cancels.
	m, _ = update(t, m, keyPress("m"))
	if len(f.muteCalls) != 0 {
		t.Errorf("the cancelling key also muted: %v", f.muteCalls)
	}
	lines = screen(m)
	if footer := lines[len(lines)-1]; !strings.Contains(footer, "q leave") {
		t.Errorf("footer after cancel = %q, want the key help back", footer)
	}
	m, _ = update(t, m, keyPress("q"))
	_, cmd = update(t, m, keyPress("q"))
	if f.leaveCount() != 1 || cmd == nil {
		t.Fatalf("q q: Leave called %d times, command %v", f.leaveCount(), cmd != nil)
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Errorf("q q returned %T, want tea.QuitMsg", cmd())
	}
}

func TestHelpToggle(t *testing.T) {
	m, _, _ := newTestModel(80, 24, true)
	if containsLine(screen(m), "next speaker") {
		t.Fatal("the short help already lists every key")
	}
	m, _ = update(t, m, keyPress("?"))
	lines := screen(m)
	for _, want := range []string{"next mic", "next speaker", "ctrl+c leave now", "hide keys", "space hold to talk"} {
		if !containsLine(lines, want) {
			t.Errorf("full help lacks %q:\n%s", want, strings.Join(lines, "\n"))
		}
	}
	if len(lines) != 24 {
		t.Errorf("full help screen has %d lines, want 24", len(lines))
	}
	m, _ = update(t, m, keyPress("?"))
	if containsLine(screen(m), "next speaker") {
		t.Error("a second ? left the full help on")
	}
}

func TestRebind(t *testing.T) {
	keys, err := DefaultKeyMap().Rebind(map[string][]string{"mute": {"x", "f2"}, "push_to_talk": {"p"}})
	if err != nil {
		t.Fatal(err)
	}
	m, f, _ := mutedModelWith(t, keys)
	m, _ = update(t, m, keyPress("m"))
	if len(f.muteCalls) != 0 {
		t.Errorf("m still mutes after rebinding: %v", f.muteCalls)
	}
	m, _ = update(t, m, keyPress("p"))
	if !slices.Equal(f.muteCalls, []bool{false}) {
		t.Errorf("p does not push to talk: %v", f.muteCalls)
	}
	lines := screen(m)
	if footer := lines[len(lines)-1]; !strings.Contains(footer, "x/f2 ") || !strings.Contains(footer, "p hold to talk") {
		t.Errorf("footer = %q, want the new keys", footer)
	}
	if got := DefaultKeyMap().Mute.Keys(); !slices.Equal(got, []string{"m"}) {
		t.Errorf("Rebind changed the defaults: %v", got)
	}
}

// mutedModelWith is mutedModel with a key map; it mutes through the engine
// rather than a key, since the key is the one under test.
func mutedModelWith(t *testing.T, keys KeyMap) (Model, *fakeEngine, *fakeClock) {
	t.Helper()
	f := newFake()
	f.SetMicMuted(true)
	f.muteCalls = nil
	c := &fakeClock{t: t0}
	return New(f, Options{Keys: keys, NoColor: true, Clock: c.now}), f, c
}

func TestRebindErrors(t *testing.T) {
	for _, tc := range []struct {
		keys map[string][]string
		want string
	}{
		{map[string][]string{"mutt": {"x"}}, `unknown action "mutt" (known: choose, close_pane, devices, find_room, help, leave, mute, next_mic, next_pane, next_speaker, push_to_talk, rename, rooms, select_down, select_up, stats, test_tone, volume_down, volume_up)`},
		{map[string][]string{"interrupt": {"x"}}, `unknown action "interrupt"`},
		{map[string][]string{"mute": {}}, "mute has no key"},
		{map[string][]string{"push_to_talk": {" "}}, `write "space" for the space bar`},
		{map[string][]string{"mute": {"q"}}, `"q" is bound to both mute and leave`},
		{map[string][]string{"help": {"ctrl+c"}}, `"ctrl+c" is bound to both help and interrupt`},
	} {
		def := DefaultKeyMap()
		got, err := def.Rebind(tc.keys)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Rebind(%v) = %v, want an error with %q", tc.keys, err, tc.want)
		}
		if !slices.Equal(got.Mute.Keys(), []string{"m"}) || !slices.Equal(got.Help.Keys(), []string{"?"}) {
			t.Errorf("Rebind(%v) failed but returned changed keys", tc.keys)
		}
	}
}

// arrow builds the press of an arrow key.
func arrow(code rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: code} }

func TestVolumeOfSelectedParticipant(t *testing.T) {
	m, f, _ := newTestModel(80, 24, true)
	m = send(t, m, call.PeerJoin{UserID: "bob", UserName: "Bob"}, call.PeerJoin{UserID: "cat", UserName: "Cat"})
	m, _ = update(t, m, keyPress("+"))
	if len(f.volumes) != 0 || !containsLine(screen(m), "Choose someone with ↓ first.") {
		t.Fatalf("+ with nobody selected: volumes %v, screen:\n%s", f.volumes, strings.Join(screen(m), "\n"))
	}
	m, _ = update(t, m, arrow(tea.KeyDown))
	m, _ = update(t, m, arrow(tea.KeyDown))
	m, _ = update(t, m, arrow(tea.KeyDown)) // stops at the last
	for range 3 {
		m, _ = update(t, m, keyPress("-"))
	}
	if f.Volume("cat") != 70 || len(f.volumes) != 1 {
		t.Fatalf("after down down down - - -: volumes %v, want cat at 70", f.volumes)
	}
	if !containsLine(screen(m), "Selected: Cat · volume 70% · +/- to change") {
		t.Errorf("no selection line for Cat at 70%%:\n%s", strings.Join(screen(m), "\n"))
	}
	if !containsLine(screen(m), "› Cat ") || rowOf(m, "Bob") == "" {
		t.Errorf("the marker is not on Cat's row alone:\n%s", strings.Join(screen(m), "\n"))
	}
	m, _ = update(t, m, arrow(tea.KeyUp))
	for range 15 {
		m, _ = update(t, m, keyPress("+"))
	}
	if f.Volume("bob") != 200 {
		t.Errorf("15 steps up: Bob at %d, want the 200 limit", f.Volume("bob"))
	}
	// Bob leaves: the selection goes with him, and + asks again.
	m = send(t, m, call.PeerLeave{UserID: "bob"})
	m, _ = update(t, m, keyPress("+"))
	if f.Volume("bob") != 200 || f.Volume("cat") != 70 {
		t.Errorf("+ after the selected left changed a volume: %v", f.volumes)
	}
}

func TestRename(t *testing.T) {
	m, f, _ := newTestModel(80, 24, true)
	m, _ = update(t, m, keyPress("n"))
	lines := screen(m)
	if footer := lines[len(lines)-1]; !strings.Contains(footer, "New name: Alice") {
		t.Fatalf("footer after n = %q, want the input with the current name", footer)
	}
	// Keys type into the input instead of acting: m, q and space.
	for _, k := range []tea.KeyPressMsg{{Code: tea.KeyBackspace}, {Code: tea.KeyBackspace}, keyPress("m"), keyPress("q"), spaceKey(false), keyPress("x")} {
		m, _ = update(t, m, k)
	}
	if len(f.muteCalls) != 0 || f.leaveCount() != 0 {
		t.Fatalf("typing acted: mutes %v, leaves %d", f.muteCalls, f.leaveCount())
	}
	m, _ = update(t, m, tea.KeyPressMsg{Code: tea.KeyEnter})
	if !slices.Equal(f.renames, []string{"Alimq x"}) {
		t.Fatalf("renames = %q, want [Alimq x]", f.renames)
	}
	// The screen follows the server's event, as for anyone.
	if rowOf(m, "Alimq x") != "" {
		t.Error("renamed before the server said so")
	}
	m = send(t, m, call.RemoteUserNameChanged{UserID: "alice", UserName: "Alimq x"})
	if rowOf(m, "Alimq x (you)") == "" || !containsLine(screen(m), "Your name is now Alimq x.") {
		t.Errorf("after the rename event:\n%s", strings.Join(screen(m), "\n"))
	}
	// Escape gives up; a name the protocol refuses is refused at once.
	m, _ = update(t, m, keyPress("n"))
	m, _ = update(t, m, keyPress("z"))
	m, _ = update(t, m, tea.KeyPressMsg{Code: tea.KeyEscape})
	m, _ = update(t, m, keyPress("n"))
	m, _ = update(t, m, tea.KeyPressMsg{Text: strings.Repeat("é", 130), Code: 'é'})
	m, _ = update(t, m, tea.KeyPressMsg{Code: tea.KeyEnter})
	if len(f.renames) != 1 {
		t.Errorf("renames = %q, want only the first", f.renames)
	}
	if !containsLine(screen(m), "Error 91000010: User name must be UTF-8 of at most 256 bytes.") {
		t.Errorf("a refused name left no error line:\n%s", strings.Join(screen(m), "\n"))
	}
	// ctrl+c still leaves from the input.
	m, _ = update(t, m, keyPress("n"))
	_, _ = update(t, m, keyPress("ctrl+c"))
	if f.leaveCount() != 1 {
		t.Errorf("ctrl+c in the input: Leave called %d times", f.leaveCount())
	}
}

func TestPushToTalkLateEchoes(t *testing.T) {
	m, f, _ := mutedModel(t)
	m, _ = update(t, m, kitty)
	m, _ = update(t, m, spaceKey(false))
	m, _ = update(t, m, tea.KeyReleaseMsg{Code: tea.KeySpace})
	// The server's confirmations of the unmute and the mute arrive late.
	m = send(t, m, call.UnmuteAudio{UserID: "alice"})
	if !m.people.self.muted || !strings.Contains(rowOf(m, "Alice"), "muted") {
		t.Errorf("a late unmute echo reopened the shown mic: %q", rowOf(m, "Alice"))
	}
	m = send(t, m, call.MuteAudio{UserID: "alice"})
	// Only the m key that muted before the talk is in the log.
	if got := logOf(m); len(got) != 1 || got[0] != "Muted: your microphone is off." {
		t.Errorf("push-to-talk or its echoes were logged: %q", got)
	}
	if len(f.muteCalls) != 2 {
		t.Errorf("mute calls %v, want the talk's two", f.muteCalls)
	}
}
