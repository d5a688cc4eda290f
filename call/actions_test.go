package call

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/pion/transport/v4/test"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/tone"
	"github.com/confab-rtc/confab/server"
	"github.com/confab-rtc/confab/signal"
)

// signer is a Params.Renew that signs with the app key, valid for ttl.
func signer(ttl time.Duration) func(room, userID string) (string, int64, error) {
	return func(room, userID string) (string, int64, error) {
		ctime := time.Now().Add(ttl).Unix()
		return signal.Sign(testAppKey, testAppID, room, userID, ctime), ctime, nil
	}
}

// engineFor makes an engine of user in room r whose join signature is
// valid for ttl.
func engineFor(url, user string, role int, ttl time.Duration, p Params) *Engine {
	ctime := time.Now().Add(ttl).Unix()
	return New(Config{ServerURL: url, Room: "r", UserID: user, UserName: "User " + user, Role: role, AppID: testAppID,
		CTime: ctime, Signature: signal.Sign(testAppKey, testAppID, "r", user, ctime)}, p)
}

// TestEngineActions: a rename reaches everyone as RemoteUserNameChanged;
// SwitchRole (signed by Params.Renew) makes a player publish and a joiner
// stop; a second session of the same user ends the first with
// KickedOffline and ErrKickedOffline.
func TestEngineActions(t *testing.T) {
	t.Cleanup(test.CheckRoutines(t)) // registered first: runs after the server stops
	_, url := startServer(t, server.Config{})
	wav := filepath.Join(t.TempDir(), "b.wav")
	if err := audio.WriteWAV(wav, tone.Sine(440, 0.3, audio.SampleRate), audio.SampleRate, 1); err != nil {
		t.Fatal(err)
	}
	src, err := audio.NewWAVSource(wav)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()

	ctx := context.Background()
	a := engineFor(url, "a", signal.RoleJoiner, time.Hour, Params{})
	b := engineFor(url, "b", signal.RolePlayer, time.Hour, Params{Source: src, Renew: signer(time.Hour)})
	aEv, bEv := collect(a), collect(b)
	aRun, bRun := make(chan error, 1), make(chan error, 1)
	go func() { aRun <- a.Run(ctx) }()
	aEv.wait(t, "a connected", func(e Event) bool { c, ok := e.(ConnectionStateChanged); return ok && c.Cur == StateConnected })
	go func() { bRun <- b.Run(ctx) }()
	aEv.wait(t, "peer-join of b", func(e Event) bool { p, ok := e.(PeerJoin); return ok && p.UserID == "b" && p.Role == signal.RolePlayer })
	bEv.wait(t, "b connected", func(e Event) bool { c, ok := e.(ConnectionStateChanged); return ok && c.Cur == StateConnected })

	b.SetUserName("Bee")
	for name, ev := range map[string]*events{"a": aEv, "b": bEv} {
		ev.wait(t, name+" sees b renamed", func(e Event) bool {
			r, ok := e.(RemoteUserNameChanged)
			return ok && r.UserID == "b" && r.UserName == "Bee"
		})
	}

	b.SwitchRole(signal.RoleJoiner)
	for name, ev := range map[string]*events{"a": aEv, "b": bEv} {
		ev.wait(t, name+" sees b become a joiner", func(e Event) bool {
			r, ok := e.(RoleChanged)
			return ok && r.UserID == "b" && r.Role == signal.RoleJoiner
		})
	}
	aEv.wait(t, "b's stream", func(e Event) bool { s, ok := e.(StreamAdded); return ok && s.UserID == "b" })

	b.SwitchRole(signal.RolePlayer)
	aEv.wait(t, "b's stream removed", func(e Event) bool { s, ok := e.(StreamRemoved); return ok && s.UserID == "b" })
	aEv.wait(t, "b back to player", func(e Event) bool {
		r, ok := e.(RoleChanged)
		return ok && r.UserID == "b" && r.Role == signal.RolePlayer
	})

	// a has no Renew: switching role cannot be signed.
	a.SwitchRole(signal.RolePlayer)
	aEv.wait(t, "an error for a switch without a signer", func(e Event) bool { x, ok := e.(Error); return ok && x.Code == signal.CodeAuthFailed })

	// b signs in again from another client: the first b is kicked offline.
	b2 := engineFor(url, "b", signal.RolePlayer, time.Hour, Params{})
	b2Ev := collect(b2)
	b2Run := make(chan error, 1)
	go func() { b2Run <- b2.Run(ctx) }()
	select {
	case err := <-bRun:
		if !errors.Is(err, ErrKickedOffline) {
			t.Fatalf("the first b's Run returned %v, want ErrKickedOffline", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the first b was not ended by the second")
	}
	<-bEv.done
	bEv.wait(t, "kicked-offline", func(e Event) bool {
		k, ok := e.(KickedOffline)
		return ok && k.Reason == signal.ReasonBanned && k.Message != ""
	})
	aEv.wait(t, "the first b left with reason 5", func(e Event) bool {
		l, ok := e.(PeerLeave)
		return ok && l.UserID == "b" && l.Reason == signal.ReasonBanned
	})

	b2.Leave()
	if err := <-b2Run; !errors.Is(err, ErrLeft) {
		t.Errorf("b2.Run returned %v", err)
	}
	<-b2Ev.done
	a.Leave()
	<-aRun
	<-aEv.done
	a.Close()
	b.Close()
	b2.Close()
}

// TestEngineRenew: with Params.Renew the engine answers token-will-expire
// by itself and stays past its join signature's ctime; without it, Run
// ends with ErrSignatureExpired at ctime.
func TestEngineRenew(t *testing.T) {
	t.Cleanup(test.CheckRoutines(t)) // registered first: runs after the server stops
	srv, url := startServer(t, server.Config{TokenWillExpireLead: 2 * time.Second})
	ctx := context.Background()
	renewing := engineFor(url, "renewing", signal.RolePlayer, 3*time.Second, Params{Renew: signer(time.Hour)})
	lapsing := engineFor(url, "lapsing", signal.RolePlayer, 3*time.Second, Params{})
	joinedAt := time.Now()
	rEv, lEv := collect(renewing), collect(lapsing)
	rRun, lRun := make(chan error, 1), make(chan error, 1)
	go func() { rRun <- renewing.Run(ctx) }()
	go func() { lRun <- lapsing.Run(ctx) }()

	rEv.wait(t, "token-will-expire", func(e Event) bool { _, ok := e.(TokenWillExpire); return ok })
	select {
	case err := <-lRun:
		if !errors.Is(err, ErrSignatureExpired) {
			t.Fatalf("the engine without Renew returned %v, want ErrSignatureExpired", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the engine without Renew outlived its signature")
	}
	<-lEv.done
	lEv.wait(t, "signature-expired", func(e Event) bool { _, ok := e.(SignatureExpired); return ok })
	rEv.wait(t, "the lapsed user left with reason 6", func(e Event) bool {
		l, ok := e.(PeerLeave)
		return ok && l.UserID == "lapsing" && l.Reason == signal.ReasonSignatureExpired
	})
	// Past the original ctime (at most 3 s after joining), the renewing
	// engine is still in the room and can still act.
	time.Sleep(time.Until(joinedAt.Add(5 * time.Second)))
	if _, ok := srv.Participant("r", "renewing"); !ok {
		t.Fatal("the renewing engine was removed")
	}
	renewing.SetUserName("still here")
	rEv.wait(t, "a rename after the original ctime", func(e Event) bool {
		r, ok := e.(RemoteUserNameChanged)
		return ok && r.UserID == "renewing" && r.UserName == "still here"
	})
	renewing.Leave()
	if err := <-rRun; !errors.Is(err, ErrLeft) {
		t.Errorf("renewing.Run returned %v, want ErrLeft", err)
	}
	<-rEv.done
	for _, e := range rEv.list {
		if x, ok := e.(Error); ok {
			t.Errorf("the renewing engine reported %+v", x)
		}
	}
	renewing.Close()
	lapsing.Close()
}

// TestEngineServerShutdown: when the server shuts down, the engine sees
// the others leave with reason 3 and starts reconnecting (a server stops
// for a restart far more often than for good); it is not told that it
// left, and with no server coming back it gives up after
// Config.ReconnectTimeout with reason 7 and ErrReconnectTimedOut.
func TestEngineServerShutdown(t *testing.T) {
	t.Cleanup(test.CheckRoutines(t)) // registered first: runs after the server stops
	srv, url := startServer(t, server.Config{})
	ctx := context.Background()
	a, b := engineFor(url, "a", signal.RolePlayer, time.Hour, Params{}), engineFor(url, "b", signal.RolePlayer, time.Hour, Params{})
	a.cfg.ReconnectTimeout, b.cfg.ReconnectTimeout = 2*time.Second, 2*time.Second
	aEv, bEv := collect(a), collect(b)
	aRun, bRun := make(chan error, 1), make(chan error, 1)
	go func() { aRun <- a.Run(ctx) }()
	aEv.wait(t, "a connected", func(e Event) bool { c, ok := e.(ConnectionStateChanged); return ok && c.Cur == StateConnected })
	go func() { bRun <- b.Run(ctx) }()
	aEv.wait(t, "peer-join of b", func(e Event) bool { p, ok := e.(PeerJoin); return ok && p.UserID == "b" })

	srv.Close()
	for _, r := range []chan error{aRun, bRun} {
		select {
		case err := <-r:
			if !errors.Is(err, ErrReconnectTimedOut) {
				t.Errorf("Run returned %v, want ErrReconnectTimedOut", err)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("Run did not end after the server shut down and its reconnect timeout")
		}
	}
	<-aEv.done
	<-bEv.done
	for _, c := range []struct {
		ev         *events
		self, peer string
	}{{aEv, "a", "b"}, {bEv, "b", "a"}} {
		c.ev.wait(t, c.self+" sees "+c.peer+" leave with reason 3", func(e Event) bool {
			l, ok := e.(PeerLeave)
			return ok && l.UserID == c.peer && l.Reason == signal.ReasonServiceUnavailable
		})
		c.ev.wait(t, c.self+" RECONNECTING", func(e Event) bool { s, ok := e.(ConnectionStateChanged); return ok && s.Cur == StateReconnecting })
		c.ev.wait(t, c.self+" gives up with reason 7", func(e Event) bool {
			l, ok := e.(PeerLeave)
			return ok && l.UserID == c.self && l.Reason == signal.ReasonReconnectTimeout
		})
		for _, e := range c.ev.list {
			if l, ok := e.(PeerLeave); ok && l.UserID == c.self && l.Reason == signal.ReasonServiceUnavailable {
				t.Errorf("%s was told it left with reason 3", c.self)
			}
		}
	}
	a.Close()
	b.Close()
}
