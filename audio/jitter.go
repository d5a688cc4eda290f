package audio

import "math"

// Jitter buffer tuning. A frame is 20 ms.
const (
	// jbSlots is the reorder window in packets (1.28 s); a power of two so
	// a sequence number maps to its slot with a mask.
	jbSlots = 64
	// maxConceal is how many frames in a row are concealed before the
	// stream is declared silent: 200 ms. Endless PLC turns into a drone.
	maxConceal = 10
	// depthWindow is the number of frames over which the buffer's minimum
	// depth is watched before excess delay is dropped: one second.
	depthWindow = 50
	// maxStrays is how many packets in a row far outside the window it
	// takes to decide the sender restarted its sequence numbers rather
	// than that the network delivered a stray.
	maxStrays = 3
	// extBase keeps extended sequence numbers positive.
	extBase = 1 << 20
)

// popKind says what the mixer should do for the next frame of a stream.
type popKind int

const (
	popSilence popKind = iota // nothing to play: the stream is idle or priming
	popPacket                 // decode the packet
	popFEC                    // rebuild the missing frame from the packet's FEC data
	popPLC                    // conceal a missing frame
)

// jbSlot holds one packet in the jitter buffer.
type jbSlot struct {
	full bool
	ext  int64 // extended sequence number
	ts   uint32
	n    int
	buf  [maxPayload]byte
}

func (s *jbSlot) payload() []byte { return s.buf[:s.n] }

// jitterBuffer reorders one sender's packets by RTP sequence number and
// decides, once per frame, what to play. It belongs to the mixer
// goroutine; counters are atomics for readers elsewhere.
//
// Playout starts target frames after the first packet arrives. A missing
// packet is rebuilt from the next one's FEC when that one is there,
// concealed and skipped when later packets show it lost, and concealed
// while waiting when nothing later has arrived (the network is late, so
// the buffer grows by a frame). When the buffer holds more than target+1
// packets for a whole second, the surplus is dropped, so the delay a
// burst or a clock drift added does not stay forever. After 200 ms of
// concealment the stream goes silent and primes again on the next packet.
type jitterBuffer struct {
	slots  [jbSlots]jbSlot
	count  int // full slots
	target int // frames of delay to build before playing

	primed  bool
	waited  int   // frames since the first packet while priming
	haveRef bool  // highest is valid
	highest int64 // highest extended sequence number accepted
	next    int64 // next extended sequence number to play
	missing int   // frames in a row not played from a packet
	strays  int   // packets in a row outside the window

	minDepth int // smallest count seen in this depth window
	ticks    int // frames into this depth window

	stats *streamCounters
}

func newJitterBuffer(target int, stats *streamCounters) *jitterBuffer {
	return &jitterBuffer{target: max(target, 1), stats: stats, minDepth: math.MaxInt}
}

// insert stores a packet; the payload is copied.
func (jb *jitterBuffer) insert(seq uint16, ts uint32, payload []byte) {
	if len(payload) == 0 || len(payload) > maxPayload {
		jb.stats.dropped.Add(1)
		return
	}
	if !jb.haveRef {
		jb.haveRef, jb.highest = true, extBase+int64(seq)
	}
	ext := jb.highest + int64(int16(seq-uint16(jb.highest)))
	if ext <= jb.highest-jbSlots || (jb.primed && ext >= jb.next+jbSlots) {
		jb.strays++
		if jb.strays < maxStrays {
			jb.stats.dropped.Add(1)
			return
		}
		jb.restart()
		jb.haveRef, jb.highest = true, extBase+int64(seq)
		ext = jb.highest
	}
	jb.strays = 0
	if jb.primed && ext < jb.next {
		jb.stats.late.Add(1)
		return
	}
	s := &jb.slots[ext&(jbSlots-1)]
	if s.full {
		switch {
		case s.ext == ext:
			jb.stats.duplicates.Add(1)
			return
		case s.ext > ext: // only while priming: older than what is there
			jb.stats.late.Add(1)
			return
		}
		jb.count-- // a stale packet from before a gap
	}
	s.full, s.ext, s.ts, s.n = true, ext, ts, copy(s.buf[:], payload)
	jb.count++
	jb.stats.packets.Add(1)
	jb.highest = max(jb.highest, ext)
}

// restart forgets everything, for a sender that restarted its sequence.
func (jb *jitterBuffer) restart() {
	for i := range jb.slots {
		jb.slots[i].full = false
	}
	jb.count = 0
	jb.primed, jb.waited, jb.missing, jb.strays = false, 0, 0, 0
	jb.haveRef = false
}

// slot returns the packet with extended sequence number ext, or nil.
func (jb *jitterBuffer) slot(ext int64) *jbSlot {
	s := &jb.slots[ext&(jbSlots-1)]
	if s.full && s.ext == ext {
		return s
	}
	return nil
}

// take empties the slot for ext if it holds that packet.
func (jb *jitterBuffer) take(ext int64) *jbSlot {
	s := jb.slot(ext)
	if s != nil {
		s.full = false
		jb.count--
	}
	return s
}

// pop decides the next frame. The returned slot's payload stays valid
// until the next insert.
func (jb *jitterBuffer) pop() (popKind, *jbSlot) {
	if !jb.primed {
		if jb.count == 0 {
			return popSilence, nil
		}
		jb.waited++
		if jb.waited < jb.target {
			return popSilence, nil
		}
		jb.prime()
	}
	jb.trimDelay()
	if s := jb.take(jb.next); s != nil {
		jb.next++
		jb.missing = 0
		jb.stats.decoded.Add(1)
		return popPacket, s
	}
	jb.missing++
	if jb.missing > maxConceal {
		jb.primed, jb.waited, jb.missing = false, 0, 0
		return popSilence, nil
	}
	if s := jb.slot(jb.next + 1); s != nil {
		jb.next++
		jb.stats.fec.Add(1)
		return popFEC, s
	}
	if jb.count > 0 {
		jb.next++ // later packets are here: this one is lost
	}
	jb.stats.plc.Add(1)
	return popPLC, nil
}

// prime starts playout at the oldest packet within the window of the
// newest, but no more than target frames behind the newest: packets that
// piled up while nobody played them are old news.
func (jb *jitterBuffer) prime() {
	start := jb.highest - int64(jb.target)
	lowest := jb.highest
	for i := range jb.slots {
		s := &jb.slots[i]
		if !s.full {
			continue
		}
		if s.ext < start || s.ext <= jb.highest-jbSlots {
			s.full = false
			jb.count--
			jb.stats.skipped.Add(1)
			continue
		}
		lowest = min(lowest, s.ext)
	}
	jb.next = lowest
	jb.primed, jb.waited, jb.missing = true, 0, 0
	jb.minDepth, jb.ticks = math.MaxInt, 0
}

// trimDelay drops frames when the buffer stayed deeper than it needs to be
// for a whole window.
func (jb *jitterBuffer) trimDelay() {
	jb.minDepth = min(jb.minDepth, jb.count)
	jb.ticks++
	if jb.ticks < depthWindow {
		return
	}
	for range jb.minDepth - (jb.target + 1) {
		jb.take(jb.next)
		jb.next++
		jb.stats.skipped.Add(1)
	}
	jb.minDepth, jb.ticks = math.MaxInt, 0
}
