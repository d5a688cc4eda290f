package main

import (
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/config"
)

// TestAudioFlags: the profile comes from --profile or the configuration,
// explicit flags override it field by field, the low-latency mode picks
// restricted-low-delay only without FEC, and bad values fail with an
// error that names the flag and the allowed values.
func TestAudioFlags(t *testing.T) {
	for _, tt := range []struct {
		name    string
		args    []string
		cfg     config.Client
		want    func(audio.EncoderConfig) bool
		wantErr string
	}{
		{name: "default is standard", want: func(e audio.EncoderConfig) bool {
			return e.Bitrate == 40000 && e.FEC && !e.DTX && e.FrameDuration == 20*time.Millisecond && e.MaxBandwidth == audio.BandwidthFull
		}},
		{name: "low profile", args: []string{"--profile", "low"}, want: func(e audio.EncoderConfig) bool {
			return e.Bitrate == 24000 && e.MaxBandwidth == audio.BandwidthWide && e.FEC
		}},
		{name: "profile from the configuration", cfg: config.Client{AudioProfile: "high"}, want: func(e audio.EncoderConfig) bool {
			return e.Bitrate == 128000
		}},
		{name: "flag over configuration", args: []string{"--profile", "low"}, cfg: config.Client{AudioProfile: "high"}, want: func(e audio.EncoderConfig) bool {
			return e.Bitrate == 24000
		}},
		{name: "explicit settings over the profile", args: []string{"--profile", "low", "--bitrate", "32", "--complexity", "5", "--fec=false", "--dtx"},
			want: func(e audio.EncoderConfig) bool {
				return e.Bitrate == 32000 && e.Complexity == 5 && !e.FEC && e.DTX && e.MaxBandwidth == audio.BandwidthWide
			}},
		{name: "low latency keeps VoIP for FEC", args: []string{"--low-latency"}, want: func(e audio.EncoderConfig) bool {
			return e.FrameDuration == 10*time.Millisecond && e.FEC && !e.LowDelay
		}},
		{name: "low latency without FEC is restricted-low-delay", args: []string{"--low-latency", "--fec=false"}, want: func(e audio.EncoderConfig) bool {
			return e.FrameDuration == 10*time.Millisecond && !e.FEC && e.LowDelay
		}},
		{name: "low latency from the configuration", cfg: config.Client{LowLatency: true}, want: func(e audio.EncoderConfig) bool {
			return e.FrameDuration == 10*time.Millisecond
		}},
		{name: "--low-latency=false over the configuration", args: []string{"--low-latency=false"}, cfg: config.Client{LowLatency: true}, want: func(e audio.EncoderConfig) bool {
			return e.FrameDuration == 20*time.Millisecond
		}},
		{name: "unknown profile", args: []string{"--profile", "ultra"}, wantErr: "--profile: audio: bad encoder settings: unknown audio profile \"ultra\": use low, standard, high"},
		{name: "bitrate too low", args: []string{"--bitrate", "3"}, wantErr: "--bitrate 3: must be 6-510 kbit/s"},
		{name: "complexity too high", args: []string{"--complexity", "11"}, wantErr: "--complexity 11: must be 1-10"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var o audioOptions
			f := pflag.NewFlagSet("join", pflag.ContinueOnError)
			addAudioFlags(f, &o)
			if err := f.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			enc, err := o.encoderConfig(tt.cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.want(enc) {
				t.Errorf("got %+v", enc)
			}
			if _, err := audio.NewEncoder(enc); err != nil {
				t.Errorf("libopus refuses the resolved settings: %v", err)
			}
		})
	}
}
