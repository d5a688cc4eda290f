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
					st, target, held = lossRun(b, testJB, FrameSamples, pkts, lost, jitter)
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

// lossRun plays pkts of pktSamples each through a fresh stream with
// cfg and returns its stats and the mean target and held delay after the
// first 5 s.
func lossRun(b *testing.B, cfg jbConfig, pktSamples int, pkts [][]byte, lost []bool, jitter []time.Duration) (StreamStats, time.Duration, time.Duration) {
	s, err := newStream("a", cfg)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Unix(5000, 0)
	out := make([]int16, cfg.tick)
	tick := time.Duration(cfg.tick) * time.Second / SampleRate
	pkt := time.Duration(pktSamples) * time.Second / SampleRate
	next := 0
	var target, held time.Duration
	var n int
	ticks := len(pkts) * pktSamples / cfg.tick
	for k := range ticks {
		now := start.Add(time.Duration(k)*tick + 13*time.Millisecond)
		for ; next < len(pkts); next++ {
			at := start.Add(time.Duration(next+1)*pkt + 5*time.Millisecond + jitter[next])
			if at.After(now) {
				break
			}
			if !lost[next] {
				s.PushAt(at, uint16(next), uint32(next*pktSamples), pkts[next])
			}
		}
		s.frame(out, now)
		if k >= ticks/12 {
			st := s.Stats()
			target += st.TargetDelay
			held += st.BufferDelay
			n++
		}
	}
	return s.Stats(), target / time.Duration(n), held / time.Duration(n)
}

// BenchmarkJitterDelayClean reports the jitter buffer's delay on a clean
// link (0-2 ms of jitter, no loss) for 60 s of speech, in the 20 ms mode
// and the 10 ms low-latency mode, with the default 20 ms floor and a 10
// ms one: the jitter buffer's share of mouth-to-ear latency.
//
//   - target-ms: the mean target delay (jitter allowance plus a packet)
//   - delay-ms: the mean delay held (headroom of the fastest packet plus
//     a packet), which sits within a tick and a quarter above the target
//
// go test -run '^$' -bench JitterDelayClean -benchtime 1x ./audio
func BenchmarkJitterDelayClean(b *testing.B) {
	for _, tt := range []struct {
		tick     int
		minDelay time.Duration
	}{
		{FrameSamples, 20 * time.Millisecond},
		{FrameSamples / 2, 20 * time.Millisecond},
		{FrameSamples / 2, 10 * time.Millisecond},
	} {
		b.Run(fmt.Sprintf("tick=%dms/min=%v", tt.tick/48, tt.minDelay), func(b *testing.B) {
			frames := 60 * SampleRate / tt.tick
			speech := make([]int16, frames*tt.tick)
			newSpeechGen(1, Voices()[0]).fill(speech)
			enc, err := NewEncoder(EncoderConfig{Bitrate: 40000, Complexity: 9, FEC: true, PacketLossPercent: 5,
				FrameDuration: time.Duration(tt.tick) * time.Second / SampleRate})
			if err != nil {
				b.Fatal(err)
			}
			buf := make([]byte, 1500)
			pkts := make([][]byte, frames)
			for i := range pkts {
				n, err := enc.Encode(speech[i*tt.tick:(i+1)*tt.tick], buf)
				if err != nil {
					b.Fatal(err)
				}
				pkts[i] = slices.Clone(buf[:n])
			}
			rng := rand.New(rand.NewPCG(5, 6))
			jitter := make([]time.Duration, frames)
			for i := range jitter {
				jitter[i] = time.Duration(rng.IntN(2000)) * time.Microsecond
			}
			cfg := testJB
			cfg.tick, cfg.minDelay = tt.tick, tt.minDelay
			var st StreamStats
			var target, held time.Duration
			for b.Loop() {
				st, target, held = lossRun(b, cfg, tt.tick, pkts, make([]bool, frames), jitter)
			}
			b.ReportMetric(100*st.ConcealedRatio(), "concealed-%")
			b.ReportMetric(float64(target)/float64(time.Millisecond), "target-ms")
			b.ReportMetric(float64(held)/float64(time.Millisecond), "delay-ms")
		})
	}
}
