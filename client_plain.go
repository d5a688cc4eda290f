package main

import (
	"context"
	"io"
	"log/slog"

	"github.com/confab-rtc/confab/tui"
)

// runInterface runs the interface the user asked for until they leave:
// plain mode (--plain, for screen readers) or the full-screen view.
func runInterface(ctx context.Context, o *clientOptions, e switchingEngine, log *slog.Logger, stdin io.Reader, stdout io.Writer) error {
	if o.plain {
		return tui.RunPlain(ctx, e, stdin, stdout, tui.PlainOptions{
			Room: o.room, UserName: o.userName, Timestamps: o.timestamps, Logger: log,
		})
	}
	return tui.Run(ctx, e, tui.Options{Room: o.room, UserName: o.userName, NoColor: o.noColor})
}
