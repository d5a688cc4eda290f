package audio

import (
	"fmt"
	"strings"
)

// Audio profile names (DESIGN.md §2).
const (
	// ProfileLow is 16 kHz (wideband) mono at 24 kbit/s: for poor links.
	ProfileLow = "low"
	// ProfileStandard is 48 kHz mono at 40 kbit/s: voice, the default.
	ProfileStandard = "standard"
	// ProfileHigh is 48 kHz mono at 128 kbit/s: music and studio voice.
	ProfileHigh = "high"
)

// ProfileNames lists the audio profiles, lowest first.
var ProfileNames = []string{ProfileLow, ProfileStandard, ProfileHigh}

// Profile returns the encoder settings of a named audio profile; ""
// means standard. Every profile starts with in-band FEC planned for 5 %
// loss (the engine then follows the loss the far end reports) and no
// DTX; callers override single fields after this. An unknown name is an
// ErrEncoderConfig that lists the known ones.
func Profile(name string) (EncoderConfig, error) {
	cfg := EncoderConfig{FEC: true, PacketLossPercent: 5, Complexity: 9, FrameDuration: FrameDuration}
	switch name {
	case ProfileLow:
		// The band, not just the bitrate: at 24 kbit/s libopus would
		// otherwise try super-wideband and starve the speech band.
		cfg.Bitrate, cfg.MaxBandwidth = 24000, BandwidthWide
	case "", ProfileStandard:
		cfg.Bitrate, cfg.MaxBandwidth = 40000, BandwidthFull
	case ProfileHigh:
		cfg.Bitrate, cfg.MaxBandwidth, cfg.Complexity = 128000, BandwidthFull, 10
	default:
		return EncoderConfig{}, fmt.Errorf("%w: unknown audio profile %q: use %s", ErrEncoderConfig, name, strings.Join(ProfileNames, ", "))
	}
	return cfg, nil
}
