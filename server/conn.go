package server

import (
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"

	"github.com/confab-rtc/confab/signal"
)

// writeWait bounds each websocket write, so a client that stopped reading
// costs its writer goroutine at most this long per frame.
const writeWait = 5 * time.Second

// flushWait bounds the final flush of queued frames when a connection
// closes: enough for an error to reach a live client, short for a dead one.
const flushWait = time.Second

// conn is one signaling websocket. The HTTP handler goroutine reads and
// dispatches requests; one writer goroutine owns every write, fed by a
// bounded queue that anyone may append to without blocking.
type conn struct {
	srv *Server
	ws  *websocket.Conn
	log *slog.Logger

	out      chan []byte   // encoded frames waiting for the writer
	quit     chan struct{} // closed by fail: flush, close the socket, stop
	quitOnce sync.Once
	done     chan struct{} // closed when the writer has stopped

	// Set once, by the first fail: why the connection ends, as a leave
	// reason for the room and a websocket close code for the client.
	endReason atomic.Int32
	endCode   atomic.Int32
	endText   atomic.Pointer[string]

	lastRecv atomic.Int64 // unix nanoseconds of the last frame received

	// limiter is the request rate bucket (nil: no limit); reader only.
	limiter *rate.Limiter

	// Owned by the reader goroutine.
	p    *participant
	errs int // consecutive failed requests
}

// noReason marks endReason as not yet decided.
const noReason = -1

func newConn(s *Server, ws *websocket.Conn, log *slog.Logger) *conn {
	c := &conn{
		srv:  s,
		ws:   ws,
		log:  log,
		out:  make(chan []byte, s.cfg.SendQueue),
		quit: make(chan struct{}),
		done: make(chan struct{}),

		limiter: newLimiter(s.cfg),
	}
	c.endReason.Store(noReason)
	c.lastRecv.Store(time.Now().UnixNano())
	return c
}

// send queues m for the client. It never blocks: a client whose queue is
// full is too slow to keep up with its room and is dropped.
func (c *conn) send(m signal.Message) {
	data, err := signal.Encode(m)
	if err != nil {
		c.log.Error("cannot encode a message", "type", m.Type, "err", err)
		return
	}
	select {
	case <-c.quit:
		return
	default:
	}
	select {
	case c.out <- data:
	default:
		c.log.Warn("dropping a slow client", "err", ErrSendQueueFull)
		c.fail(signal.ReasonNetworkCheck, websocket.ClosePolicyViolation, "too slow")
	}
}

// fail ends the connection: the writer flushes what is queued, sends a
// close frame with code and text and closes the socket, which ends the
// reader. reason is what the room will be told. The first call wins.
func (c *conn) fail(reason, code int, text string) {
	c.quitOnce.Do(func() {
		c.endReason.Store(int32(reason))
		c.endCode.Store(int32(code))
		c.endText.Store(&text)
		close(c.quit)
	})
}

// reason returns the leave reason set by fail, or def if fail was not
// called.
func (c *conn) reason(def int) int {
	if r := c.endReason.Load(); r != noReason {
		return int(r)
	}
	return def
}

// writeLoop is the writer goroutine: it sends queued frames, pings a silent
// client and drops a dead one, and closes the socket when told to quit.
func (c *conn) writeLoop() {
	defer close(c.done)
	defer c.ws.Close()
	cfg := c.srv.cfg
	tick := min(max(cfg.PingInterval/4, 10*time.Millisecond), time.Second)
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	var lastPing time.Time
	for {
		select {
		case data := <-c.out:
			if err := c.write(data, writeWait); err != nil {
				c.fail(signal.ReasonNetworkCheck, websocket.CloseAbnormalClosure, "write failed")
			}
		case now := <-ticker.C:
			switch keepaliveAt(now, time.Unix(0, c.lastRecv.Load()), lastPing, cfg.PingInterval, cfg.PeerTimeout) {
			case keepPing:
				lastPing = now
				if data, err := signal.Encode(signal.Message{Type: signal.TypePing}); err == nil {
					_ = c.write(data, writeWait)
				}
			case keepDrop:
				c.log.Info("no frame from the client; declaring it dead", "timeout", cfg.PeerTimeout)
				c.fail(signal.ReasonNetworkCheck, websocket.CloseGoingAway, "ping timeout")
			}
		case <-c.quit:
			c.flush()
			return
		}
	}
}

// flush writes what is still queued, then the close frame. Each write gets
// a short deadline: a dead client must not hold up shutdown.
func (c *conn) flush() {
	for drained := false; !drained; {
		select {
		case data := <-c.out:
			if err := c.write(data, flushWait); err != nil {
				return
			}
		default:
			drained = true
		}
	}
	text := ""
	if t := c.endText.Load(); t != nil {
		text = *t
	}
	code := int(c.endCode.Load())
	if code == websocket.CloseAbnormalClosure {
		return // a code that must not be sent; the socket is gone anyway
	}
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(flushWait))
}

// write sends one text frame within wait.
func (c *conn) write(data []byte, wait time.Duration) error {
	if err := c.ws.SetWriteDeadline(time.Now().Add(wait)); err != nil {
		return err
	}
	return c.ws.WriteMessage(websocket.TextMessage, data)
}

// readLoop reads and dispatches frames until the socket fails, and returns
// the leave reason the socket's end implies.
func (c *conn) readLoop() int {
	limit := int64(c.srv.cfg.MaxMessageBytes)
	var clock sessionClock
	for {
		_ = c.ws.SetReadDeadline(clock.deadlineAt(time.Now(), c.hasSession(), c.srv.cfg.JoinTimeout))
		typ, r, err := c.ws.NextReader()
		if err != nil {
			if isTimeout(err) && !c.hasSession() {
				c.closeSessionless(c.srv.cfg.JoinTimeout)
				return c.reason(signal.ReasonRemoved)
			}
			return c.reason(closeReason(err))
		}
		c.lastRecv.Store(time.Now().UnixNano())
		// Read at most one byte more than allowed: enough to know the frame
		// is too large without buffering all of it.
		data, err := io.ReadAll(io.LimitReader(r, limit+1))
		if err != nil {
			return c.reason(closeReason(err))
		}
		if int64(len(data)) > limit {
			c.send(signal.ErrorMessage("", signal.Errorf(signal.CodeTooLarge, "frame exceeds the limit of %d bytes", limit)))
			c.fail(signal.ReasonRemoved, websocket.CloseMessageTooBig, "frame too large")
			return c.reason(signal.ReasonRemoved)
		}
		if typ != websocket.TextMessage {
			c.failed("", signal.Errorf(signal.CodeMalformed, "frames must be text frames of JSON"))
			continue
		}
		m, perr := signal.Decode(data)
		if perr != nil {
			c.failed(m.ID, perr)
			continue
		}
		if c.limitedAt(time.Now(), m) {
			continue
		}
		if h := c.srv.faults.dispatch; h != nil {
			userID := ""
			if c.p != nil {
				userID = c.p.userID
			}
			h(userID, m)
		}
		c.dispatch(m)
	}
}

// closeReason maps how the socket ended to a leave reason: a close frame
// with a normal code is a deliberate leave, anything else a network
// failure.
func closeReason(err error) int {
	var ce *websocket.CloseError
	if errors.As(err, &ce) && (ce.Code == websocket.CloseNormalClosure || ce.Code == websocket.CloseGoingAway) {
		return signal.ReasonLeft
	}
	return signal.ReasonNetworkCheck
}

// reply sends the successful result of a request and resets the error run.
func (c *conn) reply(m signal.Message) {
	c.errs = 0
	c.send(m)
}

// failed answers request id with e. After MaxConsecutiveErrors failures in
// a row the connection is closed.
func (c *conn) failed(id string, e *signal.Error) {
	c.send(signal.ErrorMessage(id, e))
	c.errs++
	if c.errs >= MaxConsecutiveErrors {
		c.log.Info("closing a connection that keeps failing", "errors", c.errs, "last", e.Message)
		c.fail(signal.ReasonRemoved, websocket.ClosePolicyViolation, "too many errors")
	}
}
