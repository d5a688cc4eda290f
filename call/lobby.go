package call

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/confab-rtc/confab/signal"
)

// LobbyConfig says where and as whom to read the live room list. The
// signature is made for signal.LobbyRoom (signal.Sign(appKey, appID,
// signal.LobbyRoom, userID, ctime)).
type LobbyConfig struct {
	// ServerURL is the server's websocket URL (ws:// or wss://).
	ServerURL string
	AppID     string
	UserID    string
	Signature string
	CTime     int64
	// TLSPin, when set, trusts a wss:// server by its certificate's
	// fingerprint ("sha256:..."), as Config.TLSPin.
	TLSPin string
	// Timeout bounds the dial and the subscription's reply (default 10s).
	Timeout time.Duration
}

// Lobby is a subscription to the server's live room list: the list at
// subscription time, then RoomCreated, RoomDestroyed and RoomUpdated
// events. An event that raced with the subscription may repeat what the
// list already shows: apply events as upserts (created, updated) and
// deletes (destroyed).
type Lobby struct {
	sc     *sigConn
	rooms  []signal.RoomInfo
	events chan Event
	quit   chan struct{}
	done   chan struct{}
	once   sync.Once
	err    error // set before events is closed
}

// DialLobby connects to the server and subscribes to the room list.
func DialLobby(ctx context.Context, cfg LobbyConfig) (*Lobby, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	sc, err := dialSignal(ctx, cfg.ServerURL, cfg.TLSPin)
	var se *signal.Error
	if errors.As(err, &se) {
		return nil, se
	}
	if err != nil {
		return nil, signal.Errorf(signal.CodeWebsocketConnect, "cannot reach %s: %v", cfg.ServerURL, err)
	}
	const id = "lobby"
	if err := sc.send(signal.Message{Type: signal.TypeSubscribeRooms, ID: id, AppID: cfg.AppID, UserID: cfg.UserID, Signature: cfg.Signature, CTime: cfg.CTime}); err != nil {
		sc.close()
		return nil, err
	}
	for {
		select {
		case m, ok := <-sc.in:
			if !ok {
				sc.close()
				return nil, signal.Errorf(signal.CodeServerLost, "the server closed the connection: %v", sc.readErr)
			}
			switch {
			case m.Type == signal.TypePing:
				_ = sc.send(signal.Message{Type: signal.TypePong, ID: m.ID})
			case m.ID == id && m.Type == signal.TypeError:
				sc.close()
				return nil, &signal.Error{Code: m.Code, Message: m.Message}
			case m.ID == id && m.Type == signal.TypeRooms:
				l := &Lobby{sc: sc, rooms: m.Rooms, events: make(chan Event, 64), quit: make(chan struct{}), done: make(chan struct{})}
				if l.rooms == nil {
					l.rooms = []signal.RoomInfo{}
				}
				go l.run()
				return l, nil
			}
		case <-ctx.Done():
			sc.close()
			return nil, signal.Errorf(signal.CodeServerLost, "no answer to the room list subscription: %v", ctx.Err())
		}
	}
}

// Rooms returns the list as it was when the subscription began.
func (l *Lobby) Rooms() []signal.RoomInfo { return l.rooms }

// Events delivers the list's changes; it is closed when the connection
// ends (Err says why) or after Close.
func (l *Lobby) Events() <-chan Event { return l.events }

// Err returns why Events closed: nil after Close.
func (l *Lobby) Err() error {
	<-l.done
	return l.err
}

// Close ends the subscription and waits for its goroutine. It is
// idempotent.
func (l *Lobby) Close() {
	l.once.Do(func() {
		close(l.quit)
		l.sc.close()
	})
	<-l.done
}

// run turns the server's pushes into events and answers its pings.
func (l *Lobby) run() {
	defer close(l.done)
	defer close(l.events)
	for m := range l.sc.in {
		var ev Event
		switch m.Type {
		case signal.TypePing:
			_ = l.sc.send(signal.Message{Type: signal.TypePong, ID: m.ID})
		case signal.TypeRoomCreated:
			if m.RoomInfo != nil {
				ev = RoomCreated{*m.RoomInfo}
			}
		case signal.TypeRoomDestroyed:
			if m.RoomInfo != nil {
				ev = RoomDestroyed{*m.RoomInfo}
			}
		case signal.TypeRoomUpdated:
			if m.RoomInfo != nil {
				ev = RoomUpdated{*m.RoomInfo}
			}
		}
		if ev == nil {
			continue
		}
		select {
		case l.events <- ev:
		case <-l.quit:
			// Drain so the reader can finish.
			for range l.sc.in {
			}
			return
		}
	}
	select {
	case <-l.quit:
	default:
		l.err = signal.Errorf(signal.CodeServerLost, "the server closed the room list: %v", l.sc.readErr)
	}
}

// HTTPBase turns a server's websocket URL (ws://host:port/v1/ws) into
// the base of its HTTP API (http://host:port).
func HTTPBase(server string) (string, error) {
	u, err := url.Parse(server)
	if err != nil {
		return "", err
	}
	switch u.Scheme {
	case "ws":
		u.Scheme = "http"
	case "wss":
		u.Scheme = "https"
	case "http", "https":
	default:
		return "", fmt.Errorf("server URL %q must start with ws://, wss://, http:// or https://", server)
	}
	u.Path, u.RawQuery, u.Fragment = "", "", ""
	return u.String(), nil
}

// BearerToken is the Authorization header value of the HTTP API: a
// signature made for signal.LobbyRoom (room list) or signal.AdminRoom
// (admin API).
func BearerToken(appID, userID string, ctime int64, signature string) string {
	return "Bearer " + appID + ":" + userID + ":" + strconv.FormatInt(ctime, 10) + ":" + signature
}

// ListRooms fetches GET /v1/rooms with the Authorization value auth
// (BearerToken); tlsPin is as Config.TLSPin.
func ListRooms(ctx context.Context, server, tlsPin, auth string) ([]signal.RoomInfo, error) {
	var rooms []signal.RoomInfo
	if err := HTTPCall(ctx, http.MethodGet, server, tlsPin, "/v1/rooms", auth, nil, &rooms); err != nil {
		return nil, err
	}
	return rooms, nil
}

// HTTPCall sends a request to the server's HTTP API: body (if not nil) as
// JSON, and decodes a 200 answer into out. Any other answer becomes a
// *signal.Error with the server's code. An https server is trusted as
// Config.TLSPin says for tlsPin.
func HTTPCall(ctx context.Context, method, server, tlsPin, path, auth string, body, out any) error {
	base, err := HTTPBase(server)
	if err != nil {
		return err
	}
	tc, err := tlsConfig(server, tlsPin)
	if err != nil {
		return err
	}
	client := http.DefaultClient
	if tc != nil {
		tr := &http.Transport{TLSClientConfig: tc}
		defer tr.CloseIdleConnections()
		client = &http.Client{Transport: tr}
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", auth)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	var se *signal.Error
	if errors.As(dialError(base, err), &se) {
		return se
	}
	if err != nil {
		return signal.Errorf(signal.CodeWebsocketConnect, "cannot reach %s: %v", base, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxFrameBytes))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}
		if json.Unmarshal(data, &e) != nil || e.Code == 0 {
			return fmt.Errorf("%s %s: %s", method, path, resp.Status)
		}
		return &signal.Error{Code: e.Code, Message: e.Message}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(data, out)
}
