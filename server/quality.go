package server

import (
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"

	"github.com/confab-rtc/confab/internal/pionutil"
	"github.com/confab-rtc/confab/signal"
)

// Network quality, after LiveKit's connection-quality scorer: each window
// (2 s) a track's loss, jitter and round-trip time give a score out of 100
// by a simplified E-model; the score is smoothed (falling fast, rising
// slowly); a participant's quality is its worst track's; and the score
// maps onto SparkRTC's 0-6 scale.
const (
	// qualityWindow is how often quality is measured and sent.
	qualityWindow = 2 * time.Second
	// opusLossWeight makes 2.5 % loss the excellent/good boundary (score
	// 80) and 7.5 % the good/poor one (score 40), as LiveKit's for Opus.
	opusLossWeight = 8.0
	// fecStretch is how much in-band FEC widens those bounds.
	fecStretch = 1.5
	// Smoothing factors: a drop shows within a window, a recovery over a
	// few.
	qualityFall = 0.7
	qualityRise = 0.4
)

// linkSample is one window of one track's link.
type linkSample struct {
	expected, lost uint64
	jitter         time.Duration
	rtt            time.Duration
	fec            bool
}

// lossPercent is the sample's loss in percent.
func (s linkSample) lossPercent() float64 {
	if s.expected == 0 {
		return 0
	}
	return float64(s.lost) * 100 / float64(s.expected)
}

// packetScore scores a window out of 100: the delay effect of half the
// round trip plus twice the jitter (E-model), and the weighted loss.
func packetScore(s linkSample) float64 {
	delay := float64(s.rtt.Milliseconds())/2 + float64(s.jitter.Microseconds())*2/1000
	effect := delay / 40
	if delay > 160 {
		effect = (delay - 120) / 10
	}
	w := opusLossWeight
	if s.fec {
		w /= fecStretch
	}
	return math.Max(0, 100-effect-s.lossPercent()*w)
}

// scoreQuality maps a score onto 1-5: LiveKit's EXCELLENT (above 80) is 1,
// its GOOD (40-80) is 2 above 60 and 3 below, its POOR is 4 above 20 and 5
// below.
func scoreQuality(score float64) int {
	switch {
	case score > 80:
		return signal.QualityExcellent
	case score > 60:
		return signal.QualityGood
	case score > 40:
		return signal.QualityPoor
	case score > 20:
		return signal.QualityBad
	default:
		return signal.QualityVeryBad
	}
}

// qualityScore is a smoothed score, owned by the room's monitor. It starts
// at excellent, as LiveKit's does, so a clean link never reads worse.
type qualityScore struct {
	score float64
	seen  bool
}

// update folds in one window's score and returns the smoothed one.
func (q *qualityScore) update(s float64) float64 {
	if !q.seen {
		q.score, q.seen = 100, true
	}
	f := qualityRise
	if s < q.score {
		f = qualityFall
	}
	q.score += (s - q.score) * f
	return q.score
}

// rxStats counts what the server receives of one published track, for its
// uplink quality. The forwarder's goroutine is the only writer of the plain
// fields; readers load the atomics.
type rxStats struct {
	started     bool
	maxSeq      uint16
	cycles      uint64
	base        uint64
	t0          int64 // unix ns of the first packet
	lastTransit int64 // RTP units
	jitter16    int64 // RFC 3550 jitter ×16, RTP units

	received atomic.Uint64
	highest  atomic.Uint64 // extended highest sequence number + 1 - base
	jitterTS atomic.Uint32 // RTP units
	bytes    atomic.Uint64
}

// observe records a packet with n payload bytes with sequence number seq and RTP
// timestamp ts arriving at now (unix ns), for a clock of clock Hz.
func (r *rxStats) observe(seq uint16, ts uint32, now int64, n int, clock uint32) {
	r.received.Add(1)
	r.bytes.Add(uint64(n))
	if !r.started {
		r.started, r.maxSeq, r.t0 = true, seq, now
		r.base = uint64(seq)
		r.highest.Store(1)
		r.lastTransit = -int64(ts)
		return
	}
	if d := seq - r.maxSeq; d != 0 && d < 1<<15 {
		if seq < r.maxSeq {
			r.cycles += 1 << 16
		}
		r.maxSeq = seq
		r.highest.Store(r.cycles + uint64(seq) + 1 - r.base)
	}
	arrival := (now - r.t0) * int64(clock) / int64(time.Second)
	transit := arrival - int64(ts)
	d := transit - r.lastTransit
	r.lastTransit = transit
	if d < 0 {
		d = -d
	}
	if d < int64(clock) { // ignore timestamp jumps (a new talk spurt, a reset)
		r.jitter16 += d - (r.jitter16+8)>>4
		r.jitterTS.Store(uint32(r.jitter16 >> 4))
	}
}

// rxMark is a reading of rxStats, the start of the next window.
type rxMark struct{ received, expected, bytes uint64 }

// sample returns the window since prev and the mark that starts the next.
func (r *rxStats) sample(prev rxMark, clock uint32, fec bool) (linkSample, rxMark) {
	now := rxMark{received: r.received.Load(), expected: r.highest.Load(), bytes: r.bytes.Load()}
	s := linkSample{fec: fec}
	if now.expected > prev.expected {
		s.expected = now.expected - prev.expected
	}
	if got := now.received - prev.received; got < s.expected {
		s.lost = s.expected - got
	}
	if clock > 0 {
		s.jitter = time.Duration(r.jitterTS.Load()) * time.Second / time.Duration(clock)
	}
	return s, now
}

// rrLink is what a subscriber's receiver reports say about one track the
// server sends it, for its downlink quality. drainRTCP writes it; the
// room's monitor reads it.
type rrLink struct {
	mu       sync.Mutex
	ssrc     uint32
	seen     bool
	at       time.Time // when the last report arrived
	highest  uint32    // extended highest sequence number received
	lost     uint32    // cumulative packets lost
	jitterTS uint32
	rtt      time.Duration

	// gate, when set, is this subscriber's top-N gate of the track
	// (topn.go): true while its packets are held back.
	gate *atomic.Bool
}

// onRTCP records the reports about this link's SSRC in the compound RTCP
// packet b, received at now.
func (l *rrLink) onRTCP(b []byte, now time.Time) {
	pkts, err := rtcp.Unmarshal(b)
	if err != nil {
		return
	}
	pionutil.EachReport(pkts, l.ssrc, func(r rtcp.ReceptionReport) { l.record(r, now) })
}

// record stores one reception report received at now.
func (l *rrLink) record(r rtcp.ReceptionReport, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen, l.at = true, now
	l.highest, l.lost, l.jitterTS = r.LastSequenceNumber, r.TotalLost, r.Jitter
	if r.LastSenderReport != 0 {
		// RFC 3550 §6.4.1: now − LSR − DLSR, in 1/65536 s of NTP time.
		rtt := compactNTP(now) - r.LastSenderReport - r.Delay
		if rtt < 1<<31 {
			l.rtt = time.Duration(uint64(rtt) * uint64(time.Second) >> 16)
		}
	}
}

// rrMark is a reading of rrLink, the start of the next window.
type rrMark struct {
	seen          bool
	highest, lost uint32
	at            time.Time
}

// sample returns the window since prev and the mark that starts the next.
func (l *rrLink) sample(prev rrMark, clock uint32, fec bool) (linkSample, rrMark) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := rrMark{seen: l.seen, highest: l.highest, lost: l.lost, at: l.at}
	s := linkSample{fec: fec, rtt: l.rtt}
	if clock > 0 {
		s.jitter = time.Duration(l.jitterTS) * time.Second / time.Duration(clock)
	}
	if prev.seen && now.seen && now.highest-prev.highest < 1<<31 {
		s.expected = uint64(now.highest - prev.highest)
		if d := now.lost - prev.lost; d < 1<<31 {
			s.lost = min(uint64(d), s.expected)
		}
	}
	return s, now
}

// compactNTP is the middle 32 bits of the NTP timestamp of t.
func compactNTP(t time.Time) uint32 {
	const ntpEpochOffset = 2208988800
	secs := uint64(t.Unix()) + ntpEpochOffset
	frac := uint64(t.Nanosecond()) << 32 / uint64(time.Second)
	return uint32((secs<<32 | frac) >> 16)
}
