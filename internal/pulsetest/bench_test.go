package pulsetest

import (
	"strings"
	"testing"
	"time"

	"github.com/confab-rtc/confab/internal/tone"
)

// BenchmarkStart measures starting a server (daemon up, pactl info
// answering, both sinks warmed up) and closing it.
func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		s, err := StartProcess(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// firstAudio returns how long after the call to StartPlayer a recorder of
// source first sees loud samples, polling the recording every millisecond.
func firstAudio(b *testing.B, s *Server, sink, source string) time.Duration {
	rec, err := s.StartRecorder(source)
	if err != nil {
		b.Fatal(err)
	}
	defer rec.Stop()
	time.Sleep(50 * time.Millisecond) // let the recorder settle
	base := len(rec.Samples())
	start := time.Now()
	stop, err := s.StartPlayer(sink, tone.Sine(1000, 0.5, 4800))
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	for time.Since(start) < 5*time.Second {
		pcm := rec.Samples()
		for _, v := range pcm[min(base, len(pcm)):] {
			if v > 1000 || v < -1000 {
				return time.Since(start)
			}
		}
		time.Sleep(time.Millisecond)
	}
	b.Fatal("no audio within 5 s")
	return 0
}

// BenchmarkFirstAudio measures the time from starting a player on mic_feed
// to a capture of virtual_mic seeing the tone, on the warmed-up sink
// ("warm") and on a freshly loaded null sink without the warm-up ("cold"),
// which shows the pitfall the warm-up exists for.
func BenchmarkFirstAudio(b *testing.B) {
	s, err := StartProcess(b.TempDir())
	if err != nil {
		b.Skip(err)
	}
	defer s.Close()
	b.Run("warm", func(b *testing.B) {
		var total time.Duration
		for b.Loop() {
			total += firstAudio(b, s, MicFeedSink, VirtualMic)
		}
		b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/first-audio")
	})
	b.Run("cold", func(b *testing.B) {
		var total time.Duration
		for b.Loop() {
			b.StopTimer()
			out, err := s.Pactl("load-module", "module-null-sink", "sink_name=cold", "rate=48000", "channels=1")
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			total += firstAudio(b, s, "cold", "cold.monitor")
			b.StopTimer()
			if _, err := s.Pactl("unload-module", strings.TrimSpace(out)); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/first-audio")
	})
}
