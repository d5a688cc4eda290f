package main

import (
	"testing"

	"github.com/spf13/pflag"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/audio/dsp"
)

// TestProcessingFlags: a microphone gets every stage unless one is turned
// off; a --send file gets only the stages asked for explicitly.
func TestProcessingFlags(t *testing.T) {
	tests := []struct {
		args          []string
		file          bool
		aec, ns, agc  bool
		wantProcessor bool
	}{
		{nil, false, true, true, true, true},
		{[]string{"--aec=false"}, false, false, true, true, true},
		{[]string{"--aec=false", "--ns=false", "--agc=false"}, false, false, false, false, false},
		{nil, true, false, false, false, false},
		{[]string{"--ns"}, true, false, true, false, true},
		{[]string{"--aec=true", "--agc"}, true, true, false, true, true},
		{[]string{"--aec=false"}, true, false, false, false, false},
	}
	for _, tt := range tests {
		var p processingFlags
		f := pflag.NewFlagSet("join", pflag.ContinueOnError)
		addProcessingFlags(f, &p)
		if err := f.Parse(tt.args); err != nil {
			t.Fatal(err)
		}
		cfg := p.config(tt.file)
		if cfg.EchoCancel != tt.aec || cfg.NoiseSuppress != tt.ns || cfg.GainControl != tt.agc || cfg.Backend != dsp.DefaultBackend {
			t.Errorf("%v file=%v: %+v, want aec=%v ns=%v agc=%v", tt.args, tt.file, cfg, tt.aec, tt.ns, tt.agc)
		}
		proc, err := p.open(audio.NewSilenceSource(), tt.file)
		if err != nil {
			t.Fatal(err)
		}
		if (proc != nil) != tt.wantProcessor {
			t.Errorf("%v file=%v: processor %v, want %v", tt.args, tt.file, proc != nil, tt.wantProcessor)
		}
		if proc != nil {
			proc.Close()
		}
	}
}

func TestProcessingFlagsBadBackend(t *testing.T) {
	var p processingFlags
	f := pflag.NewFlagSet("join", pflag.ContinueOnError)
	addProcessingFlags(f, &p)
	if err := f.Parse([]string{"--dsp=nope"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.open(audio.NewSilenceSource(), false); err == nil {
		t.Fatal("--dsp=nope accepted")
	}
}
