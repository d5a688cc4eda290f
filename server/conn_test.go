package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/confab-rtc/confab/signal"
)

// TestSlowClientDropped: when a client's queue is full, the next message
// drops it (reason 8) instead of waiting; nothing blocks.
func TestSlowClientDropped(t *testing.T) {
	guard(t)
	srv, err := New(Config{AppID: "a", AppKey: "k", SendQueue: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	// A bare websocket whose server side has no writer running: nothing
	// drains the queue, as with a client that stopped reading.
	accepted := make(chan *websocket.Conn, 1)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := srv.upgrader.Upgrade(w, r, nil)
		if err != nil {
			t.Error(err)
			return
		}
		accepted <- ws
	}))
	defer ts.Close()
	client, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ws := <-accepted
	defer ws.Close()

	c := newConn(srv, ws, srv.log)
	for range 2 {
		c.send(signal.Message{Type: signal.TypePeerJoin, UserID: "x"})
	}
	select {
	case <-c.quit:
		t.Fatal("dropped before the queue was full")
	default:
	}
	c.send(signal.Message{Type: signal.TypePeerJoin, UserID: "y"})
	select {
	case <-c.quit:
	default:
		t.Fatal("a full queue did not drop the client")
	}
	if got := c.reason(-1); got != signal.ReasonNetworkCheck {
		t.Fatalf("reason %d, want %d", got, signal.ReasonNetworkCheck)
	}
	c.send(signal.Message{Type: signal.TypePeerJoin, UserID: "z"}) // after the drop: ignored, no panic
}
