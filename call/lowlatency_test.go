package call

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pion/transport/v4/test"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/tone"
	"github.com/confab-rtc/confab/server"
	"github.com/confab-rtc/confab/signal"
)

// tickRecorder is a recorder that also notes the sizes of the frames the
// mixer writes.
type tickRecorder struct {
	recorder
	sizes sync.Map // frame length -> true
}

func (r *tickRecorder) WriteFrame(f []int16) {
	r.sizes.Store(len(f), true)
	r.recorder.WriteFrame(f)
}

// TestEngineLowLatencyCall runs a call in the 10 ms mode through the
// in-process server, once with FEC (VoIP) and once without
// (restricted-low-delay): 100 packets a second reach the server, the far
// end plays 10 ms ticks and hears the tone at its frequency.
func TestEngineLowLatencyCall(t *testing.T) {
	t.Cleanup(test.CheckRoutines(t))
	_, url := startServer(t, server.Config{})
	for _, fec := range []bool{true, false} {
		name := map[bool]string{true: "voip-fec", false: "restricted-low-delay"}[fec]
		t.Run(name, func(t *testing.T) {
			enc := audio.EncoderConfig{Bitrate: 40000, FEC: fec, PacketLossPercent: 5, FrameDuration: audio.LowLatencyFrameDuration, LowDelay: !fec}
			join := func(user string, p Params) *Engine {
				ctime := time.Now().Add(time.Hour).Unix()
				return New(Config{ServerURL: url, Room: "ll-" + name, UserID: user, UserName: "User " + user, Role: signal.RoleJoiner,
					AppID: testAppID, CTime: ctime, Signature: signal.Sign(testAppKey, testAppID, "ll-"+name, user, ctime), Encoder: enc}, p)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			rec := &tickRecorder{}
			a := join("a", Params{Source: toneSource(t, 700, audio.SampleRate)})
			b := join("b", Params{Outputs: []audio.Output{rec}})
			defer a.Close()
			defer b.Close()
			bEv := collect(b)
			collect(a)
			go a.Run(ctx)
			go b.Run(ctx)
			bEv.wait(t, "first audio from a", func(e Event) bool { f, ok := e.(FirstAudioFrame); return ok && f.UserID == "a" })
			start := rec.len()
			// 10 ms packets: 100 a second reach the server.
			if rate := packetRate(t, url, 1500*time.Millisecond); rate < 85 || rate > 115 {
				t.Errorf("the server received %.0f packets/s, want 100 (10 ms packets)", rate)
			}
			heard := rec.since(start + audio.SampleRate/4)
			if f := tone.FractionDominant(heard, audio.SampleRate, 100*time.Millisecond, 700, 10, 300); f < 0.9 {
				t.Errorf("700 Hz dominates %.0f%% of what b heard, want >= 90%%", 100*f)
			}
			var sizes []int
			rec.sizes.Range(func(k, _ any) bool { sizes = append(sizes, k.(int)); return true })
			if len(sizes) != 1 || sizes[0] != audio.LowLatencyFrameSamples {
				t.Errorf("b's mixer wrote frames of %v samples, want only %d (10 ms)", sizes, audio.LowLatencyFrameSamples)
			}
		})
	}
}
