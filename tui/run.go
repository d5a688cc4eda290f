package tui

import (
	"context"
	"errors"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// Run shows the call view full screen until the user leaves (q or ctrl+c,
// which call Engine.Leave), the engine closes its event channel, or ctx
// ends. Ending ctx is a normal way out and returns nil; it does not call
// Leave, since whoever cancelled ctx owns the engine's shutdown.
func Run(ctx context.Context, e Engine, opts Options) error {
	return run(ctx, e, opts)
}

// run is Run with extra program options, so tests can feed keys from a
// reader and discard the output instead of needing a terminal.
func run(ctx context.Context, e Engine, opts Options, extra ...tea.ProgramOption) error {
	_, err := runModel(ctx, New(e, opts), opts.NoColor, extra...)
	return err
}

// runModel runs a model full screen and returns the final model; ending
// ctx is a normal way out.
func runModel(ctx context.Context, model tea.Model, noColor bool, extra ...tea.ProgramOption) (tea.Model, error) {
	popts := []tea.ProgramOption{tea.WithContext(ctx)}
	if noColor {
		// Bold and faint survive; colours are dropped even if a style has one.
		popts = append(popts, tea.WithColorProfile(colorprofile.Ascii))
	}
	popts = append(popts, extra...)
	final, err := tea.NewProgram(model, popts...).Run()
	if err != nil && ctx.Err() != nil && errors.Is(err, tea.ErrProgramKilled) {
		return final, nil
	}
	return final, err
}
