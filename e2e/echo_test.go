package e2e

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/pulsetest"
	"github.com/confab-rtc/confab/internal/tone"
)

// Echo scene of TestFarEndHearsNoEcho.
const (
	// echoLoopLatency is the loopback's delay from alice's speaker to her
	// microphone, on top of both devices' own buffering.
	echoLoopLatency = 60
	// echoMicVolume attenuates what reaches alice's microphone: a laptop's
	// speakers next to its microphone.
	echoMicVolume = "-10dB"
	// speechLoop is the length of bob's speech file; he loops it, and
	// every level is measured over exactly one loop so the comparison
	// between runs does not depend on where the loop stands.
	speechLoop = 10 * time.Second
	// echoConverge is how long the call runs before the measured loop:
	// the paths fill and the echo canceller converges.
	echoConverge = 8 * time.Second
	// minEchoReduction is how much quieter bob's echo must be with alice's
	// processing on: 15 dB turns a clearly audible copy of his own voice
	// into one below the room noise of a typical listener.
	minEchoReduction = 15
)

// TestFarEndHearsNoEcho proves the echo canceller on real devices and real
// processes: bob sends speech; alice plays it on her speaker (a null
// sink), and a PulseAudio loopback feeds her speaker's monitor back into
// her microphone 60 ms later and 10 dB quieter, as a laptop's speakers
// and microphone do. Bob records what he receives. With alice's
// processing off, bob hears his own speech back; with it on (the
// default), that echo must be at least minEchoReduction quieter. (With
// --dsp=speex it is not: measured -3 to -8 dB here, see audio/dsp
// TestEchoDelayWanders for why.)
func TestFarEndHearsNoEcho(t *testing.T) {
	pa := pulsetest.Start(t)
	e := newEnv(t)
	e.extra = pa.Env()
	url := e.startServer()

	if _, err := pa.Pactl("set-source-volume", pulsetest.VirtualMic, echoMicVolume); err != nil {
		t.Fatalf("attenuating the microphone: %v", err)
	}

	speech := audio.SpeechSamples(11, audio.Voices()[0], int(speechLoop.Seconds()*audio.SampleRate))
	speechFile := e.path("bob-speech.wav")
	if err := audio.WriteWAV(speechFile, speech, audio.SampleRate, 1); err != nil {
		t.Fatal(err)
	}

	runs := []struct {
		name  string
		flags []string
	}{
		{"off", []string{"--aec=false", "--ns=false", "--agc=false"}},
		{"default", nil}, // a microphone's defaults: WebRTC, every stage on
	}
	levels := map[string]float64{}
	for i, run := range runs {
		room := fmt.Sprintf("echo%d", i)
		heard := e.path("bob-heard-" + run.name + ".wav")
		unloadEcho := loadEchoPath(t, pa)
		a := e.startClient("alice-"+run.name, append([]string{"--server", url, "--user", "alice"}, append(run.flags, room)...)...)
		b := e.startClient("bob-"+run.name, "--server", url, "--user", "bob", "--send", speechFile, "--speaker", "none", "--record", heard, room)
		a.waitEvent("first audio from bob", 20*time.Second, isEvent("first-audio-frame", map[string]any{"userId": "bob"}))
		b.waitEvent("first audio from alice", 20*time.Second, isEvent("first-audio-frame", map[string]any{"userId": "alice"}))
		time.Sleep(echoConverge + speechLoop + 2*time.Second)
		a.send("leave")
		b.send("leave")
		if err := a.waitExit(15 * time.Second); err != nil {
			t.Errorf("alice (%s) exited with %v", run.name, err)
		}
		if err := b.waitExit(15 * time.Second); err != nil {
			t.Errorf("bob (%s) exited with %v", run.name, err)
		}
		unloadEcho()
		rec := readRecording(t, heard, time.Time{}).pcm
		loop := len(speech)
		if len(rec) < loop+audio.SampleRate {
			t.Fatalf("%s: bob recorded only %.1fs", run.name, float64(len(rec))/audio.SampleRate)
		}
		// The last whole loop before the final 1.5 s: alice leaves while
		// bob still records, and her echo path drains without her.
		end := len(rec) - 3*audio.SampleRate/2
		last := rec[end-loop : end]
		levels[run.name] = dbfs(tone.RMS(last))
		var prof []string
		for o := 0; o+audio.SampleRate <= len(rec); o += audio.SampleRate {
			prof = append(prof, fmt.Sprintf("%.0f", dbfs(tone.RMS(rec[o:o+audio.SampleRate]))))
		}
		t.Logf("%s per second: %s", run.name, strings.Join(prof, " "))
		score := bestMatch(speech, last)
		t.Logf("%s: bob hears %.1f dBFS RMS back from alice (correlation with his speech %.2f)", run.name, levels[run.name], score)
		if run.name == "off" {
			// Without processing the echo must be there, or the test
			// proves nothing: loud, and bob's own speech.
			if levels["off"] < -45 || score < 0.4 {
				t.Fatalf("with processing off bob hears %.1f dBFS (correlation %.2f): the echo path does not work", levels["off"], score)
			}
		}
	}
	red := levels["off"] - levels["default"]
	t.Logf("default (webrtc): bob's own speech comes back %.1f dB quieter than with processing off", red)
	if red < minEchoReduction {
		t.Errorf("the echo is only %.1f dB quieter with processing on, want at least %d dB", red, minEchoReduction)
	}
}

// loadEchoPath feeds alice's speaker back into her microphone: a fresh
// loopback per run, so one run's idle time between calls cannot leave
// the next with a different delay (the loopback does not adjust its
// latency, adjust_time=0, which keeps the delay fixed within a run as an
// acoustic path is). It returns the unload.
func loadEchoPath(t *testing.T, pa *pulsetest.Server) func() {
	t.Helper()
	mod, err := pa.Pactl("load-module", "module-loopback", "source="+pulsetest.SpeakerSink+".monitor",
		"sink="+pulsetest.MicFeedSink, "latency_msec="+strconv.Itoa(echoLoopLatency),
		"source_dont_move=true", "sink_dont_move=true", "remix=true", "adjust_time=0")
	if err != nil {
		t.Fatalf("loading the echo loopback: %v", err)
	}
	idx, err := strconv.Atoi(strings.TrimSpace(mod))
	if err != nil {
		t.Fatalf("load-module printed %q", mod)
	}
	var once sync.Once
	unload := func() { once.Do(func() { pa.Unload(idx) }) }
	t.Cleanup(unload)
	return unload
}

// bestMatch is how well bob's speech appears in what he heard: the best
// normalised correlation of any half second of it (the path's delay
// jumps by a few ms when a device underruns, which smears a longer match).
func bestMatch(speech, heard []int16) float64 {
	twice := append(append([]int16(nil), heard...), heard...) // the loop may be split
	best := 0.0
	for off := 0; off+audio.SampleRate/2 <= len(speech); off += audio.SampleRate {
		piece := speech[off : off+audio.SampleRate/2]
		if tone.RMS(piece) < 300 {
			continue // a pause
		}
		if _, score := tone.Delay(piece, twice); score > best {
			best = score
		}
	}
	return best
}

// dbfs converts an RMS in sample units to dB below full scale.
func dbfs(rms float64) float64 { return 20 * math.Log10(max(rms, 0.1)/32768) }
