package server

import (
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/confab-rtc/confab/signal"
)

// redial gives the client a new websocket to the server (its
// PeerConnections stay), as a client does after its socket died.
func (c *client) redial(url string) {
	c.t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	c.wmu.Lock()
	c.ws = ws
	c.wmu.Unlock()
	c.readDone = make(chan struct{})
	go c.readLoop()
}

// resume sends a resume for the session of joined and returns the reply.
func (c *client) resume(joined signal.Message) signal.Message {
	c.t.Helper()
	return c.request(signal.Message{Type: signal.TypeResume, Version: signal.Version, SessionID: joined.SessionID, ResumeToken: joined.ResumeToken})
}

// noNote fails if a notification of type typ about userID arrives within d.
func (c *client) noNote(typ, userID string, d time.Duration) {
	c.t.Helper()
	deadline := time.After(d)
	for {
		select {
		case m := <-c.notes:
			if m.Type == typ && m.UserID == userID {
				c.t.Fatalf("got %s about %s (reason %d) within %s", typ, userID, m.Reason, d)
			}
		case <-deadline:
			return
		}
	}
}

// TestResumeWithinGrace: a participant whose websocket drops is kept; it
// resumes on a new websocket with the token from joined and the others
// see no leave. Its media, which never depended on the websocket, keeps
// flowing both ways; what happened in the room while it was away reaches
// it after resumed (the peer who joined meanwhile, and the subscribe
// offer for that peer's track, which it answers).
func TestResumeWithinGrace(t *testing.T) {
	guard(t)
	srv, url := startServer(t, Config{ResumeGrace: 5 * time.Second})
	stay := dial(t, url, clientOpts{})
	roam := dial(t, url, clientOpts{})
	stay.join("r", "stay", signal.RoleJoiner)
	joined := roam.join("r", "roam", signal.RoleJoiner)
	if joined.ResumeToken == "" || joined.ResumeToken == joined.SessionID {
		t.Fatalf("joined has resume token %q (session %q), want a separate secret", joined.ResumeToken, joined.SessionID)
	}
	roam.publish("roam", "mic", 40)
	stay.publish("stay", "mic", 50)
	stay.flowing("roam", 5)
	roam.flowing("stay", 5)

	roam.dropSocket()
	// Something happens while it is away: a third participant arrives
	// and publishes, which needs a subscribe offer to roam.
	late := dial(t, url, clientOpts{})
	late.join("r", "late", signal.RoleJoiner)
	late.publish("late", "mic", 60)
	stay.flowing("roam", 25) // roam's media did not stop with its websocket
	stay.noNote(signal.TypePeerLeave, "roam", 500*time.Millisecond)
	if _, ok := srv.Participant("r", "roam"); !ok {
		t.Fatal("the detached participant was dropped within its grace period")
	}

	roam.redial(url)
	r := roam.resume(joined)
	if r.Type != signal.TypeResumed || r.SessionID != joined.SessionID || r.UserID != "roam" || r.Room != "r" {
		t.Fatalf("resume: got %s %d %s (%+v)", r.Type, r.Code, r.Message, r)
	}
	peers := map[string]bool{}
	for _, p := range r.Peers {
		peers[p.UserID] = len(p.Streams) == 1
	}
	if len(peers) != 2 || !peers["stay"] || !peers["late"] {
		t.Fatalf("resumed peers = %+v, want stay and late, each with its stream", r.Peers)
	}
	if pj := roam.waitNote(signal.TypePeerJoin); pj.UserID != "late" {
		t.Fatalf("kept peer-join = %+v, want late", pj)
	}
	roam.flowing("late", 5) // the offer kept for it was answered
	roam.flowing("stay", 5)
	roam.alive()
	stay.noNote(signal.TypePeerLeave, "roam", 300*time.Millisecond)
}

// TestResumeGraceExpires: without a resume the room sees the participant
// leave with reason 7 once the grace period passes, and a late resume is
// refused with the resume code, after which a join works.
func TestResumeGraceExpires(t *testing.T) {
	guard(t)
	_, url := startServer(t, Config{ResumeGrace: 700 * time.Millisecond})
	stay := dial(t, url, clientOpts{})
	gone := dial(t, url, clientOpts{})
	stay.join("r", "stay", signal.RoleJoiner)
	joined := gone.join("r", "gone", signal.RoleJoiner)
	gone.publish("gone", "mic", 50)
	stay.flowing("gone", 3)
	dropped := time.Now()
	gone.dropSocket()
	if rm := stay.waitNote(signal.TypeStreamRemoved); rm.Stream == nil || rm.Stream.UserID != "gone" {
		t.Fatalf("stream-removed = %+v", rm)
	}
	pl := stay.waitNote(signal.TypePeerLeave)
	if pl.UserID != "gone" || pl.Reason != signal.ReasonReconnectTimeout {
		t.Fatalf("peer-leave = %+v, want gone with reason 7", pl)
	}
	if d := time.Since(dropped); d < 700*time.Millisecond {
		t.Fatalf("peer-leave came %s after the drop, before the grace period ended", d)
	}
	gone.redial(url)
	if r := gone.resume(joined); r.Type != signal.TypeError || r.Code != signal.CodeResumeFailed {
		t.Fatalf("late resume: got %s %d %s, want error %d", r.Type, r.Code, r.Message, signal.CodeResumeFailed)
	}
	gone.join("r", "gone", signal.RoleJoiner)
	if pj := stay.waitNote(signal.TypePeerJoin); pj.UserID != "gone" {
		t.Fatalf("peer-join = %+v", pj)
	}
}

// TestResumeRefused: a wrong token, an unknown session and a resume on a
// joined connection are refused with their codes; the connection stays
// usable.
func TestResumeRefused(t *testing.T) {
	guard(t)
	_, url := startServer(t, Config{})
	a := dial(t, url, clientOpts{})
	joined := a.join("r", "a", signal.RoleJoiner)
	other := dial(t, url, clientOpts{})
	cases := []struct {
		name string
		c    *client
		m    signal.Message
		code int
	}{
		{"wrong token", other, signal.Message{SessionID: joined.SessionID, ResumeToken: joined.SessionID}, signal.CodeResumeFailed},
		{"unknown session", other, signal.Message{SessionID: "nope", ResumeToken: joined.ResumeToken}, signal.CodeResumeFailed},
		{"no session", other, signal.Message{}, signal.CodeResumeFailed},
		{"already joined", a, signal.Message{SessionID: joined.SessionID, ResumeToken: joined.ResumeToken}, signal.CodeAlreadyJoined},
	}
	for _, tc := range cases {
		tc.m.Type, tc.m.Version = signal.TypeResume, signal.Version
		if r := tc.c.request(tc.m); r.Type != signal.TypeError || r.Code != tc.code || r.Message == "" {
			t.Errorf("%s: got %s %d %q, want error %d", tc.name, r.Type, r.Code, r.Message, tc.code)
		}
	}
	other.alive()
	a.alive()
}

// TestResumeTakesOverHalfOpenSocket: a client whose socket died on its
// side only (the server still holds it open) resumes on a new one; the
// old one is closed with 4002 and the room sees no leave.
func TestResumeTakesOverHalfOpenSocket(t *testing.T) {
	guard(t)
	_, url := startServer(t, Config{})
	stay := dial(t, url, clientOpts{})
	stay.join("r", "stay", signal.RoleJoiner)
	old := dial(t, url, clientOpts{})
	joined := old.join("r", "roam", signal.RoleJoiner)
	fresh := dial(t, url, clientOpts{})
	if r := fresh.resume(joined); r.Type != signal.TypeResumed {
		t.Fatalf("resume: got %s %d %s", r.Type, r.Code, r.Message)
	}
	if code := old.closeCode(); code != signal.CloseResumed {
		t.Fatalf("the old socket closed with %d, want %d", code, signal.CloseResumed)
	}
	stay.noNote(signal.TypePeerLeave, "roam", 500*time.Millisecond)
	fresh.request(signal.Message{Type: signal.TypeLeave})
	if pl := stay.waitNote(signal.TypePeerLeave); pl.UserID != "roam" || pl.Reason != signal.ReasonLeft {
		t.Fatalf("peer-leave = %+v, want roam with reason 0", pl)
	}
}

// TestShutdownEndsDetachedSessions: a session waiting for a resume does
// not hold up Close, and its room learns reason 3 like everyone's.
func TestShutdownEndsDetachedSessions(t *testing.T) {
	guard(t)
	srv, url := startServer(t, Config{ResumeGrace: time.Minute})
	stay := dial(t, url, clientOpts{})
	stay.join("r", "stay", signal.RoleJoiner)
	gone := dial(t, url, clientOpts{})
	gone.join("r", "gone", signal.RoleJoiner)
	gone.dropSocket()
	eventually(t, "the session to be detached", func() bool {
		p, ok := srv.Participant("r", "gone")
		return ok && p.Detached
	})
	start := time.Now()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Close took %s with a detached session", d)
	}
	if pl := stay.waitNote(signal.TypePeerLeave); pl.Reason != signal.ReasonServiceUnavailable {
		t.Fatalf("peer-leave = %+v, want reason 3", pl)
	}
}
