package e2e

import (
	"cmp"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/pulsetest"
	"github.com/confab-rtc/confab/internal/tone"
)

// Click train and detector settings for BenchmarkMouthToEarPulse.
const (
	// clickPeriod is the number of samples between clicks at 48 kHz (1 s):
	// long enough for each click's trip through the call to end before
	// the next click.
	clickPeriod = 48000
	// clickAmp is the peak of a click, about -4 dBFS: loud and clean
	// through Opus, below the mixer's soft limiter (0.75 of full scale).
	clickAmp = 20000
	// clickThreshold is the envelope level that marks a click's onset in
	// the recording, where a click is at half level (the mono recording
	// of a stereo sink averages the two channels, and a click is in only
	// one): well above anything but a click (silence, Opus noise between
	// clicks) and reached within the first quarter of a click even if
	// the call halves its level again.
	clickThreshold = clickAmp / 10
	// clickQuiet is how long the envelope must have stayed below the
	// threshold before a new onset counts, so a click's ringing after
	// Opus does not count as a second click.
	clickQuiet = 20 * time.Millisecond
	// maxMouthToEar pairs a direct click with the next onset at most this
	// much later. The path takes about 100-200 ms; a click that has not
	// arrived by then is reported as unpaired.
	maxMouthToEar = 400 * time.Millisecond
)

// clickTrain returns one period (in samples) of the benchmark's signal,
// to loop: a 1 ms Hann-windowed 3 kHz burst at sample at, in silence.
// Sharp in time, and a frequency Opus carries cleanly at speech bitrates.
func clickTrain(rate, period, at int) []int16 {
	pcm := make([]int16, period)
	n := rate / 1000
	for k := 0; k < n; k++ {
		w := 0.5 - 0.5*math.Cos(2*math.Pi*float64(k)/float64(n))
		pcm[at+k] = int16(math.Round(clickAmp * w * math.Sin(2*math.Pi*3000*float64(k)/float64(rate))))
	}
	return pcm
}

// clickOnsets returns the sample indices where the envelope |x| rises
// above threshold after staying below it for at least quiet samples (or
// since the start).
func clickOnsets(pcm []int16, threshold, quiet int) []int {
	var on []int
	below := quiet // the start counts as quiet
	for i, v := range pcm {
		a := int(v)
		if a < 0 {
			a = -a
		}
		if a <= threshold {
			below++
			continue
		}
		if below >= quiet {
			on = append(on, i)
		}
		below = 0
	}
	return on
}

// pairClicks reads a recording's onsets as direct clicks each followed by
// its copy that went through the call: every onset not claimed as a copy
// is a direct click, and the next onset within maxLag samples is its
// copy. It returns the lags in samples and the onsets of the direct
// clicks whose copy never came.
func pairClicks(onsets []int, maxLag int) (lags, unpaired []int) {
	for i := 0; i < len(onsets); {
		d := onsets[i]
		if i+1 < len(onsets) && onsets[i+1]-d <= maxLag {
			lags = append(lags, onsets[i+1]-d)
			i += 2
			continue
		}
		unpaired = append(unpaired, d)
		i++
	}
	return lags, unpaired
}

// percentile returns the nearest-rank p-th percentile (0 < p <= 100) of
// sorted values.
func percentile(sorted []float64, p float64) float64 {
	k := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[min(max(k, 0), len(sorted)-1)]
}

// BenchmarkMouthToEarPulse measures mouth-to-ear latency black-box:
// through real confab processes (serve and two headless clients) and
// real, if virtual, PulseAudio devices, so it includes what the
// in-process BenchmarkMouthToEar leaves out: the capture and playback
// device buffers and the clients' own queues.
//
// One clock, no guessing when a sound started: the "air" is one stereo
// null sink, bus. Its left channel is the room at alice's end, its right
// channel the room at bob's end:
//
//	click stream -> remap sink "mouth" -> bus, left only
//	bus.monitor, left only -> remap source "bus_mic": alice's microphone
//	bob's speaker: remap sink "ear" -> bus, right only
//	bus.monitor, both averaged -> remap source "probe": the recording
//
// The recording hears every click (a 1 ms 3 kHz burst every second)
// twice: when it is in the air at alice's end, as her microphone hears
// it, and when it comes out of bob's speaker after bus_mic -> alice's
// capture -> Opus -> server -> bob's jitter buffer and mixer -> bob's
// playback. The gap is the latency, and both ends of it are samples of
// one recording of one sink.
//
// The recording comes from a remap source of bus.monitor, as the
// microphone does, not from bus.monitor itself: a recorder on the
// monitor missed a click at the very start of the click stream in every
// try while remap sources of it, the microphone included, heard it (most
// likely the sink rewriting what it had already rendered when the
// stream connected, which the monitor's recorder never gets). Recording
// the way the microphone hears keeps the two ends consistent; the
// clicks also sit half way through each period, away from the start.
//
// The obvious trick, a module-combine-sink copying the click to mic_feed
// and to spk_a, is off by a different amount each run: it keeps a queue
// per slave, and with confab's streams attached PulseAudio showed 15 and
// 21 ms (two runs) queued on the mic_feed leg against 0.3 ms on the
// spk_a leg, all of it added to the measured latency. With adjust_time=0
// nothing corrects that; with rate adjustment on, the module steers the
// legs by resampling them during the run. One sink has no legs. Bob's
// speaker must not feed alice's microphone (the click would go round the
// call again), hence the two channels.
//
// Each mode makes one 60-click run (about 65 s with setup) whatever b.N is; the
// first call already exceeds the default -benchtime, so even without
// 1x there is no second one:
//
//	go test ./e2e -run '^$' -bench MouthToEarPulse -benchtime 1x
//
// Within a run the latency mostly holds still (the whole path runs on one
// clock) and moves in steps when a buffer grows or shrinks; between runs
// it differs by tens of ms, set by how the buffers filled at the start.
// So p95 and p99 of one run say little: run it several times (-count)
// and compare the p50s.
//
// It runs once per mode: 20ms (the default) and 10ms (--low-latency), each
// on a fresh PulseAudio.
func BenchmarkMouthToEarPulse(b *testing.B) {
	for _, mode := range []struct {
		name string
		args []string
	}{
		{"20ms", nil},
		{"10ms", []string{"--low-latency"}},
	} {
		b.Run(mode.name, func(b *testing.B) { mouthToEarPulse(b, mode.args) })
	}
}

// mouthToEarPulse is one BenchmarkMouthToEarPulse run with extra
// arguments for both clients.
func mouthToEarPulse(b *testing.B, extra []string) {
	const clicks = 60
	pa := pulsetest.Start(b)
	bus := pa.LoadNullSink("bus", "Latency bus")
	b.Cleanup(func() { _ = pa.UnloadModule(bus) })
	// All mono. The mouth, microphone and ear do not remix: each takes
	// or feeds its one channel of bus and nothing else. The probe does:
	// it hears both channels, averaged.
	for _, m := range [][]string{
		{"module-remap-sink", "sink_name=mouth", "master=bus", "master_channel_map=front-left", "remix=no",
			"sink_properties=device.description=Latency_Mouth"},
		{"module-remap-source", "source_name=bus_mic", "master=bus.monitor", "master_channel_map=front-left", "remix=no",
			"source_properties=device.description=Latency_Mic"},
		{"module-remap-sink", "sink_name=ear", "master=bus", "master_channel_map=front-right", "remix=no",
			"sink_properties=device.description=Latency_Ear"},
		{"module-remap-source", "source_name=probe", "master=bus.monitor",
			"source_properties=device.description=Latency_Probe"},
	} {
		out, err := pa.Pactl(append(append([]string{"load-module"}, m...), "channels=1", "channel_map=mono")...)
		if err != nil {
			b.Fatal(err)
		}
		module := strings.TrimSpace(out)
		b.Cleanup(func() { _, _ = pa.Pactl("unload-module", module) })
	}
	// The clients take the system defaults, as a user's would.
	for _, c := range [][]string{{"set-default-source", "bus_mic"}, {"set-default-sink", "ear"}} {
		if _, err := pa.Pactl(c...); err != nil {
			b.Fatal(err)
		}
	}

	e := newEnv(b)
	e.extra = pa.Env()
	url := e.startServer()
	// The transport's latency, without the capture processing: noise
	// suppression and the echo canceller treat an isolated click as noise
	// and swallow some of them, which leaves clicks unpaired. Processing
	// adds no delay of its own (it works in place on each 10 ms block).
	noDSP := []string{"--aec=false", "--ns=false", "--agc=false"}
	alice := e.startClient("alice", append(append([]string{"--server", url, "--user", "alice", "--speaker", "none", "room1"}, noDSP...), extra...)...)
	bob := e.startClient("bob", append([]string{"--server", url, "--user", "bob", "--mic", "none", "room1"}, extra...)...)
	mic := alice.waitEvent("the microphone opened", 15*time.Second, func(ev event) bool {
		return ev.str("event") == "media-device" && ev.str("kind") == "recording" && ev.str("problem") == "" && ev.str("deviceName") != ""
	})
	spk := bob.waitEvent("the speaker opened", 15*time.Second, func(ev event) bool {
		return ev.str("event") == "media-device" && ev.str("kind") == "playback" && ev.str("problem") == "" && ev.str("deviceName") != ""
	})
	b.Logf("alice's microphone: %q; bob's speaker: %q", mic.str("deviceName"), spk.str("deviceName"))
	bob.waitEvent("first audio from alice", 15*time.Second, isEvent("first-audio-frame", map[string]any{"userId": "alice"}))

	b.ResetTimer()
	rec := pa.Record(b, "probe")
	// Clicks half way through the period: nothing at the start of the
	// stream, where PulseAudio is still settling it.
	stopClicks := pa.Play(b, "mouth", clickTrain(pulsetest.Rate, clickPeriod, clickPeriod/2))
	time.Sleep(clicks * clickPeriod * time.Second / pulsetest.Rate)
	b.Logf("PulseAudio's view of the streams' buffers: %s", streamLatencies(pa))
	stopClicks()
	// Let the last click finish its trip.
	time.Sleep(time.Second)
	pcm := rec.Stop()
	b.StopTimer()

	onsets := clickOnsets(pcm, clickThreshold, int(clickQuiet.Seconds()*pulsetest.Rate))
	lags, unpaired := pairClicks(onsets, int(maxMouthToEar.Seconds()*pulsetest.Rate))
	if len(unpaired) > 0 {
		b.Logf("%d onsets without a copy, at ms %s", len(unpaired), joinMs(unpaired))
	}
	if len(lags) < clicks/2 {
		b.Fatalf("only %d of ~%d clicks came through (%d onsets in %.1f s, at ms %s)",
			len(lags), clicks, len(onsets), float64(len(pcm))/pulsetest.Rate, joinMs(onsets))
	}
	b.Logf("latencies in ms, in click order: %s", joinMs(lags))
	lat := make([]float64, len(lags))
	for i, l := range lags {
		lat[i] = float64(l) * 1000 / pulsetest.Rate
	}
	sort.Float64s(lat)
	b.ReportMetric(0, "ns/op") // one fixed-length run: time per op means nothing
	b.ReportMetric(percentile(lat, 50), "p50-ms")
	b.ReportMetric(percentile(lat, 95), "p95-ms")
	b.ReportMetric(percentile(lat, 99), "p99-ms")
	b.ReportMetric(float64(len(lat)), "clicks")
	b.ReportMetric(float64(len(unpaired)), "unpaired")
}

// joinMs formats sample counts at pulsetest.Rate as milliseconds.
func joinMs(samples []int) string {
	s := make([]string, len(samples))
	for i, v := range samples {
		s[i] = fmt.Sprintf("%.1f", float64(v)*1000/pulsetest.Rate)
	}
	return strings.Join(s, " ")
}

// streamLatencies summarises `pactl list` for every playback and capture
// stream but the warm-up readers: its client (or stream) name, the device
// index, and PulseAudio's estimate of its buffer and device latency, to
// tell how much of the measured latency sits in the devices.
func streamLatencies(pa *pulsetest.Server) string {
	var parts []string
	for _, kind := range []string{"sink-inputs", "source-outputs"} {
		dir := map[string]string{"sink-inputs": "playback to sink", "source-outputs": "capture from source"}[kind]
		out, err := pa.Pactl("list", kind)
		if err != nil {
			return err.Error()
		}
		for _, blk := range strings.Split(out, "\n\n") {
			var app, media, dev, buf, lat string
			for _, l := range strings.Split(blk, "\n") {
				l = strings.TrimSpace(l)
				k, v, _ := strings.Cut(l, ": ")
				if k2, v2, ok := strings.Cut(l, " = "); ok {
					k, v = k2, strings.Trim(v2, `"`)
				}
				switch k {
				case "application.name":
					app = v
				case "media.name":
					media = v
				case "Sink", "Source":
					dev = v
				case "Buffer Latency":
					buf = v
				case "Sink Latency", "Source Latency":
					lat = v
				}
			}
			name := cmp.Or(app, media)
			if name != "" && !strings.HasPrefix(name, "pulsetest-warm") {
				parts = append(parts, fmt.Sprintf("%s %s %s: buffer %s, device %s", name, dir, dev, buf, lat))
			}
		}
	}
	return strings.Join(parts, "; ")
}

// TestClickDetector checks the onset detector and pairing that
// BenchmarkMouthToEarPulse relies on, on recordings built from known
// parts: quieter, ringing copies with a pre-echo below the threshold,
// over a noise floor, one copy missing; and copies that went through
// Opus, whose delay cross-correlation tells independently.
func TestClickDetector(t *testing.T) {
	const rate = pulsetest.Rate
	quiet := int(clickQuiet.Seconds() * rate)
	maxLag := int(maxMouthToEar.Seconds() * rate)
	click := clickTrain(rate, rate/1000, 0) // the burst alone
	put := func(dst, src []int16, at int, gain float64) {
		for i, v := range src {
			if at+i >= 0 && at+i < len(dst) {
				dst[at+i] = int16(max(-32768, min(32767, float64(dst[at+i])+gain*float64(v))))
			}
		}
	}
	// tol allows for the threshold being crossed a few samples later on
	// a quieter copy: the burst rises over about 10 samples.
	const tol = 24 // 0.5 ms

	t.Run("synthetic", func(t *testing.T) {
		const n = 10
		rec := tone.Noise(1, 300, n*rate+rate/2)
		var want []int
		for i := range n {
			d := rate/10 + i*rate
			put(rec, click, d, 0.5) // at half level, as in the benchmark
			if i == 4 {
				continue // this copy is lost
			}
			lag := rate/10 + i*337 // 100 ms and growing, not on any grid
			want = append(want, lag)
			e := d + lag
			put(rec, click, e-5*rate/1000, 0.05) // pre-echo, below the threshold
			put(rec, click, e, 0.25)
			put(rec, click, e+rate/200, 0.15) // ringing 5 ms later: same click
		}
		lags, unpaired := pairClicks(clickOnsets(rec, clickThreshold, quiet), maxLag)
		if len(lags) != len(want) {
			t.Fatalf("got %d lags %v, want %d %v", len(lags), lags, len(want), want)
		}
		for i := range want {
			if d := lags[i] - want[i]; d < 0 || d > tol {
				t.Errorf("click %d: lag %d samples, want %d (+%d)", i, lags[i], want[i], tol)
			}
		}
		if len(unpaired) != 1 || unpaired[0] < rate/10+4*rate || unpaired[0] > rate/10+4*rate+tol {
			t.Errorf("unpaired direct clicks at %v, want one at about %d", unpaired, rate/10+4*rate)
		}
	})

	t.Run("through Opus", func(t *testing.T) {
		enc, err := audio.NewEncoder(audio.DefaultEncoderConfig())
		if err != nil {
			t.Fatal(err)
		}
		dec, err := audio.NewDecoder()
		if err != nil {
			t.Fatal(err)
		}
		const n = 5
		var in []int16
		for range n {
			in = append(in, clickTrain(rate, rate, 0)...)
		}
		out := make([]int16, len(in))
		payload := make([]byte, 1500)
		for f := 0; f+audio.FrameSamples <= len(in); f += audio.FrameSamples {
			m, err := enc.Encode(in[f:f+audio.FrameSamples], payload)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := dec.Decode(payload[:m], out[f:f+audio.FrameSamples]); err != nil {
				t.Fatal(err)
			}
		}
		codec, score := tone.Delay(in[:rate/2], out[:rate])
		if score < 0.5 || codec > rate/50 {
			t.Fatalf("the first click came out of Opus %d samples late with correlation %.2f: not a clean copy", codec, score)
		}
		const lag = 6543 // 136.3 ms through the "call"
		rec := tone.Noise(2, 300, len(in)+rate)
		put(rec, in, 0, 0.5)
		put(rec, out, lag, 0.35)
		lags, unpaired := pairClicks(clickOnsets(rec, clickThreshold, quiet), maxLag)
		if len(lags) != n || len(unpaired) != 0 {
			t.Fatalf("got lags %v and unpaired clicks %v, want %d lags", lags, unpaired, n)
		}
		for i, l := range lags {
			if d := l - (lag + codec); d < -tol || d > tol {
				t.Errorf("click %d: lag %d samples, want %d (call) + %d (Opus, by cross-correlation) ± %d", i, l, lag, codec, tol)
			}
		}
		t.Logf("Opus delays the click by %d samples (correlation %.2f); detected lags %v, want %d", codec, score, lags, lag+codec)
	})
}
