package audio

import (
	"sync/atomic"
	"time"
)

// StreamStats counts what happened to one sender's packets and frames,
// for statistics panes and the loss-tolerance benchmark.
type StreamStats struct {
	// Packets is the number of packets accepted into the jitter buffer.
	Packets uint64
	// Late is packets that arrived after their time was played or
	// concealed.
	Late uint64
	// Duplicates is packets that were already in the buffer.
	Duplicates uint64
	// Dropped is packets refused: the queue to the mixer was full, the
	// payload was empty or too big, or the sequence number was far out.
	Dropped uint64
	// Skipped is packets thrown away unplayed because they were older
	// than the target delay when playout started.
	Skipped uint64
	// Decoded is packets played from their own data.
	Decoded uint64
	// FEC is lost packets rebuilt from the next packet's redundancy.
	FEC uint64
	// PLC is concealment operations: lost audio extrapolated.
	PLC uint64
	// PlayedSamples is the samples the stream played while active,
	// decoded, rebuilt and concealed alike (pause silence excluded).
	PlayedSamples uint64
	// ConcealedSamples is the part of PlayedSamples made up by PLC.
	ConcealedSamples uint64
	// FECSamples is the part of PlayedSamples rebuilt by FEC.
	FECSamples uint64
	// Accelerate is ticks dropped to shorten the delay (sender clock
	// faster than ours, or the network calmed down).
	Accelerate uint64
	// Expand is concealment ticks inserted ahead of an underrun to
	// lengthen the delay (sender clock slower, or jitter grew).
	Expand uint64
	// Underruns is ticks where nothing was there that could still come
	// in time, concealed while waiting for it (the delay grew a tick).
	Underruns uint64
	// TargetDelay is the delay the buffer aims at now: the jitter
	// allowance plus a packet, within MixerConfig.MinDelay and MaxDelay.
	TargetDelay time.Duration
	// BufferDelay is the delay the buffer holds now, on the same scale:
	// how long before it is played the fastest recent packet arrived,
	// plus a packet.
	BufferDelay time.Duration
}

// ConcealedRatio is the share of played audio that was concealed, 0-1.
func (s StreamStats) ConcealedRatio() float64 {
	if s.PlayedSamples == 0 {
		return 0
	}
	return float64(s.ConcealedSamples) / float64(s.PlayedSamples)
}

// streamCounters is StreamStats as atomics: the mixer writes them, anyone
// reads.
type streamCounters struct {
	packets, late, duplicates, dropped, skipped atomic.Uint64
	decoded, fec, plc                           atomic.Uint64
	played, concealed, fecSamples               atomic.Uint64
	accelerate, expand, underruns               atomic.Uint64
	targetDelay, bufferDelay                    atomic.Int64 // ns
}

func (c *streamCounters) snapshot() StreamStats {
	return StreamStats{
		Packets:          c.packets.Load(),
		Late:             c.late.Load(),
		Duplicates:       c.duplicates.Load(),
		Dropped:          c.dropped.Load(),
		Skipped:          c.skipped.Load(),
		Decoded:          c.decoded.Load(),
		FEC:              c.fec.Load(),
		PLC:              c.plc.Load(),
		PlayedSamples:    c.played.Load(),
		ConcealedSamples: c.concealed.Load(),
		FECSamples:       c.fecSamples.Load(),
		Accelerate:       c.accelerate.Load(),
		Expand:           c.expand.Load(),
		Underruns:        c.underruns.Load(),
		TargetDelay:      time.Duration(c.targetDelay.Load()),
		BufferDelay:      time.Duration(c.bufferDelay.Load()),
	}
}
