package audio

import (
	"sync"
	"sync/atomic"
)

// Stream is one remote sender's audio inside a Mixer: Push feeds it RTP
// payloads from the network, and the mixer's goroutine pulls one decoded
// 20 ms frame per tick through its jitter buffer.
type Stream struct {
	id string

	pushMu sync.Mutex // serialises producers; the mixer never takes it
	queue  packetQueue

	// Owned by the mixer goroutine.
	jb      *jitterBuffer
	dec     *Decoder
	started bool // the first frame was reported

	meter Meter
	stats streamCounters
	// gain is the playback gain in percent (see Mixer.SetGain): written
	// by the control path, read by the mixer each frame without a lock.
	gain atomic.Int32
}

func newStream(id string, target int) (*Stream, error) {
	dec, err := NewDecoder()
	if err != nil {
		return nil, err
	}
	s := &Stream{id: id, dec: dec}
	s.gain.Store(GainUnity)
	s.jb = newJitterBuffer(target, &s.stats)
	return s, nil
}

// ID is the id the stream was added with.
func (s *Stream) ID() string { return s.id }

// Push hands the stream one RTP packet's Opus payload with its sequence
// number and timestamp. It copies the payload into a preallocated slot and
// returns at once; it never allocates or waits for the mixer. When the
// mixer is not keeping up the packet is dropped and counted. Push is meant
// for the one goroutine reading the track; concurrent calls are safe but
// serialise.
func (s *Stream) Push(seq uint16, ts uint32, payload []byte) {
	if len(payload) == 0 || len(payload) > maxPayload {
		s.stats.dropped.Add(1)
		return
	}
	s.pushMu.Lock()
	ok := s.queue.push(seq, ts, payload)
	s.pushMu.Unlock()
	if !ok {
		s.stats.dropped.Add(1)
	}
}

// Level is the stream's smoothed 0-100 level (see Meter), safe from any
// goroutine.
func (s *Stream) Level() int { return s.meter.Level() }

// Stats is a snapshot of the stream's counters.
func (s *Stream) Stats() StreamStats { return s.stats.snapshot() }

// frame produces the stream's next frame into out (FrameSamples long) and
// reports whether it carries sound (false: out is silence, the stream is
// idle) and whether it is the first decoded frame since AddStream. Only
// the mixer goroutine calls it.
func (s *Stream) frame(out []int16) (active, first bool) {
	for p := s.queue.peek(); p != nil; p = s.queue.peek() {
		s.jb.insert(p.seq, p.ts, p.buf[:p.n])
		s.queue.next()
	}
	kind, slot := s.jb.pop()
	switch kind {
	case popPacket:
		n, err := s.dec.Decode(slot.payload(), out)
		if err != nil {
			s.conceal(out)
		} else {
			clear(out[n:]) // a sender with shorter frames: pad with silence
			first = !s.started
			s.started = true
		}
	case popFEC:
		if err := s.dec.DecodeFEC(slot.payload(), out); err != nil {
			s.conceal(out)
		}
	case popPLC:
		s.conceal(out)
	default:
		clear(out)
	}
	s.meter.Update(out)
	return kind != popSilence, first
}

// conceal fills out by packet loss concealment, or silence if even that
// fails.
func (s *Stream) conceal(out []int16) {
	if err := s.dec.DecodePLC(out); err != nil {
		clear(out)
	}
}
