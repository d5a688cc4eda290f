package call

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/confab-rtc/confab/signal"
)

// DefaultSignalPath is the server's websocket path, added to a server URL
// that has none.
const DefaultSignalPath = "/v1/ws"

// maxFrameBytes bounds frames read from the server: SDP offers of a large
// room are bigger than requests, so this is generous.
const maxFrameBytes = 1 << 20

// sigConn is the signaling websocket: one reader goroutine delivers decoded
// messages on a channel; writes are serialised by a mutex and bounded by a
// deadline so a stuck server cannot block the engine for long.
type sigConn struct {
	ws *websocket.Conn

	wmu sync.Mutex

	in      chan signal.Message
	readErr error // set before in is closed
}

// SignalURL turns a configured server URL into the websocket URL to dial.
func SignalURL(server string) (string, error) {
	u, err := url.Parse(server)
	if err != nil {
		return "", err
	}
	if u.Scheme != "ws" && u.Scheme != "wss" {
		return "", fmt.Errorf("server URL %q must start with ws:// or wss://", server)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = DefaultSignalPath
	}
	return u.String(), nil
}

// dialSignal connects to server's signaling websocket; a wss:// server is
// trusted as tlsConfig says for tlsPin. TLS failures come back as
// *signal.Error with their own codes (dialError).
func dialSignal(ctx context.Context, server, tlsPin string) (*sigConn, error) {
	target, err := SignalURL(server)
	if err != nil {
		return nil, err
	}
	tc, err := tlsConfig(server, tlsPin)
	if err != nil {
		return nil, err
	}
	dialer := *websocket.DefaultDialer
	dialer.TLSClientConfig = tc
	ws, _, err := dialer.DialContext(ctx, target, nil)
	if err != nil {
		return nil, dialError(server, err)
	}
	ws.SetReadLimit(maxFrameBytes)
	c := &sigConn{ws: ws, in: make(chan signal.Message, 64)}
	go c.readLoop()
	return c, nil
}

func (c *sigConn) readLoop() {
	defer close(c.in)
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			c.readErr = err
			return
		}
		m, perr := signal.Decode(data)
		if perr != nil {
			// The server should never send garbage; skip the frame
			// rather than drop the call.
			continue
		}
		c.in <- m
	}
}

func (c *sigConn) send(m signal.Message) error {
	data, err := signal.Encode(m)
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, data)
}

// setReadDeadline makes the reader fail if the server says nothing until t.
func (c *sigConn) setReadDeadline(t time.Time) { _ = c.ws.SetReadDeadline(t) }

// close sends a normal close frame (best effort) and closes the socket.
func (c *sigConn) close() {
	c.wmu.Lock()
	_ = c.ws.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye"),
		time.Now().Add(time.Second))
	c.wmu.Unlock()
	_ = c.ws.Close()
}
