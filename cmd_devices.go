package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/devices"
)

func newDevicesCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "devices [--json]",
		Short: "List microphones and speakers",
		Long: `devices lists the microphones and speakers with their stable ids (pass an id to
'confab join --mic/--speaker'), marking the system defaults. Monitor sources
(the echo of a speaker) are not microphones and are left out.
'confab devices test' checks them before a call.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			actx, err := audio.NewContext()
			if err != nil {
				return fmt.Errorf("no audio system: %w", err)
			}
			defer actx.Close()
			mics, speakers, err := devices.List(actx)
			if err != nil {
				return err
			}
			if asJSON {
				return devices.WriteJSON(cmd.OutOrStdout(), mics, speakers)
			}
			return devices.WriteTable(cmd.OutOrStdout(), mics, speakers)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.AddCommand(newDevicesTestCmd(g))
	return cmd
}

func newDevicesTestCmd(g *globals) *cobra.Command {
	var mic, speaker string
	var asJSON bool
	cfg := devices.DefaultCheckConfig()
	cmd := &cobra.Command{
		Use:   "test [--mic ID|none] [--speaker ID|none] [--duration 5s] [--json]",
		Short: "Check the microphone and speaker before a call",
		Long: `test listens to the microphone with a live volume meter while it plays 440 Hz
beeps on the speaker, then gives a verdict per device: OK, or what is wrong
(not found, stalled, silent, clipping, underruns) with its error code and what
to do. The devices are the configured [client] microphone and speaker, else
the system defaults. The exit status is 1 when a device failed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := g.start()
			if err != nil {
				return err
			}
			defer env.close()
			if !cmd.Flags().Changed("mic") {
				mic = env.cfg.Client.Microphone
			}
			if !cmd.Flags().Changed("speaker") {
				speaker = env.cfg.Client.Speaker
			}
			out := cmd.OutOrStdout()
			var live io.Writer // the meter goes nowhere when JSON is asked for
			if !asJSON {
				live = out
				fmt.Fprintf(out, "Testing for %s: speak into the microphone and listen for beeps.\n", cfg.Duration)
			}
			report := checkDevices(env.ctx, mic, speaker, cfg, live)
			env.log.Info("devices test", "ok", report.OK, "mic", report.Microphone.Status, "speaker", report.Speaker.Status)
			if asJSON {
				err = report.WriteJSON(out)
			} else {
				err = report.WriteText(out)
			}
			if err != nil {
				return err
			}
			if !report.OK {
				return exitError{code: 1}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&mic, "mic", "", `microphone id from 'confab devices', or "none" (default: client.microphone, else the system default)`)
	f.StringVar(&speaker, "speaker", "", `speaker id from 'confab devices', or "none" (default: client.speaker, else the system default)`)
	f.DurationVar(&cfg.Duration, "duration", cfg.Duration, "how long to listen and play")
	f.BoolVar(&asJSON, "json", false, "print the verdicts as JSON, without the live meter")
	return cmd
}

// checkDevices tests the microphone and the speaker at the same time (a
// person speaks while the beeps play) and draws the live meter on live,
// when it is not nil, until both are done.
func checkDevices(ctx context.Context, mic, speaker string, cfg devices.CheckConfig, live io.Writer) devices.CheckReport {
	micV, spkV := devices.Skipped(devices.KindRecording), devices.Skipped(devices.KindPlayback)
	testMic, testSpeaker := mic != "none", speaker != "none"
	if !testMic && !testSpeaker {
		return devices.NewCheckReport(micV, spkV)
	}
	actx, err := audio.NewContext()
	if err != nil {
		noSystem := fmt.Errorf("%w: %v", devices.ErrNoAudioSystem, err)
		if testMic {
			micV = devices.MicVerdict(cfg, devices.MicResult{DeviceID: mic, OpenErr: noSystem})
		}
		if testSpeaker {
			spkV = devices.SpeakerVerdict(cfg, devices.SpeakerResult{DeviceID: speaker, OpenErr: noSystem})
		}
		return devices.NewCheckReport(micV, spkV)
	}
	defer actx.Close()

	probe := &devices.MicProbe{}
	var played atomic.Int64 // ns of tone played, for the meter
	var wg sync.WaitGroup
	done := make(chan struct{})
	if testMic {
		wg.Add(1)
		go func() {
			defer wg.Done()
			micV = devices.MicVerdict(cfg, devices.CheckMic(ctx, actx, mic, cfg, probe))
		}()
	}
	if testSpeaker {
		wg.Add(1)
		go func() {
			defer wg.Done()
			spkV = devices.SpeakerVerdict(cfg, devices.CheckSpeaker(ctx, actx, speaker, cfg, func(d time.Duration) { played.Store(int64(d)) }))
		}()
	}
	go func() {
		wg.Wait()
		close(done)
	}()
	drawMeter(live, done, func() string {
		tone := time.Duration(-1)
		if testSpeaker {
			tone = time.Duration(played.Load())
		}
		return devices.MeterLine(testMic, probe.Level(), probe.Peak(), tone)
	})
	return devices.NewCheckReport(micV, spkV)
}

// drawMeter shows line() until done is closed: redrawn in place ten times
// a second on a terminal, one line a second otherwise (a log, a pipe).
func drawMeter(w io.Writer, done <-chan struct{}, line func() string) {
	if w == nil {
		<-done
		return
	}
	term := isTerminal(w)
	every := time.Second
	if term {
		every = 100 * time.Millisecond
	}
	t := time.NewTicker(every)
	defer t.Stop()
	width := 0
	for {
		select {
		case <-done:
			if term && width > 0 {
				fmt.Fprintf(w, "\r%s\n", line())
			}
			return
		case <-t.C:
			l := line()
			if term {
				// Pad over a longer previous line, then return to its start.
				fmt.Fprintf(w, "\r%s%s", l, strings.Repeat(" ", max(width-len(l), 0)))
				width = max(width, len(l))
			} else {
				fmt.Fprintln(w, l)
			}
		}
	}
}

// isTerminal reports whether w is a terminal, where a line can be redrawn.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
