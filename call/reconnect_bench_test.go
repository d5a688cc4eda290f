package call

import (
	"slices"
	"testing"
	"time"

	"github.com/confab-rtc/confab/server"
)

// BenchmarkAudioResume measures, over b.N cuts of a's network, the time
// from the network's return to b hearing a's tone again (the first loud
// 20 ms frame at b's speaker after the outage went silent), and to a
// being CONNECTED again. Each cut takes a's websocket and media (or, for
// media-only, just its UDP, which ICE restarts). Run with -benchtime=10x;
// it reports p50 and p95 in milliseconds.
//
//	go test -run '^$' -bench AudioResume -benchtime 10x ./call
func BenchmarkAudioResume(b *testing.B) {
	for _, bc := range []struct {
		name  string
		ws    bool
		outed time.Duration
	}{
		{"all-2s", true, 2 * time.Second},
		{"all-8s", true, 8 * time.Second},
		{"media-only-8s", false, 8 * time.Second},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := startCutCall(b, server.Config{ResumeGrace: 30 * time.Second}, 2*time.Minute)
			var audioBack, connected []time.Duration
			b.ResetTimer()
			for range b.N {
				conns := c.aEv.count(isState(StateConnected))
				c.udp.Cut()
				if bc.ws {
					c.relay.Cut()
				}
				time.Sleep(bc.outed)
				restored := time.Now()
				c.probe.arm(restored)
				c.restore()
				deadline := restored.Add(30 * time.Second)
				for c.probe.resumed().IsZero() || bc.ws && c.aEv.count(isState(StateConnected)) == conns {
					if time.Now().After(deadline) {
						b.Fatalf("not back within 30 s; a's events %v", c.aEv.snapshot())
					}
					time.Sleep(5 * time.Millisecond)
				}
				audioBack = append(audioBack, c.probe.resumed().Sub(restored))
				if bc.ws {
					ev := c.aEv.snapshot()
					for i := len(ev) - 1; i >= 0; i-- {
						if s, ok := ev[i].(ConnectionStateChanged); ok && s.Cur == StateConnected {
							connected = append(connected, c.aEv.at(i).Sub(restored))
							break
						}
					}
				}
				time.Sleep(time.Second) // settle before the next cut
			}
			b.StopTimer()
			slices.Sort(audioBack)
			b.ReportMetric(ms(percentile(audioBack, 50)), "audio-p50-ms")
			b.ReportMetric(ms(percentile(audioBack, 95)), "audio-p95-ms")
			if len(connected) > 0 {
				slices.Sort(connected)
				b.ReportMetric(ms(percentile(connected, 50)), "connected-p50-ms")
				b.ReportMetric(ms(percentile(connected, 95)), "connected-p95-ms")
			}
		})
	}
}

// BenchmarkServerRestartRejoin measures, over b.N server restarts, the
// time from the new server's start until both clients are CONNECTED to
// it and each hears the other's tone. The old server dies behind a cut,
// as a killed process would. Run with -benchtime=5x.
//
//	go test -run '^$' -bench ServerRestartRejoin -benchtime 5x ./call
func BenchmarkServerRestartRejoin(b *testing.B) {
	r := startRestartCall(b)
	var took []time.Duration
	b.ResetTimer()
	for range b.N {
		took = append(took, r.restart(b, false))
		time.Sleep(time.Second)
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(ms(percentile(took, 50)), "rejoin-p50-ms")
	b.ReportMetric(ms(percentile(took, 95)), "rejoin-p95-ms")
}

// ms is d in milliseconds, for a metric.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
