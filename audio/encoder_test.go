package audio

import (
	"errors"
	"testing"
	"time"

	"github.com/confab-rtc/confab/internal/tone"
)

// tocBandwidth reads the audio band from an Opus packet's TOC byte
// (RFC 6716 §3.1).
func tocBandwidth(toc byte) Bandwidth {
	c := int(toc >> 3)
	switch {
	case c < 8: // SILK narrowband and mediumband: both below wideband
		return BandwidthNarrow
	case c < 12:
		return BandwidthWide
	case c < 14:
		return BandwidthSuperWide
	case c < 16:
		return BandwidthFull
	case c < 20:
		return BandwidthNarrow
	case c < 24:
		return BandwidthWide
	case c < 28:
		return BandwidthSuperWide
	default:
		return BandwidthFull
	}
}

// tocFrameDuration reads one frame's duration from an Opus TOC byte.
func tocFrameDuration(toc byte) time.Duration {
	c := int(toc >> 3)
	switch {
	case c < 12: // SILK: 10, 20, 40, 60 ms
		return []time.Duration{10, 20, 40, 60}[c%4] * time.Millisecond
	case c < 16: // hybrid: 10, 20 ms
		return []time.Duration{10, 20}[c%2] * time.Millisecond
	default: // CELT: 2.5, 5, 10, 20 ms
		return []time.Duration{2500, 5000, 10000, 20000}[c%4] * time.Microsecond
	}
}

// encodeFrames encodes sig in cfg's frame size and returns the packets.
func encodeFrames(t *testing.T, cfg EncoderConfig, sig []int16) [][]byte {
	t.Helper()
	enc, err := NewEncoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	fs := enc.FrameSamples()
	buf := make([]byte, 1500)
	var pkts [][]byte
	for i := 0; i+fs <= len(sig); i += fs {
		n, err := enc.Encode(sig[i:i+fs], buf)
		if err != nil {
			t.Fatal(err)
		}
		pkts = append(pkts, append([]byte(nil), buf[:n]...))
	}
	return pkts
}

// TestProfiles encodes speech-band audio with each profile: the low
// profile never codes above wideband (16 kHz), standard and high code
// fullband, and each lands near its bitrate.
func TestProfiles(t *testing.T) {
	sig := tone.Add(tone.Sine(440, 0.3, 2*SampleRate), tone.Noise(7, 0.05, 2*SampleRate))
	for _, tt := range []struct {
		name     string
		band     Bandwidth
		kbit     float64
		min, max float64 // measured kbit/s
	}{
		{ProfileLow, BandwidthWide, 24, 16, 30},
		{ProfileStandard, BandwidthFull, 40, 30, 48},
		{ProfileHigh, BandwidthFull, 128, 90, 140},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Profile(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Bitrate != int(tt.kbit*1000) {
				t.Errorf("bitrate %d, want %.0f kbit/s", cfg.Bitrate, tt.kbit)
			}
			pkts := encodeFrames(t, cfg, sig)
			bytes := 0
			for i, p := range pkts[10:] {
				if b := tocBandwidth(p[0]); b != tt.band {
					t.Fatalf("packet %d codes band %d, want %d", i+10, b, tt.band)
				}
				bytes += len(p)
			}
			kbit := float64(bytes) * 8 / (float64(len(pkts)-10) * FrameDuration.Seconds()) / 1000
			if kbit < tt.min || kbit > tt.max {
				t.Errorf("%.1f kbit/s, want %.0f-%.0f", kbit, tt.min, tt.max)
			}
		})
	}
	if std, err := Profile(""); err != nil || std.Bitrate != 40000 {
		t.Errorf(`Profile("") = %+v, %v: want standard`, std, err)
	}
	if _, err := Profile("ultra"); !errors.Is(err, ErrEncoderConfig) {
		t.Errorf(`Profile("ultra") error %v, want ErrEncoderConfig`, err)
	}
}

// TestEncoderLowLatencyFrames: in 10 ms mode every packet holds 10 ms,
// decodes to 480 samples and keeps the tone's frequency, with VoIP and
// with restricted-low-delay.
func TestEncoderLowLatencyFrames(t *testing.T) {
	for _, lowDelay := range []bool{false, true} {
		cfg := EncoderConfig{Bitrate: 40000, FrameDuration: LowLatencyFrameDuration, LowDelay: lowDelay, FEC: !lowDelay, PacketLossPercent: 5}
		pkts := encodeFrames(t, cfg, tone.Sine(1000, 0.5, SampleRate))
		dec, err := NewDecoder()
		if err != nil {
			t.Fatal(err)
		}
		var out []int16
		frame := make([]int16, FrameSamples)
		for _, p := range pkts {
			if d := tocFrameDuration(p[0]); d != 10*time.Millisecond {
				t.Fatalf("lowDelay=%v: a %v packet, want 10ms", lowDelay, d)
			}
			n, err := dec.Decode(p, frame)
			if err != nil || n != LowLatencyFrameSamples {
				t.Fatalf("Decode = %d, %v; want %d samples", n, err, LowLatencyFrameSamples)
			}
			out = append(out, frame[:n]...)
		}
		if f := tone.DominantFrequency(out[SampleRate/5:], SampleRate); f < 995 || f > 1005 {
			t.Errorf("lowDelay=%v: 1000 Hz decoded as %.1f Hz", lowDelay, f)
		}
	}
}

// TestEncoderLookahead measures the codec delay of a click by
// cross-correlation: restricted-low-delay gives up 4 ms of lookahead
// (2.5 ms against 6.5 ms), which is why the low-latency mode uses it
// when FEC is off.
func TestEncoderLookahead(t *testing.T) {
	click := make([]int16, SampleRate/2)
	copy(click[SampleRate/4:], tone.Chirp(500, 8000, 0.5, SampleRate/200))
	delay := func(cfg EncoderConfig) time.Duration {
		pkts := encodeFrames(t, cfg, click)
		dec, _ := NewDecoder()
		var out []int16
		frame := make([]int16, FrameSamples)
		for _, p := range pkts {
			n, err := dec.Decode(p, frame)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, frame[:n]...)
		}
		lag, score := tone.Delay(click, out)
		if score < 0.5 {
			t.Fatalf("%+v: correlation %.2f, the click did not come through", cfg, score)
		}
		return time.Duration(lag) * time.Second / SampleRate
	}
	voip := delay(EncoderConfig{Bitrate: 40000, FrameDuration: LowLatencyFrameDuration, FEC: true})
	rld := delay(EncoderConfig{Bitrate: 40000, FrameDuration: LowLatencyFrameDuration, LowDelay: true})
	t.Logf("codec delay: VoIP %v, restricted-low-delay %v", voip, rld)
	if voip < 6*time.Millisecond || voip > 7*time.Millisecond {
		t.Errorf("VoIP delay %v, want 6.5 ms", voip)
	}
	if rld < 2*time.Millisecond || rld > 3*time.Millisecond {
		t.Errorf("restricted-low-delay delay %v, want 2.5 ms", rld)
	}
}

// TestEncoderDTX: with DTX, silence after speech turns into 1-2 byte
// packets (IsDTXPacket) apart from libopus' own refresh frames, in 20 ms
// and 10 ms frames and in restricted-low-delay too, and the tone before
// it never does; without DTX silence is still coded.
func TestEncoderDTX(t *testing.T) {
	sig := append(tone.Sine(440, 0.3, SampleRate), make([]int16, 2*SampleRate)...)
	ten := LowLatencyFrameDuration
	for _, tt := range []struct {
		name string
		cfg  EncoderConfig
	}{
		{"20ms", EncoderConfig{Bitrate: 40000, FEC: true, PacketLossPercent: 5, DTX: true}},
		{"10ms", EncoderConfig{Bitrate: 40000, FEC: true, PacketLossPercent: 5, DTX: true, FrameDuration: ten}},
		{"10ms restricted-low-delay", EncoderConfig{Bitrate: 40000, LowDelay: true, DTX: true, FrameDuration: ten}},
		{"20ms without DTX", EncoderConfig{Bitrate: 40000, FEC: true, PacketLossPercent: 5}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pkts := encodeFrames(t, tt.cfg, sig)
			perSecond := SampleRate / tt.cfg.FrameSamples()
			for i, p := range pkts[:perSecond] {
				if IsDTXPacket(p) {
					t.Fatalf("tone packet %d is a DTX packet (%d bytes)", i, len(p))
				}
			}
			quiet := 0
			silent := pkts[perSecond+perSecond/4:] // past the hangover (~200 ms)
			for _, p := range silent {
				if IsDTXPacket(p) {
					quiet++
				}
			}
			if tt.cfg.DTX && quiet < len(silent)*8/10 {
				t.Errorf("DTX on: %d of %d silent packets are DTX packets, want most", quiet, len(silent))
			}
			if !tt.cfg.DTX && quiet != 0 {
				t.Errorf("DTX off: %d DTX packets", quiet)
			}
		})
	}
}

// TestEncoderPacketLoss: SetPacketLossPercent reaches libopus, clamps to
// 0-100, and neither it nor Encode allocates (they run per frame).
func TestEncoderPacketLoss(t *testing.T) {
	enc, err := NewEncoder(DefaultEncoderConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ set, want int }{{12, 12}, {0, 0}, {150, 100}, {-3, 0}, {5, 5}} {
		if err := enc.SetPacketLossPercent(tt.set); err != nil {
			t.Fatal(err)
		}
		if got, err := enc.PacketLossPercent(); err != nil || got != tt.want {
			t.Errorf("after SetPacketLossPercent(%d): %d, %v; want %d", tt.set, got, err, tt.want)
		}
	}
	pcm := tone.Sine(440, 0.3, FrameSamples)
	out := make([]byte, 1500)
	i := 0
	if a := testing.AllocsPerRun(100, func() {
		i++
		_ = enc.SetPacketLossPercent(i % 20)
		_, _ = enc.Encode(pcm, out)
	}); a != 0 {
		t.Errorf("SetPacketLossPercent + Encode allocate %.1f times a frame", a)
	}
}

// TestEncoderConfigValidate rejects what libopus cannot do, with errors
// that say what is wrong.
func TestEncoderConfigValidate(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  EncoderConfig
		ok   bool
	}{
		{"zero means default", EncoderConfig{}, true},
		{"default", DefaultEncoderConfig(), true},
		{"10 ms", EncoderConfig{FrameDuration: 10 * time.Millisecond}, true},
		{"5 ms", EncoderConfig{FrameDuration: 5 * time.Millisecond}, false},
		{"bitrate too low", EncoderConfig{Bitrate: 5000}, false},
		{"bitrate too high", EncoderConfig{Bitrate: 600000}, false},
		{"complexity 11", EncoderConfig{Complexity: 11}, false},
		{"loss 101", EncoderConfig{PacketLossPercent: 101}, false},
		{"low delay with FEC", EncoderConfig{LowDelay: true, FEC: true}, false},
		{"low delay", EncoderConfig{LowDelay: true}, true},
		{"unknown band", EncoderConfig{MaxBandwidth: 9}, false},
	} {
		err := tt.cfg.Validate()
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrEncoderConfig)) {
			t.Errorf("%s: Validate() = %v, want ok=%v", tt.name, err, tt.ok)
		}
		if _, err2 := NewEncoder(tt.cfg); (err2 == nil) != tt.ok {
			t.Errorf("%s: NewEncoder error %v, want ok=%v", tt.name, err2, tt.ok)
		}
	}
}
