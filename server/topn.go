package server

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// Top-N audio (Config.TopN): each subscriber receives only the audio of the
// room's N loudest speakers. The tracks stay negotiated; the forwarder just
// stops writing a gated track's packets to that subscriber, at a packet
// boundary, and renumbers the packets it does write so the subscriber sees
// a pause, not loss (the client's jitter buffer goes silent and re-primes).
// The RTP timestamps keep running, so the pause has its true length.

// topNMarginDB is by how much a speaker outside the top N must be louder
// than the quietest one inside for a whole speech window (400 ms) to take
// its place: enough that two similar voices do not swap back and forth.
const topNMarginDB = 3.0

// rtpTrack is what a forwarder writes to: pion's TrackLocalStaticRTP in
// tests, gatedTrack in the server.
type rtpTrack interface {
	webrtc.TrackLocal
	WriteRTP(*rtp.Packet) error
}

// gatedTrack is a TrackLocalStaticRTP whose every binding (subscribe
// connection) has a gate: closed, the binding gets no packets. The gates
// are set by the room's monitor; the packet path only loads them.
type gatedTrack struct {
	id, streamID string
	codec        webrtc.RTPCodecCapability
	kind         webrtc.RTPCodecType

	mu       sync.Mutex
	gates    map[webrtc.SSRC]*atomic.Bool // by the binding's SSRC, made before it binds
	bindings atomic.Pointer[[]*gatedBinding]
}

// gatedBinding is one subscribe connection of a gatedTrack. The fields
// after gate are owned by the forwarder's goroutine, the only writer.
type gatedBinding struct {
	id   string
	ssrc webrtc.SSRC
	pt   webrtc.PayloadType
	out  webrtc.TrackLocalWriter
	gate *atomic.Bool // true: closed

	started bool   // a packet went out
	paused  bool   // packets were held back since the last one out
	offset  uint16 // subtracted from sequence numbers
	lastSeq uint16 // the last sequence number sent
}

// newGatedTrack makes a gated track of codec.
func newGatedTrack(codec webrtc.RTPCodecCapability, id, streamID string) *gatedTrack {
	kind := webrtc.RTPCodecTypeAudio
	if strings.HasPrefix(strings.ToLower(codec.MimeType), "video/") {
		kind = webrtc.RTPCodecTypeVideo
	}
	t := &gatedTrack{id: id, streamID: streamID, codec: codec, kind: kind, gates: map[webrtc.SSRC]*atomic.Bool{}}
	t.bindings.Store(&[]*gatedBinding{})
	return t
}

// ID, RID, StreamID and Kind describe the track (webrtc.TrackLocal).
func (t *gatedTrack) ID() string                { return t.id }
func (t *gatedTrack) RID() string               { return "" }
func (t *gatedTrack) StreamID() string          { return t.streamID }
func (t *gatedTrack) Kind() webrtc.RTPCodecType { return t.kind }

// setGate makes g the gate of the binding that will send with ssrc. The
// subscriber sets it before the binding exists; a binding without one
// gets an open gate of its own.
func (t *gatedTrack) setGate(ssrc webrtc.SSRC, g *atomic.Bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.gates[ssrc] = g
}

// gate returns the gate for ssrc, making an open one if none was set.
func (t *gatedTrack) gate(ssrc webrtc.SSRC) *atomic.Bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	g := t.gates[ssrc]
	if g == nil {
		g = &atomic.Bool{}
		t.gates[ssrc] = g
	}
	return g
}

// Bind attaches a subscribe connection (webrtc.TrackLocal).
func (t *gatedTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	for _, c := range ctx.CodecParameters() {
		if !strings.EqualFold(c.MimeType, t.codec.MimeType) {
			continue
		}
		b := &gatedBinding{id: ctx.ID(), ssrc: ctx.SSRC(), pt: c.PayloadType, out: ctx.WriteStream(), gate: t.gate(ctx.SSRC())}
		t.mu.Lock()
		next := append(slices.Clone(*t.bindings.Load()), b)
		t.bindings.Store(&next)
		t.mu.Unlock()
		return c, nil
	}
	return webrtc.RTPCodecParameters{}, webrtc.ErrUnsupportedCodec
}

// Unbind detaches a subscribe connection (webrtc.TrackLocal).
func (t *gatedTrack) Unbind(ctx webrtc.TrackLocalContext) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	old := *t.bindings.Load()
	i := slices.IndexFunc(old, func(b *gatedBinding) bool { return b.id == ctx.ID() })
	if i < 0 {
		return webrtc.ErrUnbindFailed
	}
	delete(t.gates, old[i].ssrc)
	next := slices.Delete(slices.Clone(old), i, i+1)
	t.bindings.Store(&next)
	return nil
}

// WriteRTP writes p to every binding whose gate is open, with its SSRC,
// payload type and sequence numbers. It does not allocate.
func (t *gatedTrack) WriteRTP(p *rtp.Packet) error {
	seq := p.SequenceNumber
	for _, b := range *t.bindings.Load() {
		if b.gate.Load() {
			b.paused = b.started
			continue
		}
		if b.paused {
			// Continue where this binding left off: the held-back
			// packets are a pause, not a loss to report or NACK.
			b.offset = seq - b.lastSeq - 1
			b.paused = false
		}
		p.SequenceNumber = seq - b.offset
		b.started, b.lastSeq = true, p.SequenceNumber
		p.SSRC = uint32(b.ssrc)
		p.PayloadType = uint8(b.pt)
		_, _ = b.out.WriteRTP(&p.Header, p.Payload) // a gone subscriber is removed by the room
	}
	p.SequenceNumber = seq
	return nil
}

// topN is a room's selection of the speakers everyone hears, with
// hysteresis; owned by the room's monitor.
type topN struct {
	selected []*participant
}

// update refreshes the selection from this window's smoothed levels of the
// members (in join order): free places go to the loudest (silent ones
// too, so that a speaker who starts is heard at once); a speaker outside
// takes the place of the quietest inside only when louder by
// topNMarginDB.
func (t *topN) update(n int, members []*participant, level func(*participant) float64) {
	t.selected = slices.DeleteFunc(t.selected, func(p *participant) bool { return !slices.Contains(members, p) })
	outside := make([]*participant, 0, len(members))
	for _, p := range members {
		if !slices.Contains(t.selected, p) {
			outside = append(outside, p)
		}
	}
	// Loudest first; stable, so ties go by join order.
	slices.SortStableFunc(outside, func(a, b *participant) int { return cmpDesc(level(a), level(b)) })
	margin := dbovToLinear(-topNMarginDB)
	for _, p := range outside {
		if len(t.selected) < n {
			t.selected = append(t.selected, p)
			continue
		}
		q := 0
		for i, s := range t.selected {
			if level(s) < level(t.selected[q]) {
				q = i
			}
		}
		if l := level(p); l > 0 && l > level(t.selected[q])*margin {
			t.selected[q] = p
		}
	}
}

// hears reports whether a subscriber hears p.
func (t *topN) hears(p *participant) bool { return slices.Contains(t.selected, p) }

// cmpDesc orders larger first.
func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}
