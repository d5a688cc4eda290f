package dsp

import "github.com/confab-rtc/confab/audio"

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
	// real devices the echo takes 40 ms or more (two device buffers and
	// the playback ring), so 60 ms of lag is the limit.
	refMaxLag = 6 * BlockSamples
	// refKeepLag is what is left after a discard: two blocks absorb the
	// jitter between the mixer's and the send loop's wake-ups.
	refKeepLag = 2 * BlockSamples
)

// reference carries the far-end audio from the mixer's goroutine
// (write) to the send loop's (next) without a lock or an allocation.
type reference struct {
	ring  *audio.Ring
	block []int16
}

func newReference() *reference {
	return &reference{ring: audio.NewRing(refCapacity), block: make([]int16, BlockSamples)}
}

// write queues a played frame; called from the mixer's goroutine only.
func (r *reference) write(frame []int16) { r.ring.Write(frame) }

// next returns the reference block to pair with the next captured block:
// the oldest unread 10 ms, or silence when the mixer has not delivered it
// yet (the mixer is idle or woke late; the queue then keeps one more
// block, which absorbs that jitter from then on). The returned slice is
// reused by the next call. Called from the send loop's goroutine only.
func (r *reference) next() []int16 {
	if n := r.ring.Len(); n > refMaxLag {
		r.ring.Discard(n - refKeepLag)
	}
	if r.ring.Len() < BlockSamples {
		clear(r.block)
		return r.block
	}
	r.ring.Read(r.block)
	return r.block
}
