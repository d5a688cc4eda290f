package sfubench

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"

	"github.com/confab-rtc/confab/internal/pionutil"
	"github.com/confab-rtc/confab/signal"
)

const (
	// payloadSize is about a 20 ms Opus frame at 32-40 kbit/s.
	payloadSize = 100
	// frameInterval is one Opus frame: 50 packets per second.
	frameInterval = 20 * time.Millisecond
	// opusTOC starts every payload: a 20 ms CELT fullband mono frame, so
	// the payload looks like Opus to anyone checking.
	opusTOC = 0xfc
	// signalWait bounds every signaling exchange of a bench client.
	signalWait = 20 * time.Second
)

// newLeanAPI builds the load generator's pion API: Opus and the audio
// level like a confab client, but no interceptors (no NACK buffers, RTCP
// reports or TWCC), so that the generator spends its core on packets, and
// ICE on the loopback interface only, so that all traffic stays on
// 127.0.0.1.
func newLeanAPI() (*webrtc.API, error) {
	me := &webrtc.MediaEngine{}
	if err := me.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: pionutil.OpusCodec, PayloadType: pionutil.OpusPayloadType}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	if err := me.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: sdp.AudioLevelURI}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	// Loopback does not replay packets; the detector's per-packet window
	// shifts are work the server does not do for the packets it sends.
	se.DisableSRTPReplayProtection(true)
	se.DisableSRTCPReplayProtection(true)
	return webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithInterceptorRegistry(&interceptor.Registry{}), webrtc.WithSettingEngine(se)), nil
}

// window is the measurement interval, in ns of the bench clock: only
// packets sent inside it are counted, so packets in flight when a step
// ends count for the step that sent them. Empty (start == end) between
// steps.
type window struct{ start, end atomic.Int64 }

// in reports whether send time t falls in the window.
func (w *window) in(t int64) bool { return t >= w.start.Load() && t < w.end.Load() }

// clock is the monotonic clock every send and receive time is read from.
type clock struct{ base time.Time }

// now is the time since the bench started, in ns.
func (c clock) now() int64 { return int64(time.Since(c.base)) }

// member is one bench participant: a websocket, a subscribe connection
// that receives everything the server sends it and, for a publisher, a
// publish connection sending one audio track.
type member struct {
	userID string
	clk    clock
	win    *window
	api    *webrtc.API

	ws  *websocket.Conn
	wmu sync.Mutex
	sub *webrtc.PeerConnection
	pub *webrtc.PeerConnection

	mu      sync.Mutex
	pending map[string]chan signal.Message
	ids     int
	failed  error // the first signaling failure after joining
	ending  bool  // close has begun: no new track goroutines

	readDone chan struct{}
	stop     chan struct{}
	stopped  sync.Once
	closed   sync.Once
	wg       sync.WaitGroup

	// Receive side, written on the tracks' goroutines.
	tracks  atomic.Int64 // tracks that delivered at least one packet
	recvAll atomic.Uint64
	recvWin atomic.Uint64 // packets whose send time is in the window
	bad     atomic.Uint64 // packets without a bench payload
	lat     histogram     // latency of the packets counted in recvWin

	// Send side (publishers).
	sentAll atomic.Uint64
	sentWin atomic.Uint64
	lag     *histogram // shared: how late the sender ran after its tick
}

// joinSpec says how a member joins.
type joinSpec struct {
	url, appID, appKey string
	room, userID       string
	publish            bool
	level              byte          // the audio-level byte it sends (V flag | -dBov)
	phase              time.Duration // offset of its 20 ms send grid
}

// join connects a member and, for a publisher, starts its sender. The
// member is closed on failure.
func join(ctx context.Context, api *webrtc.API, clk clock, win *window, lag *histogram, js joinSpec) (*member, error) {
	d := websocket.Dialer{HandshakeTimeout: signalWait}
	ws, _, err := d.DialContext(ctx, js.url, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: dial: %w", js.userID, err)
	}
	m := &member{
		userID: js.userID, clk: clk, win: win, lag: lag, api: api, ws: ws,
		pending:  map[string]chan signal.Message{},
		readDone: make(chan struct{}),
		stop:     make(chan struct{}),
	}
	if m.sub, err = api.NewPeerConnection(webrtc.Configuration{}); err != nil {
		ws.Close()
		return nil, err
	}
	m.sub.OnTrack(m.receive)
	go m.readLoop()
	if err := m.setUp(js); err != nil {
		m.close()
		return nil, fmt.Errorf("%s: %w", js.userID, err)
	}
	return m, nil
}

// setUp joins the room and opens the publish connection.
func (m *member) setUp(js joinSpec) error {
	role := signal.RolePlayer
	if js.publish {
		role = signal.RoleJoiner
	}
	ctime := time.Now().Add(time.Hour).Unix()
	r, err := m.request(signal.Message{
		Type: signal.TypeJoin, Version: signal.Version, AppID: js.appID,
		Room: js.room, UserID: js.userID, UserName: js.userID, Role: role, Platform: "confab-bench",
		CTime: ctime, Signature: signal.Sign(js.appKey, js.appID, js.room, js.userID, ctime),
	})
	if err != nil {
		return err
	}
	if r.Type != signal.TypeJoined {
		return fmt.Errorf("join: %s %d %s", r.Type, r.Code, r.Message)
	}
	if !js.publish {
		return nil
	}
	pc, err := m.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return err
	}
	m.pub = pc
	tr, err := webrtc.NewTrackLocalStaticRTP(pionutil.OpusCodec, "audio", js.userID)
	if err != nil {
		return err
	}
	sender, err := pc.AddTrack(tr)
	if err != nil {
		return err
	}
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		return err
	}
	sdp, err := complete(pc, offer)
	if err != nil {
		return err
	}
	r, err = m.request(signal.Message{Type: signal.TypeOffer, PC: signal.PCPublish, SDP: sdp})
	if err != nil {
		return err
	}
	if r.Type != signal.TypeAnswer {
		return fmt.Errorf("publish: %s %d %s", r.Type, r.Code, r.Message)
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: r.SDP}); err != nil {
		return err
	}
	ext := pionutil.AudioLevelID(sender.GetParameters().HeaderExtensions)
	if ext == 0 {
		return errors.New("the audio-level extension was not negotiated")
	}
	m.wg.Add(2)
	go func() {
		defer m.wg.Done()
		buf := make([]byte, 1500)
		for { // RTCP from the server; read so pion's buffer never fills
			if _, _, err := sender.Read(buf); err != nil {
				return
			}
		}
	}()
	go func() {
		defer m.wg.Done()
		m.send(tr, ext, js.level, js.phase)
	}()
	return nil
}

// complete applies a local description and returns it with all ICE
// candidates (the protocol does not trickle).
func complete(pc *webrtc.PeerConnection, desc webrtc.SessionDescription) (string, error) {
	return pionutil.SetLocalAndGather(context.Background(), pc, desc, signalWait)
}

// send writes one packet every 20 ms, phase after the grid of the bench
// clock, until the member stops. Each payload carries its send time; the
// packet and payload are reused, so sending does not allocate.
func (m *member) send(tr *webrtc.TrackLocalStaticRTP, ext uint8, level byte, phase time.Duration) {
	select {
	case <-time.After(phase):
	case <-m.stop:
		return
	}
	tick := time.NewTicker(frameInterval)
	defer tick.Stop()
	payload := make([]byte, payloadSize)
	payload[0] = opusTOC
	lvl := []byte{level}
	pkt := rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: 1, Timestamp: 960}, Payload: payload}
	for {
		select {
		case <-m.stop:
			return
		case at := <-tick.C:
			if m.win.in(m.clk.now()) {
				m.lag.add(time.Since(at))
			}
		}
		now := m.clk.now()
		binary.BigEndian.PutUint64(payload[1:9], uint64(now))
		pkt.SequenceNumber++
		pkt.Timestamp += 960
		pkt.Header.Extensions = pkt.Header.Extensions[:0]
		pkt.Header.Extension = false
		_ = pkt.Header.SetExtension(ext, lvl)
		if err := tr.WriteRTP(&pkt); err != nil {
			return // the connection closed
		}
		m.sentAll.Add(1)
		if m.win.in(now) {
			m.sentWin.Add(1)
		}
	}
}

// receive counts the packets of one received track and their latency. It
// runs on the track's goroutine and does not allocate per packet.
func (m *member) receive(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
	m.mu.Lock()
	if m.ending {
		m.mu.Unlock()
		return
	}
	m.wg.Add(1)
	m.mu.Unlock()
	defer m.wg.Done()
	buf := make([]byte, 1500)
	first := true
	for {
		n, _, err := tr.Read(buf)
		if err != nil {
			return
		}
		now := m.clk.now()
		sent, ok := sendTime(buf[:n])
		if !ok {
			m.bad.Add(1)
			continue
		}
		if first {
			first = false
			m.tracks.Add(1)
		}
		m.recvAll.Add(1)
		if m.win.in(sent) {
			m.recvWin.Add(1)
			m.lat.add(time.Duration(now - sent))
		}
	}
}

// sendTime reads the send time a bench publisher put in the payload of
// the RTP packet b.
func sendTime(b []byte) (int64, bool) {
	if len(b) < 12 || b[0]>>6 != 2 {
		return 0, false
	}
	off := 12 + 4*int(b[0]&0x0f)
	if b[0]&0x10 != 0 {
		if len(b) < off+4 {
			return 0, false
		}
		off += 4 + 4*int(binary.BigEndian.Uint16(b[off+2:]))
	}
	end := len(b)
	if b[0]&0x20 != 0 && end > off {
		end -= int(b[end-1])
	}
	if end-off < 9 || b[off] != opusTOC {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(b[off+1 : off+9])), true
}

// readLoop handles the server's frames: replies, subscribe offers (each
// answered at once) and pings.
func (m *member) readLoop() {
	defer close(m.readDone)
	for {
		_, data, err := m.ws.ReadMessage()
		if err != nil {
			m.fail(fmt.Errorf("signaling: %w", err))
			return
		}
		var msg signal.Message
		if err := json.Unmarshal(data, &msg); err != nil {
			continue
		}
		switch {
		case msg.Type == signal.TypeOffer && msg.PC == signal.PCSubscribe:
			m.answer(msg)
			continue
		case msg.Type == signal.TypePing:
			m.write(signal.Message{Type: signal.TypePong, ID: msg.ID})
			continue
		}
		if msg.ID == "" {
			continue // notifications: the bench does not need them
		}
		m.mu.Lock()
		ch := m.pending[msg.ID]
		delete(m.pending, msg.ID)
		m.mu.Unlock()
		if ch != nil {
			ch <- msg
		}
	}
}

// answer applies a subscribe offer and replies with the answer.
func (m *member) answer(offer signal.Message) {
	if err := m.sub.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer.SDP}); err != nil {
		m.fail(fmt.Errorf("subscribe offer: %w", err))
		m.write(signal.Message{Type: signal.TypeError, ID: offer.ID, Code: signal.CodeNegotiation, Message: err.Error()})
		return
	}
	desc, err := m.sub.CreateAnswer(nil)
	if err != nil {
		m.fail(fmt.Errorf("subscribe answer: %w", err))
		return
	}
	sdp, err := complete(m.sub, desc)
	if err != nil {
		m.fail(fmt.Errorf("subscribe answer: %w", err))
		return
	}
	m.write(signal.Message{Type: signal.TypeAnswer, ID: offer.ID, PC: signal.PCSubscribe, SDP: sdp})
}

// request sends msg with a fresh id and waits for the reply.
func (m *member) request(msg signal.Message) (signal.Message, error) {
	ch := make(chan signal.Message, 1)
	m.mu.Lock()
	m.ids++
	msg.ID = "b" + strconv.Itoa(m.ids)
	m.pending[msg.ID] = ch
	m.mu.Unlock()
	if err := m.write(msg); err != nil {
		return signal.Message{}, err
	}
	select {
	case r := <-ch:
		return r, nil
	case <-m.readDone:
		return signal.Message{}, fmt.Errorf("connection closed waiting for the reply to %s", msg.Type)
	case <-time.After(signalWait):
		return signal.Message{}, fmt.Errorf("no reply to %s within %s", msg.Type, signalWait)
	}
}

// write sends one frame.
func (m *member) write(msg signal.Message) error {
	data, err := signal.Encode(msg)
	if err != nil {
		return err
	}
	m.wmu.Lock()
	defer m.wmu.Unlock()
	_ = m.ws.SetWriteDeadline(time.Now().Add(signalWait))
	return m.ws.WriteMessage(websocket.TextMessage, data)
}

// fail records the member's first failure, unless it is closing.
func (m *member) fail(err error) {
	select {
	case <-m.stop:
		return
	default:
	}
	m.mu.Lock()
	if m.failed == nil {
		m.failed = err
	}
	m.mu.Unlock()
}

// err returns the member's first failure.
func (m *member) err() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.failed
}

// stopSending stops the publisher's packets; the connections stay up.
func (m *member) stopSending() { m.stopped.Do(func() { close(m.stop) }) }

// close leaves: websocket closed normally, connections closed, every
// goroutine of the member done. Idempotent.
func (m *member) close() {
	m.closed.Do(func() {
		m.stopSending()
		m.mu.Lock()
		m.ending = true
		m.mu.Unlock()
		m.wmu.Lock()
		_ = m.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bench done"), time.Now().Add(time.Second))
		m.wmu.Unlock()
		_ = m.ws.Close()
		<-m.readDone
		if m.pub != nil {
			_ = m.pub.Close()
		}
		_ = m.sub.Close()
		m.wg.Wait()
	})
}
