package tui

import (
	"testing"
	"time"

	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/signal"
)

// TestPlainEventSentences checks the sentence of each kind of event, with
// Ada already in the call: one line, or none for what is noise.
func TestPlainEventSentences(t *testing.T) {
	banUntil := time.Date(2025, 3, 14, 11, 30, 0, 0, time.Local).Unix()
	cases := []struct {
		name string
		ev   call.Event
		want string // "" for silence
	}{
		{"left", call.PeerLeave{UserID: "ada", Reason: 0}, "Ada left."},
		{"server exception", call.PeerLeave{UserID: "ada", Reason: 1}, "Ada left: the server had a problem."},
		{"sfu fault", call.PeerLeave{UserID: "ada", Reason: 2}, "Ada left: the media server failed."},
		{"unavailable", call.PeerLeave{UserID: "ada", Reason: 3}, "Ada left: the service became unavailable."},
		{"internal", call.PeerLeave{UserID: "ada", Reason: 4}, "Ada left: an internal error ended their session."},
		{"banned", call.PeerLeave{UserID: "ada", Reason: 5}, "Ada left: they were banned, or joined again from another device."},
		{"signature", call.PeerLeave{UserID: "ada", Reason: 6}, "Ada left: their access signature expired."},
		{"reconnect timeout", call.PeerLeave{UserID: "ada", Reason: 7}, "Ada left: the connection timed out."},
		{"network check", call.PeerLeave{UserID: "ada", Reason: 8}, "Ada left: their connection stopped responding."},
		{"removed", call.PeerLeave{UserID: "ada", Reason: 9}, "Ada left: an administrator removed them."},
		{"dismissed", call.PeerLeave{UserID: "ada", Reason: 10}, "Ada left: the room was dismissed."},
		{"unknown reason", call.PeerLeave{UserID: "ada", Reason: 42}, "Ada left: for an unknown reason, number 42."},
		{"stranger leaves", call.PeerLeave{UserID: "zed"}, ""},
		{"rename", call.RemoteUserNameChanged{UserID: "ada", UserName: "Ada L."}, "Ada is now called Ada L."},
		{"rename self", call.RemoteUserNameChanged{UserID: "alice", UserName: "Alice B"}, "Your name is now Alice B."},
		{"control characters", call.PeerJoin{UserID: "eve", UserName: "Eve\x1b[2J\n"}, "Eve[2J joined."},
		{"role player", call.RoleChanged{UserID: "ada", Role: signal.RolePlayer}, "Ada is now a listener and cannot speak."},
		{"role self", call.RoleChanged{UserID: "alice", Role: signal.RolePlayer}, "You are now a listener and cannot speak."},
		{"interrupted", call.StreamInterrupted{UserID: "ada", Kind: "audio"}, "Ada's audio stopped arriving."},
		{"recovered", call.StreamRecovered{UserID: "ada", Kind: "audio"}, "Ada's audio is back."},
		{"video interrupted", call.StreamInterrupted{UserID: "ada", Kind: "video"}, ""},
		{"bitrate low", call.MediaException{UserID: "ada", Kind: "audio", Code: signal.MediaExceptionRecvBitrateLow}, "Ada's audio arrives at a low bitrate; it may sound poor."},
		{"own bitrate low", call.MediaException{UserID: "alice", Kind: "audio", Code: signal.MediaExceptionSendBitrateLow}, "Your audio is sent at a low bitrate; it may sound poor."},
		{"exception resumed", call.MediaException{UserID: "ada", Kind: "audio", Code: 1004, Resumed: true}, "Ada's audio is back to normal."},
		{"reconnecting", call.ConnectionStateChanged{Prev: call.StateConnected, Cur: call.StateReconnecting}, "Connection lost. Reconnecting."},
		{"disconnected", call.ConnectionStateChanged{Prev: call.StateConnected, Cur: call.StateDisconnected}, "You are disconnected."},
		{"error", call.Error{Code: signal.CodeWebsocketConnect, Message: "cannot reach ws://x: connection refused"},
			"Error 90100016: Cannot reach ws://x: connection refused. Check the server address and your network, then join again."},
		{"error that says what to do", call.Error{Code: signal.CodeWebsocketConnect, Message: "Cannot reach the server. Check that it runs."},
			"Error 90100016: Cannot reach the server. Check that it runs."},
		{"role error says what to do", call.Error{Code: signal.CodeRoleNoPermission, Message: "players cannot publish."}, "Error 90100022: Players cannot publish. Join as a joiner (--role joiner) to speak."},
		{"unknown code still says what to do", call.Error{Code: 12345, Message: "something odd"}, "Error 12345: Something odd. Leave with q and join again; if it keeps happening, report it with the log file."},
		{"no microphone", call.MediaDevice{Kind: "recording", Code: signal.CodeNoAudioInput,
			Problem: "No microphone is connected; the call sends silence until one is plugged in (see 'confab devices')."},
			"Error 90100005: No microphone is connected; the call sends silence until one is plugged in (see 'confab devices'). Plug in a microphone, or press i to try the next one."},
		{"speaker switched off", call.MediaDevice{Kind: "playback", Reason: "user", Problem: "switched off by the user"},
			"Speaker off: switched off by the user. Press o to choose one."},
		{"user switch", call.MediaDevice{Kind: "recording", DeviceID: "usb", DeviceName: "USB Headset", Reason: "user"}, "Microphone switched to USB Headset."},
		{"fallback", call.MediaDevice{Kind: "playback", DeviceID: "spk", DeviceName: "Speakers", Reason: "fallback"}, "Speaker switched to Speakers, because the one in use is gone."},
		{"restored", call.MediaDevice{Kind: "recording", DeviceID: "usb", DeviceName: "USB Headset", Reason: "restored"}, "Microphone USB Headset is back in use."},
		{"default changed", call.MediaDevice{Kind: "recording", DeviceID: "bt", Reason: "default-changed"}, "Microphone switched to bt, the new system default."},
		{"plugged", call.DeviceChanged{Kind: "recording", DeviceID: "usb", DeviceName: "USB Headset", Action: "ADD"}, "Microphone plugged in: USB Headset."},
		{"unplugged", call.DeviceChanged{Kind: "playback", DeviceID: "hdmi", Action: "REMOVE"}, "Speaker unplugged: hdmi."},
		{"track ended", call.TrackEnded{Kind: "audio"}, "Microphone lost: the call sends silence until a microphone is plugged in."},
		{"signature expired", call.SignatureExpired{}, "Error 10005: Your access signature expired and the call ended. Ask for a fresh signature with confab token and join again."},
		{"kicked offline", call.KickedOffline{Reason: 5}, "Session ended: you joined this room from another device."},
		{"kicked", call.ClientBanned{Reason: signal.ReasonRemoved}, "Session ended: an administrator removed you from the room."},
		{"dismissed room", call.ClientBanned{Reason: signal.ReasonRoomDismissed}, "Session ended: the room was dismissed by an administrator."},
		{"banned until", call.ClientBanned{Reason: signal.ReasonBanned, Until: banUntil}, "Error 10008: An administrator banned you from this room until 11:30. Ask an administrator of the room to lift the ban."},
		{"levels", call.VolumeIndicator{Levels: []signal.Level{{UserID: "ada", Volume: 80}}}, ""},
		{"stream added", call.StreamAdded{UserID: "ada", Kind: "audio"}, ""},
		{"stream subscribed", call.StreamSubscribed{UserID: "ada", Kind: "audio"}, ""},
		{"first frame", call.FirstAudioFrame{UserID: "ada"}, ""},
		{"room list", call.RoomUpdated{}, ""},
		{"nobody speaks", call.ActiveSpeaker{}, ""},
		{"quality fine at first", call.NetworkQuality{UserID: "ada", Uplink: 2, Downlink: 2}, ""},
		{"quality unknown", call.NetworkQuality{UserID: "ada"}, ""},
		{"quality very poor", call.NetworkQuality{UserID: "ada", Uplink: 1, Downlink: 5}, "Ada's network is very poor."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newPlainFake()
			v := newPlainView(f, "standup", "Alice")
			v.event(call.ConnectionStateChanged{Cur: call.StateConnected}, t0)
			v.event(call.PeerJoin{UserID: "ada", UserName: "Ada"}, t0)
			got := v.event(c.ev, t0.Add(time.Minute))
			want := []string{c.want}
			if c.want == "" {
				want = nil
			}
			if len(got) != len(want) || (len(got) == 1 && got[0] != want[0]) {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

// TestPlainErrorSpokenOnce: a retry loop that reports the same error
// again is spoken once, a different error is spoken.
func TestPlainErrorSpokenOnce(t *testing.T) {
	v := newPlainView(newPlainFake(), "standup", "Alice")
	var got []string
	for _, ev := range []call.Event{
		call.Error{Code: signal.CodeWebsocketConnect, Message: "connection refused"},
		call.Error{Code: signal.CodeWebsocketConnect, Message: "connection refused"},
		call.Error{Code: signal.CodeAuthFailed, Message: "bad signature"},
	} {
		got = append(got, v.event(ev, t0)...)
	}
	checkLines(t, got, `
		Error 90100016: Connection refused. Check the server address and your network, then join again.
		Error 31000004: Bad signature. Ask whoever runs the server for fresh credentials.
	`)
}

// TestPlainReconnectAndStatus: a reconnection is told apart from the first
// connection, the call time runs through it, and s sums the call up. The
// people listed right after a connection are "here", later ones "joined",
// and the roster sent again after a reconnection is not spoken again.
func TestPlainReconnectAndStatus(t *testing.T) {
	f := newPlainFake()
	got := transcript(t, f, []step{
		{key: "t"},
		{key: "s"},
		{ev: call.ConnectionStateChanged{Cur: call.StateConnected}},
		{ev: call.PeerJoin{UserID: "ada", UserName: "Ada"}},
		{ev: call.PeerLeave{UserID: "ada"}},
		{ev: call.PeerJoin{UserID: "ada", UserName: "Ada"}},
		{ev: call.MediaDevice{Kind: "recording", DeviceID: "m", DeviceName: "Mic"}},
		{ev: call.NetworkQuality{UserID: "alice", Uplink: 3, Downlink: 1}},
		{ev: call.ConnectionStateChanged{Cur: call.StateReconnecting}, after: 65 * time.Minute},
		{ev: call.ConnectionStateChanged{Cur: call.StateConnected}, after: 3 * time.Second},
		{ev: call.PeerJoin{UserID: "ada", UserName: "Ada"}}, // the roster again: silent
		{ev: call.PeerJoin{UserID: "bruno", UserName: "Bruno"}, after: 900 * time.Millisecond},
		{ev: call.PeerJoin{UserID: "chiara", UserName: "Chiara", Role: signal.RolePlayer}, after: 200 * time.Millisecond},
		{ev: call.PeerLeave{UserID: "bruno"}},
		{ev: call.PeerLeave{UserID: "chiara"}},
		{key: "s", after: time.Minute},
		{key: "w"},
		{key: "h"},
		{key: "ctrl+c"},
	})
	checkLines(t, got, `
		Not connected yet.
		Not connected. Nobody else is here. Your microphone is on.
		You are connected to room standup.
		Ada is here.
		Ada left.
		Ada joined.
		Microphone: Mic.
		Your network is poor.
		Connection lost. Reconnecting.
		Reconnected.
		Bruno is here.
		Chiara joined as a listener.
		Bruno left.
		Chiara left.
		Connected to room standup for 1 hour and 6 minutes. 1 other person is here. Your microphone is on. Your network is poor. Microphone: Mic.
		1 other person here: 1 Ada. Your microphone is on.
		Keys: m mute or unmute, w who is here, 1 to 9 choose a person, plus or minus their volume, a speaker announcements on or off, i next microphone, o next speaker, t time in call, s status, h help, q leave.
		Leaving the call.
	`)
	if f.leaveCount() != 1 {
		t.Errorf("ctrl+c called Leave %d times, want 1", f.leaveCount())
	}
}

// TestSpokenDuration checks how call times are said.
func TestSpokenDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                               "0 seconds",
		time.Second:                     "1 second",
		40 * time.Second:                "40 seconds",
		time.Minute:                     "1 minute",
		3*time.Minute + 12*time.Second:  "3 minutes and 12 seconds",
		time.Hour + 5*time.Minute + 9e9: "1 hour and 5 minutes",
		2 * time.Hour:                   "2 hours",
	} {
		if got := spokenDuration(d); got != want {
			t.Errorf("spokenDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestPlainDeviceKeys: i and o ask the engine for the next device and
// say so; the device actually chosen is spoken when its event arrives.
func TestPlainDeviceKeys(t *testing.T) {
	f := newPlainFake()
	got := transcript(t, f, []step{{key: "i"}, {key: "o"}})
	checkLines(t, got, `
		Switching to the next microphone.
		Switching to the next speaker.
	`)
	if len(f.cycles) != 2 || f.cycles[0] != "mic" || f.cycles[1] != "speaker" {
		t.Errorf("cycles %v, want [mic speaker]", f.cycles)
	}
}
