package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/confab-rtc/confab/signal"
)

// TestCallsSign checks which rooms a client can choose: any room with a
// signer (app key or token command), only its own with a signature.
func TestCallsSign(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	only := &calls{o: &clientOptions{room: "demo", userID: "u", signature: "abc", ctime: 42}, log: log}
	if sig, ctime, err := only.sign("demo"); err != nil || sig != "abc" || ctime != 42 {
		t.Errorf("sign(demo) with demo's signature = %q, %d, %v; want that signature", sig, ctime, err)
	}
	_, _, err := only.sign("lounge")
	var se *signal.Error
	if !errors.As(err, &se) || se.Code != signal.CodeAuthFailed || !strings.Contains(se.Message, "room demo only") || !strings.Contains(se.Message, "--app-key") {
		t.Errorf("sign(lounge) with demo's signature = %v; want code %d saying what to pass", err, signal.CodeAuthFailed)
	}
	// A refused room leaves the current call alone: join fails before
	// ending anything.
	if eng, err := only.join(context.Background(), "lounge"); eng != nil || err == nil {
		t.Errorf("join(lounge) = %v, %v; want the signing error", eng, err)
	}
	if _, err := only.lobby(context.Background()); !errors.As(err, &se) || se.Code != signal.CodeAuthFailed {
		t.Errorf("lobby() without a signer = %v; want code %d", err, signal.CodeAuthFailed)
	}

	// A join that completes after the interface ended starts nothing.
	done := &calls{o: &clientOptions{room: "demo", userID: "u", appID: "app", renew: appKeySigner("app", "k")}, log: log}
	if err := done.finish(); err != nil {
		t.Fatal(err)
	}
	if eng, err := done.join(context.Background(), "lounge"); eng != nil || err == nil {
		t.Errorf("join after finish = %v, %v; want no call", eng, err)
	}

	key := &calls{o: &clientOptions{room: "demo", userID: "u", appID: "app", renew: appKeySigner("app", "k")}, log: log}
	sig, ctime, err := key.sign("lounge")
	if err != nil || sig != signal.Sign("k", "app", "lounge", "u", ctime) {
		t.Errorf("sign(lounge) with the app key = %q, %v; want lounge's signature", sig, err)
	}
}
