package audio

import (
	"sync"
	"sync/atomic"
	"time"
)

// Stream is one remote sender's audio inside a Mixer: Push feeds it RTP
// payloads from the network, and the mixer's goroutine pulls one tick of
// decoded audio at a time through its jitter buffer.
type Stream struct {
	id string
	// epoch is what arrival and tick times are measured from: a monotonic
	// clock reading, so a wall-clock step (NTP) does not look like jitter.
	epoch time.Time

	pushMu sync.Mutex // serialises producers; the mixer never takes it
	queue  packetQueue

	// Owned by the mixer goroutine.
	jb *jitterBuffer

	meter Meter
	stats streamCounters
	// gain is the playback gain in percent (see Mixer.SetGain): written
	// by the control path, read by the mixer each frame without a lock.
	gain atomic.Int32
}

func newStream(id string, cfg jbConfig) (*Stream, error) {
	dec, err := NewDecoder()
	if err != nil {
		return nil, err
	}
	s := &Stream{id: id, epoch: time.Now()}
	s.gain.Store(GainUnity)
	s.jb = newJitterBuffer(cfg, dec, &s.stats)
	return s, nil
}

// ID is the id the stream was added with.
func (s *Stream) ID() string { return s.id }

// Push hands the stream one RTP packet's Opus payload with its sequence
// number and timestamp, arriving now. It copies the payload into a
// preallocated slot and returns at once; it never allocates or waits for
// the mixer. When the mixer is not keeping up the packet is dropped and
// counted. Push is meant for the one goroutine reading the track;
// concurrent calls are safe but serialise.
func (s *Stream) Push(seq uint16, ts uint32, payload []byte) {
	s.PushAt(time.Now(), seq, ts, payload)
}

// PushAt is Push for a packet that arrived at the given time: the jitter
// buffer measures arrival jitter from it, and tests pass a simulated clock.
func (s *Stream) PushAt(at time.Time, seq uint16, ts uint32, payload []byte) {
	if len(payload) == 0 || len(payload) > maxPayload {
		s.stats.dropped.Add(1)
		return
	}
	s.pushMu.Lock()
	ok := s.queue.push(int64(at.Sub(s.epoch)), seq, ts, payload)
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

// frame produces the stream's next tick of audio into out (the mixer's
// frame size) at now, and reports whether it carries sound (false: out is
// silence) and whether it holds the first packet decoded since AddStream.
// Only the mixer goroutine calls it.
func (s *Stream) frame(out []int16, now time.Time) (active, first bool) {
	for p := s.queue.peek(); p != nil; p = s.queue.peek() {
		s.jb.insert(p.at, p.seq, p.ts, p.buf[:p.n])
		s.queue.next()
	}
	active, first = s.jb.frame(out, int64(now.Sub(s.epoch)))
	s.meter.Update(out)
	return active, first
}
