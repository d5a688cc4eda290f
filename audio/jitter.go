package audio

import (
	"math"
	"time"
)

// Jitter buffer tuning.
const (
	// jbSlots is the reorder window in packets (1.28 s of 20 ms packets);
	// a power of two so a sequence number maps to its slot with a mask.
	jbSlots = 64
	// maxConceal is how long concealment runs while nothing arrives
	// before the stream is declared silent: endless PLC turns into a drone.
	maxConceal = 200 * time.Millisecond
	// maxStrays is how many packets in a row far outside the window it
	// takes to decide the sender restarted its sequence numbers rather
	// than that the network delivered a stray.
	maxStrays = 3
	// extBase keeps extended sequence numbers and timestamps positive.
	extBase = 1 << 32
	// jitterFall is the time constant with which the jitter allowance
	// falls back when the link calms down; it rises at once.
	jitterFall = 8 * time.Second
	// adjustWindow is how long the buffer must stay a tick above its band
	// before a tick is dropped.
	adjustWindow = time.Second
	// accelerateWait and expandWait are how long a pending drop or
	// insertion waits for a quiet tick before it is done anyway.
	accelerateWait = 2 * time.Second
	expandWait     = 500 * time.Millisecond
	// expandMargin is how far above the bottom of the band an insertion
	// is planned, so that it can wait for a quiet tick: at 0.1 % of clock
	// drift the headroom takes 2.5 s to cross it.
	expandMargin = 2500 * time.Microsecond
	// quietRatio: a tick whose power is below this share of the stream's
	// running average (-10 dB) is quiet enough to drop or stretch unheard.
	quietRatio = 0.1
	// lossWindow is how many packets the loss rate is averaged over.
	lossWindow = 128
	// fecLoss is the loss rate above which the buffer holds a packet more
	// to use FEC: 1 %.
	fecLoss = 0.01
	// quietFloor is a mean square below which a tick is quiet whatever
	// the average (-50 dBFS).
	quietFloor = 100 * 100
	// settleSlack is how far above the insertion point playout starts:
	// what a tick's timing may vary by.
	settleSlack = 2500 * time.Microsecond
	// catchUp is how far above the band the headroom may be before the
	// backlog is skipped at once rather than a tick at a time.
	catchUp = 80 * time.Millisecond
	// catchUpHold is how long, in wall-clock time, the headroom must stay
	// that far above before the backlog is skipped.
	catchUpHold = 100 * time.Millisecond
	// crossfade is the splice length when a tick is dropped: 2.5 ms.
	crossfade = 120
	// carrySamples is the decoded-sample buffer: two of the longest Opus
	// packets and two ticks, room to look a tick ahead for a drop.
	carrySamples = 2*maxPacketSamples + 2*FrameSamples
)

// frameDecoder is what the jitter buffer decodes with: *Decoder, or a fake
// in tests.
type frameDecoder interface {
	Decode(payload []byte, pcm []int16) (int, error)
	DecodeFEC(payload []byte, pcm []int16) error
	DecodePLC(pcm []int16) error
}

// jbConfig is a jitter buffer's tuning, from MixerConfig.
type jbConfig struct {
	tick       int           // samples per mixer tick
	minDelay   time.Duration // floor of the target delay
	maxDelay   time.Duration // ceiling of the target delay
	startDelay time.Duration // target before any jitter is measured
}

// jbSlot holds one packet in the jitter buffer.
type jbSlot struct {
	full bool
	ext  int64 // extended sequence number
	ts   int64 // extended timestamp
	dur  int   // samples
	n    int
	buf  [maxPayload]byte
}

func (s *jbSlot) payload() []byte { return s.buf[:s.n] }

// end is the timestamp just after the packet.
func (s *jbSlot) end() int64 { return s.ts + int64(s.dur) }

// jitterBuffer holds one sender's packets and plays them out on the
// mixer's clock: the mixer asks for one tick of audio at a time and the
// buffer decodes, rebuilds (FEC), conceals (PLC), drops or inserts to
// deliver it. Packet arrival never drives playout. It belongs to the
// mixer goroutine; counters are atomics for readers elsewhere.
//
// Playout follows RTP timestamps: nextTs is the sender's sample decoded
// next, and each tick takes a tick of the sender's time. The delay is the
// headroom D: how long before the tick that needs it the next packet
// would arrive if it were as fast as the fastest packet in the
// estimator's window. D is kept in a band whose bottom is the 95th
// percentile of the measured arrival jitter (so 95 % of packets are in
// time; at least MinDelay minus a packet), plus a packet while packets
// are being lost and carry FEC (rebuilding a lost packet needs the next
// one in hand):
//
//   - playout starts, and resumes after a pause, on a tick boundary 5 ms
//     above the bottom, so ticks and packets stay aligned;
//   - 2.5 ms above the bottom one concealment tick is planned (expand) at
//     the next quiet tick, and done at once below the bottom;
//   - a tick above the start point for a whole second, one tick is
//     dropped (accelerate) at a quiet tick, with a 2.5 ms crossfade, or
//     after 2 s anyway; the two thresholds are a tick apart, so a drop or
//     an insertion lands inside the band and they never alternate;
//   - far above the band (a stalled mixer) the backlog is skipped at once.
//
// That corrects sender clock drift a tick at a time and lets the delay
// follow the network: up at once when jitter appears, down over seconds.
//
// A missing packet with later ones buffered is lost: rebuilt from the
// next one's FEC when that carries it, concealed otherwise. With nothing
// after it, it is waited for with concealment (an underrun: the delay
// grows a tick) unless it is more than a tick overdue. Timestamps that
// jump while sequence numbers do not, or silence after a packet in which
// SILK found no voice (what a DTX sender sends last), are a pause: the
// decoder's comfort noise for 200 ms then silence, never counted as
// loss, and the sender is realigned to the start point when it resumes.
// After 200 ms of concealment with nothing arriving the stream goes
// silent and starts again on the next packet.
type jitterBuffer struct {
	cfg   jbConfig
	dec   frameDecoder
	stats *streamCounters

	slots   [jbSlots]jbSlot
	count   int   // full slots
	haveRef bool  // highest and refTs are valid
	highest int64 // highest extended sequence number accepted
	refTs   int64 // extended timestamp of packet highest
	strays  int   // packets in a row outside the window

	est    delayEstimator
	jitter int64 // smoothed jitter allowance, ns
	pktDur int   // samples in the latest packet
	// loss is the recent share of packets lost (an average over about
	// lossWindow packets) and fecSeen whether the latest packet carried
	// FEC: together they decide whether to hold a packet more, so the
	// next packet is there to rebuild a lost one from.
	loss    float64
	fecSeen bool

	playing    bool
	nextTs     int64 // extended timestamp decoded next
	nextSeq    int64 // extended sequence number expected at nextTs
	lastDTX    bool  // the latest packet decoded had no voice: a gap is a pause
	pauseRun   int   // samples of comfort noise played in this pause
	aligned    int64 // sequence number realigned for, after a pause
	concealRun int   // samples concealed in a row while nothing came
	started    bool  // a packet was decoded since the stream was added

	carry    [carrySamples]int16
	carryPos int
	carryLen int

	winMin      int64 // smallest headroom since the window started, ns
	winTicks    int
	pendingAcc  int   // ticks an accelerate has been waiting, 0: none
	pendingExp  int   // ticks an expand has been waiting, 0: none
	urgent      bool  // the headroom is below the band: expand at once
	farSince    int64 // when the headroom went far above the band, 0: it is not
	power       float64
	lastQuiet   bool
	loudOps     int   // drops and insertions done at a tick that was not quiet
	bufferDelay int64 // smoothed headroom, ns, for the stats
}

func newJitterBuffer(cfg jbConfig, dec frameDecoder, stats *streamCounters) *jitterBuffer {
	jb := &jitterBuffer{cfg: cfg, dec: dec, stats: stats, pktDur: FrameSamples}
	jb.jitter = max(int64(cfg.startDelay-FrameDuration), 0)
	jb.winMin = math.MaxInt64
	jb.publishTarget()
	return jb
}

// tsNs converts a number of samples to nanoseconds.
func tsNs(samples int64) int64 { return samples * 62500 / 3 }

// nsTs converts nanoseconds to samples, rounding down.
func nsTs(ns int64) int64 {
	s := ns * 3 / 62500
	if ns < 0 && s*62500/3 != ns {
		s--
	}
	return s
}

// tickNs is the duration of a tick.
func (jb *jitterBuffer) tickNs() int64 { return tsNs(int64(jb.cfg.tick)) }

// insert stores a packet that arrived at (ns); the payload is copied.
func (jb *jitterBuffer) insert(at int64, seq uint16, ts uint32, payload []byte) {
	if len(payload) == 0 || len(payload) > maxPayload {
		jb.stats.dropped.Add(1)
		return
	}
	if !jb.haveRef {
		jb.haveRef, jb.highest, jb.refTs = true, extBase+int64(seq), extBase+int64(ts)
	}
	ext := jb.highest + int64(int16(seq-uint16(jb.highest)))
	if ext <= jb.highest-jbSlots || (jb.playing && ext >= jb.nextSeq+jbSlots) {
		jb.strays++
		if jb.strays < maxStrays {
			jb.stats.dropped.Add(1)
			return
		}
		jb.restart()
		jb.haveRef, jb.highest, jb.refTs = true, extBase+int64(seq), extBase+int64(ts)
		ext = jb.highest
	}
	jb.strays = 0
	extTs := jb.refTs + int64(int32(ts-uint32(jb.refTs)))
	s := &jb.slots[ext&(jbSlots-1)]
	if s.full && s.ext == ext {
		jb.stats.duplicates.Add(1)
		return
	}
	jb.est.add(at, tsNs(extTs))
	if q := jb.est.quantile; q > jb.jitter {
		jb.jitter = q // rise at once
	}
	if jb.playing && ext < jb.nextSeq {
		jb.stats.late.Add(1)
		return
	}
	if s.full {
		if s.ext > ext { // only while idle: older than what is there
			jb.stats.late.Add(1)
			return
		}
		jb.count-- // a stale packet from before a gap
		jb.stats.skipped.Add(1)
	}
	dur := opusPacketSamples(payload)
	if dur == 0 {
		dur = FrameSamples // not Opus we can read: the decoder will say
	}
	s.full, s.ext, s.ts, s.dur, s.n = true, ext, extTs, dur, copy(s.buf[:], payload)
	jb.count++
	jb.stats.packets.Add(1)
	if ext > jb.highest {
		jb.highest, jb.refTs = ext, extTs
	}
	jb.pktDur = dur
	jb.publishTarget()
}

// restart forgets everything, for a sender that restarted its sequence.
func (jb *jitterBuffer) restart() {
	for i := range jb.slots {
		jb.slots[i].full = false
	}
	jb.count = 0
	jb.haveRef, jb.strays = false, 0
	jb.est.reset()
	jb.stop()
}

// stop ends playout; the next packet starts it again at the target delay.
func (jb *jitterBuffer) stop() {
	jb.playing, jb.concealRun, jb.carryLen, jb.carryPos = false, 0, 0, 0
	jb.pendingAcc, jb.pendingExp = 0, 0
}

// slot returns the packet with extended sequence number ext, or nil.
func (jb *jitterBuffer) slot(ext int64) *jbSlot {
	s := &jb.slots[ext&(jbSlots-1)]
	if s.full && s.ext == ext {
		return s
	}
	return nil
}

// release empties a slot.
func (jb *jitterBuffer) release(s *jbSlot) {
	s.full = false
	jb.count--
}

// after returns the buffered packet with the lowest sequence number above
// ext, or nil.
func (jb *jitterBuffer) after(ext int64) *jbSlot {
	for e := ext + 1; e <= jb.highest && e < ext+jbSlots; e++ {
		if s := jb.slot(e); s != nil {
			return s
		}
	}
	return nil
}

// jitterDelay is the headroom below which packets are at risk of coming
// too late, ns.
func (jb *jitterBuffer) jitterDelay() int64 {
	d := tsNs(int64(jb.pktDur))
	lo := max(jb.jitter, int64(jb.cfg.minDelay)-d)
	return max(min(lo, int64(jb.cfg.maxDelay)-d), 0)
}

// lowDelay is the bottom of the headroom band (see jitterBuffer), ns:
// the jitter allowance, plus a packet while packets are being lost and
// carry FEC, since rebuilding a lost packet needs the next one in hand.
func (jb *jitterBuffer) lowDelay() int64 {
	lo := jb.jitterDelay()
	if jb.fecSeen && jb.loss > fecLoss {
		d := tsNs(int64(jb.pktDur))
		lo = max(min(jb.jitter+d, int64(jb.cfg.maxDelay)-d), lo)
	}
	return lo
}

// lostPackets counts n packets given up as lost.
func (jb *jitterBuffer) lostPackets(n int64) {
	for range min(n, jbSlots) {
		jb.loss += (1 - jb.loss) / lossWindow
	}
}

// publishTarget stores the target delay for the stats: the low edge of the
// band plus the packet's duration, the delay a packet's last sample sees.
func (jb *jitterBuffer) publishTarget() {
	jb.stats.targetDelay.Store(jb.lowDelay() + tsNs(int64(jb.pktDur)))
}

// headroom is D at now: how long before it is needed the packet that
// starts at nextTs (the first one not decoded yet) would arrive if it were
// as fast as the fastest. It is needed by the tick that runs out of
// decoded audio, which may be this one when a tick straddles two packets.
func (jb *jitterBuffer) headroom(now int64) int64 {
	ahead := int64(jb.carryLen/jb.cfg.tick) * jb.tickNs()
	return now + ahead - tsNs(jb.nextTs) - jb.est.min
}

// settleDelay is where the headroom is put when playout starts or a
// pause ends: a little above where an insertion is planned.
func (jb *jitterBuffer) settleDelay() int64 {
	return jb.lowDelay() + jb.expandMargin() + int64(settleSlack)
}

// expandMargin is how far above the bottom of the band an insertion is
// planned, so that it can wait for a quiet tick.
func (jb *jitterBuffer) expandMargin() int64 {
	return max(jb.tickNs()/8, int64(expandMargin))
}

// idealTs is the timestamp that, played at now, has the settle headroom.
func (jb *jitterBuffer) idealTs(now int64) int64 {
	// Half a sample rounds to the nearest: the nanosecond conversions
	// truncate.
	return nsTs(now - jb.est.min - jb.settleDelay() + tsNs(1)/2)
}

// alignTs is where to be at now so that packet start ref is played with
// at least the settle headroom and begins on a tick (whole ticks of
// silence before it, so ticks and packets stay aligned), or ref itself
// when it is already that late.
func (jb *jitterBuffer) alignTs(now, ref int64) int64 {
	ideal := jb.idealTs(now)
	if ideal >= ref {
		return ref
	}
	t := int64(jb.cfg.tick)
	return ref - (ref-ideal+t-1)/t*t
}

// frame fills out (one tick) at now and reports whether it carries sound
// and whether it holds the stream's first decoded packet.
func (jb *jitterBuffer) frame(out []int16, now int64) (active, first bool) {
	jb.decayJitter()
	if !jb.playing {
		if jb.count == 0 || !jb.est.ready() {
			clear(out)
			return false, false
		}
		jb.prime(now)
	}
	wasStarted := jb.started
	jb.control(now)
	active = jb.fill(out, now)
	if active {
		ms := meanSquare(out)
		jb.lastQuiet = jb.quiet(ms)
		jb.power += (ms - jb.power) * 0.02
		jb.stats.played.Add(uint64(len(out)))
	}
	return active, jb.started && !wasStarted
}

// decayJitter lets the jitter allowance fall toward the measured one.
func (jb *jitterBuffer) decayJitter() {
	if q := jb.est.quantile; jb.jitter > q {
		jb.jitter -= max((jb.jitter-q)*jb.tickNs()/int64(jitterFall), 1)
		jb.publishTarget()
	}
}

// quiet reports whether a tick of mean square ms can be dropped or
// stretched without being noticed.
func (jb *jitterBuffer) quiet(ms float64) bool {
	return ms < quietFloor || ms < quietRatio*jb.power
}

// prime starts playout at now: at the target delay for the packets that
// are there, skipping a backlog that piled up while nobody played.
func (jb *jitterBuffer) prime(now int64) {
	// Start with the latest packet that is already at least the settle
	// headroom late (a backlog before it is old news), else the earliest.
	ideal := jb.idealTs(now)
	var first, earliest *jbSlot
	for i := range jb.slots {
		s := &jb.slots[i]
		if !s.full {
			continue
		}
		if s.ts <= ideal && (first == nil || s.ext > first.ext) {
			first = s
		}
		if earliest == nil || s.ext < earliest.ext {
			earliest = s
		}
	}
	if first == nil {
		first = earliest
	}
	if first == nil { // nothing buffered: wait for the next packet
		jb.stop()
		return
	}
	for i := range jb.slots {
		if s := &jb.slots[i]; s.full && s.ext < first.ext {
			jb.release(s)
			jb.stats.skipped.Add(1)
		}
	}
	jb.nextTs, jb.nextSeq = jb.alignTs(now, first.ts), first.ext
	jb.aligned = first.ext
	jb.playing, jb.lastDTX, jb.concealRun = true, false, 0
	jb.carryPos, jb.carryLen = 0, 0
	jb.winMin, jb.winTicks, jb.pendingAcc, jb.pendingExp = math.MaxInt64, 0, 0, 0
}

// control watches the headroom and schedules a drop or an insertion when
// it leaves the band.
func (jb *jitterBuffer) control(now int64) {
	d := jb.headroom(now)
	jb.bufferDelay += (d - jb.bufferDelay) / 8
	jb.stats.bufferDelay.Store(max(jb.bufferDelay, 0) + tsNs(int64(jb.pktDur)))
	if jb.pauseRun > 0 {
		jb.winMin, jb.winTicks = math.MaxInt64, 0
		return // a pause realigns by itself when the sender resumes
	}
	lo := jb.lowDelay()
	// An insertion is planned a margin above the bottom, and the top is
	// far enough above where an insertion leaves the headroom that the
	// two never alternate.
	margin := jb.expandMargin()
	hi := jb.settleDelay() + jb.tickNs()
	switch {
	case d <= hi+max(4*jb.tickNs(), int64(catchUp)):
		jb.farSince = 0
	case jb.farSince == 0:
		jb.farSince = now
	case now-jb.farSince >= int64(catchUpHold) && jb.carryLen == 0 && jb.count > 0:
		// Far too much piled up for a while (the speaker lost time
		// while the mixer stalled): dropping a tick a second would take
		// ages, so start again at the settle headroom, skipping the
		// backlog, as NetEq's fast accelerate would. The hold keeps the
		// burst of late ticks after a short stall from triggering it.
		jb.farSince = 0
		jb.prime(now)
		return
	}
	jb.winMin = min(jb.winMin, d)
	jb.winTicks++
	jb.urgent = d < jb.jitterDelay()
	switch {
	case d < lo+margin:
		// Close to the edge: insert a tick at the next quiet moment, or
		// at once when past it.
		jb.pendingAcc = 0
		if jb.pendingExp == 0 {
			jb.pendingExp = 1
		}
	case jb.pendingExp > 0:
		jb.pendingExp = 0 // back in the band by itself
	}
	if int64(jb.winTicks)*jb.tickNs() >= int64(adjustWindow) {
		if jb.winMin >= hi && jb.pendingAcc == 0 && jb.pendingExp == 0 {
			jb.pendingAcc = 1
		}
		jb.winMin, jb.winTicks = math.MaxInt64, 0
	}
	if jb.pendingAcc > 0 && d < hi {
		jb.pendingAcc = 0
	}
}

// fill produces one tick into out and reports whether it has sound.
func (jb *jitterBuffer) fill(out []int16, now int64) bool {
	tick := len(out)
	if jb.pendingAcc > 0 && jb.accelerate(out, now) {
		return true
	}
	if jb.pendingExp > 0 && jb.carryLen < tick {
		jb.pendingExp++
		if jb.lastQuiet || jb.urgent || jb.pendingExp*tick > int(expandWait)*SampleRate/int(time.Second) {
			if !jb.lastQuiet {
				jb.loudOps++
			}
			// The decoded audio left, then concealment continuing it (the
			// decoder extrapolates from the end of what it decoded): the
			// position stays at the next packet, so the delay grows by
			// the concealed part, and the next tick starts on a packet.
			c := copy(out, jb.carry[jb.carryPos:jb.carryPos+jb.carryLen])
			jb.carryPos, jb.carryLen = 0, 0
			jb.concealInto(out[c:])
			jb.stats.expand.Add(1)
			jb.pendingExp = 0
			jb.winMin, jb.winTicks = math.MaxInt64, 0
			return true
		}
	}
	sound := false
	for n := 0; n < tick; {
		if jb.carryLen > 0 {
			c := copy(out[n:], jb.carry[jb.carryPos:jb.carryPos+jb.carryLen])
			jb.carryPos += c
			jb.carryLen -= c
			n += c
			sound = true
			continue
		}
		switch jb.refill(tick-n, now, true) {
		case refillSilence:
			c := copy(out[n:], jb.carry[jb.carryPos:jb.carryPos+jb.carryLen])
			jb.carryPos += c
			jb.carryLen -= c
			n += c
		case refillStop:
			clear(out[n:])
			return sound
		case refillSound:
			sound = true
		}
	}
	return sound
}

// refill results.
const (
	refillSound   = iota // the carry holds decoded or concealed audio
	refillSilence        // the carry holds pause silence
	refillStop           // the stream stopped
	refillNone           // nothing to decode (lookahead only)
)

// appendCarry makes room for n more samples at the end of the carry and
// returns that space.
func (jb *jitterBuffer) appendCarry(n int) []int16 {
	if jb.carryPos+jb.carryLen+n > len(jb.carry) {
		copy(jb.carry[:], jb.carry[jb.carryPos:jb.carryPos+jb.carryLen])
		jb.carryPos = 0
	}
	return jb.carry[jb.carryPos+jb.carryLen : jb.carryPos+jb.carryLen+n]
}

// refill decodes what comes at nextTs into the carry: the packet, FEC or
// concealment for a lost one, silence for a pause. With conceal false it
// only decodes packets that are there (to look ahead) and returns
// refillNone otherwise.
func (jb *jitterBuffer) refill(need int, now int64, conceal bool) int {
	for {
		if s := jb.slot(jb.nextSeq); s != nil {
			switch {
			case s.end() <= jb.nextTs: // its time has been played
				jb.release(s)
				jb.nextSeq++
				jb.stats.late.Add(1)
				continue
			case s.ts > jb.nextTs || (jb.pauseRun > 0 && jb.aligned != s.ext):
				// A pause: the timestamps jumped, or the sender resumes
				// after one.
				if !conceal {
					return refillNone
				}
				return jb.pause(s, need, now)
			}
			jb.decode(s)
			return refillSound
		}
		if q := jb.after(jb.nextSeq); q != nil {
			if !conceal {
				return refillNone
			}
			if jb.pauseRun > 0 {
				// What looked like a pause was loss: the comfort noise
				// played for it was concealment.
				n := uint64(min(jb.pauseRun, int(maxConceal)*SampleRate/int(time.Second)))
				jb.stats.concealed.Add(n)
				jb.stats.played.Add(n)
				jb.stats.plc.Add(1)
				jb.pauseRun = 0
			}
			return jb.lost(q, need)
		}
		if !conceal {
			return refillNone
		}
		if jb.lastDTX { // no voice before the gap: a pause, not loss
			pcm := jb.appendCarry(need)
			if jb.pauseRun < int(maxConceal)*SampleRate/int(time.Second) {
				// The decoder's comfort noise continues the background.
				if jb.dec.DecodePLC(pcm) != nil {
					clear(pcm)
				}
			} else {
				clear(pcm)
			}
			jb.pauseRun += need
			jb.carryLen += need
			jb.nextTs += int64(need)
			return refillSilence
		}
		return jb.underrun(need, now)
	}
}

// decode plays packet s, which starts at or before nextTs.
func (jb *jitterBuffer) decode(s *jbSlot) {
	pcm := jb.appendCarry(s.dur)
	n, err := jb.dec.Decode(s.payload(), pcm)
	if err != nil || n <= 0 {
		n = s.dur
		jb.concealInto(pcm[:n])
	} else {
		jb.stats.decoded.Add(1)
		jb.started = true
	}
	skip := int(min(max(jb.nextTs-s.ts, 0), int64(n))) // the part already played
	copy(pcm, pcm[skip:n])
	jb.carryLen += n - skip
	jb.nextTs, jb.nextSeq = s.ts+int64(n), s.ext+1
	jb.lastDTX = !opusVoice(s.payload())
	jb.fecSeen = opusHasFEC(s.payload())
	jb.loss -= jb.loss / lossWindow
	jb.concealRun, jb.pauseRun = 0, 0
	jb.release(s)
}

// pause plays the silence before packet s, whose timestamp is ahead with
// no packet missing: the sender paused (DTX). The first time, the gap is
// adjusted so s plays at the target delay: stretching or shortening
// silence is free, and what was concealed while waiting was the pause.
func (jb *jitterBuffer) pause(s *jbSlot, need int, now int64) int {
	if jb.aligned != s.ext {
		jb.aligned = s.ext
		jb.nextTs = min(s.ts, jb.alignTs(now, s.ts))
		jb.concealRun, jb.pauseRun = 0, 0
		if jb.nextTs >= s.ts {
			jb.decode(s)
			return refillSound
		}
	}
	n := int(min(s.ts-jb.nextTs, int64(need)))
	clear(jb.appendCarry(n))
	jb.carryLen += n
	jb.nextTs += int64(n)
	jb.lastDTX = false
	return refillSilence
}

// lost handles a missing packet at nextSeq when q, a later one, is there:
// FEC from q for the frame just before q when q carries it, concealment
// for the time before that, skipping the missing packets once their time
// is covered.
func (jb *jitterBuffer) lost(q *jbSlot, need int) int {
	gap := q.ts - jb.nextTs
	if gap <= 0 { // the missing packets' time is covered: go on with q
		jb.lostPackets(q.ext - jb.nextSeq)
		jb.nextSeq = q.ext
		jb.decode(q)
		return refillSound
	}
	frame := int64(opusFrameSamplesOf(q.payload()))
	fec := opusHasFEC(q.payload())
	if fec && gap <= frame {
		// The FEC frame ends where q starts; what of it was concealed
		// already is skipped.
		pcm := jb.appendCarry(int(frame))
		if jb.dec.DecodeFEC(q.payload(), pcm) == nil {
			copy(pcm, pcm[frame-gap:])
			jb.carryLen += int(gap)
			jb.lostPackets(q.ext - jb.nextSeq)
			jb.nextTs, jb.nextSeq = q.ts, q.ext
			jb.stats.fec.Add(1)
			jb.stats.fecSamples.Add(uint64(gap))
			jb.concealRun = 0
			return refillSound
		}
	}
	n := gap
	if fec && gap > frame {
		n = gap - frame // conceal up to where FEC takes over
	}
	n = (min(n, int64(need)) + 119) / 120 * 120 // PLC comes in 2.5 ms steps
	jb.concealInto(jb.appendCarry(int(n)))
	jb.carryLen += int(n)
	jb.nextTs += n
	if jb.nextTs >= q.ts {
		jb.lostPackets(q.ext - jb.nextSeq)
		jb.nextSeq = q.ext
	}
	return refillSound
}

// underrun handles a tick with nothing buffered at all. The missing
// packet is waited for: the tick is concealed and the delay grows by it
// (a packet that is late arrives, one that is lost is found lost when the
// next one comes, which can then rebuild it by FEC). Only when it is
// overdue by more than a tick past the band is its time concealed and
// skipped instead. After 200 ms of this the stream stops.
func (jb *jitterBuffer) underrun(need int, now int64) int {
	if jb.concealRun >= int(maxConceal)*SampleRate/int(time.Second) {
		jb.stop()
		return refillStop
	}
	overdue := jb.headroom(now) > jb.lowDelay()+jb.tickNs()
	jb.concealInto(jb.appendCarry(need))
	jb.carryLen += need
	jb.concealRun += need
	if overdue {
		jb.nextTs += int64(need) // lost, not late
	} else {
		jb.stats.underruns.Add(1)
	}
	return refillSound
}

// concealInto fills pcm by packet loss concealment (silence if even that
// fails) and counts it.
func (jb *jitterBuffer) concealInto(pcm []int16) {
	if err := jb.dec.DecodePLC(pcm); err != nil {
		clear(pcm)
	}
	jb.stats.plc.Add(1)
	jb.stats.concealed.Add(uint64(len(pcm)))
}

// accelerate drops one tick when it is quiet or has waited long enough:
// out gets the tick after it, spliced onto the dropped one with a short
// crossfade. It reports false when it did nothing (out is untouched).
func (jb *jitterBuffer) accelerate(out []int16, now int64) bool {
	tick, n := len(out), len(out)
	for jb.carryLen < n+tick {
		if jb.refill(tick, now, false) != refillSound {
			return false // not enough buffered to look ahead
		}
	}
	jb.pendingAcc++
	drop := jb.carry[jb.carryPos : jb.carryPos+n]
	waited := jb.pendingAcc*tick > int(accelerateWait)*SampleRate/int(time.Second)
	if !jb.quiet(meanSquare(drop)) {
		if !waited {
			return false
		}
		jb.loudOps++
	}
	next := jb.carry[jb.carryPos+n : jb.carryPos+n+tick]
	copy(out, next)
	f := min(crossfade, tick)
	for i := range f {
		w := float64(i+1) / float64(f+1)
		out[i] = int16(float64(drop[i])*(1-w) + float64(next[i])*w)
	}
	jb.carryPos += n + tick
	jb.carryLen -= n + tick
	jb.stats.accelerate.Add(1)
	jb.pendingAcc = 0
	jb.winMin, jb.winTicks = math.MaxInt64, 0
	return true
}

// meanSquare is the power of a tick.
func meanSquare(pcm []int16) float64 {
	var s float64
	for _, v := range pcm {
		s += float64(v) * float64(v)
	}
	return s / float64(max(len(pcm), 1))
}
