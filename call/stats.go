package call

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/confab-rtc/confab/audio"
)

// statsWindow is the shortest span rates (bitrate, loss, concealment) are
// measured over: a reader once a second gets the last second.
const statsWindow = time.Second

// CallStats is a snapshot of the call's media, for a statistics pane.
type CallStats struct {
	// At is when the snapshot was taken.
	At time.Time
	// Window is the span the rates (bitrates, loss and FEC/concealment
	// shares of received streams) were measured over, ending at At: about
	// a second for a reader once a second, longer after a pause in the
	// readings, zero on the first reading, which has no rates.
	Window time.Duration
	// Local is the published microphone stream; nil when not publishing.
	Local *LocalStreamStats
	// Remote are the streams received now, by user id.
	Remote []RemoteStreamStats
	// Transport are the call's connections to the room server.
	Transport TransportStats
}

// LocalStreamStats describes the published stream: what was sent, and
// what the server's RTCP receiver reports say about it.
type LocalStreamStats struct {
	// SSRC identifies the stream in RTP and RTCP.
	SSRC uint32
	// Codec is the negotiated codec, as "opus/48000/2".
	Codec string
	// Bitrate is the RTP payload rate over the last window, in bits/s
	// (the Opus encoder's output, without headers).
	Bitrate int
	// PacketsSent and BytesSent (payload) count the stream since it
	// started.
	PacketsSent uint64
	BytesSent   uint64
	// ReportsReceived counts the server's receiver reports about the
	// stream; LossPercent, Jitter and RTT are zero before the first.
	ReportsReceived uint64
	// LossPercent is the share of packets the server's latest receiver
	// report says were lost since its previous one (about a second).
	LossPercent float64
	// Jitter is the server's estimate of the packets' arrival jitter.
	Jitter time.Duration
	// RTT is the round trip to the server measured from its latest
	// receiver report (RFC 3550 LSR/DLSR).
	RTT time.Duration
	// Opus is what the encoder does now.
	Opus OpusSettings
}

// OpusSettings are the encoder's current settings.
type OpusSettings struct {
	// Bitrate is the target bitrate in bits/s.
	Bitrate int
	// FEC says whether in-band forward error correction is on.
	FEC bool
	// ExpectedLossPercent is the loss FEC is planned for: the reported
	// loss, smoothed (lossfeedback.go), or the configured value with FEC
	// off.
	ExpectedLossPercent int
	// DTX says whether silence is left out.
	DTX bool
	// FrameDuration is the length of one packet's audio.
	FrameDuration time.Duration
}

// RemoteStreamStats describes one received stream: pion's counters of
// what arrived, and the jitter buffer's of what was played.
type RemoteStreamStats struct {
	// UserID is the sender.
	UserID string
	// SSRC identifies the stream in RTP and RTCP.
	SSRC uint32
	// Codec is the negotiated codec, as "opus/48000/2".
	Codec string
	// Bitrate is the RTP payload rate over the last window, in bits/s.
	Bitrate int
	// PacketsReceived and BytesReceived (payload) count the stream since
	// it started; PacketsLost is the packets that never came (RFC 3550
	// cumulative loss: may dip below zero with duplicates).
	PacketsReceived uint64
	BytesReceived   uint64
	PacketsLost     int64
	// LossPercent is the share of the packets expected over the last
	// window that did not arrive.
	LossPercent float64
	// Jitter is the packets' arrival jitter (RFC 3550).
	Jitter time.Duration
	// RTT is the round trip to the server on the connection the stream
	// arrives on: its ICE round trip, since a receiver's RTCP reports
	// give the round trip to the server's side only (RFC 3550 LSR/DLSR).
	RTT time.Duration
	// FECPercent and ConcealedPercent are the shares of the audio played
	// over the last window that FEC rebuilt and that concealment made up.
	FECPercent       float64
	ConcealedPercent float64
	// TargetDelay and BufferDelay are the jitter buffer's aim and what
	// it holds now.
	TargetDelay time.Duration
	BufferDelay time.Duration
	// Audio are the jitter buffer's counters since the stream started
	// (accelerate, expand, late, ...); zero when nothing plays audio.
	Audio audio.StreamStats
}

// TransportStats sums the call's connections to the server.
type TransportStats struct {
	// BytesSent and BytesReceived count everything on the wire (media,
	// RTCP, DTLS, ICE), over all connections.
	BytesSent     uint64
	BytesReceived uint64
	// RTT is the latest ICE round trip of the connection that measured
	// one most recently, the publish connection's first.
	RTT time.Duration
	// Connections are the publish and subscribe connections that exist.
	Connections []ConnectionStats
}

// ConnectionStats describes one PeerConnection's network path.
type ConnectionStats struct {
	// Name is "publish" or "subscribe".
	Name string
	// State is the ICE connection state ("connected", ...).
	State string
	// Local and Remote are the selected candidate pair, as
	// "udp4 host 192.0.2.1:50000"; empty before one is selected.
	Local, Remote string
	// BytesSent and BytesReceived count the pair's traffic.
	BytesSent, BytesReceived uint64
	// RTT is the pair's latest ICE round trip.
	RTT time.Duration
}

// Stats returns a snapshot of the call's media. It is safe from any
// goroutine and never waits on the network; rates are measured since the
// reading at least a window (a second) before, so one reader calling it
// every second gets the last second's.
func (e *Engine) Stats() CallStats { return e.live.snapshot(time.Now()) }

// liveMedia is what Stats reads of the running session: the Run goroutine
// sets the connections, Stats reads them. Everything is behind mu; the
// packet path never takes it.
type liveMedia struct {
	mu   sync.Mutex
	pub  *publisher
	opus audio.EncoderConfig
	sub  *subscriber

	// history are earlier readings, oldest first, at least a quarter
	// window apart: the window starts at the newest one a window old.
	history []reading
	// final is the reading taken as the user left, before the server
	// closed the connections (closing drops their counters); once set, it
	// is what Stats returns, so the last figures stay readable. It is not
	// taken at teardown: by then pion may be closing a connection itself,
	// and its GetStats races with its close.
	final *CallStats
	// transport is the last live reading's, for the final one.
	transport TransportStats
}

// reading is the streams' counters at one time.
type reading struct {
	at    time.Time
	marks map[streamKey]rateMark
}

// streamKey names a stream's counters: a new track of the same user
// starts them over.
type streamKey struct {
	local bool
	user  string
	ssrc  uint32
}

// rateMark is a reading of one stream's counters.
type rateMark struct {
	bytes, packets, expected uint64
	played, concealed, fec   uint64
}

func (l *liveMedia) setPublisher(p *publisher, opus audio.EncoderConfig) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pub, l.opus = p, opus
}

func (l *liveMedia) setSubscriber(s *subscriber) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sub = s
}

// snapshot reads everything at now, or returns the final reading once
// the session ended.
func (l *liveMedia) snapshot(now time.Time) CallStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.final != nil {
		return *l.final
	}
	return l.read(now, true)
}

// freeze takes the final reading at now, once; call it while the
// connections are up.
func (l *liveMedia) freeze(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.final == nil {
		s := l.read(now, false)
		l.final = &s
	}
}

// read reads everything at now; l.mu is held. With live false it leaves
// the connections alone and repeats the transport of the last live
// reading: the final reading is taken as the user leaves, when pion may
// be closing a connection itself, and its GetStats reads fields its close
// writes without a lock (the streams' counters come from the stats
// interceptor, which locks).
func (l *liveMedia) read(now time.Time, live bool) CallStats {
	cur := map[streamKey]rateMark{}
	out := CallStats{At: now}
	if l.pub != nil {
		out.Local = l.localStats(cur)
		if live {
			out.Transport.add("publish", l.pub.pc)
		}
	}
	if l.sub != nil {
		out.Remote = l.remoteStats(cur)
		if live {
			rtt := out.Transport.add("subscribe", l.sub.pc)
			for i := range out.Remote {
				out.Remote[i].RTT = rtt
			}
		}
	}
	if live {
		l.transport = out.Transport
	} else {
		out.Transport = l.transport
	}
	l.rates(&out, reading{at: now, marks: cur})
	return out
}

// localStats reads the published stream and records its mark in cur.
func (l *liveMedia) localStats(cur map[streamKey]rateMark) *LocalStreamStats {
	p := l.pub
	ls := &LocalStreamStats{
		SSRC:  p.ssrc,
		Codec: codecName(p.track.Codec()),
		Opus: OpusSettings{
			Bitrate:             l.opus.Bitrate,
			FEC:                 l.opus.FEC,
			ExpectedLossPercent: l.opus.PacketLossPercent,
			DTX:                 l.opus.DTX,
			FrameDuration:       time.Duration(l.opus.FrameSamples()) * time.Second / audio.SampleRate,
		},
	}
	if l.opus.FEC {
		ls.Opus.ExpectedLossPercent = p.loss.percent()
	}
	if st := p.stats.Get(p.ssrc); st != nil {
		out := st.OutboundRTPStreamStats
		ls.PacketsSent, ls.BytesSent = out.PacketsSent, out.BytesSent-out.HeaderBytesSent
		ri := st.RemoteInboundRTPStreamStats
		ls.ReportsReceived = ri.RoundTripTimeMeasurements
		ls.LossPercent = 100 * ri.FractionLost
		ls.Jitter = seconds(ri.Jitter)
		ls.RTT = ri.RoundTripTime
		cur[streamKey{local: true, ssrc: p.ssrc}] = rateMark{bytes: ls.BytesSent, packets: out.PacketsSent}
	}
	return ls
}

// remoteStats reads the received streams, sorted by user id, and records
// their marks in cur.
func (l *liveMedia) remoteStats(cur map[streamKey]rateMark) []RemoteStreamStats {
	tracks := l.sub.remoteTracks()
	out := make([]RemoteStreamStats, 0, len(tracks))
	for id, t := range tracks {
		rs := RemoteStreamStats{UserID: id, SSRC: t.ssrc, Codec: t.codec}
		var m rateMark
		if st := l.sub.stats.Get(t.ssrc); st != nil {
			in := st.InboundRTPStreamStats
			rs.PacketsReceived, rs.BytesReceived, rs.PacketsLost = in.PacketsReceived, in.BytesReceived-in.HeaderBytesReceived, in.PacketsLost
			rs.Jitter = seconds(in.Jitter)
			m.bytes, m.packets = rs.BytesReceived, in.PacketsReceived
			if exp := int64(in.PacketsReceived) + in.PacketsLost; exp > 0 {
				m.expected = uint64(exp)
			}
		}
		if t.stream != nil {
			rs.Audio = t.stream.Stats()
			rs.TargetDelay, rs.BufferDelay = rs.Audio.TargetDelay, rs.Audio.BufferDelay
			m.played, m.concealed, m.fec = rs.Audio.PlayedSamples, rs.Audio.ConcealedSamples, rs.Audio.FECSamples
		}
		cur[streamKey{user: id, ssrc: t.ssrc}] = m
		out = append(out, rs)
	}
	slices.SortFunc(out, func(a, b RemoteStreamStats) int { return cmp.Compare(a.UserID, b.UserID) })
	return out
}

// rates fills the windowed figures of out: the change from the newest
// earlier reading at least statsWindow old (the oldest, early in the
// call) to cur, which joins the history.
func (l *liveMedia) rates(out *CallStats, cur reading) {
	base := cur
	for i := len(l.history) - 1; i >= 0; i-- {
		base = l.history[i]
		if cur.at.Sub(base.at) >= statsWindow {
			l.history = l.history[i:]
			break
		}
	}
	if n := len(l.history); n == 0 || cur.at.Sub(l.history[n-1].at) >= statsWindow/4 {
		l.history = append(l.history, cur)
	}
	out.Window = cur.at.Sub(base.at)
	span := out.Window.Seconds()
	if span <= 0 {
		return
	}
	if out.Local != nil {
		k := streamKey{local: true, ssrc: out.Local.SSRC}
		// A stream without counters now (its connection closed) has no
		// rate rather than one from a difference with nothing.
		m, ok := base.marks[k]
		if c, now := cur.marks[k]; ok && now {
			out.Local.Bitrate = bitrate(c.bytes-m.bytes, span)
		}
	}
	for i := range out.Remote {
		r := &out.Remote[i]
		k := streamKey{user: r.UserID, ssrc: r.SSRC}
		m, ok := base.marks[k]
		c, now := cur.marks[k]
		if !ok || !now {
			continue
		}
		r.Bitrate = bitrate(c.bytes-m.bytes, span)
		if c.expected > m.expected {
			exp, got := c.expected-m.expected, c.packets-m.packets
			r.LossPercent = 100 * float64(exp-min(got, exp)) / float64(exp)
		}
		if c.played > m.played {
			played := float64(c.played - m.played)
			r.ConcealedPercent = 100 * float64(c.concealed-m.concealed) / played
			r.FECPercent = 100 * float64(c.fec-m.fec) / played
		}
	}
}

// add records one connection's path and counters, and returns its round
// trip. It reads them through PeerConnection.GetStats, which takes pion's
// locks (the ICE transport's own getters race with its start) and waits
// on no packet.
func (t *TransportStats) add(name string, pc *webrtc.PeerConnection) time.Duration {
	cs := ConnectionStats{Name: name, State: pc.ICEConnectionState().String()}
	if pc.ConnectionState() == webrtc.PeerConnectionStateClosed {
		// A closed connection has no counters left, and pion's GetStats
		// reads fields its close writes without a lock.
		t.Connections = append(t.Connections, cs)
		return 0
	}
	report := pc.GetStats()
	var pair *webrtc.ICECandidatePairStats
	for _, st := range report {
		if p, ok := st.(webrtc.ICECandidatePairStats); ok && p.Nominated && p.State == webrtc.StatsICECandidatePairStateSucceeded {
			if pair == nil || p.BytesSent+p.BytesReceived > pair.BytesSent+pair.BytesReceived {
				pair = &p
			}
		}
	}
	if pair != nil {
		cs.BytesSent, cs.BytesReceived = pair.BytesSent, pair.BytesReceived
		cs.RTT = seconds(pair.CurrentRoundTripTime)
		cs.Local, cs.Remote = candidateName(report[pair.LocalCandidateID]), candidateName(report[pair.RemoteCandidateID])
	}
	t.BytesSent += cs.BytesSent
	t.BytesReceived += cs.BytesReceived
	if t.RTT == 0 {
		t.RTT = cs.RTT
	}
	t.Connections = append(t.Connections, cs)
	return cs.RTT
}

// candidateName is a candidate as a user reads it, as "udp host
// 192.0.2.1:50000".
func candidateName(st webrtc.Stats) string {
	c, ok := st.(webrtc.ICECandidateStats)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%s %s %s:%d", c.Protocol, c.CandidateType, c.IP, c.Port)
}

// codecName is a codec as "opus/48000/2".
func codecName(c webrtc.RTPCodecCapability) string {
	name := c.MimeType
	if i := len("audio/"); len(name) > i && name[:i] == "audio/" {
		name = name[i:]
	}
	s := fmt.Sprintf("%s/%d", name, c.ClockRate)
	if c.Channels > 0 {
		s += fmt.Sprintf("/%d", c.Channels)
	}
	return s
}

// bitrate is n bytes over span seconds in bits/s.
func bitrate(n uint64, span float64) int { return int(float64(8*n) / span) }

// seconds converts pion's float seconds.
func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
