package audio

// Arrival jitter estimation.
const (
	// delayWindow is how many recent packets the fastest one is found
	// among: 2.56 s of 20 ms packets, short enough to follow sender clock
	// drift. A power of two so the ring index is a mask.
	delayWindow = 128
	// delayQuantile is the share of packets the target delay is meant to
	// have in time.
	delayQuantile = 0.95
	// histBuckets is the histogram's range in 1 ms buckets: delays above
	// it count in the last one (they are beyond any sensible target).
	histBuckets = 512
	// histForget is how much each packet lowers the weight of those
	// before it: a memory of about 330 packets (7 s of 20 ms packets), as
	// NetEq's forgetting factor. A single stall that delays ten packets
	// is 3 % of that and does not move the 95th percentile; jitter on 10
	// % of packets moves it within seconds.
	histForget = 0.997
)

// delayEstimator measures a sender's arrival jitter the way NetEq does: a
// packet's relative delay is its arrival time minus its RTP timestamp
// (both in nanoseconds), which is a constant plus the network's variable
// delay, so the delay of each packet above the fastest recent one is the
// jitter it saw. Those go into a histogram of 1 ms buckets that forgets
// old packets exponentially, and the quantile is read from it. Everything
// is in fixed arrays: nothing is allocated per packet. Sender clock drift
// shows as a slow slope in the relative delay, which the window of the
// fastest packet follows.
type delayEstimator struct {
	delays [delayWindow]int64
	n, pos int
	hist   [histBuckets]float64
	mass   float64 // sum of hist

	min      int64 // smallest relative delay in the window
	quantile int64 // delayQuantile of (delay - min), rounded up to 1 ms, ns
}

// add records a packet that arrived at arrival (ns) with a timestamp of
// tsNs (ns on the sender's clock).
func (e *delayEstimator) add(arrival, tsNs int64) {
	d := arrival - tsNs
	e.delays[e.pos] = d
	e.pos = (e.pos + 1) & (delayWindow - 1)
	e.n = min(e.n+1, delayWindow)
	e.min = d
	for _, v := range e.delays[:e.n] {
		e.min = min(e.min, v)
	}
	b := min((d-e.min)/1e6, histBuckets-1)
	for i := range e.hist {
		e.hist[i] *= histForget
	}
	e.hist[b] += 1 - histForget
	e.mass = e.mass*histForget + (1 - histForget)
	over := (1 - delayQuantile) * e.mass // the mass above the quantile
	var sum float64
	for i := histBuckets - 1; i >= 0; i-- {
		if sum += e.hist[i]; sum > over {
			e.quantile = int64(i+1) * 1e6
			return
		}
	}
	e.quantile = 0
}

// ready reports whether any packet has been measured.
func (e *delayEstimator) ready() bool { return e.n > 0 }

// reset forgets every measurement, for a sender that restarted.
func (e *delayEstimator) reset() {
	e.n, e.pos, e.min, e.quantile, e.mass = 0, 0, 0, 0, 0
	clear(e.hist[:])
}
