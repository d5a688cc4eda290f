package tone

import (
	"math"
	"testing"
	"time"
)

func TestAmplitude(t *testing.T) {
	const rate = 48000
	win := rate / 50 // 20 ms
	mix := Add(Sine(500, 0.2, win), Sine(1100, 0.1, win), Sine(2300, 0.3, win))
	for _, tt := range []struct {
		freq, want float64
	}{
		{500, 0.2 * 32767}, {1100, 0.1 * 32767}, {2300, 0.3 * 32767}, {1700, 0},
	} {
		got := Amplitude(mix, rate, tt.freq)
		if math.Abs(got-tt.want) > 0.03*32767 {
			t.Errorf("Amplitude at %.0f Hz = %.0f, want %.0f", tt.freq, got, tt.want)
		}
	}
	if got := Amplitude(nil, rate, 500); got != 0 {
		t.Errorf("Amplitude of nothing = %v", got)
	}
}

func TestGaps(t *testing.T) {
	const rate = 48000
	ms := func(d int) int { return d * rate / 1000 }
	// hole zeroes pcm[from:to] (milliseconds).
	hole := func(pcm []int16, from, to int) []int16 {
		out := append([]int16(nil), pcm...)
		clear(out[ms(from):ms(to)])
		return out
	}
	base := Add(Sine(500, 0.1, ms(2000)), Sine(1100, 0.1, ms(2000)))
	other := Sine(1100, 0.1, ms(2000))
	for _, tt := range []struct {
		name string
		pcm  []int16
		want []Gap // Start and Length to within 10 ms
	}{
		{"continuous", base, nil},
		{"a 300 ms hole", hole(base, 700, 1000), []Gap{{700 * time.Millisecond, 300 * time.Millisecond}}},
		{"a 50 ms hole", hole(base, 400, 450), []Gap{{400 * time.Millisecond, 50 * time.Millisecond}}},
		// The other tone goes on through the hole: it is the 500 Hz one
		// that is measured.
		{"only the other tone", append(append(base[:ms(500):ms(500)], other[ms(500):ms(1300)]...), base[ms(1300):]...),
			[]Gap{{500 * time.Millisecond, 800 * time.Millisecond}}},
		{"missing at the end", hole(base, 1800, 2000), []Gap{{1800 * time.Millisecond, 200 * time.Millisecond}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := Gaps(tt.pcm, rate, 500, 20*time.Millisecond, 10*time.Millisecond, 0.25)
			if len(got) != len(tt.want) {
				t.Fatalf("Gaps = %v, want %v", got, tt.want)
			}
			near := func(a, b time.Duration) bool { return (a - b).Abs() <= 15*time.Millisecond }
			for i := range got {
				if !near(got[i].Start, tt.want[i].Start) || !near(got[i].Length, tt.want[i].Length) {
					t.Errorf("gap %d = %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
	if got := Gaps(make([]int16, ms(500)), rate, 500, 20*time.Millisecond, 10*time.Millisecond, 0.25); len(got) != 1 || got[0].Length < 480*time.Millisecond {
		t.Errorf("silence: %v, want one gap of all of it", got)
	}
}
