package server

import (
	"context"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/confab-rtc/confab/signal"
)

// TestGracefulShutdown: cancelling Run's context (what SIGTERM does in
// confab serve) tells every client that every other participant left with
// reason 3 and then that its own session ends with reason 3, closes each
// websocket with 1001, and Run returns within a few seconds.
func TestGracefulShutdown(t *testing.T) {
	guard(t)
	srv, err := New(Config{Listen: "127.0.0.1:0", AppID: testAppID, AppKey: testAppKey}, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ran := make(chan error, 1)
	go func() { ran <- srv.Run(ctx) }()
	eventually(t, "the server to listen", func() bool { return srv.Addr() != nil })
	url := "ws://" + srv.Addr().String() + "/v1/ws"

	users := []string{"a", "b", "c"}
	clients := map[string]*client{}
	for _, u := range users {
		clients[u] = dial(t, url, clientOpts{})
		clients[u].join("r", u, signal.RoleJoiner)
	}
	clients["a"].publish("a", "mic", 40)
	clients["b"].flowing("a", 5)
	clients["c"].flowing("a", 5)

	start := time.Now()
	cancel()
	select {
	case err := <-ran:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(waitLong):
		t.Fatal("Run did not return after its context ended")
	}
	if d := time.Since(start); d > shutdownWait {
		t.Errorf("shutdown took %s", d)
	}
	for _, u := range users {
		c := clients[u]
		if code := c.closeCode(); code != websocket.CloseGoingAway {
			t.Errorf("%s: close code %d, want %d", u, code, websocket.CloseGoingAway)
		}
		left := map[string]int{}
		for len(c.notes) > 0 {
			if m := <-c.notes; m.Type == signal.TypePeerLeave {
				if _, dup := left[m.UserID]; dup {
					t.Errorf("%s: two peer-leaves about %s", u, m.UserID)
				}
				left[m.UserID] = m.Reason
			}
		}
		if len(left) != len(users) {
			t.Errorf("%s got peer-leaves %v, want one about each of %v", u, left, users)
		}
		for _, o := range users {
			if r, ok := left[o]; !ok || r != signal.ReasonServiceUnavailable {
				t.Errorf("%s: peer-leave about %s has reason %d (present %v), want 3", u, o, r, ok)
			}
		}
	}
}
