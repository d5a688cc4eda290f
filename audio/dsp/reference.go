package dsp

import (
	"sync/atomic"

	"github.com/confab-rtc/confab/audio"
)

// Reference buffering, in samples.
const (
	// BlockSamples is the processing unit of both backends: 10 ms.
	BlockSamples = audio.SampleRate / 100
	// refCapacity is the ring's size: 500 ms, far more than the mixer can
	// run ahead of the send loop before the excess is discarded anyway.
	refCapacity = audio.SampleRate / 2
	// refMaxLag is the most reference audio allowed to wait for the send
	// loop. Waiting reference delays it against its echo, and an echo that
	// reaches the canceller before its reference cannot be cancelled; on
	// real devices the echo takes 60 ms or more (the playback ring and
	// both devices' buffers), so more than 100 ms of waiting reference is
	// dropped.
	refMaxLag = 10 * BlockSamples
	// refKeepLag is the reference queued before the first read: two
	// blocks, one mixer frame.
	refKeepLag = 2 * BlockSamples
	// refMaxMargin is how far the queue may grow to absorb the jitter
	// between the mixer's and the send loop's wake-ups (see reference).
	refMaxMargin = 6 * BlockSamples
)

// reference carries the far-end audio from the mixer's goroutine
// (write) to the send loop's (next) without a lock or an allocation.
//
// Reference and capture advance in lockstep, one block each, because both
// are counted in device samples: as long as neither side loses count, the
// echo keeps a constant delay against its reference, which is what the
// cancellers model (an alignment that jumps makes them reconverge, and
// speex's takes seconds). When the mixer is late the speaker has usually
// run dry too and played silence, which delays the echo by as much; so
// the reference waits as well: it pauses until margin is queued again,
// and the margin grows by a block each time, up to refMaxMargin, so the
// jitter between the two goroutines stops causing pauses. (Lending the
// late block instead, to keep the alignment, was tried: the mixer never
// writes ahead of the device, so the debt was never repaid and half the
// blocks went without reference.)
type reference struct {
	ring    *audio.Ring
	block   []int16
	priming bool // waiting for margin to be queued before reading
	margin  int  // reference kept queued against jitter
	gaps    atomic.Uint64
}

func newReference() *reference {
	return &reference{ring: audio.NewRing(refCapacity), block: make([]int16, BlockSamples), priming: true, margin: refKeepLag}
}

// write queues a played frame; called from the mixer's goroutine only.
func (r *reference) write(frame []int16) { r.ring.Write(frame) }

// next returns the reference block to pair with the next captured block,
// or silence while the reference is (re)priming. The returned slice is
// reused by the next call. Called from the send loop's goroutine only.
func (r *reference) next() []int16 {
	n := r.ring.Len()
	if n > refMaxLag {
		// The mixer ran ahead (the send loop started late, or the two
		// clocks drift): realign once, near the front.
		r.ring.Discard(n - r.margin)
		n = r.margin
	}
	if r.priming {
		if n < r.margin {
			return r.silence()
		}
		r.priming = false
	}
	if n < BlockSamples {
		r.gaps.Add(1)
		r.priming = true
		r.margin = min(r.margin+BlockSamples, refMaxMargin)
		return r.silence()
	}
	r.ring.Read(r.block)
	return r.block
}

func (r *reference) silence() []int16 {
	clear(r.block)
	return r.block
}
