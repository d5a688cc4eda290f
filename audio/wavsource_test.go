package audio

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/confab-rtc/confab/internal/tone"
)

// TestWAVSourceConverts plays files of other rates and channel counts and
// checks a tone keeps its pitch and level after conversion to mono 48 kHz.
func TestWAVSourceConverts(t *testing.T) {
	tests := []struct {
		name     string
		rate     int
		channels int
	}{
		{"mono 48k", 48000, 1},
		{"stereo 44.1k", 44100, 2},
		{"mono 16k", 16000, 1},
		{"stereo 96k", 96000, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A 1 kHz tone of 0.15 s at the file's rate, in every channel
			// (tone.Sine makes 48 kHz; scaling the frequency makes 1 kHz
			// at the file's rate).
			n := tt.rate * 15 / 100
			mono := tone.Sine(1000*48000/float64(tt.rate), 0.5, n)
			pcm := make([]int16, n*tt.channels)
			for i, v := range mono {
				for c := range tt.channels {
					pcm[i*tt.channels+c] = v
				}
			}
			path := filepath.Join(t.TempDir(), "in.wav")
			if err := WriteWAV(path, pcm, tt.rate, tt.channels); err != nil {
				t.Fatal(err)
			}
			src, err := NewWAVSource(path)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			var out []int16
			frame := make([]int16, FrameSamples)
			for range 10 {
				if err := src.ReadFrame(context.Background(), frame); err != nil {
					t.Fatal(err)
				}
				out = append(out, frame...)
			}
			mid := out[1200:6000] // 25 ms away from the file's ends
			if f := tone.DominantFrequency(mid, SampleRate); f < 995 || f > 1005 {
				t.Errorf("tone is %.1f Hz after conversion", f)
			}
			if r, want := tone.RMS(mid), tone.RMS(tone.Sine(1000, 0.5, 4800)); r < 0.95*want || r > 1.05*want {
				t.Errorf("RMS %.0f after conversion, want %.0f", r, want)
			}
			// The 0.15 s file (7200 samples at 48 kHz) starts again.
			if !slices.Equal(out[7200:9600], out[:2400]) {
				t.Fatalf("did not loop")
			}
		})
	}
}

func TestWAVSourceMissingFile(t *testing.T) {
	if _, err := NewWAVSource(filepath.Join(t.TempDir(), "none.wav")); err == nil {
		t.Fatal("no error for a missing file")
	}
}
