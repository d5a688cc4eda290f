package main

import (
	"context"
	"io"
	"log/slog"

	"github.com/confab-rtc/confab/tui"
)

// runInterface runs the interface the user asked for until they leave:
// plain mode (--plain, for screen readers) or the full-screen view, which
// starts in the first call, or on the rooms screen when there is none,
// and switches rooms through c.
func runInterface(ctx context.Context, o *clientOptions, c *calls, first switchingEngine, log *slog.Logger, stdin io.Reader, stdout io.Writer) error {
	if o.plain {
		return tui.RunPlain(ctx, first, stdin, stdout, tui.PlainOptions{
			Room: o.room, UserName: o.userName, Timestamps: o.timestamps, Logger: log,
		})
	}
	opts := tui.AppOptions{
		Options: tui.Options{UserName: o.userName, NoColor: o.noColor, Keys: o.keys, Mouse: o.mouse, Logger: log, Stderr: o.logFile},
		Join:    c.join,
		Lobby:   c.lobby,
	}
	if first.Engine != nil {
		opts.Engine = first
	}
	return tui.RunApp(ctx, opts)
}

// interfaceResult is the command's result once the interface and the call
// ended: the interface's failure first, else the call's. In plain mode
// the failure was already spoken as a sentence with its code (the engine
// emits its error as an event), and a screen reader would read it a
// second time from standard error: it goes to the log, and the exit
// status alone says the call failed.
func interfaceResult(o *clientOptions, log *slog.Logger, uiErr, callErr error) error {
	err := uiErr
	if err == nil {
		err = callErr
	}
	if err != nil && o.plain {
		log.Error("the call ended in failure", "err", err)
		return exitError{code: 1}
	}
	return err
}
