package audio

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/confab-rtc/confab/internal/tone"
)

func speech(seed int64, v Voice, seconds int) []int16 {
	pcm := make([]int16, seconds*SampleRate)
	newSpeechGen(seed, v).fill(pcm)
	return pcm
}

func TestSpeechIsDeterministic(t *testing.T) {
	v := Voices()[1]
	a, b := speech(42, v, 5), speech(42, v, 5)
	if !slices.Equal(a, b) {
		t.Fatal("the same seed gave different speech")
	}
	if slices.Equal(a, speech(43, v, 5)) {
		t.Fatal("different seeds gave the same speech")
	}
	if slices.Equal(a, speech(42, Voices()[0], 5)) {
		t.Fatal("different voices gave the same speech")
	}
	// Frame by frame through the Source gives the same samples.
	src := NewSpeechSource(42, v)
	defer src.Close()
	frame := make([]int16, FrameSamples)
	for i := range 3 {
		if err := src.ReadFrame(context.Background(), frame); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(frame, a[i*FrameSamples:(i+1)*FrameSamples]) {
			t.Fatalf("frame %d from the Source differs", i)
		}
	}
}

// runs splits per-frame activity into alternating runs, in seconds.
func runs(active []bool) (talk, pause []float64) {
	start := 0
	for i := 1; i <= len(active); i++ {
		if i < len(active) && active[i] == active[start] {
			continue
		}
		d := float64(i-start) * FrameDuration.Seconds()
		if active[start] {
			talk = append(talk, d)
		} else {
			pause = append(pause, d)
		}
		start = i
	}
	return talk, pause
}

func TestSpeechHasSpurtsAndPauses(t *testing.T) {
	for _, v := range Voices() {
		t.Run(v.Name, func(t *testing.T) {
			pcm := speech(7, v, 40)
			var active []bool
			for _, f := range tone.Windows(pcm, SampleRate, FrameDuration) {
				active = append(active, Level100(f) > 0) // louder than -60 dBov
			}
			talk, pause := runs(active)
			// Drop the last run of each kind: the end of the test cuts it short.
			talk, pause = talk[:len(talk)-1], pause[:len(pause)-1]
			if len(talk) < 6 || len(pause) < 6 {
				t.Fatalf("%d spurts and %d pauses in 40 s", len(talk), len(pause))
			}
			const slack = 0.06 // the fades at a spurt's ends
			for _, d := range talk {
				if d < spurtMin-slack || d > spurtMax+slack {
					t.Errorf("talk spurt of %.2f s, want 1-4 s (all: %v)", d, talk)
				}
			}
			for _, d := range pause {
				if d < pauseMin-slack || d > pauseMax+slack {
					t.Errorf("pause of %.2f s, want 0.5-2 s (all: %v)", d, pause)
				}
			}
			// Speaking is at a conversational level; pauses are digital
			// silence 40 ms away from speech (fades and formants ringing
			// out are quieter than -60 dBov but not zero).
			var on []int16
			for i, f := range tone.Windows(pcm, SampleRate, FrameDuration) {
				if active[i] {
					on = append(on, f...)
					continue
				}
				near := slices.Contains(active[max(i-2, 0):min(i+3, len(active))], true)
				if !near && LevelDBov(f) != 127 {
					t.Fatalf("pause frame %d is not silent", i)
				}
			}
			if db := 20 * math.Log10(tone.RMS(on)/32768); db < -26 || db > -14 {
				t.Errorf("speech at %.1f dBFS, want about -20", db)
			}
		})
	}
}

// pitch estimates the fundamental of a window by normalised
// autocorrelation, preferring the shortest period that nearly matches the
// best (which avoids octave errors).
func pitch(w []int16) float64 {
	x := make([]float64, len(w))
	for i, v := range w {
		x[i] = float64(v)
	}
	corr := func(lag int) float64 {
		var s, e1, e2 float64
		for i := lag; i < len(x); i++ {
			s += x[i] * x[i-lag]
			e1 += x[i] * x[i]
			e2 += x[i-lag] * x[i-lag]
		}
		return s / math.Sqrt(e1*e2+1)
	}
	lo, hi := SampleRate/500, SampleRate/70
	r := make([]float64, hi+1)
	best := 0.0
	for lag := lo; lag <= hi; lag++ {
		r[lag] = corr(lag)
		best = max(best, r[lag])
	}
	for lag := lo + 1; lag < hi; lag++ {
		if r[lag] >= 0.9*best && r[lag] >= r[lag-1] && r[lag] >= r[lag+1] {
			return SampleRate / float64(lag)
		}
	}
	return 0
}

func TestSpeechVoicesDifferInPitch(t *testing.T) {
	var medians []float64
	for _, v := range Voices() {
		pcm := speech(3, v, 20)
		var voiced [][]int16
		for _, w := range tone.Windows(pcm, SampleRate, 40*time.Millisecond) {
			if Level100(w) > 50 { // the voiced heart of syllables
				voiced = append(voiced, w)
			}
		}
		// 30 windows spread over the 20 s are plenty and keep -race fast.
		var f0s []float64
		for i := 0; i < len(voiced); i += max(len(voiced)/30, 1) {
			if f := pitch(voiced[i]); f > 0 {
				f0s = append(f0s, f)
			}
		}
		slices.Sort(f0s)
		med := f0s[len(f0s)/2]
		lo, hi := f0s[len(f0s)/10], f0s[len(f0s)*9/10]
		t.Logf("%s: median pitch %.0f Hz, 10-90%% %.0f-%.0f Hz over %d windows", v.Name, med, lo, hi, len(f0s))
		if med < 0.85*v.Pitch || med > 1.15*v.Pitch {
			t.Errorf("%s: median pitch %.0f Hz, want about %.0f", v.Name, med, v.Pitch)
		}
		if hi/lo < 1.1 {
			t.Errorf("%s: pitch hardly moves (%.0f-%.0f Hz): no intonation", v.Name, lo, hi)
		}
		medians = append(medians, med)
	}
	if !slices.IsSorted(medians) || medians[1] < 1.5*medians[0] || medians[2] < 1.2*medians[1] {
		t.Errorf("voices' pitches %v are not clearly distinct", medians)
	}
}

// TestSpeechSyllableRate counts loudness peaks within talk spurts: 4-6
// syllables a second.
func TestSpeechSyllableRate(t *testing.T) {
	pcm := speech(11, Voices()[0], 60)
	var env []float64
	for _, w := range tone.Windows(pcm, SampleRate, 10*time.Millisecond) {
		env = append(env, tone.RMS(w))
	}
	peaks, talking := 0, 0.0
	for i := range env {
		if env[i] > 0 {
			talking += 0.01
		}
		// A peak: the loudest point within ±60 ms, well above the dips.
		if i < 6 || i >= len(env)-6 || env[i] == 0 {
			continue
		}
		if env[i] == slices.Max(env[i-6:i+7]) && env[i] > 2*min(slices.Min(env[i-6:i]), slices.Min(env[i+1:i+7]))+1 {
			peaks++
		}
	}
	if rate := float64(peaks) / talking; rate < 3.5 || rate > 6.5 {
		t.Errorf("%.1f syllables per second of talk, want 4-6 (%d peaks in %.1f s)", rate, peaks, talking)
	}
}

// BenchmarkSpeech measures the cost of one 20 ms frame of synthetic
// speech: demos run one generator per simulated participant.
func BenchmarkSpeech(b *testing.B) {
	g := newSpeechGen(1, Voices()[0])
	frame := make([]int16, FrameSamples)
	b.ReportAllocs()
	for b.Loop() {
		g.fill(frame)
	}
}

func TestSpeechSamplesMatchSource(t *testing.T) {
	want := SpeechSamples(7, Voices()[1], 3*FrameSamples)
	src := NewSpeechSource(7, Voices()[1])
	defer src.Close()
	got := make([]int16, FrameSamples)
	for f := 0; f < 3; f++ {
		if err := src.ReadFrame(context.Background(), got); err != nil {
			t.Fatal(err)
		}
		for i, s := range got {
			if w := want[f*FrameSamples+i]; s != w {
				t.Fatalf("frame %d sample %d: source %d, SpeechSamples %d", f, i, s, w)
			}
		}
	}
}
