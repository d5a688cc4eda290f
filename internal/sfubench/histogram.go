package sfubench

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// histBuckets covers 0 to 2^31 µs (about 36 minutes) with 32 buckets per
// power of two, so a quantile is off by at most about 3 %.
const histBuckets = 32 * 27

// histogram counts latencies in microseconds in log-linear buckets. Add is
// lock-free and allocation-free so that every receiving goroutine can own
// or share one on the packet path.
type histogram struct {
	b [histBuckets]atomic.Uint64
}

// bucketOf maps a latency in µs to its bucket: exact below 64 µs, then 32
// buckets per power of two.
func bucketOf(us uint64) int {
	if us < 64 {
		return int(us)
	}
	e := bits.Len64(us) - 6 // >= 1
	b := 32*e + int(us>>uint(e))
	if b >= histBuckets {
		return histBuckets - 1
	}
	return b
}

// bucketLow is the smallest latency in µs that falls in bucket b.
func bucketLow(b int) uint64 {
	if b < 64 {
		return uint64(b)
	}
	e := b/32 - 1
	return uint64(b%32+32) << uint(e)
}

// add counts one latency; negative ones (clock misuse) count as zero.
func (h *histogram) add(d time.Duration) {
	us := uint64(0)
	if d > 0 {
		us = uint64(d / time.Microsecond)
	}
	h.b[bucketOf(us)].Add(1)
}

// hist is a plain copy of a histogram, for arithmetic between snapshots.
type hist [histBuckets]uint64

// snapshot copies h.
func (h *histogram) snapshot() hist {
	var s hist
	for i := range h.b {
		s[i] = h.b[i].Load()
	}
	return s
}

// plus adds o to s.
func (s *hist) plus(o *hist) {
	for i := range s {
		s[i] += o[i]
	}
}

// minus returns s - o (o an earlier snapshot of the same counters).
func (s hist) minus(o *hist) hist {
	for i := range s {
		s[i] -= o[i]
	}
	return s
}

// count is the number of samples in s.
func (s *hist) count() uint64 {
	var n uint64
	for _, c := range s {
		n += c
	}
	return n
}

// quantile returns the latency below which a fraction q of the samples
// lie (the lower edge of the bucket holding that sample), or 0 for no
// samples.
func (s *hist) quantile(q float64) time.Duration {
	n := s.count()
	if n == 0 {
		return 0
	}
	rank := uint64(q*float64(n-1)) + 1 // 1-based rank of the wanted sample
	var seen uint64
	for i, c := range s {
		seen += c
		if seen >= rank {
			return time.Duration(bucketLow(i)) * time.Microsecond
		}
	}
	return time.Duration(bucketLow(histBuckets-1)) * time.Microsecond
}
