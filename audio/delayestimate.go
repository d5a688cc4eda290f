package audio

import "slices"

// Arrival jitter estimation.
const (
	// delayWindow is how many recent packets the relative delay is
	// measured over: 2.56 s of 20 ms packets. A power of two so the ring
	// index is a mask.
	delayWindow = 128
	// delayQuantile is the share of packets the target delay is meant to
	// have in time.
	delayQuantile = 0.95
)

// delayEstimator measures a sender's arrival jitter the way NetEq does: a
// packet's relative delay is its arrival time minus its RTP timestamp
// (both in nanoseconds), which is a constant plus the network's variable
// delay, so the delay of each packet above the fastest one in the window
// is the jitter it saw. It keeps the last delayWindow values in a fixed
// array: nothing is allocated per packet. Sender clock drift shows as a
// slow slope in the relative delay, which the sliding window follows.
type delayEstimator struct {
	delays [delayWindow]int64
	n, pos int
	sorted [delayWindow]int64 // scratch for the quantile

	min      int64 // smallest relative delay in the window
	quantile int64 // delayQuantile of (delay - min), ns
}

// add records a packet that arrived at arrival (ns) with a timestamp of
// tsNs (ns on the sender's clock).
func (e *delayEstimator) add(arrival, tsNs int64) {
	e.delays[e.pos] = arrival - tsNs
	e.pos = (e.pos + 1) & (delayWindow - 1)
	e.n = min(e.n+1, delayWindow)
	s := e.sorted[:e.n]
	copy(s, e.delays[:e.n])
	slices.Sort(s)
	e.min = s[0]
	q := int(float64(e.n)*delayQuantile+0.999) - 1
	e.quantile = s[min(max(q, 0), e.n-1)] - e.min
}

// ready reports whether any packet has been measured.
func (e *delayEstimator) ready() bool { return e.n > 0 }

// reset forgets every measurement, for a sender that restarted.
func (e *delayEstimator) reset() { e.n, e.pos, e.min, e.quantile = 0, 0, 0, 0 }
