package audio

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// BenchmarkLossConcealment measures how much of what a listener hears is
// concealed at 0, 1, 5, 10 and 20 % random packet loss, with and without
// Opus in-band FEC: 60 s of synthetic speech encoded by libopus (40
// kbit/s, the "standard" profile, FEC planned for the loss rate as the
// sender does with the loss the server reports; and the "low" profile, 24
// kbit/s wideband), sent as 20 ms packets with 0-2 ms of network
// jitter, lost at random, and played through one stream's jitter buffer
// on a simulated 20 ms playout clock. It reports
//
//   - concealed-%: PLC samples / played samples (StreamStats.ConcealedRatio)
//   - fec-recovered-%: lost packets rebuilt by FEC / lost packets
//   - target-ms: the mean target delay (the mouth-to-ear cost)
//   - delay-ms: the mean delay the buffer actually held
//
// go test -run '^$' -bench LossConcealment -benchtime 1x ./audio
func BenchmarkLossConcealment(b *testing.B) {
	const frames = 3000
	speech := make([]int16, frames*FrameSamples)
	newSpeechGen(1, Voices()[0]).fill(speech)
	encoders := []struct {
		name string
		cfg  EncoderConfig
	}{
		{"standard/fec=off", EncoderConfig{Bitrate: 40000, Complexity: 9}},
		{"standard/fec=on", EncoderConfig{Bitrate: 40000, Complexity: 9, FEC: true}},
		{"low/fec=on", EncoderConfig{Bitrate: 24000, Complexity: 9, FEC: true, MaxBandwidth: BandwidthWide}},
	}
	for _, loss := range []int{0, 1, 5, 10, 20} {
		for _, e := range encoders {
			if loss == 0 && !e.cfg.FEC {
				continue
			}
			b.Run(fmt.Sprintf("loss=%d%%/%s", loss, e.name), func(b *testing.B) {
				cfg := e.cfg
				cfg.PacketLossPercent = loss
				enc, err := NewEncoder(cfg)
				if err != nil {
					b.Fatal(err)
				}
				buf := make([]byte, 1500)
				pkts := make([][]byte, frames)
				for i := range pkts {
					n, err := enc.Encode(speech[i*FrameSamples:(i+1)*FrameSamples], buf)
					if err != nil {
						b.Fatal(err)
					}
					pkts[i] = slices.Clone(buf[:n])
				}
				rng := rand.New(rand.NewPCG(uint64(loss), 99))
				lost := make([]bool, frames)
				jitter := make([]time.Duration, frames)
				var nLost int
				for i := range lost {
					lost[i] = rng.Float64() < float64(loss)/100
					if lost[i] {
						nLost++
					}
					jitter[i] = time.Duration(rng.IntN(2000)) * time.Microsecond
				}
				var st StreamStats
				var target, held time.Duration
				for b.Loop() {
					st, target, held = lossRun(b, pkts, lost, jitter)
				}
				b.ReportMetric(100*st.ConcealedRatio(), "concealed-%")
				if nLost > 0 {
					b.ReportMetric(100*float64(st.FEC)/float64(nLost), "fec-recovered-%")
				}
				b.ReportMetric(float64(target)/float64(time.Millisecond), "target-ms")
				b.ReportMetric(float64(held)/float64(time.Millisecond), "delay-ms")
			})
		}
	}
}

// lossRun plays pkts through a fresh stream and returns its stats and
// the mean target and held delay after the first 5 s.
func lossRun(b *testing.B, pkts [][]byte, lost []bool, jitter []time.Duration) (StreamStats, time.Duration, time.Duration) {
	s, err := newStream("a", testJB)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Unix(5000, 0)
	out := make([]int16, FrameSamples)
	next := 0
	var target, held time.Duration
	var n int
	for k := range len(pkts) {
		now := start.Add(time.Duration(k)*FrameDuration + 13*time.Millisecond)
		for ; next < len(pkts); next++ {
			at := start.Add(time.Duration(next+1)*FrameDuration + 5*time.Millisecond + jitter[next])
			if at.After(now) {
				break
			}
			if !lost[next] {
				s.PushAt(at, uint16(next), uint32(next*FrameSamples), pkts[next])
			}
		}
		s.frame(out, now)
		if k >= 250 {
			st := s.Stats()
			target += st.TargetDelay
			held += st.BufferDelay
			n++
		}
	}
	return s.Stats(), target / time.Duration(n), held / time.Duration(n)
}
