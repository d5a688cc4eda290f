package audio

import (
	"testing"

	"github.com/confab-rtc/confab/internal/tone"
)

// encodeTone encodes frames of a tone and returns the packets.
func encodeTone(t *testing.T, cfg EncoderConfig, freq float64, frames int) [][]byte {
	t.Helper()
	enc, err := NewEncoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sig := tone.Sine(freq, 0.5, frames*FrameSamples)
	pkts := make([][]byte, frames)
	buf := make([]byte, 1500)
	for i := range pkts {
		n, err := enc.Encode(sig[i*FrameSamples:(i+1)*FrameSamples], buf)
		if err != nil {
			t.Fatal(err)
		}
		pkts[i] = append([]byte(nil), buf[:n]...)
	}
	return pkts
}

func TestOpusKeepsFrequency(t *testing.T) {
	for _, freq := range []float64{300, 1000, 3000} {
		pkts := encodeTone(t, EncoderConfig{}, freq, 50)
		dec, err := NewDecoder()
		if err != nil {
			t.Fatal(err)
		}
		var out []int16
		frame := make([]int16, FrameSamples)
		for _, p := range pkts {
			n, err := dec.Decode(p, frame)
			if err != nil || n != FrameSamples {
				t.Fatalf("Decode = %d, %v", n, err)
			}
			out = append(out, frame...)
		}
		tail := out[10*FrameSamples:] // past the codec's start-up
		if f := tone.DominantFrequency(tail, SampleRate); f < freq-5 || f > freq+5 {
			t.Errorf("%v Hz tone decoded as %.1f Hz", freq, f)
		}
		if r, want := tone.RMS(tail), tone.RMS(tone.Sine(freq, 0.5, 4800)); r < 0.8*want || r > 1.2*want {
			t.Errorf("%v Hz tone: RMS %.0f, want about %.0f", freq, r, want)
		}
	}
}

func TestOpusBitrate(t *testing.T) {
	for _, tt := range []struct {
		cfg      EncoderConfig
		min, max int // mean payload bytes
	}{
		{EncoderConfig{Bitrate: 24000}, 40, 80},    // 60 bytes at 24 kbit/s
		{DefaultEncoderConfig(), 80, 130},          // 100 bytes at 40 kbit/s
		{EncoderConfig{Bitrate: 128000}, 250, 400}, // 320 bytes at 128 kbit/s
	} {
		pkts := encodeTone(t, tt.cfg, 1000, 50)
		total := 0
		for _, p := range pkts[10:] {
			total += len(p)
		}
		if mean := total / 40; mean < tt.min || mean > tt.max {
			t.Errorf("bitrate %d: mean payload %d bytes, want %d-%d", tt.cfg.Bitrate, mean, tt.min, tt.max)
		}
	}
}

// TestOpusFECRecoversLoss drops one packet and rebuilds it from the
// redundancy in the next one: the rebuilt frame carries the tone.
func TestOpusFECRecoversLoss(t *testing.T) {
	pkts := encodeTone(t, DefaultEncoderConfig(), 1000, 30)
	dec, _ := NewDecoder()
	frame := make([]int16, FrameSamples)
	for _, p := range pkts[:20] {
		dec.Decode(p, frame)
	}
	// Packet 20 is lost; 21 carries its FEC copy.
	if err := dec.DecodeFEC(pkts[21], frame); err != nil {
		t.Fatal(err)
	}
	if f := tone.DominantFrequency(frame, SampleRate); f < 990 || f > 1010 {
		t.Errorf("FEC frame is %.1f Hz", f)
	}
	if r := tone.RMS(frame); r < 0.5*tone.RMS(tone.Sine(1000, 0.5, 4800)) {
		t.Errorf("FEC frame RMS %.0f is too quiet", r)
	}
	if _, err := dec.Decode(pkts[21], frame); err != nil {
		t.Fatal(err)
	}
	if err := dec.DecodePLC(frame); err != nil {
		t.Fatal(err)
	}
	if f := tone.DominantFrequency(frame, SampleRate); f < 990 || f > 1010 {
		t.Errorf("PLC frame is %.1f Hz, want a continuation of the tone", f)
	}
}
