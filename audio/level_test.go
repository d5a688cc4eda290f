package audio

import (
	"math"
	"testing"

	"github.com/confab-rtc/confab/internal/tone"
)

func square(amp int16, n int) []int16 {
	s := make([]int16, n)
	for i := range s {
		if (i/24)%2 == 0 {
			s[i] = amp
		} else {
			s[i] = -amp
		}
	}
	return s
}

func TestLevels(t *testing.T) {
	tests := []struct {
		name     string
		pcm      []int16
		wantDBov uint8
		want100  int
	}{
		{"empty frame is silence", nil, 127, 0},
		{"digital silence", make([]int16, FrameSamples), 127, 0},
		{"full-scale square is 0 dBov", square(32767, FrameSamples), 0, 100},
		{"half-scale sine is -9 dBov", tone.Sine(1000, 0.5, FrameSamples), 9, 85},
		{"-30 dBov sine is the middle of the bar", tone.Sine(1000, math.Sqrt2*math.Pow(10, -30.0/20), FrameSamples), 30, 50},
		{"-40 dBov sine", tone.Sine(1000, math.Sqrt2*0.01, FrameSamples), 40, 33},
		{"-70 dBov is off the bar but not silence", tone.Sine(1000, math.Sqrt2*math.Pow(10, -70.0/20), FrameSamples), 70, 0},
		{"a one-LSB square is -90 dBov", square(1, 1<<20), 90, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LevelDBov(tt.pcm); got != tt.wantDBov {
				t.Errorf("LevelDBov = %d, want %d", got, tt.wantDBov)
			}
			if got := Level100(tt.pcm); got != tt.want100 {
				t.Errorf("Level100 = %d, want %d", got, tt.want100)
			}
		})
	}
}

func TestMeterAttackAndRelease(t *testing.T) {
	var m Meter
	if m.Level() != 0 {
		t.Fatalf("zero Meter level = %d", m.Level())
	}
	loud := tone.Sine(1000, 0.5, FrameSamples) // level 85
	m.Update(loud)
	if m.Level() != 85 {
		t.Fatalf("after one loud frame Level = %d, want 85 at once (fast attack)", m.Level())
	}
	silence := make([]int16, FrameSamples)
	m.Update(silence)
	if l := m.Level(); l < 75 || l >= 85 {
		t.Fatalf("20 ms after the sound stopped Level = %d, want a small drop", l)
	}
	for range 14 { // 300 ms in all: one time constant
		m.Update(silence)
	}
	if l := m.Level(); l < 28 || l > 34 {
		t.Fatalf("300 ms after the sound stopped Level = %d, want about 85/e = 31", l)
	}
	for range 85 {
		m.Update(silence)
	}
	if m.Level() != 0 {
		t.Fatalf("after 2 s of silence Level = %d", m.Level())
	}
	m.Update(loud)
	m.Reset()
	if m.Level() != 0 {
		t.Fatalf("after Reset Level = %d", m.Level())
	}
}
