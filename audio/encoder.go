package audio

import (
	"fmt"
	"time"

	"gopkg.in/hraban/opus.v2"
)

// Bandwidth is the widest audio band the Opus encoder may code. The RTP
// clock and every PCM buffer stay at 48 kHz whatever the band: Opus
// always decodes at the rate the decoder asks for.
type Bandwidth int

// The Opus audio bands. The zero value leaves the choice to libopus
// (fullband at speech bitrates of 40 kbit/s and more).
const (
	// BandwidthAuto lets libopus pick the band from the bitrate.
	BandwidthAuto Bandwidth = iota
	// BandwidthNarrow is telephone audio: 4 kHz band, 8 kHz sampling.
	BandwidthNarrow
	// BandwidthWide is 8 kHz of audio band, 16 kHz sampling: the "low"
	// profile (DESIGN.md §2).
	BandwidthWide
	// BandwidthSuperWide is a 12 kHz band, 24 kHz sampling.
	BandwidthSuperWide
	// BandwidthFull is a 20 kHz band, 48 kHz sampling.
	BandwidthFull
)

func (b Bandwidth) opus() opus.Bandwidth {
	switch b {
	case BandwidthNarrow:
		return opus.Narrowband
	case BandwidthWide:
		return opus.Wideband
	case BandwidthSuperWide:
		return opus.SuperWideband
	default:
		return opus.Fullband
	}
}

// Encoder limits.
const (
	// MinBitrate and MaxBitrate bound EncoderConfig.Bitrate: below 6
	// kbit/s Opus carries no intelligible speech, above 510 kbit/s it
	// cannot spend the bits.
	MinBitrate = 6000
	MaxBitrate = 510000
	// LowLatencyFrameSamples is one 10 ms frame: the unit of the
	// low-latency mode.
	LowLatencyFrameSamples = FrameSamples / 2
	// LowLatencyFrameDuration is the length of one low-latency frame.
	LowLatencyFrameDuration = FrameDuration / 2
)

// EncoderConfig tunes the Opus encoder. The zero value means
// DefaultEncoderConfig; otherwise a zero Bitrate means 40000, a zero
// Complexity means 9 and a zero FrameDuration means 20 ms, since neither
// 0 bit/s nor the lowest complexity is a setting anyone asks for by
// leaving a field out.
type EncoderConfig struct {
	// Bitrate in bit/s: 40000 is the "standard" profile, 24000 "low",
	// 128000 "high" (DESIGN.md §2).
	Bitrate int
	// FEC makes every packet carry a low-bitrate copy of the previous
	// frame, which the receiver decodes when that frame was lost.
	FEC bool
	// PacketLossPercent is the loss the encoder plans FEC for; with FEC on
	// and 0 here, libopus would send no redundancy at all. The call
	// engine replaces it with the loss the far end reports.
	PacketLossPercent int
	// Complexity is libopus' CPU/quality trade-off, 1-10.
	Complexity int
	// DTX sends almost nothing during silence: libopus then returns 1-2
	// byte packets, which the sender may skip (see IsDTXPacket).
	DTX bool
	// FrameDuration is the audio in one packet: 20 ms (the default) or
	// 10 ms for the low-latency mode, which halves the capture wait and
	// the receive side's frame at the cost of more packets.
	FrameDuration time.Duration
	// MaxBandwidth caps the audio band; BandwidthWide is the "low"
	// profile's 16 kHz.
	MaxBandwidth Bandwidth
	// LowDelay selects libopus' restricted-low-delay application: CELT
	// only, 2.5 ms of lookahead instead of 6.5 ms, but no in-band FEC
	// (so it cannot be combined with FEC).
	LowDelay bool
}

// DefaultEncoderConfig is 40 kbit/s voice in 20 ms packets with in-band
// FEC planned for 5 % loss, complexity 9, no DTX.
func DefaultEncoderConfig() EncoderConfig {
	return EncoderConfig{Bitrate: 40000, FEC: true, PacketLossPercent: 5, Complexity: 9, FrameDuration: FrameDuration}
}

// withDefaults fills the fields whose zero value means a default.
func (c EncoderConfig) withDefaults() EncoderConfig {
	if c == (EncoderConfig{}) {
		return DefaultEncoderConfig()
	}
	if c.Bitrate == 0 {
		c.Bitrate = 40000
	}
	if c.Complexity == 0 {
		c.Complexity = 9
	}
	if c.FrameDuration == 0 {
		c.FrameDuration = FrameDuration
	}
	return c
}

// Validate reports the first setting the encoder cannot use, wrapping
// ErrEncoderConfig; zero fields are checked as their defaults.
func (c EncoderConfig) Validate() error {
	c = c.withDefaults()
	switch {
	case c.Bitrate < MinBitrate || c.Bitrate > MaxBitrate:
		return fmt.Errorf("%w: bitrate %d bit/s is outside %d-%d", ErrEncoderConfig, c.Bitrate, MinBitrate, MaxBitrate)
	case c.Complexity < 1 || c.Complexity > 10:
		return fmt.Errorf("%w: complexity %d is outside 1-10", ErrEncoderConfig, c.Complexity)
	case c.PacketLossPercent < 0 || c.PacketLossPercent > 100:
		return fmt.Errorf("%w: expected packet loss %d %% is outside 0-100", ErrEncoderConfig, c.PacketLossPercent)
	case c.FrameDuration != FrameDuration && c.FrameDuration != LowLatencyFrameDuration:
		return fmt.Errorf("%w: frame duration %v: must be 10ms or 20ms", ErrEncoderConfig, c.FrameDuration)
	case c.MaxBandwidth < BandwidthAuto || c.MaxBandwidth > BandwidthFull:
		return fmt.Errorf("%w: unknown bandwidth %d", ErrEncoderConfig, c.MaxBandwidth)
	case c.LowDelay && c.FEC:
		return fmt.Errorf("%w: the restricted-low-delay mode has no in-band FEC: turn one of them off", ErrEncoderConfig)
	}
	return nil
}

// FrameSamples is the number of samples in one packet's frame.
func (c EncoderConfig) FrameSamples() int {
	return int(c.withDefaults().FrameDuration * SampleRate / time.Second)
}

// Encoder turns frames of mono 48 kHz PCM into Opus packets. It is not
// safe for concurrent use; each sender owns one.
type Encoder struct {
	enc  *opus.Encoder
	cfg  EncoderConfig
	loss int // the expected loss libopus plans FEC for
}

// NewEncoder makes an Opus encoder for mono 48 kHz as cfg says, tuned
// for voice (libopus' VoIP application, or restricted-low-delay with
// LowDelay).
func NewEncoder(cfg EncoderConfig) (*Encoder, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	app := opus.AppVoIP
	if cfg.LowDelay {
		app = opus.AppRestrictedLowdelay
	}
	enc, err := opus.NewEncoder(SampleRate, Channels, app)
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
	if cfg.MaxBandwidth != BandwidthAuto {
		steps = append(steps, struct {
			name string
			err  error
		}{"bandwidth", enc.SetMaxBandwidth(cfg.MaxBandwidth.opus())})
	}
	for _, s := range steps {
		if s.err != nil {
			return nil, fmt.Errorf("audio: opus encoder %s: %w", s.name, s.err)
		}
	}
	return &Encoder{enc: enc, cfg: cfg, loss: cfg.PacketLossPercent}, nil
}

// Config is the configuration the encoder was made with, defaults filled
// in.
func (e *Encoder) Config() EncoderConfig { return e.cfg }

// FrameSamples is the number of samples Encode takes per packet (960 or
// 480).
func (e *Encoder) FrameSamples() int { return e.cfg.FrameSamples() }

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

// SetPacketLossPercent changes the loss (0-100 %) the encoder plans its
// in-band FEC for; the call engine feeds it the loss the far end reports.
// It does nothing when the value is unchanged, so the send loop may call
// it every frame.
func (e *Encoder) SetPacketLossPercent(pct int) error {
	pct = min(max(pct, 0), 100)
	if pct == e.loss {
		return nil
	}
	if err := e.enc.SetPacketLossPerc(pct); err != nil {
		return err
	}
	e.loss = pct
	return nil
}

// PacketLossPercent is the loss the encoder currently plans FEC for, as
// libopus reports it.
func (e *Encoder) PacketLossPercent() (int, error) {
	return e.enc.PacketLossPerc()
}

// IsDTXPacket reports whether an encoded payload is one of the 1-2 byte
// packets libopus makes for a silent frame in DTX: it carries nothing a
// decoder needs, so the sender may leave it out.
func IsDTXPacket(payload []byte) bool { return len(payload) <= 2 }
