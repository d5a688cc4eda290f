package main

import (
	"fmt"
	"strconv"

	"github.com/spf13/pflag"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/config"
)

// optBool is a boolean flag that remembers whether it was given, so an
// explicit --fec=false overrides a profile or a configuration key that
// says true, and leaving it out overrides nothing.
type optBool struct {
	set, v bool
}

func (b *optBool) String() string { return strconv.FormatBool(b.v) }
func (b *optBool) Type() string   { return "bool" }
func (b *optBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	b.set, b.v = true, v
	return nil
}

// or is the flag's value if it was given, def otherwise.
func (b optBool) or(def bool) bool {
	if b.set {
		return b.v
	}
	return def
}

// audioOptions are the send side's audio settings from the command line.
type audioOptions struct {
	profile    string
	bitrate    int // kbit/s; 0 means the profile's
	complexity int // 0 means the profile's
	fec        optBool
	dtx        optBool
	lowLatency optBool
}

// addAudioFlags adds the audio settings flags join and demo share.
func addAudioFlags(f *pflag.FlagSet, o *audioOptions) {
	f.StringVar(&o.profile, "profile", "", "audio profile: low (16 kHz, 24 kbit/s), standard (48 kHz, 40 kbit/s) or high (48 kHz, 128 kbit/s) (default: client.audio_profile, standard)")
	f.IntVar(&o.bitrate, "bitrate", 0, "Opus bitrate in kbit/s, 6-510 (default: the profile's)")
	f.IntVar(&o.complexity, "complexity", 0, "Opus complexity, 1-10 (default: the profile's)")
	f.Var(&o.fec, "fec", "Opus in-band FEC, planned for the loss the server reports (default: on)")
	f.Var(&o.dtx, "dtx", "discontinuous transmission: send almost nothing during silence (default: off)")
	f.Var(&o.lowLatency, "low-latency", "10 ms frames instead of 20 ms, end to end (default: client.low_latency, off)")
	for _, name := range []string{"fec", "dtx", "low-latency"} {
		f.Lookup(name).NoOptDefVal = "true"
	}
}

// encoderConfig resolves the encoder settings: the profile (flag, then
// configuration), then each explicit flag over it. The low-latency mode
// sends 10 ms frames and, when FEC is off, uses libopus'
// restricted-low-delay mode too (4 ms less codec delay, but it cannot
// carry FEC, so with FEC on it keeps the VoIP mode).
func (o audioOptions) encoderConfig(cfg config.Client) (audio.EncoderConfig, error) {
	name := o.profile
	if name == "" {
		name = cfg.AudioProfile
	}
	enc, err := audio.Profile(name)
	if err != nil {
		return enc, fmt.Errorf("--profile: %w", err)
	}
	if o.bitrate != 0 {
		if o.bitrate*1000 < audio.MinBitrate || o.bitrate*1000 > audio.MaxBitrate {
			return enc, fmt.Errorf("--bitrate %d: must be %d-%d kbit/s", o.bitrate, audio.MinBitrate/1000, audio.MaxBitrate/1000)
		}
		enc.Bitrate = o.bitrate * 1000
	}
	if o.complexity != 0 {
		if o.complexity < 1 || o.complexity > 10 {
			return enc, fmt.Errorf("--complexity %d: must be 1-10", o.complexity)
		}
		enc.Complexity = o.complexity
	}
	enc.FEC = o.fec.or(enc.FEC)
	enc.DTX = o.dtx.or(enc.DTX)
	if o.lowLatency.or(cfg.LowLatency) {
		enc.FrameDuration = audio.LowLatencyFrameDuration
		enc.LowDelay = !enc.FEC
	}
	if err := enc.Validate(); err != nil {
		return enc, fmt.Errorf("audio settings: %w", err)
	}
	return enc, nil
}
