package e2e

import (
	"testing"
	"time"
)

// TestCallAcrossProcesses is the first complete path through confab: a
// server and two headless clients, each sending a tone from a WAV file
// and recording what it receives.
func TestCallAcrossProcesses(t *testing.T) {
	e := newEnv(t)
	url := e.startServer()
	writeTone(t, e.path("a.wav"), 440)
	writeTone(t, e.path("b.wav"), 1000)

	a := e.startClient("alice", "--server", url, "--user", "alice", "--name", "Alice",
		"--send", e.path("a.wav"), "--record", e.path("a-rec.wav"), "--speaker", "none", "room1")
	b := e.startClient("bob", "--server", url, "--user", "bob", "--name", "Bob",
		"--send", e.path("b.wav"), "--record", e.path("b-rec.wav"), "--speaker", "none", "room1")

	aUp := a.waitEvent("CONNECTED", 15*time.Second, isEvent("connection-state-changed", map[string]any{"cur": "CONNECTED"}))
	bUp := b.waitEvent("CONNECTED", 15*time.Second, isEvent("connection-state-changed", map[string]any{"cur": "CONNECTED"}))
	// Whoever joined second sees the first in the joined reply; the first
	// gets a peer-join notification. Either way both see each other.
	a.waitEvent("peer-join of bob", 10*time.Second, isEvent("peer-join", map[string]any{"userId": "bob", "userName": "Bob", "role": 0}))
	b.waitEvent("peer-join of alice", 10*time.Second, isEvent("peer-join", map[string]any{"userId": "alice", "userName": "Alice", "role": 0}))
	a.waitEvent("stream-added of bob", 10*time.Second, isEvent("stream-added", map[string]any{"userId": "bob", "kind": "audio"}))
	b.waitEvent("stream-added of alice", 10*time.Second, isEvent("stream-added", map[string]any{"userId": "alice", "kind": "audio"}))
	aHears := a.waitEvent("first audio from bob", 10*time.Second, isEvent("first-audio-frame", map[string]any{"userId": "bob"}))
	bHears := b.waitEvent("first audio from alice", 10*time.Second, isEvent("first-audio-frame", map[string]any{"userId": "alice"}))

	time.Sleep(4 * time.Second)
	a.send("mute")
	aMuted := a.waitEvent("own mute-audio", 5*time.Second, isEvent("mute-audio", map[string]any{"userId": "alice"}))
	bSeesMute := b.waitEvent("mute-audio of alice", 5*time.Second, isEvent("mute-audio", map[string]any{"userId": "alice"}))
	b.waitEvent("stream-updated of alice, muted", 5*time.Second, func(ev event) bool {
		muted, _ := ev["muted"].(bool)
		return isEvent("stream-updated", map[string]any{"userId": "alice", "kind": "audio"})(ev) && muted
	})
	time.Sleep(2500 * time.Millisecond)
	a.send("unmute")
	bSeesUnmute := b.waitEvent("unmute-audio of alice", 5*time.Second, isEvent("unmute-audio", map[string]any{"userId": "alice"}))
	a.waitEvent("own unmute-audio", 5*time.Second, isEvent("unmute-audio", map[string]any{"userId": "alice"}))
	time.Sleep(2500 * time.Millisecond)

	a.send("leave")
	bSeesLeave := b.waitEvent("peer-leave of alice", 10*time.Second, isEvent("peer-leave", map[string]any{"userId": "alice", "reason": 0}))
	b.waitEvent("stream-removed of alice", 5*time.Second, isEvent("stream-removed", map[string]any{"userId": "alice", "kind": "audio"}))
	if err := a.waitExit(10 * time.Second); err != nil {
		t.Errorf("alice exited with %v after leaving, want status 0", err)
	}
	b.send("leave")
	if err := b.waitExit(10 * time.Second); err != nil {
		t.Errorf("bob exited with %v after leaving, want status 0", err)
	}
	for _, c := range []*client{a, b} {
		for _, ev := range c.all() {
			if ev.str("event") == "error" {
				t.Errorf("%s got an error event: %v", c.name, ev)
			}
		}
	}

	// Bob hears Alice's 440 Hz until she mutes, never his own 1000 Hz,
	// silence while she is muted, and her tone again once she unmutes.
	bRec := readRecording(t, e.path("b-rec.wav"), bUp.time())
	settle := 500 * time.Millisecond
	assertTone(t, "bob hearing alice", bRec.between(t, bHears.time().Add(settle), bSeesMute.time().Add(-200*time.Millisecond)), 440, 1000)
	assertSilent(t, "bob after alice muted", bRec.between(t, bSeesMute.time().Add(500*time.Millisecond), bSeesUnmute.time().Add(-100*time.Millisecond)))
	assertTone(t, "bob after alice unmuted", bRec.between(t, bSeesUnmute.time().Add(settle), bSeesLeave.time().Add(-200*time.Millisecond)), 440, 1000)

	// Alice hears Bob's 1000 Hz the whole time, her mute notwithstanding.
	aRec := readRecording(t, e.path("a-rec.wav"), aUp.time())
	assertTone(t, "alice hearing bob", aRec.between(t, aHears.time().Add(settle), aMuted.time().Add(2*time.Second)), 1000, 440)
}
