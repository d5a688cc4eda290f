package server

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/confab-rtc/confab/internal/pionutil"
	"github.com/confab-rtc/confab/signal"
)

// receiveMTU is the read buffer of a forwarder; pion never delivers RTP
// packets larger than its receive MTU (1460 bytes).
const receiveMTU = 1500

// forwarder copies one published track to every subscriber: it reads the
// publisher's remote track and writes each packet once to a shared
// TrackLocalStaticRTP, which pion fans out to every subscribe connection the
// track is attached to. The packet path takes no lock, does not allocate
// and never waits on a subscriber.
type forwarder struct {
	pub    *participant
	remote *webrtc.TrackRemote
	local  rtpTrack      // a gatedTrack (topn.go)
	stream signal.Stream // guarded by the room's mutex once published

	// inExt is the audio-level extension id the publisher negotiated;
	// outExt the one negotiated on the subscribe side. The server offers
	// every subscribe connection from the same MediaEngine, so outExt is
	// the same for all of them.
	inExt  uint8
	outExt atomic.Uint32

	// subs are the participants this track is attached to, for their
	// forwarded-packet counters, each with its top-N gate (topn.go).
	// Copy-on-write: the room replaces the slice under subsMu, the packet
	// path only loads it.
	subsMu sync.Mutex
	subs   atomic.Pointer[[]subRef]

	// clock is the codec's RTP clock rate; fec whether it carries
	// in-band FEC, which makes loss less audible.
	clock uint32
	fec   bool
	// rx counts what arrives from the publisher, for its uplink quality
	// and stream health (quality.go).
	rx rxStats
	// The newest sequence number forwarded and the run of stale packets
	// since, for dropping old retransmissions (stale.go); owned by run.
	seqSeen  bool
	newest   uint16
	staleRun int
}

// newForwarder prepares the forwarding of remote, published by p as the
// track trackID of p's stream.
func newForwarder(p *participant, remote *webrtc.TrackRemote, recv *webrtc.RTPReceiver, trackID string) (*forwarder, error) {
	local := newGatedTrack(remote.Codec().RTPCodecCapability, trackID, p.userID)
	kind := signal.KindAudio
	if remote.Kind() == webrtc.RTPCodecTypeVideo {
		kind = signal.KindVideo
	}
	f := &forwarder{
		pub:    p,
		remote: remote,
		local:  local,
		inExt:  pionutil.AudioLevelID(recv.GetParameters().HeaderExtensions),
		clock:  remote.Codec().ClockRate,
		fec:    strings.Contains(remote.Codec().SDPFmtpLine, "useinbandfec=1"),
		stream: signal.Stream{
			UserID:   p.userID,
			Kind:     kind,
			StreamID: p.userID,
			TrackID:  trackID,
			Codec:    codecName(remote.Codec().MimeType),
		},
	}
	f.outExt.Store(uint32(f.inExt))
	f.subs.Store(&[]subRef{})
	return f, nil
}

// run forwards packets until the remote track ends (the publisher
// renegotiated it away or its connection closed).
func (f *forwarder) run() {
	buf := make([]byte, receiveMTU)
	var pkt rtp.Packet
	for {
		n, _, err := f.remote.Read(buf)
		if err != nil {
			return
		}
		f.forward(&pkt, buf[:n], time.Now().UnixNano())
	}
}

// forward handles one packet b received at now, using pkt as scratch
// space: it records the audio level, keeps only the audio-level header
// extension (under the subscribe side's id) and writes the packet to the
// shared track.
func (f *forwarder) forward(pkt *rtp.Packet, b []byte, now int64) {
	if err := pkt.Unmarshal(b); err != nil {
		f.pub.packetsDropped.Add(1)
		return
	}
	f.pub.packetsIn.Add(1)
	f.pub.bytesIn.Add(uint64(len(b)))
	f.rx.observe(pkt.SequenceNumber, pkt.Timestamp, now, len(pkt.Payload), f.clock)
	var level []byte
	if f.inExt != 0 {
		level = pkt.Header.GetExtension(f.inExt)
		if len(level) > 0 {
			f.pub.level.store(level[0], now)
			f.pub.speech.observe(level[0])
		}
	}
	if !f.fresh(pkt.SequenceNumber) {
		return
	}
	keepAudioLevel(&pkt.Header, level, uint8(f.outExt.Load()))
	_ = f.local.WriteRTP(pkt) // errors name subscribers that went away; the room removes them
	size := uint64(pkt.MarshalSize())
	for _, s := range *f.subs.Load() {
		if s.held.Load() {
			continue // top-N held this packet back from s
		}
		s.p.packetsOut.Add(1)
		s.p.bytesOut.Add(size)
	}
}

// keepAudioLevel strips every header extension from h but the audio level,
// which it sets under id out. The publisher's other extensions (mid,
// transport-wide sequence numbers) describe the publish leg and would be
// wrong or misread on the subscribe leg.
func keepAudioLevel(h *rtp.Header, level []byte, out uint8) {
	h.Extensions = h.Extensions[:0]
	h.Extension = false
	if len(level) == 0 || out == 0 {
		return
	}
	h.Extension = true
	h.ExtensionProfile = rtp.ExtensionProfileOneByte
	if out > 14 || len(level) > 16 {
		h.ExtensionProfile = rtp.ExtensionProfileTwoByte
	}
	_ = h.SetExtension(out, level)
}

// setOutExt records the audio-level id negotiated on a subscribe leg.
func (f *forwarder) setOutExt(id uint8) { f.outExt.Store(uint32(id)) }

// subRef is one subscriber of a track and its top-N gate: true while the
// track's packets are held back from it.
type subRef struct {
	p    *participant
	held *atomic.Bool
}

// addSub counts p as a subscriber of this track.
func (f *forwarder) addSub(p *participant) {
	f.subsMu.Lock()
	defer f.subsMu.Unlock()
	old := *f.subs.Load()
	for _, s := range old {
		if s.p == p {
			return
		}
	}
	next := make([]subRef, 0, len(old)+1)
	next = append(next, old...)
	next = append(next, subRef{p: p, held: &atomic.Bool{}})
	f.subs.Store(&next)
}

// heldFor returns p's top-N gate of this track, or nil if p is not a
// subscriber.
func (f *forwarder) heldFor(p *participant) *atomic.Bool {
	for _, s := range *f.subs.Load() {
		if s.p == p {
			return s.held
		}
	}
	return nil
}

// removeSub stops counting p as a subscriber of this track.
func (f *forwarder) removeSub(p *participant) {
	f.subsMu.Lock()
	defer f.subsMu.Unlock()
	old := *f.subs.Load()
	next := make([]subRef, 0, len(old))
	for _, s := range old {
		if s.p != p {
			next = append(next, s)
		}
	}
	f.subs.Store(&next)
}

// codecName turns a MIME type ("audio/opus") into the codec name of a
// stream description ("opus").
func codecName(mime string) string {
	if i := strings.LastIndexByte(mime, '/'); i >= 0 {
		mime = mime[i+1:]
	}
	return strings.ToLower(mime)
}
