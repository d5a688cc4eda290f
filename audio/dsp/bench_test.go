package dsp

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
)

func audioYield() { runtime.Gosched() }

// BenchmarkProcess is the CPU cost of one 10 ms block (reference in, mic
// cleaned) per backend and stage; the cpu% metric is that cost as a share
// of one core in real time.
func BenchmarkProcess(b *testing.B) {
	far, mic := farSpeech(), mix(nearSpeech(), noiseFloor(5, -45))
	stages := []struct {
		name string
		cfg  Config
	}{
		{"aec", Config{EchoCancel: true}},
		{"ns", Config{NoiseSuppress: true}},
		{"agc", Config{GainControl: true}},
		{"all", DefaultConfig()},
	}
	for _, be := range backends {
		for _, st := range stages {
			b.Run(fmt.Sprintf("%s/%s", be, st.name), func(b *testing.B) {
				cfg := st.cfg
				cfg.Backend = be
				p := newProcessor(b, cfg)
				block := make([]int16, BlockSamples)
				n := len(mic) / BlockSamples
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					off := (i % n) * BlockSamples
					p.WriteFrame(far[off : off+BlockSamples])
					copy(block, mic[off:off+BlockSamples])
					p.ProcessCapture(block)
				}
				perBlock := b.Elapsed() / time.Duration(max(b.N, 1))
				b.ReportMetric(float64(perBlock.Nanoseconds())/1e3, "µs/block")
				b.ReportMetric(100*perBlock.Seconds()/0.010, "cpu%")
				_ = audio.SampleRate
			})
		}
	}
}
