package server

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
	"github.com/pion/transport/v4/test"
	"github.com/pion/webrtc/v4"

	"github.com/confab-rtc/confab/internal/pionutil"
	"github.com/confab-rtc/confab/signal"
)

const (
	testAppID  = "app-test"
	testAppKey = "0123456789abcdef"
	// waitLong bounds every wait of a test for something the server must
	// do; generous for a loaded CI machine, never reached when it works.
	waitLong = 15 * time.Second
)

// guard fails the test on leaked goroutines (checked after every other
// cleanup) and panics with all stacks if the test deadlocks.
func guard(t *testing.T) {
	t.Helper()
	t.Cleanup(test.CheckRoutines(t))
	timer := test.TimeOut(2 * time.Minute)
	t.Cleanup(func() { timer.Stop() })
}

// testLogger logs to stderr when CONFAB_TEST_LOG is set, else nowhere.
func testLogger() *slog.Logger {
	if os.Getenv("CONFAB_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return nil
}

// startServer serves a new Server through httptest and returns it with its
// websocket URL. Both are closed when the test ends.
func startServer(t *testing.T, cfg Config) (*Server, string) {
	t.Helper()
	if cfg.AppID == "" {
		cfg.AppID, cfg.AppKey = testAppID, testAppKey
	}
	srv, err := New(cfg, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		ts.Close()
	})
	return srv, "ws" + strings.TrimPrefix(ts.URL, "http") + "/v1/ws"
}

// clientAPI builds a client-side pion API like confab's: Opus, audio level,
// default interceptors, loopback host candidates. With extFirst, another
// extension is registered before the audio level so that the audio level
// gets a different id than on the server.
func clientAPI(t *testing.T, extFirst bool, dropIn *atomic.Int32) *webrtc.API {
	t.Helper()
	me := &webrtc.MediaEngine{}
	if err := me.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: pionutil.OpusCodec, PayloadType: pionutil.OpusPayloadType}, webrtc.RTPCodecTypeAudio); err != nil {
		t.Fatal(err)
	}
	if extFirst {
		if err := me.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: sdp.ABSSendTimeURI}, webrtc.RTPCodecTypeAudio); err != nil {
			t.Fatal(err)
		}
	}
	if err := me.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: sdp.AudioLevelURI}, webrtc.RTPCodecTypeAudio); err != nil {
		t.Fatal(err)
	}
	ir := &interceptor.Registry{}
	if dropIn != nil {
		// First, so it sits closest to the network: every other
		// interceptor sees the stream with the gaps.
		ir.Add(pionutil.LossyReceive(dropIn))
	}
	if err := webrtc.RegisterDefaultInterceptors(me, ir); err != nil {
		t.Fatal(err)
	}
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	return webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(se))
}

// clientOpts tunes a test client.
type clientOpts struct {
	// extFirst shifts the client's audio-level extension id (see clientAPI).
	extFirst bool
	// answerDelay makes the client answer subscribe offers late, to show
	// the server never has two offers outstanding.
	answerDelay time.Duration
	// noPong makes the client ignore the server's pings.
	noPong bool
	// rejectOffers makes the client reply error to its first
	// rejectOffers subscribe offers, as a client that cannot apply them.
	rejectOffers int
	// neverAnswer makes the client ignore subscribe offers.
	neverAnswer bool
	// dropIn, if set, drops its percentage of the RTP packets the
	// client receives (it may change while the client runs) before
	// pion's interceptors see them, so its receiver reports show the
	// loss (pionutil.LossyReceive).
	dropIn *atomic.Int32
	// onPacket, if set, sees every received packet, on the track's
	// goroutine, with the stream id (the publisher) it came on and the
	// audio-level id negotiated for it.
	onPacket func(from string, levelID uint8, p *rtp.Packet)
}

// client is a confab client for tests: a real websocket and real pion
// PeerConnections (publish and subscribe) speaking the protocol.
type client struct {
	t    *testing.T
	opts clientOpts
	ws   *websocket.Conn
	wmu  sync.Mutex
	api  *webrtc.API
	sub  *webrtc.PeerConnection
	pub  *webrtc.PeerConnection
	ids  atomic.Int64

	mu      sync.Mutex
	pending map[string]chan signal.Message
	// unanswered is the id of the subscribe offer not yet answered.
	unanswered string
	overlap    bool // an offer arrived while another was unanswered
	offers     int
	notes      chan signal.Message
	pings      atomic.Int64

	recvMu sync.Mutex
	recv   map[string]*trackStats // by stream id (publisher's userId)

	readDone chan struct{}
	readErr  error
	wg       sync.WaitGroup
	stop     chan struct{}
	closed   atomic.Bool
}

// trackStats is what a client saw of one received track.
type trackStats struct {
	packets   atomic.Int64
	withLevel atomic.Int64
	lastLevel atomic.Int32
	ended     atomic.Bool
	extID     uint8
	payloadOK atomic.Bool
}

// dial connects a client to the server at url.
func dial(t *testing.T, url string, opts clientOpts) *client {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &client{
		t: t, opts: opts, ws: ws,
		api:      clientAPI(t, opts.extFirst, opts.dropIn),
		pending:  map[string]chan signal.Message{},
		notes:    make(chan signal.Message, 1024),
		recv:     map[string]*trackStats{},
		readDone: make(chan struct{}),
		stop:     make(chan struct{}),
	}
	c.sub, err = c.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	c.sub.OnTrack(c.onTrack)
	go c.readLoop()
	t.Cleanup(c.close)
	return c
}

// close ends the client: websocket (with a normal close) and connections.
func (c *client) close() {
	if c.closed.Swap(true) {
		return
	}
	close(c.stop)
	c.wmu.Lock()
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye"), time.Now().Add(time.Second))
	c.wmu.Unlock()
	// The closing handshake: wait for the server's close frame before
	// closing the socket. Closing with unread data makes the kernel send
	// a reset, which can discard the close frame before the server reads
	// it, and the server would take a clean leave for a lost network.
	select {
	case <-c.readDone:
	case <-time.After(2 * time.Second):
	}
	_ = c.ws.Close()
	<-c.readDone
	if c.pub != nil {
		_ = c.pub.Close()
	}
	_ = c.sub.Close()
	c.wg.Wait()
}

// dropSocket closes the websocket without a close frame, as a crash would.
func (c *client) dropSocket() {
	_ = c.ws.UnderlyingConn().Close()
	<-c.readDone
}

func (c *client) readLoop() {
	defer close(c.readDone)
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			c.readErr = err
			return
		}
		var m signal.Message
		if err := json.Unmarshal(data, &m); err != nil {
			c.t.Errorf("server sent a frame that is not JSON: %q", data)
			continue
		}
		switch {
		case m.Type == signal.TypeOffer && m.PC == signal.PCSubscribe:
			c.onOffer(m)
			continue
		case m.Type == signal.TypePing:
			c.pings.Add(1)
			if !c.opts.noPong {
				c.send(signal.Message{Type: signal.TypePong, ID: m.ID})
			}
			continue
		}
		c.mu.Lock()
		ch := c.pending[m.ID]
		delete(c.pending, m.ID)
		c.mu.Unlock()
		if m.ID != "" && ch != nil {
			ch <- m
			continue
		}
		select {
		case c.notes <- m:
		default:
			c.t.Errorf("notification queue full, dropped %s", m.Type)
		}
	}
}

// onOffer answers a subscribe offer, now or after answerDelay. After a
// leave the server has closed the subscribe connection (DTLS close), so an
// offer still in flight fails with ErrConnectionClosed: that is expected.
func (c *client) onOffer(m signal.Message) {
	c.mu.Lock()
	if c.unanswered != "" {
		c.overlap = true
	}
	c.unanswered = m.ID
	c.offers++
	reject := c.offers <= c.opts.rejectOffers
	if reject {
		c.unanswered = ""
	}
	c.mu.Unlock()
	select {
	case c.notes <- m: // tests may wait for offers too
	default:
	}
	if c.opts.neverAnswer {
		return
	}
	if reject {
		c.send(signal.Message{Type: signal.TypeError, ID: m.ID, Code: signal.CodeNegotiation, Message: "test client rejects the offer"})
		return
	}
	answer := func() {
		if err := c.sub.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: m.SDP}); err != nil {
			if !c.closed.Load() && !errors.Is(err, webrtc.ErrConnectionClosed) {
				c.t.Errorf("applying subscribe offer: %v", err)
			}
			return
		}
		sdp, err := completeLocal(c.sub, c.sub.CreateAnswer)
		if err != nil {
			if !c.closed.Load() && !errors.Is(err, webrtc.ErrConnectionClosed) {
				c.t.Errorf("answering subscribe offer: %v", err)
			}
			return
		}
		c.mu.Lock()
		c.unanswered = ""
		c.mu.Unlock()
		c.send(signal.Message{Type: signal.TypeAnswer, ID: m.ID, PC: signal.PCSubscribe, SDP: sdp})
	}
	if c.opts.answerDelay == 0 {
		answer()
		return
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		select {
		case <-time.After(c.opts.answerDelay):
			answer()
		case <-c.stop:
		}
	}()
}

// completeLocal creates a local description with make, applies it and
// returns it once ICE gathering is complete (non-trickle).
func completeLocal(pc *webrtc.PeerConnection, create func(*webrtc.AnswerOptions) (webrtc.SessionDescription, error)) (string, error) {
	desc, err := create(nil)
	if err != nil {
		return "", err
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(desc); err != nil {
		return "", err
	}
	select {
	case <-gathered:
	case <-time.After(waitLong):
		return "", errors.New("ICE gathering did not complete")
	}
	return pc.LocalDescription().SDP, nil
}

// onTrack counts the packets of a received track and checks their audio
// level extension and payload.
func (c *client) onTrack(tr *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
	st := &trackStats{extID: pionutil.AudioLevelID(recv.GetParameters().HeaderExtensions)}
	st.lastLevel.Store(-1)
	st.payloadOK.Store(true)
	c.recvMu.Lock()
	c.recv[tr.StreamID()] = st
	c.recvMu.Unlock()
	c.wg.Add(1)
	defer c.wg.Done()
	buf := make([]byte, 1500)
	var pkt rtp.Packet
	for {
		n, _, err := tr.Read(buf)
		if err != nil {
			st.ended.Store(true)
			return
		}
		if err := pkt.Unmarshal(buf[:n]); err != nil {
			c.t.Errorf("received a packet that is not RTP: %v", err)
			continue
		}
		st.packets.Add(1)
		if st.extID != 0 {
			if l := pkt.Header.GetExtension(st.extID); len(l) == 1 {
				st.withLevel.Add(1)
				st.lastLevel.Store(int32(l[0]))
			}
		}
		if !strings.HasPrefix(string(pkt.Payload), string(opusTOC)) {
			st.payloadOK.Store(false)
		}
		if c.opts.onPacket != nil {
			c.opts.onPacket(tr.StreamID(), st.extID, &pkt)
		}
	}
}

// track returns what the client received from the stream of userID.
func (c *client) track(userID string) *trackStats {
	c.recvMu.Lock()
	defer c.recvMu.Unlock()
	return c.recv[userID]
}

func (c *client) send(m signal.Message) {
	data, err := signal.Encode(m)
	if err != nil {
		c.t.Fatal(err)
	}
	c.sendRaw(websocket.TextMessage, data)
}

func (c *client) sendRaw(typ int, data []byte) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_ = c.ws.WriteMessage(typ, data) // a closed socket shows up in the test's reads
}

// request sends m with a fresh id and returns the reply.
func (c *client) request(m signal.Message) signal.Message {
	c.t.Helper()
	m.ID = "c" + strconv.FormatInt(c.ids.Add(1), 10)
	ch := make(chan signal.Message, 1)
	c.mu.Lock()
	c.pending[m.ID] = ch
	c.mu.Unlock()
	c.send(m)
	select {
	case r := <-ch:
		return r
	case <-c.readDone:
		c.t.Fatalf("connection closed waiting for the reply to %s: %v", m.Type, c.readErr)
	case <-time.After(waitLong):
		c.t.Fatalf("no reply to %s", m.Type)
	}
	return signal.Message{}
}

// joinMsg is a correctly signed join.
func joinMsg(room, user string, role int) signal.Message {
	ctime := time.Now().Add(time.Hour).Unix()
	return signal.Message{
		Type: signal.TypeJoin, Version: signal.Version, AppID: testAppID,
		Room: room, UserID: user, UserName: "User " + user, Role: role,
		CTime: ctime, Signature: signal.Sign(testAppKey, testAppID, room, user, ctime),
	}
}

// join joins room as user and fails the test unless it worked.
func (c *client) join(room, user string, role int) signal.Message {
	c.t.Helper()
	r := c.request(joinMsg(room, user, role))
	if r.Type != signal.TypeJoined {
		c.t.Fatalf("join %s/%s: got %s %d %s", room, user, r.Type, r.Code, r.Message)
	}
	return r
}

// waitNote returns the next notification of type typ, skipping others.
func (c *client) waitNote(typ string) signal.Message {
	c.t.Helper()
	deadline := time.After(waitLong)
	for {
		select {
		case m := <-c.notes:
			if m.Type == typ {
				return m
			}
		case <-deadline:
			c.t.Fatalf("no %s notification", typ)
			return signal.Message{}
		}
	}
}

// opusTOC starts every test payload: the TOC byte of a 20 ms CELT
// fullband mono frame, so the payload looks like Opus to anyone checking.
var opusTOC = []byte{0xfc}

// publisher sends an Opus stream with the audio-level extension.
type publisher struct {
	track  *webrtc.TrackLocalStaticRTP
	sender *webrtc.RTPSender
	extID  uint8
	level  atomic.Uint32 // the extension byte sent (V bit | -dBov)
	sent   atomic.Int64
	// lossPct drops this percentage of the packets before they leave (the
	// sequence numbers still advance, as on a lossy link); paused stops
	// sending altogether (and the sequence numbers with it).
	lossPct atomic.Int32
	paused  atomic.Bool
	// next, if set, makes each packet's payload and level; otherwise the
	// payload is synthetic and the level is the one in level.
	next func() (payload []byte, level byte)
}

// publish opens the publish connection with one Opus track and starts
// sending a synthetic packet with the given level every 20 ms until the
// client closes.
func (c *client) publish(userID, trackID string, level byte) *publisher {
	c.t.Helper()
	return c.publishWith(userID, trackID, level, nil)
}

// publishWith is publish with payloads and levels made by next.
func (c *client) publishWith(userID, trackID string, level byte, next func() ([]byte, byte)) *publisher {
	c.t.Helper()
	pc, err := c.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		c.t.Fatal(err)
	}
	c.pub = pc
	tr, err := webrtc.NewTrackLocalStaticRTP(pionutil.OpusCodec, trackID, userID)
	if err != nil {
		c.t.Fatal(err)
	}
	sender, err := pc.AddTrack(tr)
	if err != nil {
		c.t.Fatal(err)
	}
	offer, err := completeLocal(pc, func(*webrtc.AnswerOptions) (webrtc.SessionDescription, error) { return pc.CreateOffer(nil) })
	if err != nil {
		c.t.Fatal(err)
	}
	r := c.request(signal.Message{Type: signal.TypeOffer, PC: signal.PCPublish, SDP: offer})
	if r.Type != signal.TypeAnswer || r.PC != signal.PCPublish {
		c.t.Fatalf("publish offer: got %s %d %s", r.Type, r.Code, r.Message)
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: r.SDP}); err != nil {
		c.t.Fatal(err)
	}
	p := &publisher{track: tr, sender: sender, extID: pionutil.AudioLevelID(sender.GetParameters().HeaderExtensions), next: next}
	if p.extID == 0 {
		c.t.Fatal("the audio-level extension was not negotiated on the publish connection")
	}
	p.level.Store(uint32(level))
	c.wg.Add(2)
	go func() {
		defer c.wg.Done()
		drainRTCP(sender)
	}()
	go func() {
		defer c.wg.Done()
		p.run(c.stop)
	}()
	return p
}

// run sends one packet every 20 ms, as an Opus encoder would.
func (p *publisher) run(stop <-chan struct{}) {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	payload := append(append([]byte{}, opusTOC...), make([]byte, 40)...)
	pkt := rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: 65500, Timestamp: 1 << 31}}
	for n := int32(0); ; {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		if p.paused.Load() {
			continue
		}
		pkt.SequenceNumber++ // wraps past 65535 after 35 packets
		pkt.Timestamp += 960
		if loss := p.lossPct.Load(); loss > 0 {
			// Exactly loss of every 100 consecutive packets.
			n++
			if n*loss%100 < loss {
				continue
			}
		}
		pkt.Payload = payload
		level := byte(p.level.Load())
		if p.next != nil {
			pkt.Payload, level = p.next()
		}
		pkt.Header.Extensions = pkt.Header.Extensions[:0]
		pkt.Header.Extension = false
		_ = pkt.Header.SetExtension(p.extID, []byte{level})
		_ = p.track.WriteRTP(&pkt) // fails only for a closed connection
		p.sent.Add(1)
	}
}

// eventually polls cond until it holds or waitLong passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLong)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// packetsFrom returns how many packets c received from userID so far.
func (c *client) packetsFrom(userID string) int64 {
	if st := c.track(userID); st != nil {
		return st.packets.Load()
	}
	return 0
}

// flowing waits until c receives at least n more packets from userID.
func (c *client) flowing(userID string, n int64) {
	c.t.Helper()
	start := c.packetsFrom(userID)
	eventually(c.t, "packets from "+userID, func() bool { return c.packetsFrom(userID) >= start+n })
}

// roundTrip sends a raw frame and returns the server's error reply: the
// reply to id, or with id "" the next error notification.
func (c *client) roundTrip(typ int, frame []byte, id string) signal.Message {
	c.t.Helper()
	ch := make(chan signal.Message, 1)
	if id != "" {
		c.mu.Lock()
		c.pending[id] = ch
		c.mu.Unlock()
	}
	c.sendRaw(typ, frame)
	deadline := time.After(waitLong)
	for {
		select {
		case r := <-ch:
			return r
		case m := <-c.notes:
			if id == "" && m.Type == signal.TypeError {
				return m
			}
		case <-c.readDone:
			// The reply may have been read just before the close.
			select {
			case r := <-ch:
				return r
			case m := <-c.notes:
				if m.Type == signal.TypeError {
					return m
				}
			default:
			}
			c.t.Fatalf("connection closed without a reply: %v", c.readErr)
		case <-deadline:
			c.t.Fatal("no reply")
		}
	}
}

// closeCode waits until the server closes c's websocket and returns the
// close code it sent (websocket.CloseAbnormalClosure if none).
func (c *client) closeCode() int {
	c.t.Helper()
	select {
	case <-c.readDone:
	case <-time.After(waitLong):
		c.t.Fatal("the server did not close the connection")
	}
	var ce *websocket.CloseError
	if errors.As(c.readErr, &ce) {
		return ce.Code
	}
	return websocket.CloseAbnormalClosure
}

// alive checks that the connection still answers a ping.
func (c *client) alive() {
	c.t.Helper()
	if r := c.request(signal.Message{Type: signal.TypePing}); r.Type != signal.TypePong {
		c.t.Fatalf("ping: got %s %d %s", r.Type, r.Code, r.Message)
	}
}

// mustJSON encodes m for a raw frame.
func mustJSON(t *testing.T, m signal.Message) []byte {
	t.Helper()
	b, err := signal.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
