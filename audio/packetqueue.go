package audio

import "sync/atomic"

// maxPayload is the largest Opus payload a stream accepts: an Ethernet
// MTU, more than a 20 ms Opus frame can ever be (1275 bytes).
const maxPayload = 1500

// queueSlots is how many packets may wait between the network goroutine
// and the mixer: 640 ms of 20 ms packets, far more than a mixer running
// every 20 ms leaves behind.
const queueSlots = 32

// queuedPacket is one packet copied out of the network goroutine's buffer.
type queuedPacket struct {
	at  int64 // arrival, ns since the stream's epoch
	seq uint16
	ts  uint32
	n   int
	buf [maxPayload]byte
}

// packetQueue hands packets from Stream.Push to the mixer without a lock
// on the mixer's side: a single-producer single-consumer ring of
// preallocated slots, like Ring but of packets.
type packetQueue struct {
	slots [queueSlots]queuedPacket
	w, r  atomic.Uint64
}

// push copies a packet in; it reports false when the queue is full.
func (q *packetQueue) push(at int64, seq uint16, ts uint32, payload []byte) bool {
	w := q.w.Load()
	if w-q.r.Load() >= queueSlots {
		return false
	}
	p := &q.slots[w%queueSlots]
	p.at, p.seq, p.ts, p.n = at, seq, ts, copy(p.buf[:], payload)
	q.w.Store(w + 1)
	return true
}

// peek returns the oldest packet, or nil; it stays valid until next.
func (q *packetQueue) peek() *queuedPacket {
	r := q.r.Load()
	if r == q.w.Load() {
		return nil
	}
	return &q.slots[r%queueSlots]
}

// next releases the packet peek returned.
func (q *packetQueue) next() { q.r.Add(1) }
