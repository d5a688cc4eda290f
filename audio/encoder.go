package audio

import (
	"fmt"

	"gopkg.in/hraban/opus.v2"
)

// EncoderConfig tunes the Opus encoder. The zero value means
// DefaultEncoderConfig; otherwise a zero Bitrate means 40000 and a zero
// Complexity means 9, since neither 0 bit/s nor the lowest complexity is
// a setting anyone asks for by leaving a field out.
type EncoderConfig struct {
	// Bitrate in bit/s: 40000 is the "standard" profile, 24000 "low",
	// 128000 "high" (DESIGN.md §2).
	Bitrate int
	// FEC makes every packet carry a low-bitrate copy of the previous
	// frame, which the receiver decodes when that frame was lost.
	FEC bool
	// PacketLossPercent is the loss the encoder plans FEC for; with FEC on
	// and 0 here, libopus would send no redundancy at all.
	PacketLossPercent int
	// Complexity is libopus' CPU/quality trade-off, 0-10.
	Complexity int
	// DTX sends almost nothing during silence.
	DTX bool
}

// DefaultEncoderConfig is 40 kbit/s voice with in-band FEC planned for
// 5 % loss, complexity 9, no DTX.
func DefaultEncoderConfig() EncoderConfig {
	return EncoderConfig{Bitrate: 40000, FEC: true, PacketLossPercent: 5, Complexity: 9}
}

// Encoder turns 20 ms frames of mono 48 kHz PCM into Opus packets. It is
// not safe for concurrent use; each sender owns one.
type Encoder struct {
	enc *opus.Encoder
}

// NewEncoder makes a VoIP-tuned Opus encoder for mono 48 kHz.
func NewEncoder(cfg EncoderConfig) (*Encoder, error) {
	if cfg == (EncoderConfig{}) {
		cfg = DefaultEncoderConfig()
	}
	if cfg.Bitrate == 0 {
		cfg.Bitrate = 40000
	}
	if cfg.Complexity == 0 {
		cfg.Complexity = 9
	}
	enc, err := opus.NewEncoder(SampleRate, Channels, opus.AppVoIP)
	if err != nil {
		return nil, fmt.Errorf("audio: opus encoder: %w", err)
	}
	steps := []struct {
		name string
		err  error
	}{
		{"bitrate", enc.SetBitrate(cfg.Bitrate)},
		{"complexity", enc.SetComplexity(cfg.Complexity)},
		{"fec", enc.SetInBandFEC(cfg.FEC)},
		{"packet loss", enc.SetPacketLossPerc(cfg.PacketLossPercent)},
		{"dtx", enc.SetDTX(cfg.DTX)},
	}
	for _, s := range steps {
		if s.err != nil {
			return nil, fmt.Errorf("audio: opus encoder %s: %w", s.name, s.err)
		}
	}
	return &Encoder{enc: enc}, nil
}

// Encode compresses one frame (FrameSamples samples; Opus also takes 2.5,
// 5, 10, 40 and 60 ms) into out and returns the payload length. An out of
// 1500 bytes always suffices.
func (e *Encoder) Encode(pcm []int16, out []byte) (int, error) {
	// libopus writes up to cap(out): never let it past len.
	return e.enc.Encode(pcm, out[:len(out):len(out)])
}

// SetBitrate changes the bitrate between frames, for switching audio
// profiles or reacting to network quality.
func (e *Encoder) SetBitrate(bitrate int) error {
	return e.enc.SetBitrate(bitrate)
}
