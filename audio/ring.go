package audio

import "sync/atomic"

// Ring is a single-producer single-consumer FIFO of samples that needs no
// lock: the producer only moves the write index and the consumer only the
// read index, each published with an atomic store after the samples are
// copied. It is what lets a device callback exchange audio with Go code
// without allocating, locking or blocking.
//
// Write may be called by one goroutine (or callback) and Read/Discard by
// one other; Len, Cap and the counters are safe from anywhere.
type Ring struct {
	buf       []int16
	w         atomic.Uint64 // total samples ever written
	r         atomic.Uint64 // total samples ever read or discarded
	overruns  atomic.Uint64
	underruns atomic.Uint64
}

// NewRing makes a ring that holds up to capacity samples; the memory is
// allocated here, once. A capacity below 1 is raised to 1.
func NewRing(capacity int) *Ring {
	return &Ring{buf: make([]int16, max(capacity, 1))}
}

// Write appends as much of p as fits and returns how many samples it
// stored. Samples that do not fit are dropped and counted as overruns:
// the producer is a device callback that cannot wait.
func (r *Ring) Write(p []int16) int {
	w := r.w.Load()
	free := len(r.buf) - int(w-r.r.Load())
	n := min(len(p), free)
	if n < len(p) {
		r.overruns.Add(uint64(len(p) - n))
	}
	if n == 0 {
		return 0
	}
	i := int(w % uint64(len(r.buf)))
	c := copy(r.buf[i:], p[:n])
	copy(r.buf, p[c:n])
	r.w.Store(w + uint64(n))
	return n
}

// Read fills p with the oldest samples and returns how many it copied. A
// short read counts the missing samples as underruns, so callers that want
// to wait for a full buffer check Len first.
func (r *Ring) Read(p []int16) int {
	rd := r.r.Load()
	avail := int(r.w.Load() - rd)
	n := min(len(p), avail)
	if n < len(p) {
		r.underruns.Add(uint64(len(p) - n))
	}
	if n == 0 {
		return 0
	}
	i := int(rd % uint64(len(r.buf)))
	c := copy(p[:n], r.buf[i:])
	copy(p[c:n], r.buf)
	r.r.Store(rd + uint64(n))
	return n
}

// Discard drops up to n of the oldest samples without copying them and
// returns how many it dropped. Only the consumer may call it; it keeps a
// slow consumer's latency bounded by skipping stale audio.
func (r *Ring) Discard(n int) int {
	rd := r.r.Load()
	n = min(max(n, 0), int(r.w.Load()-rd))
	r.r.Store(rd + uint64(n))
	return n
}

// Len is the number of samples waiting to be read.
func (r *Ring) Len() int {
	// Load r first: w only grows, so this never underflows.
	rd := r.r.Load()
	return int(r.w.Load() - rd)
}

// Cap is the number of samples the ring can hold.
func (r *Ring) Cap() int { return len(r.buf) }

// Overruns is the total number of samples Write dropped because the ring
// was full.
func (r *Ring) Overruns() uint64 { return r.overruns.Load() }

// Underruns is the total number of samples Read could not deliver because
// the ring was empty.
func (r *Ring) Underruns() uint64 { return r.underruns.Load() }
