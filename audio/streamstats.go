package audio

import "sync/atomic"

// StreamStats counts what happened to one sender's packets and frames,
// for statistics panes and the loss-tolerance benchmark.
type StreamStats struct {
	// Packets is the number of packets accepted into the jitter buffer.
	Packets uint64
	// Late is packets that arrived after their frame was played or
	// concealed.
	Late uint64
	// Duplicates is packets that were already in the buffer.
	Duplicates uint64
	// Dropped is packets refused: the queue to the mixer was full, the
	// payload was empty or too big, or the sequence number was far out.
	Dropped uint64
	// Decoded is frames played from their own packet.
	Decoded uint64
	// FEC is frames rebuilt from the next packet's redundancy.
	FEC uint64
	// PLC is frames concealed by extrapolation.
	PLC uint64
	// Skipped is frames dropped to shorten the delay.
	Skipped uint64
}

// streamCounters is StreamStats as atomics: the mixer writes them, anyone
// reads.
type streamCounters struct {
	packets, late, duplicates, dropped atomic.Uint64
	decoded, fec, plc, skipped         atomic.Uint64
}

func (c *streamCounters) snapshot() StreamStats {
	return StreamStats{
		Packets:    c.packets.Load(),
		Late:       c.late.Load(),
		Duplicates: c.duplicates.Load(),
		Dropped:    c.dropped.Load(),
		Decoded:    c.decoded.Load(),
		FEC:        c.fec.Load(),
		PLC:        c.plc.Load(),
		Skipped:    c.skipped.Load(),
	}
}
