package server

import (
	"testing"
	"time"

	"github.com/confab-rtc/confab/signal"
)

// TestExpiryAt: the timer warns once, lead before ctime (at once if that
// moment passed), waits for ctime after warning, and expires at ctime.
func TestExpiryAt(t *testing.T) {
	base := time.Unix(1_000_000, 0)
	ctime := base.Add(100 * time.Second).Unix()
	lead := 60 * time.Second
	cases := []struct {
		name   string
		now    time.Time
		warned int64
		act    expiryAction
		next   time.Time
	}{
		{"long before", base, 0, expiryWait, base.Add(40 * time.Second)},
		{"at the warning", base.Add(40 * time.Second), 0, expiryWarn, time.Unix(ctime, 0)},
		{"past the warning, not warned", base.Add(90 * time.Second), 0, expiryWarn, time.Unix(ctime, 0)},
		{"warned", base.Add(90 * time.Second), ctime, expiryWait, time.Unix(ctime, 0)},
		{"warned for an older ctime", base.Add(90 * time.Second), ctime - 50, expiryWarn, time.Unix(ctime, 0)},
		{"at ctime", time.Unix(ctime, 0), ctime, expiryNow, time.Unix(ctime, 0)},
		{"after ctime, never warned", time.Unix(ctime, 0).Add(time.Second), 0, expiryNow, time.Unix(ctime, 0)},
	}
	for _, tc := range cases {
		act, next := expiryAt(tc.now, ctime, lead, tc.warned)
		if act != tc.act || !next.Equal(tc.next) {
			t.Errorf("%s: got %d at %s, want %d at %s", tc.name, act, next, tc.act, tc.next)
		}
	}
}

// joinTTL is a join whose signature expires after ttl.
func joinTTL(room, user string, ttl time.Duration) signal.Message {
	m := joinMsg(room, user, signal.RoleJoiner)
	m.Signature, m.CTime = signed(room, user, ttl)
	return m
}

// TestSignatureExpiry: a session with a short signature gets
// token-will-expire for its ctime, then at ctime signature-expired, a
// peer-leave about itself with reason 6 and close code
// CloseSignatureExpired; the room sees its stream end and it leave with
// reason 6.
func TestSignatureExpiry(t *testing.T) {
	guard(t)
	// Seconds of slack around each step: publishing must happen before
	// the expiry even on a loaded machine.
	srv, url := startServer(t, Config{TokenWillExpireLead: 3 * time.Second})
	bob := dial(t, url, clientOpts{})
	alice := dial(t, url, clientOpts{})
	bob.join("r", "bob", signal.RoleJoiner)
	m := joinTTL("r", "alice", 6*time.Second)
	if r := alice.request(m); r.Type != signal.TypeJoined {
		t.Fatalf("join: %s %d %s", r.Type, r.Code, r.Message)
	}
	alice.publish("alice", "mic", 40)
	if w := alice.waitNote(signal.TypeTokenWillExpire); w.CTime != m.CTime {
		t.Fatalf("token-will-expire = %+v, want ctime %d", w, m.CTime)
	}
	alice.waitNote(signal.TypeSignatureExpired)
	if now := time.Now(); now.Before(time.Unix(m.CTime, 0)) {
		t.Fatalf("expired at %s, before ctime %d", now, m.CTime)
	}
	if pl := alice.waitNote(signal.TypePeerLeave); pl.UserID != "alice" || pl.Reason != signal.ReasonSignatureExpired {
		t.Fatalf("alice got %+v, want peer-leave about herself with reason 6", pl)
	}
	if code := alice.closeCode(); code != signal.CloseSignatureExpired {
		t.Fatalf("close code %d, want %d", code, signal.CloseSignatureExpired)
	}
	if rm := bob.waitNote(signal.TypeStreamRemoved); rm.Stream == nil || rm.Stream.UserID != "alice" {
		t.Fatalf("stream-removed = %+v", rm)
	}
	if pl := bob.waitNote(signal.TypePeerLeave); pl.UserID != "alice" || pl.Reason != signal.ReasonSignatureExpired {
		t.Fatalf("bob got %+v, want peer-leave alice reason 6", pl)
	}
	if _, ok := srv.Participant("r", "alice"); ok {
		t.Fatal("alice is still in the room")
	}
}

// TestSignatureRenewal: renewing after the warning keeps the session past
// the original ctime, with a new warning for the new ctime; an older
// signature, still valid, is refused; the current one again is an ok.
func TestSignatureRenewal(t *testing.T) {
	guard(t)
	srv, url := startServer(t, Config{TokenWillExpireLead: 4 * time.Second})
	bob := dial(t, url, clientOpts{})
	alice := dial(t, url, clientOpts{})
	bob.join("r", "bob", signal.RoleJoiner)
	m := joinTTL("r", "alice", 6*time.Second)
	if r := alice.request(m); r.Type != signal.TypeJoined {
		t.Fatalf("join: %s %d %s", r.Type, r.Code, r.Message)
	}
	alice.publish("alice", "mic", 40)
	bob.flowing("alice", 3)
	alice.waitNote(signal.TypeTokenWillExpire)

	sig, ctime := signed("r", "alice", 7*time.Second)
	if r := alice.request(signal.Message{Type: signal.TypeRenewSignature, Signature: sig, CTime: ctime}); r.Type != signal.TypeOK {
		t.Fatalf("renew: %s %d %s", r.Type, r.Code, r.Message)
	}
	older, octime := signed("r", "alice", 6*time.Second)
	if r := alice.request(signal.Message{Type: signal.TypeRenewSignature, Signature: older, CTime: octime}); r.Code != signal.CodeBadRequest {
		t.Fatalf("renew with an older signature: %s %d %s", r.Type, r.Code, r.Message)
	}
	if r := alice.request(signal.Message{Type: signal.TypeRenewSignature, Signature: sig, CTime: ctime}); r.Type != signal.TypeOK {
		t.Fatalf("renew with the current signature again: %s %d %s", r.Type, r.Code, r.Message)
	}
	if w := alice.waitNote(signal.TypeTokenWillExpire); w.CTime != ctime {
		t.Fatalf("second token-will-expire = %+v, want ctime %d", w, ctime)
	}
	// Past the original ctime, the session and its media live on.
	time.Sleep(time.Until(time.Unix(m.CTime, 0).Add(time.Second)))
	alice.alive()
	if _, ok := srv.Participant("r", "alice"); !ok {
		t.Fatal("alice was removed at her original ctime")
	}
	bob.flowing("alice", 3)
	sig, long := signed("r", "alice", time.Hour)
	if r := alice.request(signal.Message{Type: signal.TypeRenewSignature, Signature: sig, CTime: long}); r.Type != signal.TypeOK {
		t.Fatalf("second renew: %s %d %s", r.Type, r.Code, r.Message)
	}
	time.Sleep(time.Until(time.Unix(ctime, 0).Add(time.Second)))
	alice.alive()
	for {
		select {
		case n := <-alice.notes:
			if n.Type == signal.TypeSignatureExpired || n.Type == signal.TypePeerLeave {
				t.Fatalf("a renewed session got %+v", n)
			}
			continue
		default:
		}
		break
	}
	bob.flowing("alice", 3)
}
