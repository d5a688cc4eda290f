package call

import (
	"bufio"
	"context"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pion/transport/v4/test"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/tone"
	"github.com/confab-rtc/confab/server"
)

// packetsReceived reads the server's count of RTP packets received from
// publishers from its Prometheus endpoint.
func packetsReceived(t *testing.T, wsURL string) float64 {
	t.Helper()
	resp, err := http.Get(strings.Replace(wsURL, "ws://", "http://", 1) + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "confab_packets_received_total "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatal("no confab_packets_received_total in /metrics")
	return 0
}

// packetRate is how many packets per second the server receives over d.
func packetRate(t *testing.T, wsURL string, d time.Duration) float64 {
	t.Helper()
	n0 := packetsReceived(t, wsURL)
	time.Sleep(d)
	return (packetsReceived(t, wsURL) - n0) / d.Seconds()
}

// TestEngineDTX: a sender with DTX that falls silent sends one packet
// every 420 ms (libopus' comfort-noise refresh) instead of 50 a second, and the server, with its
// strictest stream detection (1 s), neither reports the stream
// interrupted nor scores the sender's uplink as lost (6); when the
// sender talks again the far end hears it at once.
func TestEngineDTX(t *testing.T) {
	t.Cleanup(test.CheckRoutines(t))
	_, url := startServer(t, server.Config{StreamDetectInterval: time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// 1 s of tone, 5 s of silence, looped.
	wav := filepath.Join(t.TempDir(), "talk.wav")
	talk := append(tone.Sine(500, 0.3, audio.SampleRate), make([]int16, 5*audio.SampleRate)...)
	if err := audio.WriteWAV(wav, talk, audio.SampleRate, 1); err != nil {
		t.Fatal(err)
	}
	src, err := audio.NewWAVSource(wav)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()

	rec := &recorder{}
	a := engineFor(url, "a", 0, time.Hour, Params{Source: src})
	enc := audio.DefaultEncoderConfig()
	enc.DTX = true
	a.cfg.Encoder = enc
	b := engineFor(url, "b", 0, time.Hour, Params{Outputs: []audio.Output{rec}})
	defer a.Close()
	defer b.Close()
	collect(a)
	bEv := collect(b)
	go a.Run(ctx)
	go b.Run(ctx)
	bEv.wait(t, "first audio from a", func(e Event) bool { f, ok := e.(FirstAudioFrame); return ok && f.UserID == "a" })

	// The first audio came with the tone: 1.5 s on, a is silent for 3.5 s.
	time.Sleep(1500 * time.Millisecond)
	silentFrom := time.Now()
	rate := packetRate(t, url, 3*time.Second)
	t.Logf("packets/s during silence with DTX: %.1f", rate)
	if rate < 1.5 || rate > 3.5 {
		t.Errorf("during silence the server received %.1f packets/s, want about 2.4 (one every 420 ms)", rate)
	}
	// Back to talking: the tone reaches b.
	time.Sleep(time.Until(silentFrom.Add(4 * time.Second)))
	start := rec.len()
	time.Sleep(1500 * time.Millisecond)
	heard := rec.since(start)
	if f := tone.FractionDominant(heard, audio.SampleRate, 100*time.Millisecond, 500, 10, 300); f < 0.4 {
		t.Errorf("after the silence 500 Hz dominates %.0f%% of what b heard, want the talkspurt (>= 40%%)", 100*f)
	}

	bEv.mu.Lock()
	defer bEv.mu.Unlock()
	quality := 0
	for _, ev := range bEv.list {
		switch e := ev.(type) {
		case StreamInterrupted:
			t.Errorf("the server reported a's stream interrupted during DTX: %+v", e)
		case NetworkQuality:
			if e.UserID == "a" {
				quality++
				if e.Uplink == 6 {
					t.Errorf("the server scored a's uplink 6 (disconnected) during DTX: %+v", e)
				}
			}
		}
	}
	if quality == 0 {
		t.Error("no network-quality about a in 7 s: nothing was checked")
	}
}
