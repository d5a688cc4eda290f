package server

import (
	"crypto/hmac"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confab-rtc/confab/signal"
)

// receiver is a webhook endpoint for tests: it checks every signature and
// records the events, or answers 500 while failing.
type receiver struct {
	t       *testing.T
	addr    string
	failing atomic.Bool
	posts   atomic.Int64 // requests received, accepted or not

	mu     sync.Mutex
	events []WebhookEvent
	srv    *http.Server
	done   chan struct{}
}

// newReceiver listens on a free loopback port.
func newReceiver(t *testing.T) *receiver {
	rc := &receiver{t: t}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rc.addr = ln.Addr().String()
	rc.serve(ln)
	t.Cleanup(rc.stop)
	return rc
}

func (rc *receiver) url() string { return "http://" + rc.addr + "/hook" }

func (rc *receiver) serve(ln net.Listener) {
	rc.srv = &http.Server{Handler: http.HandlerFunc(rc.handle)}
	rc.done = make(chan struct{})
	go func(srv *http.Server, done chan struct{}) {
		defer close(done)
		_ = srv.Serve(ln)
	}(rc.srv, rc.done)
}

// stop closes the listener and every connection: the endpoint is down.
func (rc *receiver) stop() {
	if rc.srv == nil {
		return
	}
	_ = rc.srv.Close()
	<-rc.done
	rc.srv = nil
}

// restart listens again on the same address.
func (rc *receiver) restart() {
	ln, err := net.Listen("tcp", rc.addr)
	if err != nil {
		rc.t.Fatalf("listening again on %s: %v", rc.addr, err)
	}
	rc.serve(ln)
}

func (rc *receiver) handle(w http.ResponseWriter, r *http.Request) {
	rc.posts.Add(1)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	if rc.failing.Load() {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	if got, want := r.Header.Get(WebhookSignatureHeader), WebhookSignature(testAppKey, body); !hmac.Equal([]byte(got), []byte(want)) {
		rc.t.Errorf("signature %q, want %q", got, want)
	}
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		rc.t.Errorf("%s with content type %q", r.Method, r.Header.Get("Content-Type"))
	}
	var ev WebhookEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		rc.t.Errorf("body %q: %v", body, err)
	}
	rc.mu.Lock()
	rc.events = append(rc.events, ev)
	rc.mu.Unlock()
}

// wait returns the events once there are n.
func (rc *receiver) wait(n int) []WebhookEvent {
	rc.t.Helper()
	eventually(rc.t, "webhook events", func() bool {
		rc.mu.Lock()
		defer rc.mu.Unlock()
		return len(rc.events) >= n
	})
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]WebhookEvent(nil), rc.events...)
}

// want is an expected event: type, user and reason (-1 for none).
type want struct {
	typ    int
	user   string
	reason int
}

// check compares events with wants and the fields every event must have.
func check(t *testing.T, evs []WebhookEvent, room string, wants ...want) {
	t.Helper()
	if len(evs) != len(wants) {
		t.Fatalf("got %d events %+v, want %d", len(evs), evs, len(wants))
	}
	ids := map[string]bool{}
	for i, ev := range evs {
		w, pl := wants[i], ev.Payload
		if ev.EventType != w.typ || pl.UID != w.user || pl.ChannelName != room || ev.AppID != testAppID || pl.ChannelSID == "" || pl.TS == 0 {
			t.Errorf("event %d = %+v, want type %d user %q in room %s", i, ev, w.typ, w.user, room)
		}
		if (pl.Reason == nil) != (w.reason < 0) || (pl.Reason != nil && *pl.Reason != w.reason) {
			t.Errorf("event %d (%d %s): reason %v, want %d", i, ev.EventType, pl.UID, pl.Reason, w.reason)
		}
		if w.user != "" && (pl.USID == "" || pl.Role == nil || pl.PlatformType == nil) {
			t.Errorf("event %d lacks the user session, role or platform: %+v", i, pl)
		}
		if i > 0 && (pl.TS < evs[i-1].Payload.TS || pl.ChannelSID != evs[0].Payload.ChannelSID) {
			t.Errorf("event %d: ts %d after %d, room session %s vs %s", i, pl.TS, evs[i-1].Payload.TS, pl.ChannelSID, evs[0].Payload.ChannelSID)
		}
		if ids[ev.NoticeID] {
			t.Errorf("notice id %s repeated", ev.NoticeID)
		}
		ids[ev.NoticeID] = true
	}
}

// TestWebhooks: a receiver gets every room and user event, signed, in
// order, with anyRTC's types and fields.
func TestWebhooks(t *testing.T) {
	guard(t)
	rc := newReceiver(t)
	_, url := startServer(t, Config{Webhooks: []string{rc.url()}, WebhookBackoff: 10 * time.Millisecond})
	a, b := dial(t, url, clientOpts{}), dial(t, url, clientOpts{})
	jm := joinMsg("r", "a", signal.RoleJoiner)
	jm.Platform = "linux/amd64 confab"
	ja := a.request(jm)
	jb := b.join("r", "b", signal.RolePlayer)
	b.request(signal.Message{Type: signal.TypeLeave})
	a.close()
	evs := rc.wait(6)
	check(t, evs, "r",
		want{WebhookRoomCreated, "", -1},
		want{WebhookJoinerJoined, "a", -1},
		want{WebhookPlayerJoined, "b", -1},
		want{WebhookPlayerLeft, "b", signal.ReasonLeft},
		want{WebhookJoinerLeft, "a", signal.ReasonLeft},
		want{WebhookRoomDestroyed, "", -1})
	if pl := evs[1].Payload; pl.USID != ja.SessionID || *pl.Role != signal.RoleJoiner || pl.Platform != "linux/amd64 confab" || *pl.PlatformType != 6 {
		t.Errorf("a's join payload %+v, want session %s, role 0, platform linux (6)", pl, ja.SessionID)
	}
	if pl := evs[2].Payload; pl.USID != jb.SessionID || *pl.Role != signal.RolePlayer || *pl.PlatformType != 0 {
		t.Errorf("b's join payload %+v, want session %s, role 2, platform 0", pl, jb.SessionID)
	}
	// A new life of the room gets a new room session id.
	c := dial(t, url, clientOpts{})
	c.join("r", "c", signal.RoleJoiner)
	if evs := rc.wait(8); evs[6].Payload.ChannelSID == evs[0].Payload.ChannelSID {
		t.Error("the room session id was reused")
	}
}

// TestWebhookEndpointDown: while the endpoint fails (500, then closed)
// the call goes on untouched; when it comes back every event arrives, in
// order.
func TestWebhookEndpointDown(t *testing.T) {
	guard(t)
	rc := newReceiver(t)
	rc.failing.Store(true)
	srv, url := startServer(t, Config{Webhooks: []string{rc.url()}, WebhookBackoff: 10 * time.Millisecond, WebhookMaxBackoff: 100 * time.Millisecond})
	a, b := dial(t, url, clientOpts{}), dial(t, url, clientOpts{})
	a.join("r", "a", signal.RoleJoiner)
	b.join("r", "b", signal.RoleJoiner)
	a.publish("a", "mic", 30)
	b.flowing("a", 50)
	eventually(t, "failed attempts", func() bool { return rc.posts.Load() >= 3 })
	b.flowing("a", 50)

	rc.failing.Store(false)
	check(t, rc.wait(3), "r",
		want{WebhookRoomCreated, "", -1},
		want{WebhookJoinerJoined, "a", -1},
		want{WebhookJoinerJoined, "b", -1})

	rc.stop() // connection refused from now on
	c := dial(t, url, clientOpts{})
	c.join("r", "c", signal.RoleJoiner)
	c.flowing("a", 50)
	b.close()
	eventually(t, "failed attempts on the closed endpoint", func() bool { return srv.WebhookStats()[0].Failed >= 5 })
	c.flowing("a", 50)
	rc.restart()
	check(t, rc.wait(5), "r",
		want{WebhookRoomCreated, "", -1},
		want{WebhookJoinerJoined, "a", -1},
		want{WebhookJoinerJoined, "b", -1},
		want{WebhookJoinerJoined, "c", -1},
		want{WebhookJoinerLeft, "b", signal.ReasonLeft})
	if st := srv.WebhookStats()[0]; st.Delivered != 5 || st.Dropped != 0 {
		t.Errorf("stats %+v, want 5 delivered, none dropped", st)
	}
}

// TestWebhookQueueDropsOldest: a full queue loses its oldest event, counts
// it, and delivers the rest in order.
func TestWebhookQueueDropsOldest(t *testing.T) {
	guard(t)
	rc := newReceiver(t)
	rc.stop()
	w, err := newWebhooks(Config{AppID: testAppID, AppKey: testAppKey, Webhooks: []string{rc.url()}, WebhookQueue: 3, WebhookBackoff: 10 * time.Millisecond, WebhookMaxBackoff: 50 * time.Millisecond}, testLoggerOrDiscard())
	if err != nil {
		t.Fatal(err)
	}
	defer w.close()
	for i := range 5 {
		w.emit(WebhookEvent{EventType: WebhookRoomCreated, Payload: WebhookPayload{ChannelName: "r", ChannelSID: "s", TS: int64(i + 1)}})
	}
	st := w.stats()[0]
	if st.Dropped != 2 || st.Queued != 3 {
		t.Fatalf("stats %+v, want 2 dropped, 3 queued", st)
	}
	// An attempt already under way when an event is dropped still
	// delivers it; the second attempt from now starts after the drops.
	eventually(t, "two more failed attempts", func() bool { return w.stats()[0].Failed >= st.Failed+2 })
	rc.restart()
	evs := rc.wait(3)
	for i, ev := range evs {
		if ev.Payload.TS != int64(i+3) {
			t.Fatalf("event %d has ts %d, want %d (the oldest two dropped)", i, ev.Payload.TS, i+3)
		}
	}
}

// TestWebhookBadURL: New refuses a webhook URL it cannot post to.
func TestWebhookBadURL(t *testing.T) {
	for _, u := range []string{"ftp://x/y", "not a url", "http://"} {
		if _, err := New(Config{AppID: testAppID, AppKey: testAppKey, Webhooks: []string{u}}, nil); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
}

// testLoggerOrDiscard is testLogger, never nil.
func testLoggerOrDiscard() *slog.Logger {
	if l := testLogger(); l != nil {
		return l
	}
	return slog.New(slog.DiscardHandler)
}

// TestWebhookRoleChange: role switches are 111 (to joiner) and 112 (to
// player), with the user's session and new role.
func TestWebhookRoleChange(t *testing.T) {
	guard(t)
	rc := newReceiver(t)
	_, url := startServer(t, Config{Webhooks: []string{rc.url()}, WebhookBackoff: 10 * time.Millisecond})
	a := dial(t, url, clientOpts{})
	j := a.join("r", "a", signal.RolePlayer)
	if r := a.request(switchRoleMsg("r", "a", signal.RoleJoiner)); r.Type != signal.TypeOK {
		t.Fatalf("switch to joiner: %s %d", r.Type, r.Code)
	}
	if r := a.request(switchRoleMsg("r", "a", signal.RolePlayer)); r.Type != signal.TypeOK {
		t.Fatalf("switch to player: %s %d", r.Type, r.Code)
	}
	evs := rc.wait(4)
	check(t, evs, "r",
		want{WebhookRoomCreated, "", -1},
		want{WebhookPlayerJoined, "a", -1},
		want{WebhookRoleJoiner, "a", -1},
		want{WebhookRolePlayer, "a", -1})
	if pl := evs[2].Payload; *pl.Role != signal.RoleJoiner || pl.USID != j.SessionID || evs[2].Event != "role-changed" {
		t.Errorf("switch to joiner: %+v", evs[2])
	}
	if pl := evs[3].Payload; *pl.Role != signal.RolePlayer {
		t.Errorf("switch to player: %+v", pl)
	}
}
