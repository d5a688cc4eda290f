package server

import (
	"testing"

	"github.com/confab-rtc/confab/signal"
)

// TestTwoPartyCall is the first end-to-end call: two clients join, one
// publishes, the other receives the packets with their audio level, and
// every notification carries the fields a client shows.
func TestTwoPartyCall(t *testing.T) {
	guard(t)
	srv, url := startServer(t, Config{})

	// alice registers another extension first, so her audio-level id
	// differs from the one the server offers bob: the forwarder must
	// rewrite it.
	alice := dial(t, url, clientOpts{extFirst: true})
	bob := dial(t, url, clientOpts{})

	joined := alice.join("r1", "alice", signal.RoleJoiner)
	if joined.SessionID == "" || len(joined.Peers) != 0 {
		t.Fatalf("alice's joined: session %q peers %+v, want a session and no peers", joined.SessionID, joined.Peers)
	}
	joined = bob.join("r1", "bob", signal.RoleJoiner)
	if len(joined.Peers) != 1 || joined.Peers[0].UserID != "alice" || joined.Peers[0].UserName != "User alice" || joined.Peers[0].Role != signal.RoleJoiner {
		t.Fatalf("bob's joined peers = %+v, want alice", joined.Peers)
	}
	pj := alice.waitNote(signal.TypePeerJoin)
	if pj.UserID != "bob" || pj.UserName != "User bob" || pj.Role != signal.RoleJoiner {
		t.Fatalf("peer-join = %+v, want bob", pj)
	}

	const level = 0x80 | 30 // voice, -30 dBov
	pub := alice.publish("alice", "mic", level)
	added := bob.waitNote(signal.TypeStreamAdded)
	want := signal.Stream{UserID: "alice", Kind: signal.KindAudio, StreamID: "alice", TrackID: "mic", Codec: "opus"}
	if added.Stream == nil || *added.Stream != want {
		t.Fatalf("stream-added stream = %+v, want %+v", added.Stream, want)
	}

	bob.flowing("alice", 25)
	st := bob.track("alice")
	if st.extID == 0 {
		t.Fatal("bob did not negotiate the audio-level extension")
	}
	if st.extID == pub.extID {
		t.Fatalf("alice and bob use the same audio-level id %d: the test does not exercise the rewrite", st.extID)
	}
	if st.withLevel.Load() < st.packets.Load()-1 || st.lastLevel.Load() != level {
		t.Fatalf("bob got %d of %d packets with the audio level, last level %#x, want all with %#x",
			st.withLevel.Load(), st.packets.Load(), st.lastLevel.Load(), level)
	}
	if !st.payloadOK.Load() {
		t.Fatal("a forwarded payload differs from what alice sent")
	}

	ai, ok := srv.Participant("r1", "alice")
	if !ok || ai.AudioLevel != 30 || !ai.Voice || ai.PacketsReceived == 0 {
		t.Fatalf("server's view of alice = %+v, want level 30 with voice and packets received", ai)
	}
	if len(ai.Streams) != 1 || ai.Streams[0] != want {
		t.Fatalf("server lists alice's streams as %+v", ai.Streams)
	}
	bi, _ := srv.Participant("r1", "bob")
	if bi.PacketsForwarded == 0 || bi.AudioLevel != NoLevel {
		t.Fatalf("server's view of bob = %+v, want packets forwarded and no level", bi)
	}

	// A level change reaches bob within a few packets.
	pub.level.Store(0x7f)
	eventually(t, "the new level at bob", func() bool { return st.lastLevel.Load() == 0x7f })

	if r := alice.request(signal.Message{Type: signal.TypeMute, Kind: signal.KindAudio, Muted: true}); r.Type != signal.TypeOK {
		t.Fatalf("mute: got %s %d %s", r.Type, r.Code, r.Message)
	}
	mc := bob.waitNote(signal.TypeMuteChanged)
	if mc.UserID != "alice" || mc.Kind != signal.KindAudio || !mc.Muted {
		t.Fatalf("mute-changed = %+v, want alice audio muted", mc)
	}
	su := bob.waitNote(signal.TypeStreamUpdated)
	if su.Stream == nil || su.Stream.UserID != "alice" || su.Stream.Kind != signal.KindAudio || su.Stream.TrackID != "mic" || !su.Stream.Muted {
		t.Fatalf("stream-updated = %+v, want alice's mic muted", su.Stream)
	}
	if ai, _ := srv.Participant("r1", "alice"); !ai.Streams[0].Muted {
		t.Fatal("the server does not list alice's stream as muted")
	}

	if r := alice.request(signal.Message{Type: signal.TypeLeave}); r.Type != signal.TypeOK {
		t.Fatalf("leave: got %s %d %s", r.Type, r.Code, r.Message)
	}
	rm := bob.waitNote(signal.TypeStreamRemoved)
	if rm.Stream == nil || rm.Stream.UserID != "alice" || rm.Stream.TrackID != "mic" {
		t.Fatalf("stream-removed = %+v, want alice's mic", rm.Stream)
	}
	pl := bob.waitNote(signal.TypePeerLeave)
	if pl.UserID != "alice" || pl.Reason != signal.ReasonLeft {
		t.Fatalf("peer-leave = %+v, want alice with reason 0", pl)
	}
	eventually(t, "alice's track to end at bob", func() bool { return st.ended.Load() })
	if info, _ := srv.Room("r1"); len(info.Participants) != 1 || info.Participants[0].UserID != "bob" {
		t.Fatalf("room r1 after alice left: %+v", info)
	}
}
