package server

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// Webhook event types, numbered as anyRTC's server notifications
// (seeds/anyrtc-server-notifications-zh.txt). A joiner is anyRTC's
// broadcaster, a player its audience.
const (
	// WebhookRoomCreated: the first participant joined a room (anyRTC 101,
	// channel create).
	WebhookRoomCreated = 101
	// WebhookRoomDestroyed: the last participant left (anyRTC 102).
	WebhookRoomDestroyed = 102
	// WebhookJoinerJoined: a joiner joined (anyRTC 103, broadcaster join).
	WebhookJoinerJoined = 103
	// WebhookJoinerLeft: a joiner left (anyRTC 104, broadcaster leave).
	WebhookJoinerLeft = 104
	// WebhookPlayerJoined: a player joined (anyRTC 105, audience join).
	WebhookPlayerJoined = 105
	// WebhookPlayerLeft: a player left (anyRTC 106, audience leave).
	WebhookPlayerLeft = 106
	// WebhookRoleJoiner: a player switched to joiner (anyRTC 111, role
	// change to broadcaster).
	WebhookRoleJoiner = 111
	// WebhookRolePlayer: a joiner switched to player (anyRTC 112, role
	// change to audience).
	WebhookRolePlayer = 112
)

// WebhookSignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the
// request body keyed with the app key (WebhookSignature).
const WebhookSignatureHeader = "X-Confab-Signature"

// Webhook delivery defaults, for zero Config fields.
const (
	// DefaultWebhookQueue is how many undelivered events an endpoint may
	// have queued; when it is full the oldest is dropped and counted.
	DefaultWebhookQueue = 1024
	// DefaultWebhookBackoff is the first retry delay; it doubles per
	// failed attempt up to DefaultWebhookMaxBackoff.
	DefaultWebhookBackoff = 500 * time.Millisecond
	// DefaultWebhookMaxBackoff caps the retry delay.
	DefaultWebhookMaxBackoff = 30 * time.Second
	// webhookTimeout bounds one POST.
	webhookTimeout = 5 * time.Second
	// webhookDrain is how long Close waits for queued events to go out.
	webhookDrain = 2 * time.Second
)

// WebhookEvent is the JSON body POSTed to every webhook URL.
type WebhookEvent struct {
	// NoticeID is unique per event, for receivers to drop duplicates (a
	// retried POST may arrive twice if an earlier attempt's answer was
	// lost).
	NoticeID string `json:"noticeId"`
	// EventType is one of the Webhook* numbers.
	EventType int `json:"eventType"`
	// Event names it: room-created, room-destroyed, user-joined, user-left.
	Event string `json:"event"`
	// AppID is the server's app.
	AppID string `json:"appId"`
	// Payload holds anyRTC's fields.
	Payload WebhookPayload `json:"payload"`
}

// WebhookPayload are the event's fields, named as anyRTC's.
type WebhookPayload struct {
	// ChannelName is the room id.
	ChannelName string `json:"channelName"`
	// ChannelSID is the room session id: one per life of the room, so a
	// room name used again gets a new one.
	ChannelSID string `json:"channelSId"`
	// TS is when it happened, Unix milliseconds.
	TS int64 `json:"ts"`
	// UID is the user of a user event.
	UID string `json:"uid,omitempty"`
	// USID is the user's session id (its joined reply's sessionId).
	USID string `json:"uSId,omitempty"`
	// Role is the user's role (0 joiner, 2 player), user events only.
	Role *int `json:"role,omitempty"`
	// Platform is the client's platform string from its join;
	// PlatformType is anyRTC's number for it (1 Android, 2 iOS, 5
	// Windows, 6 Linux, 7 Web, 8 macOS, 0 other).
	Platform     string `json:"platform,omitempty"`
	PlatformType *int   `json:"platformType,omitempty"`
	// Reason is the leave reason of user-left: confab's peer-leave reason
	// (0-10, SparkRTC's numbering, signal/reasons.go).
	Reason *int `json:"reason,omitempty"`
}

// WebhookSignature returns the value of the WebhookSignatureHeader for
// body: "sha256=" + hex(HMAC-SHA256(appKey, body)).
func WebhookSignature(appKey string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(appKey))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// WebhookStats counts one endpoint's deliveries.
type WebhookStats struct {
	URL string
	// Delivered counts events the endpoint accepted (2xx).
	Delivered uint64
	// Failed counts failed attempts (each retry counts).
	Failed uint64
	// Dropped counts events given up on: pushed out of a full queue, or
	// refused with a 4xx status other than 408 and 429. An event pushed
	// out while a POST of it is under way may still be delivered.
	Dropped uint64
	// Queued is how many events wait.
	Queued int
}

// webhooks delivers events to every configured endpoint. Each endpoint has
// its own bounded queue and one worker goroutine that POSTs the events in
// the order they were queued, so events reach it in order per room (they
// are queued under the room's mutex). Queuing never blocks: when a queue
// is full the oldest event is dropped and counted, so a dead or slow
// endpoint costs memory up to its queue bound and nothing else.
type webhooks struct {
	appID, appKey string
	log           *slog.Logger
	client        *http.Client
	backoff, max  time.Duration
	eps           []*endpoint
	seq           atomic.Uint64 // for notice ids

	stopping  chan struct{} // closed by close: workers exit once drained
	quit      chan struct{} // closed after the drain time: workers exit now
	ctx       context.Context
	cancel    context.CancelFunc
	closeOnce sync.Once
	wg        sync.WaitGroup
}

// endpoint is one webhook URL and its queue.
type endpoint struct {
	url   string
	limit int

	mu    sync.Mutex
	queue []queuedEvent
	next  uint64 // sequence number of the next event queued

	wake      chan struct{} // capacity 1: something was queued
	delivered atomic.Uint64
	failed    atomic.Uint64
	dropped   atomic.Uint64
}

// queuedEvent is an encoded event waiting for delivery.
type queuedEvent struct {
	seq  uint64
	body []byte
}

// newWebhooks checks the URLs and starts a worker per endpoint; with no
// URLs it returns a sender that does nothing.
func newWebhooks(cfg Config, log *slog.Logger) (*webhooks, error) {
	w := &webhooks{
		appID: cfg.AppID, appKey: cfg.AppKey, log: log,
		client:   &http.Client{Timeout: webhookTimeout},
		backoff:  cfg.WebhookBackoff,
		max:      cfg.WebhookMaxBackoff,
		stopping: make(chan struct{}),
		quit:     make(chan struct{}),
	}
	if w.backoff <= 0 {
		w.backoff = DefaultWebhookBackoff
	}
	if w.max <= 0 {
		w.max = DefaultWebhookMaxBackoff
	}
	w.max = max(w.max, w.backoff)
	limit := cfg.WebhookQueue
	if limit <= 0 {
		limit = DefaultWebhookQueue
	}
	for _, raw := range cfg.Webhooks {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("%w: webhook URL %q must be an http or https URL", ErrConfig, raw)
		}
		w.eps = append(w.eps, &endpoint{url: raw, limit: limit, wake: make(chan struct{}, 1)})
	}
	w.ctx, w.cancel = context.WithCancel(context.Background())
	for _, ep := range w.eps {
		w.wg.Add(1)
		go w.run(ep)
	}
	return w, nil
}

// emit queues ev for every endpoint. It never blocks on the network; it is
// called with the room's mutex held, which is what orders a room's events.
func (w *webhooks) emit(ev WebhookEvent) {
	if len(w.eps) == 0 {
		return
	}
	ev.AppID = w.appID
	ev.NoticeID = fmt.Sprintf("%s-%d", ev.Payload.ChannelSID, w.seq.Add(1))
	body, err := json.Marshal(ev)
	if err != nil {
		w.log.Error("cannot encode a webhook event", "err", err)
		return
	}
	for _, ep := range w.eps {
		ep.push(body)
	}
}

// push queues body, dropping the oldest event if the queue is full.
func (ep *endpoint) push(body []byte) {
	ep.mu.Lock()
	if len(ep.queue) >= ep.limit {
		ep.queue = ep.queue[1:]
		ep.dropped.Add(1)
	}
	ep.queue = append(ep.queue, queuedEvent{seq: ep.next, body: body})
	ep.next++
	ep.mu.Unlock()
	select {
	case ep.wake <- struct{}{}:
	default:
	}
}

// head returns the oldest queued event.
func (ep *endpoint) head() (queuedEvent, bool) {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if len(ep.queue) == 0 {
		return queuedEvent{}, false
	}
	return ep.queue[0], true
}

// pop removes event seq if it is still the oldest (it may have been
// dropped from a full queue while it was being sent).
func (ep *endpoint) pop(seq uint64) {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if len(ep.queue) > 0 && ep.queue[0].seq == seq {
		ep.queue[0] = queuedEvent{}
		ep.queue = ep.queue[1:]
	}
}

// run is an endpoint's worker: it sends the oldest event until the
// endpoint takes it, waiting longer after each failure, then the next.
func (w *webhooks) run(ep *endpoint) {
	defer w.wg.Done()
	delay := w.backoff
	for {
		ev, ok := ep.head()
		if !ok {
			select {
			case <-ep.wake:
				continue
			case <-w.stopping:
				return
			case <-w.quit:
				return
			}
		}
		switch w.post(ep, ev.body) {
		case deliverOK:
			ep.delivered.Add(1)
			ep.pop(ev.seq)
			delay = w.backoff
			continue
		case deliverRefused:
			ep.dropped.Add(1)
			ep.pop(ev.seq)
			delay = w.backoff
			continue
		}
		ep.failed.Add(1)
		select {
		case <-time.After(delay):
		case <-w.quit:
			return
		}
		delay = min(2*delay, w.max)
	}
}

// Outcomes of one POST.
const (
	deliverOK = iota
	deliverRetry
	deliverRefused
)

// post sends body once and says what to do next.
func (w *webhooks) post(ep *endpoint, body []byte) int {
	req, err := http.NewRequestWithContext(w.ctx, http.MethodPost, ep.url, bytes.NewReader(body))
	if err != nil {
		return deliverRefused
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(WebhookSignatureHeader, WebhookSignature(w.appKey, body))
	resp, err := w.client.Do(req)
	if err != nil {
		w.log.Debug("webhook delivery failed", "url", ep.url, "err", err)
		return deliverRetry
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return deliverOK
	case resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusTooManyRequests:
		w.log.Warn("webhook endpoint refused an event; dropping it", "url", ep.url, "status", resp.StatusCode)
		return deliverRefused
	}
	w.log.Debug("webhook delivery failed", "url", ep.url, "status", resp.StatusCode)
	return deliverRetry
}

// stats reports every endpoint's counters.
func (w *webhooks) stats() []WebhookStats {
	out := make([]WebhookStats, 0, len(w.eps))
	for _, ep := range w.eps {
		ep.mu.Lock()
		n := len(ep.queue)
		ep.mu.Unlock()
		out = append(out, WebhookStats{URL: ep.url, Delivered: ep.delivered.Load(), Failed: ep.failed.Load(), Dropped: ep.dropped.Load(), Queued: n})
	}
	return out
}

// close lets the workers deliver what is queued for up to webhookDrain,
// then stops them. It is idempotent.
func (w *webhooks) close() {
	w.closeOnce.Do(func() {
		close(w.stopping)
		done := make(chan struct{})
		go func() { w.wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(webhookDrain):
		}
		close(w.quit)
		w.cancel()
	})
	w.wg.Wait()
}

// WebhookStats reports each webhook endpoint's delivery counters.
func (s *Server) WebhookStats() []WebhookStats { return s.hooks.stats() }
