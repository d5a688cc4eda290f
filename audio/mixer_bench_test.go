package audio

import (
	"fmt"
	"testing"
)

// BenchmarkMixer measures one 20 ms mixing step with N remote speakers
// (push, jitter buffer, Opus decode, meter, sum, limiter): the
// per-participant receive cost. Divide ns/op by 20 ms for the share of a
// core.
func BenchmarkMixer(b *testing.B) {
	pkts := tonePackets(b, 440, 0.3, 50)
	for _, n := range []int{1, 2, 4, 8, 16} {
		b.Run(fmt.Sprintf("streams=%d", n), func(b *testing.B) {
			m := NewMixer(MixerConfig{})
			m.AddOutput(discard{})
			streams := make([]*Stream, n)
			for i := range streams {
				streams[i], _ = m.AddStream(fmt.Sprint("user", i))
			}
			b.ReportAllocs()
			var tick int
			for b.Loop() {
				seq := uint16(tick)
				for _, s := range streams {
					s.PushAt(arriveT(tick), seq, uint32(tick)*FrameSamples, pkts[tick%len(pkts)])
				}
				m.mixFrameAt(simT(tick))
				tick++
			}
		})
	}
}
