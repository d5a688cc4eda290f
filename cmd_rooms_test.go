package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/config"
	"github.com/confab-rtc/confab/server"
	sig "github.com/confab-rtc/confab/signal"
)

// TestRoomsAndAdminCommands runs `confab rooms --json` and `confab admin`
// against an in-process server with a call going on.
func TestRoomsAndAdminCommands(t *testing.T) {
	const appID, appKey = "app-cli", "0123456789abcdef0123"
	srv, err := server.New(server.Config{Listen: "127.0.0.1:0", AppID: appID, AppKey: appKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	defer func() { cancel(); <-done }()
	for srv.Addr() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	url := "ws://" + srv.Addr().String()
	cfgPath := filepath.Join(t.TempDir(), "config.toml")
	cfg := config.Default()
	cfg.App = config.App{ID: appID, Key: appKey}
	cfg.Client.ServerURL = url
	if err := config.Save(cfgPath, cfg); err != nil {
		t.Fatal(err)
	}
	confab := func(args ...string) (string, error) {
		root := newRoot()
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetArgs(append([]string{"--config", cfgPath, "--log-file", filepath.Join(t.TempDir(), "log")}, args...))
		err := root.Execute()
		return out.String(), err
	}

	ctime := time.Now().Add(time.Hour).Unix()
	e := call.New(call.Config{ServerURL: url, Room: "standup", UserID: "ann", AppID: appID, CTime: ctime,
		Signature: sig.Sign(appKey, appID, "standup", "ann", ctime)}, call.Params{})
	run := make(chan error, 1)
	go func() { run <- e.Run(context.Background()) }()
	var banned call.ClientBanned
	evDone := make(chan struct{})
	go func() {
		defer close(evDone)
		for ev := range e.Events() {
			if b, ok := ev.(call.ClientBanned); ok {
				banned = b
			}
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, ok := srv.Participant("standup", "ann"); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("ann did not join")
		}
		time.Sleep(10 * time.Millisecond)
	}

	out, err := confab("rooms", "--json")
	if err != nil {
		t.Fatalf("rooms: %v: %s", err, out)
	}
	var rooms []sig.RoomInfo
	if err := json.Unmarshal([]byte(out), &rooms); err != nil || len(rooms) != 1 || rooms[0].Room != "standup" || rooms[0].Participants != 1 {
		t.Fatalf("rooms --json printed %q (%v)", out, err)
	}
	if out, err := confab("rooms"); err != nil || !strings.Contains(out, "standup") || !strings.Contains(out, "PARTICIPANTS") {
		t.Fatalf("rooms printed %q, %v", out, err)
	}
	if _, err := confab("rooms", "--app-key", "wrong-key-wrong-key-", "--app-id", appID); err == nil || !strings.Contains(err.Error(), "31000004") {
		t.Fatalf("rooms with a wrong key: %v", err)
	}
	if _, err := confab("admin", "kick", "standup", "nobody"); err == nil {
		t.Fatal("kick of an absent user succeeded")
	}
	if out, err := confab("admin", "kick", "standup", "ann"); err != nil || !strings.Contains(out, `"ok":true`) {
		t.Fatalf("admin kick: %q, %v", out, err)
	}
	if err := <-run; err == nil {
		t.Fatal("Run ended without an error after a kick")
	}
	<-evDone // the events close after Run
	e.Close()
	if banned.Reason != sig.ReasonRemoved {
		t.Fatalf("ann's client-banned event: %+v, want reason 9", banned)
	}
}
