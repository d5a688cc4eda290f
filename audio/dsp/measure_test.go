package dsp

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/tone"
)

// Measurement scenes. Every signal is 20 s long; the first seconds are
// convergence time and never count.
const (
	sceneLength = 20 * time.Second
	converge    = 5 * time.Second
	// echoLossDB is how much quieter the echo is at the microphone than
	// what the speaker plays: a laptop's speakers next to its microphone.
	echoLossDB = 10
)

var backends = []string{BackendSpeex, BackendWebRTC}

func sceneSamples() int { return int(sceneLength.Seconds() * audio.SampleRate) }

func farSpeech() []int16  { return audio.SpeechSamples(1, audio.Voices()[0], sceneSamples()) }
func nearSpeech() []int16 { return audio.SpeechSamples(2, audio.Voices()[1], sceneSamples()) }

// noiseFloor is white noise with an RMS of dbfs.
func noiseFloor(seed uint64, dbfs float64) []int16 {
	return tone.Noise(seed, math.Pow(10, dbfs/20)*math.Sqrt(3), sceneSamples())
}

func newProcessor(t testing.TB, cfg Config) *Processor {
	t.Helper()
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// erle measures echo return loss enhancement: how much quieter the
// microphone's echo is after processing, over the blocks where the far end
// talks, after convergence.
func erle(t testing.TB, cfg Config, path echoPath, jitter *rand.Rand) float64 {
	far := farSpeech()
	echo := path.apply(far)
	mic := mix(echo, noiseFloor(3, -75))
	out := runProcessor(newProcessor(t, cfg), far, mic, jitter)
	mask := active(echo, -50, converge)
	return ratioDB(energy(mic, mask), energy(out, mask))
}

// TestEchoCancellation: with only the echo canceller on, each backend
// removes the echo of far-end speech through room-like paths of 40 to
// 150 ms, also when the reference sometimes arrives a frame late. 15 dB
// is where a far-end talker stops hearing a clear copy of themselves;
// a canceller that does nothing measures 0 dB.
func TestEchoCancellation(t *testing.T) {
	for _, be := range backends {
		for _, delay := range []time.Duration{40 * time.Millisecond, 100 * time.Millisecond, 150 * time.Millisecond} {
			for _, jittered := range []bool{false, true} {
				name := fmt.Sprintf("%s/%v/jitter=%v", be, delay, jittered)
				t.Run(name, func(t *testing.T) {
					var j *rand.Rand
					if jittered {
						j = rand.New(rand.NewPCG(9, 9))
					}
					cfg := Config{Backend: be, EchoCancel: true}
					got := erle(t, cfg, echoPath{delay: delay, lossDB: echoLossDB, tail: 60 * time.Millisecond, seed: 4}, j)
					t.Logf("%s: ERLE %.1f dB", name, got)
					if got < 15 {
						t.Errorf("ERLE %.1f dB, want at least 15 dB", got)
					}
				})
			}
		}
	}
}

// TestEchoDelayWanders: the path's delay jumps by a few milliseconds every
// 2 s, as on real devices under load (TestFarEndHearsNoEcho in e2e saw it
// through PulseAudio). The default backend must still cancel; the other's
// ERLE is logged, since this is where the two differ most.
func TestEchoDelayWanders(t *testing.T) {
	for _, be := range backends {
		t.Run(be, func(t *testing.T) {
			got := erle(t, Config{Backend: be, EchoCancel: true},
				echoPath{delay: 100 * time.Millisecond, lossDB: echoLossDB, tail: 60 * time.Millisecond, seed: 4, wander: 8 * time.Millisecond}, nil)
			t.Logf("%s with a wandering delay: ERLE %.1f dB", be, got)
			if be == DefaultBackend && got < 15 {
				t.Errorf("ERLE %.1f dB, want at least 15 dB", got)
			}
		})
	}
}

// TestEchoCancellationAllOn: the same with noise suppression and gain
// control on too, as for a microphone. What reaches the far end is the
// residual after AGC, which can raise it again: speex's AGC does exactly
// that while the near end is silent (it measured -1.7 dB here: the echo
// comes back at full level), which is one reason WebRTC is the default;
// speex is held to the bar with its AGC off, the setting to use with it.
func TestEchoCancellationAllOn(t *testing.T) {
	for _, be := range backends {
		t.Run(be, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Backend = be
			cfg.GainControl = be != BackendSpeex
			got := erle(t, cfg, echoPath{delay: 100 * time.Millisecond, lossDB: echoLossDB, tail: 60 * time.Millisecond, seed: 4}, nil)
			t.Logf("%s all on: ERLE %.1f dB", be, got)
			if got < 15 {
				t.Errorf("ERLE %.1f dB, want at least 15 dB", got)
			}
		})
	}
}

// TestEchoOffPassesThrough: without the canceller the same scene keeps
// its echo, so the ERLE above is the canceller's doing.
func TestEchoOffPassesThrough(t *testing.T) {
	for _, be := range backends {
		got := erle(t, Config{Backend: be}, echoPath{delay: 100 * time.Millisecond, lossDB: echoLossDB, tail: 60 * time.Millisecond, seed: 4}, nil)
		if math.Abs(got) > 0.01 {
			t.Errorf("%s with every stage off: ERLE %.2f dB, want 0", be, got)
		}
	}
}

// talkResult is what the double-talk scene measures.
type talkResult struct {
	// nearDT is the gain of the near end where both ends talk, relative
	// to its gain where it talks alone (so AGC's own gain cancels out):
	// 0 dB means double talk costs the near end nothing.
	nearDT float64
	// erle is the far-only echo reduction, less the gain the processor
	// gave the near end talking alone: how much further the echo sits
	// below the near end's voice than before processing.
	erle float64
}

// doubleTalk runs far-end and near-end speech together (the echo 100 ms
// late) and measures how much of the near end survives where both talk
// and how much echo is left where only the far end talks.
func doubleTalk(t testing.TB, cfg Config) talkResult {
	far, near := farSpeech(), nearSpeech()
	echo := echoPath{delay: 100 * time.Millisecond, lossDB: echoLossDB, tail: 60 * time.Millisecond, seed: 4}.apply(far)
	mic := mix(echo, near, noiseFloor(3, -75))
	out := runProcessor(newProcessor(t, cfg), far, mic, nil)
	farOn, nearOn := active(echo, -50, converge), active(near, -50, converge)
	farQuiet, nearQuiet := not(active(echo, -70, 0)), not(active(near, -70, 0))
	both, nearOnly, farOnly := and(farOn, nearOn), and(nearOn, farQuiet), and(farOn, nearQuiet)
	gainDT, _ := projectionDB(near, out, both, 480)
	gainAlone, _ := projectionDB(near, out, nearOnly, 480)
	return talkResult{
		nearDT: gainDT - gainAlone,
		erle:   ratioDB(energy(mic, farOnly), energy(out, farOnly)) + gainAlone,
	}
}

// TestDoubleTalk: while both ends talk the near end must come through
// (not lose more than 10 dB, as a half-duplex suppressor would), and the
// echo must still be cancelled where only the far end talks.
func TestDoubleTalk(t *testing.T) {
	for _, be := range backends {
		t.Run(be, func(t *testing.T) {
			r := doubleTalk(t, Config{Backend: be, EchoCancel: true})
			t.Logf("%s: near end during double talk %+.1f dB, far-only ERLE %.1f dB", be, r.nearDT, r.erle)
			if r.nearDT < -10 {
				t.Errorf("near end lost %.1f dB during double talk, want at most 10 dB", -r.nearDT)
			}
			if r.erle < 10 {
				t.Errorf("far-only ERLE %.1f dB during a double-talk scene, want at least 10 dB", r.erle)
			}
		})
	}
}

// noiseSuppression runs near-end speech over steady noise at -45 dBFS
// (a fan or a noisy room) and reports the noise reduction where nobody
// talks and how much of the speech is kept where it talks.
func noiseSuppression(t testing.TB, cfg Config) (reductionDB, speechGainDB float64) {
	near := nearSpeech()
	mic := mix(near, noiseFloor(5, -45))
	out := runProcessor(newProcessor(t, cfg), nil, mic, nil)
	quiet := after(not(active(near, -80, 0)), 3*time.Second)
	talk := active(near, -35, 3*time.Second)
	reductionDB = ratioDB(energy(mic, quiet), energy(out, quiet))
	speechGainDB, _ = projectionDB(near, out, talk, 480)
	return reductionDB, speechGainDB
}

// TestNoiseSuppression: the noise between words drops by at least 10 dB
// and the words themselves lose at most 6 dB.
func TestNoiseSuppression(t *testing.T) {
	for _, be := range backends {
		t.Run(be, func(t *testing.T) {
			r, g := noiseSuppression(t, Config{Backend: be, NoiseSuppress: true})
			t.Logf("%s: noise reduction %.1f dB, speech %.1f dB", be, r, g)
			if r < 10 {
				t.Errorf("noise reduced by %.1f dB, want at least 10 dB", r)
			}
			if g < -6 {
				t.Errorf("speech lost %.1f dB, want at most 6 dB", -g)
			}
		})
	}
}

// gainControl runs speech 26 dB quieter than normal (a distant or quiet
// microphone) and reports how far AGC raises its level after it settles,
// and the level reached.
func gainControl(t testing.TB, cfg Config) (raiseDB, levelOut float64) {
	quiet := scale(nearSpeech(), -26)
	out := runProcessor(newProcessor(t, cfg), nil, quiet, nil)
	talk := active(quiet, -70, 8*time.Second)
	return levelDBFS(out, talk) - levelDBFS(quiet, talk), levelDBFS(out, talk)
}

// TestGainControl: quiet speech is raised by at least 6 dB, a difference
// a listener hears at once.
func TestGainControl(t *testing.T) {
	for _, be := range backends {
		t.Run(be, func(t *testing.T) {
			r, l := gainControl(t, Config{Backend: be, GainControl: true})
			t.Logf("%s: quiet speech raised by %.1f dB to %.1f dBFS", be, r, l)
			if r < 6 {
				t.Errorf("AGC raised quiet speech by %.1f dB, want at least 6 dB", r)
			}
		})
	}
}

// TestFullChain: everything on, as for a microphone, in the double-talk
// scene: the echo is still gone and the near end still there, measured
// relative to the near end's own level so that AGC's gain cancels out.
func TestFullChain(t *testing.T) {
	for _, be := range backends {
		t.Run(be, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Backend = be
			r := doubleTalk(t, cfg)
			t.Logf("%s all on: near end during double talk %+.1f dB, far-only ERLE %.1f dB", be, r.nearDT, r.erle)
			if r.erle < 15 {
				t.Errorf("far-only ERLE %.1f dB, want at least 15 dB", r.erle)
			}
			if r.nearDT < -10 {
				t.Errorf("near end lost %.1f dB during double talk, want at most 10 dB", -r.nearDT)
			}
		})
	}
}
