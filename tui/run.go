package tui

import (
	"context"
	"errors"
	"log/slog"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/confab-rtc/confab/internal/stderrlog"
)

// Run shows the call view full screen until the user leaves (q or ctrl+c,
// which call Engine.Leave), the engine closes its event channel, or ctx
// ends. Ending ctx is a normal way out and returns nil; it does not call
// Leave, since whoever cancelled ctx owns the engine's shutdown. A fault
// inside the view leaves the call, restores the terminal, logs its trace
// to Options.Logger and returns ErrViewFault.
func Run(ctx context.Context, e Engine, opts Options) error {
	return run(ctx, e, opts)
}

// run is Run with extra program options, so tests can feed keys from a
// reader and discard the output instead of needing a terminal.
func run(ctx context.Context, e Engine, opts Options, extra ...tea.ProgramOption) error {
	_, err := runModel(ctx, New(e, opts), opts, extra...)
	if errors.Is(err, ErrViewFault) {
		e.Leave()
	}
	return err
}

// runModel runs a model full screen with the options' colour, logger and
// standard error, and returns the final model; ending ctx is a normal way
// out. A panic anywhere in the program (see guard.go) is logged and
// returned as ErrViewFault with the terminal restored.
func runModel(ctx context.Context, model tea.Model, opts Options, extra ...tea.ProgramOption) (final tea.Model, err error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.Stderr != nil {
		// Put back last, after the terminal: a fault's sentence, printed
		// by the caller, must reach the terminal.
		if restore, rerr := stderrlog.Redirect(opts.Stderr); rerr != nil {
			log.Warn("standard error stays on the terminal", "err", rerr)
		} else {
			defer restore()
		}
	}
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithoutCatchPanics()}
	if opts.NoColor {
		// Bold and faint survive; colours are dropped even if a style has one.
		popts = append(popts, tea.WithColorProfile(colorprofile.Ascii))
	}
	popts = append(popts, extra...)
	p := tea.NewProgram(guarded{model}, popts...)
	defer func() {
		if r := recover(); r != nil {
			// Kill restores the terminal (raw mode, alternate screen,
			// cursor, keyboard and mouse modes) without a last frame.
			p.Kill()
			logFault(log, r)
			final, err = model, ErrViewFault
		}
	}()
	final, err = p.Run()
	if g, ok := final.(guarded); ok {
		final = g.Model
	}
	if err != nil && ctx.Err() != nil && errors.Is(err, tea.ErrProgramKilled) {
		return final, nil
	}
	return final, err
}
