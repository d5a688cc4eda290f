package main

import (
	"fmt"
	"log/slog"

	"github.com/spf13/pflag"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/audio/dsp"
)

// processingFlags are the capture-processing options of join and demo:
// echo cancellation, noise suppression and gain control, on by default
// for a microphone. A --send file is already clean audio, so it is sent
// as it is unless a stage is asked for on the command line.
type processingFlags struct {
	aec, ns, agc bool
	backend      string
	flags        *pflag.FlagSet // to tell an explicit --aec from the default
}

func addProcessingFlags(f *pflag.FlagSet, p *processingFlags) {
	p.flags = f
	f.BoolVar(&p.aec, "aec", true, "echo cancellation on the microphone (--aec=false: off; with --send: only when given)")
	f.BoolVar(&p.ns, "ns", true, "noise suppression on the microphone (--ns=false: off; with --send: only when given)")
	f.BoolVar(&p.agc, "agc", true, "automatic gain control on the microphone (--agc=false: off; with --send: only when given)")
	f.StringVar(&p.backend, "dsp", dsp.DefaultBackend, `audio processing backend: "webrtc" or "speex"`)
}

// config is the processing for a microphone (file false) or a --send
// file (file true).
func (p *processingFlags) config(file bool) dsp.Config {
	on := func(name string, v bool) bool {
		if file {
			return v && p.flags != nil && p.flags.Changed(name)
		}
		return v
	}
	return dsp.Config{
		Backend:       p.backend,
		EchoCancel:    on("aec", p.aec),
		NoiseSuppress: on("ns", p.ns),
		GainControl:   on("agc", p.agc),
	}
}

// open makes the processor for src, or nil when there is nothing to send
// or every stage is off.
func (p *processingFlags) open(src audio.Source, file bool) (*dsp.Processor, error) {
	cfg := p.config(file)
	if src == nil || !cfg.Enabled() {
		return nil, nil
	}
	proc, err := dsp.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("--dsp %s: %w", p.backend, err)
	}
	return proc, nil
}

// closeProcessor closes proc and logs what it did, so a report of echo
// can be checked against how often the far-end reference came late (each
// late block shifts the echo canceller's alignment).
func closeProcessor(proc *dsp.Processor, log *slog.Logger) {
	proc.Close()
	cfg := proc.Config()
	log.Info("audio processing ended", "backend", cfg.Backend, "aec", cfg.EchoCancel, "ns", cfg.NoiseSuppress, "agc", cfg.GainControl,
		"blocks", proc.Blocks(), "referenceGaps", proc.ReferenceGaps(), "skipped", proc.Skipped())
}
