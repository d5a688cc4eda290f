package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/signal"
)

func TestParticipantsFollowEvents(t *testing.T) {
	tests := []struct {
		name   string
		events []call.Event
		want   []string
		log    string
	}{
		{
			name: "self only",
			want: []string{"Alice"},
		},
		{
			name:   "joins in order after self",
			events: []call.Event{call.PeerJoin{UserID: "b", UserName: "Bob"}, call.PeerJoin{UserID: "c", UserName: "Carol"}},
			want:   []string{"Alice", "Bob", "Carol"},
			log:    "Carol joined.",
		},
		{
			name:   "user id when no name",
			events: []call.Event{call.PeerJoin{UserID: "dave_7"}},
			want:   []string{"Alice", "dave_7"},
		},
		{
			name: "leave removes and logs the reason",
			events: []call.Event{
				call.PeerJoin{UserID: "b", UserName: "Bob"}, call.PeerJoin{UserID: "c", UserName: "Carol"},
				call.PeerJoin{UserID: "d", UserName: "Dave"}, call.PeerLeave{UserID: "c", Reason: signal.ReasonNetworkCheck},
			},
			want: []string{"Alice", "Bob", "Dave"},
			log:  "Carol left: their connection stopped responding.",
		},
		{
			name:   "plain leave has no reason",
			events: []call.Event{call.PeerJoin{UserID: "b", UserName: "Bob"}, call.PeerLeave{UserID: "b", Reason: signal.ReasonLeft}},
			want:   []string{"Alice"},
			log:    "Bob left.",
		},
		{
			name: "repeated join keeps the place",
			events: []call.Event{
				call.PeerJoin{UserID: "b", UserName: "Bob"}, call.PeerJoin{UserID: "c", UserName: "Carol"},
				call.PeerJoin{UserID: "b", UserName: "Bobby"},
			},
			want: []string{"Alice", "Bobby", "Carol"},
		},
		{
			name:   "own join is not a second row",
			events: []call.Event{call.PeerJoin{UserID: "alice", UserName: "Alice"}},
			want:   []string{"Alice"},
		},
		{
			name:   "player is marked",
			events: []call.Event{call.PeerJoin{UserID: "p", UserName: "Pat", Role: 2}},
			want:   []string{"Alice", "Pat"},
			log:    "Pat joined as a listener.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _, _ := newTestModel(80, 24, true)
			m = send(t, m, tt.events...)
			if got := names(m); !slices.Equal(got, tt.want) {
				t.Errorf("rows = %q, want %q", got, tt.want)
			}
			if !strings.Contains(rowOf(m, "Alice"), "Alice (you)") {
				t.Errorf("self row %q lacks (you)", rowOf(m, "Alice"))
			}
			if tt.log != "" && !containsLine(screen(m), tt.log) {
				t.Errorf("event log lacks %q:\n%s", tt.log, strings.Join(screen(m), "\n"))
			}
		})
	}
}

func TestPlayerRowSaysPlayerAndListening(t *testing.T) {
	m, _, _ := newTestModel(80, 24, true)
	m = send(t, m, call.PeerJoin{UserID: "p", UserName: "Pat", Role: 2})
	row := rowOf(m, "Pat")
	if !strings.Contains(row, "Pat (player)") || !strings.Contains(row, "listening") {
		t.Errorf("player row = %q", row)
	}
}

func TestMuteKeyTogglesEngineAndSelfRow(t *testing.T) {
	m, f, _ := newTestModel(80, 24, true)
	m = send(t, m, call.MediaDevice{Kind: "recording", DeviceName: "Mic"})
	if row := rowOf(m, "Alice"); !strings.Contains(row, "mic on") {
		t.Fatalf("before m: self row = %q", row)
	}
	steps := []struct {
		muted  bool
		row    string
		footer string
		log    string
	}{
		{true, "○ muted", "m unmute mic", "Muted: your microphone is off."},
		{false, "● mic on", "m mute mic", "Unmuted: your microphone is on."},
	}
	for i, s := range steps {
		var cmd tea.Cmd
		m, cmd = update(t, m, keyPress("m"))
		if cmd != nil {
			t.Errorf("step %d: m returned a command", i)
		}
		if f.MicMuted() != s.muted || len(f.muteCalls) != i+1 {
			t.Errorf("step %d: engine muted=%v calls=%v, want muted=%v", i, f.MicMuted(), f.muteCalls, s.muted)
		}
		lines := screen(m)
		if row := rowOf(m, "Alice"); !strings.Contains(row, s.row) {
			t.Errorf("step %d: self row = %q, want %q", i, row, s.row)
		}
		if footer := lines[len(lines)-1]; !strings.Contains(footer, s.footer) {
			t.Errorf("step %d: footer = %q, want %q", i, footer, s.footer)
		}
		if !containsLine(lines, s.log) {
			t.Errorf("step %d: log lacks %q", i, s.log)
		}
	}
}

func TestOwnMuteEchoLogsOnce(t *testing.T) {
	m, _, _ := newTestModel(80, 24, true)
	m, _ = update(t, m, keyPress("m"))
	m = send(t, m, call.MuteAudio{UserID: "alice"})
	if n := countLines(screen(m), "Muted: your microphone is off."); n != 1 {
		t.Errorf("mute logged %d times, want 1", n)
	}
}

func TestInitialMuteComesFromEngine(t *testing.T) {
	f := newFake()
	f.muted = true
	m := New(f, Options{NoColor: true})
	if row := rowOf(m, "alice"); !strings.Contains(row, "muted") {
		t.Errorf("self row = %q, want muted", row)
	}
	if !strings.Contains(screen(m)[0], "room standup") {
		t.Errorf("header %q lacks the engine's room", screen(m)[0])
	}
}

func TestRemoteMicState(t *testing.T) {
	tests := []struct {
		name   string
		events []call.Event
		want   string
	}{
		{"no stream yet", nil, "no audio"},
		{"stream added", []call.Event{call.StreamAdded{UserID: "b", Kind: "audio"}}, "● mic on"},
		{"first audio frame", []call.Event{call.FirstAudioFrame{UserID: "b"}}, "● mic on"},
		{"video only", []call.Event{call.StreamAdded{UserID: "b", Kind: "video"}}, "no audio"},
		{"muted", []call.Event{call.StreamAdded{UserID: "b", Kind: "audio"}, call.MuteAudio{UserID: "b"}}, "○ muted"},
		{"unmuted", []call.Event{call.StreamAdded{UserID: "b", Kind: "audio"}, call.MuteAudio{UserID: "b"}, call.UnmuteAudio{UserID: "b"}}, "● mic on"},
		{"stream removed", []call.Event{call.StreamAdded{UserID: "b", Kind: "audio"}, call.StreamRemoved{UserID: "b", Kind: "audio"}}, "no audio"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _, _ := newTestModel(80, 24, true)
			m = send(t, m, call.PeerJoin{UserID: "b", UserName: "Bob"})
			m = send(t, m, tt.events...)
			if row := rowOf(m, "Bob"); !strings.Contains(row, tt.want) {
				t.Errorf("Bob row = %q, want %q", row, tt.want)
			}
		})
	}
}

func TestLevelMovesBar(t *testing.T) {
	width := newRowLayout(80).bar
	tests := []struct {
		level    int
		filled   int
		speaking bool
	}{
		{0, 0, false},
		{SpeakingLevel - 1, ((SpeakingLevel-1)*width + 50) / 100, false},
		{SpeakingLevel, (SpeakingLevel*width + 50) / 100, true},
		{50, width / 2, true},
		{100, width, true},
		{250, width, true},
		{-5, 0, false},
	}
	for _, tt := range tests {
		for _, who := range []string{"Alice", "Bob"} {
			m, f, _ := newTestModel(80, 24, true)
			m = send(t, m, call.PeerJoin{UserID: "b", UserName: "Bob"}, call.StreamAdded{UserID: "b", Kind: "audio"})
			id := map[string]string{"Alice": "alice", "Bob": "b"}[who]
			f.setLevel(id, tt.level)
			m, _ = update(t, m, tickMsg{})
			row := rowOf(m, who)
			if got := strings.Count(row, barFull); got != tt.filled {
				t.Errorf("%s level %d: %d cells filled, want %d: %q", who, tt.level, got, tt.filled, row)
			}
			if got := strings.Count(row, barFull) + strings.Count(row, barEmpty); got != width {
				t.Errorf("%s level %d: bar is %d cells, want %d", who, tt.level, got, width)
			}
			if got := strings.Contains(row, speakText); got != tt.speaking {
				t.Errorf("%s level %d: speaking = %v, want %v: %q", who, tt.level, got, tt.speaking, row)
			}
		}
	}
}

func TestMutedIsNeverSpeaking(t *testing.T) {
	m, f, _ := newTestModel(80, 24, true)
	m = send(t, m, call.PeerJoin{UserID: "b", UserName: "Bob"}, call.MuteAudio{UserID: "b"})
	m, _ = update(t, m, keyPress("m"))
	f.setLevel("b", 90)
	f.setLevel("alice", 90)
	m, _ = update(t, m, tickMsg{})
	for _, who := range []string{"Alice", "Bob"} {
		if row := rowOf(m, who); strings.Contains(row, "speaking") {
			t.Errorf("muted %s shown speaking: %q", who, row)
		}
	}
}

func TestLeaveKeys(t *testing.T) {
	for _, keys := range [][]string{{"q", "q"}, {"ctrl+c"}, {"q", "ctrl+c"}} {
		t.Run(strings.Join(keys, ","), func(t *testing.T) {
			m, f, _ := newTestModel(80, 24, true)
			var cmd tea.Cmd
			for _, k := range keys {
				m, cmd = update(t, m, keyPress(k))
			}
			k := keys[len(keys)-1]
			if f.leaveCount() != 1 {
				t.Errorf("Leave called %d times, want 1", f.leaveCount())
			}
			if cmd == nil {
				t.Fatal("no command, want tea.Quit")
			}
			if _, ok := cmd().(tea.QuitMsg); !ok {
				t.Errorf("command returned %T, want tea.QuitMsg", cmd())
			}
			// A second press while quitting must not leave twice.
			_, _ = update(t, m, keyPress(k))
			if f.leaveCount() != 1 {
				t.Errorf("after second press Leave called %d times, want 1", f.leaveCount())
			}
		})
	}
}

func TestOtherKeysDoNothing(t *testing.T) {
	m, f, _ := newTestModel(80, 24, true)
	for _, k := range []string{"x", "Q", "M", "c"} {
		var cmd tea.Cmd
		m, cmd = update(t, m, keyPress(k))
		if cmd != nil || f.leaveCount() != 0 || len(f.muteCalls) != 0 {
			t.Errorf("key %q: cmd=%v leaves=%d mutes=%v", k, cmd != nil, f.leaveCount(), f.muteCalls)
		}
	}
}

func TestCustomKeyMap(t *testing.T) {
	f := newFake()
	keys := DefaultKeyMap()
	keys.Mute.SetKeys("x")
	keys.Mute.SetHelp("x", "mute mic")
	m := New(f, Options{Keys: keys, NoColor: true})
	m, _ = update(t, m, keyPress("m"))
	m, _ = update(t, m, keyPress("x"))
	if !slices.Equal(f.muteCalls, []bool{true}) {
		t.Errorf("mute calls = %v, want [true] (only x bound)", f.muteCalls)
	}
	lines := screen(m)
	if footer := lines[len(lines)-1]; !strings.Contains(footer, "x unmute mic") {
		t.Errorf("footer = %q, want the custom key", footer)
	}
}

func TestClosedEventChannelQuits(t *testing.T) {
	m, f, _ := newTestModel(80, 24, true)
	f.end()
	msg := waitEvent(f.events)()
	_, cmd := update(t, m, msg)
	if cmd == nil {
		t.Fatal("no command after close, want tea.Quit")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Errorf("command returned %T, want tea.QuitMsg", cmd())
	}
	if f.leaveCount() != 0 {
		t.Errorf("Leave called on a closed engine")
	}
}

func TestEventReadIsRearmed(t *testing.T) {
	m, f, _ := newTestModel(80, 24, true)
	if m.Init() == nil {
		t.Fatal("Init returned no command")
	}
	f.events <- call.PeerJoin{UserID: "b", UserName: "Bob"}
	msg := waitEvent(f.events)()
	m, cmd := update(t, m, msg)
	if cmd == nil {
		t.Fatal("event handled without re-arming the read")
	}
	f.events <- call.PeerJoin{UserID: "c", UserName: "Carol"}
	next := cmd()
	if ev, ok := next.(eventMsg); !ok || ev.ev != (call.PeerJoin{UserID: "c", UserName: "Carol"}) {
		t.Fatalf("re-armed command returned %#v", next)
	}
	m, _ = update(t, m, next)
	if got := names(m); !slices.Equal(got, []string{"Alice", "Bob", "Carol"}) {
		t.Errorf("rows = %q", got)
	}
}

func TestTickIsRearmed(t *testing.T) {
	m, _, _ := newTestModel(80, 24, true)
	_, cmd := update(t, m, tickMsg{})
	if cmd == nil {
		t.Fatal("tick handled without re-arming")
	}
	if _, ok := cmd().(tickMsg); !ok {
		t.Error("re-armed tick did not deliver a tickMsg")
	}
}

func TestHeaderStateAndTimer(t *testing.T) {
	type step struct {
		after time.Duration
		state call.ConnState // "" = just a tick
	}
	tests := []struct {
		name  string
		steps []step
		want  string
	}{
		{"before connecting", nil, "● connecting   --:--"},
		{"connected just now", []step{{0, call.StateConnected}}, "● connected   00:00"},
		{"83 s in", []step{{0, call.StateConnected}, {83 * time.Second, ""}}, "● connected   01:23"},
		{"past an hour", []step{{0, call.StateConnected}, {time.Hour + 5*time.Second, ""}}, "● connected   1:00:05"},
		{"timer runs while reconnecting", []step{{0, call.StateConnected}, {10 * time.Second, call.StateReconnecting}, {5 * time.Second, ""}}, "● reconnecting   00:15"},
		{"timer stops at disconnect", []step{{0, call.StateConnected}, {10 * time.Second, call.StateDisconnected}, {time.Minute, ""}}, "● disconnected   00:10"},
		{"starts at connect, not at launch", []step{{30 * time.Second, call.StateConnected}, {2 * time.Second, ""}}, "00:02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _, c := newTestModel(80, 24, true)
			prev := call.StateConnecting
			for _, s := range tt.steps {
				c.advance(s.after)
				if s.state == "" {
					m, _ = update(t, m, tickMsg{})
					continue
				}
				m = send(t, m, call.ConnectionStateChanged{Prev: prev, Cur: s.state})
				prev = s.state
			}
			header := screen(m)[0]
			if !strings.HasSuffix(header, tt.want+" ") {
				t.Errorf("header = %q, want it to end in %q", header, tt.want)
			}
			if !strings.HasPrefix(header, " confab  room standup") {
				t.Errorf("header = %q, want the room", header)
			}
		})
	}
}

func TestStreamLine(t *testing.T) {
	tests := []struct {
		name   string
		events []call.Event
		mute   bool
		want   string
	}{
		{"nothing yet", nil, false, "Your audio: no audio stream yet"},
		{"mic but not connected", []call.Event{call.MediaDevice{Kind: "recording", DeviceName: "USB Mic"}}, false, "Your audio: no audio stream yet"},
		{"mic and connected", []call.Event{call.MediaDevice{Kind: "recording", DeviceName: "USB Mic"}, call.ConnectionStateChanged{Cur: call.StateConnected}}, false, "Your audio: sending · USB Mic"},
		{"own stream added", []call.Event{call.StreamAdded{UserID: "alice", Kind: "audio"}}, false, "Your audio: sending"},
		{"sending muted", []call.Event{call.StreamAdded{UserID: "alice", Kind: "audio"}}, true, "Your audio: stream open, mic muted"},
		{"no microphone", []call.Event{call.MediaDevice{Kind: "recording", Problem: "no capture device", Code: 90100019}, call.ConnectionStateChanged{Cur: call.StateConnected}}, false, "Your audio: receive-only (no microphone)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _, _ := newTestModel(80, 24, true)
			m = send(t, m, tt.events...)
			if tt.mute {
				m, _ = update(t, m, keyPress("m"))
			}
			if !containsLine(screen(m), tt.want) {
				t.Errorf("screen lacks %q:\n%s", tt.want, strings.Join(screen(m), "\n"))
			}
		})
	}
}

func TestNotices(t *testing.T) {
	m, _, _ := newTestModel(80, 24, true)
	m = send(t, m, call.MediaDevice{Kind: "recording", Problem: "no capture device found", Code: 90100019})
	for _, want := range []string{
		" ! No microphone (code 90100019): receive-only. No capture device found. Plug",
		"   in a microphone, or press i to try the next one.",
	} {
		if !containsLine(screen(m), want) {
			t.Errorf("screen lacks %q:\n%s", want, strings.Join(screen(m), "\n"))
		}
	}
	if row := rowOf(m, "Alice"); !strings.Contains(row, "no mic") {
		t.Errorf("self row = %q, want no mic", row)
	}
	m = send(t, m, call.MediaDevice{Kind: "recording", DeviceName: "Headset"})
	if containsLine(screen(m), "No microphone") {
		t.Error("notice stays after the microphone came back")
	}

	m = send(t, m, call.Error{Code: 90100004, Message: "signature does not match"})
	m = send(t, m, call.Error{Code: 90100004, Message: "signature does not match"})
	if n := countLines(screen(m), "! Error 90100004: Signature does not match."); n != 1 {
		t.Errorf("error shown %d times, want 1", n)
	}
	m = send(t, m, call.Error{Code: 1, Message: "one"}, call.Error{Code: 2, Message: "two"})
	lines := screen(m)
	if containsLine(lines, "! Error 90100004") || !containsLine(lines, "! Error 1: One.") || !containsLine(lines, "! Error 2: Two.") {
		t.Errorf("want the last %d errors:\n%s", maxErrors, strings.Join(lines, "\n"))
	}

	m = send(t, m, call.MediaDevice{Kind: "playback", Problem: "speaker busy"})
	// Without a code from the device layer, the seed's "no speaker" code.
	if !containsLine(screen(m), " ! No speaker (code 90100006): you will not hear the call. Speaker busy.") {
		t.Errorf("playback notice missing:\n%s", strings.Join(screen(m), "\n"))
	}
}

func TestNetworkTextCannotEscape(t *testing.T) {
	m, _, _ := newTestModel(80, 24, true)
	m = send(t, m,
		call.PeerJoin{UserID: "b", UserName: "Bo\x1b[31mb\x07\n\tx"},
		call.Error{Code: 5, Message: "bad\x1b]0;title\x07 thing\r\n"},
	)
	out := m.View().Content
	for _, bad := range []string{"\x1b[31m", "\x07", "\x1b]", "\r", "\t"} {
		if strings.Contains(out, bad) {
			t.Errorf("rendered screen contains %q", bad)
		}
	}
	if got := strings.Count(out, "\n"); got != 23 {
		t.Errorf("screen has %d newlines, want 23", got)
	}
	if !containsLine(screen(m), "Bo[31mbx") {
		t.Errorf("name not shown as text:\n%s", strings.Join(screen(m), "\n"))
	}
}

func TestWindowSizeChangesLayout(t *testing.T) {
	m, _, _ := newTestModel(80, 24, true)
	m, _ = update(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	lines := screen(m)
	if len(lines) != 40 {
		t.Errorf("%d lines after resize, want 40", len(lines))
	}
	if got, want := strings.Count(rowOf(m, "Alice"), barEmpty), newRowLayout(120).bar; got != want {
		t.Errorf("bar is %d cells at 120 columns, want %d", got, want)
	}
	if newRowLayout(120).bar <= newRowLayout(80).bar {
		t.Error("bar does not widen on a wider terminal")
	}
}

func TestEventLogShowsTimes(t *testing.T) {
	m, _, c := newTestModel(80, 24, true)
	c.advance(65 * time.Second)
	m = send(t, m, call.PeerJoin{UserID: "b", UserName: "Bob"})
	if !containsLine(screen(m), "  10:01:05  Bob joined.") {
		t.Errorf("log line missing:\n%s", strings.Join(screen(m), "\n"))
	}
}

func containsLine(lines []string, sub string) bool {
	return countLines(lines, sub) > 0
}

func countLines(lines []string, sub string) int {
	n := 0
	for _, l := range lines {
		if strings.Contains(l, sub) {
			n++
		}
	}
	return n
}

func TestRenameRoleAndRemoval(t *testing.T) {
	m := New(newFake(), Options{Room: "standup", UserName: "Alice", NoColor: true, Width: 100, Height: 30})
	m = send(t, m, call.PeerJoin{UserID: "bob", UserName: "Bob"})
	m = send(t, m, call.RemoteUserNameChanged{UserID: "bob", UserName: "Robert"})
	lines := screen(m)
	if !containsLine(lines, "Robert") || !containsLine(lines, "Bob is now called Robert.") {
		t.Errorf("rename not shown:\n%s", strings.Join(lines, "\n"))
	}
	m = send(t, m, call.RoleChanged{UserID: "bob", Role: rolePlayer})
	lines = screen(m)
	if !containsLine(lines, "Robert is now a listener and cannot speak.") || !containsLine(lines, "Robert (player)") {
		t.Errorf("role switch not shown:\n%s", strings.Join(lines, "\n"))
	}
	m = send(t, m, call.KickedOffline{Reason: 5, Message: "replaced"})
	lines = screen(m)
	if !containsLine(lines, "from another client") || !containsLine(lines, "Session ended: you joined this room from another device.") {
		t.Errorf("kicked-offline not shown:\n%s", strings.Join(lines, "\n"))
	}
	m = send(t, m, call.ClientBanned{Reason: 10})
	if !containsLine(screen(m), "The room was dismissed") {
		t.Errorf("dismissal not shown:\n%s", strings.Join(screen(m), "\n"))
	}
}
