package tui

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/confab-rtc/confab/signal"
)

// PlainEngine is what plain mode needs from a call. It once added the
// per-participant volume to Engine; now that the call view changes volumes
// too, it is Engine itself, kept so plain mode's callers need not change.
type PlainEngine interface {
	Engine
}

// PlainOptions configures plain mode. The zero value works.
type PlainOptions struct {
	// Room and UserName are as in Options.
	Room, UserName string
	// Timestamps starts every line with the time (15:04:05). Off by
	// default: a screen reader would read the time before every sentence.
	Timestamps bool
	// Clock returns the current time; nil means time.Now.
	Clock func() time.Time
	// Logger receives the trace of an internal fault, which never goes
	// to the terminal; nil discards it.
	Logger *slog.Logger
	// LeaveTimeout bounds the wait for the call to end once the user
	// left or ctx ended; 0 means 5 seconds.
	LeaveTimeout time.Duration
}

// ErrPlainFault is returned when plain mode stopped on an internal fault;
// the user was told in a sentence and the trace is in the log.
var ErrPlainFault = signal.Errorf(signal.CodeInternal, "plain mode stopped on an internal fault; the details are in the log file")

// RunPlain runs the call in plain mode, for screen readers and braille
// displays: every event is one sentence on its own line, with no colour,
// cursor movement or drawing, and single keys are commands. When in is a
// terminal it is read in raw mode (a key acts at once, no Enter) and
// restored on every way out; otherwise it is read a line at a time. It
// returns when the engine closes its events, after the user left (q q or
// ctrl+c) or ctx ended; a fault is spoken, logged and returned.
func RunPlain(ctx context.Context, e PlainEngine, in io.Reader, out io.Writer, opts PlainOptions) (err error) {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.LeaveTimeout <= 0 {
		opts.LeaveTimeout = 5 * time.Second
	}
	w := &plainWriter{w: out, eol: "\n", clock: opts.Clock, timestamps: opts.Timestamps}
	raw := false
	if f, ok := in.(*os.File); ok && term.IsTerminal(f.Fd()) {
		if state, err := term.MakeRaw(f.Fd()); err == nil {
			defer term.Restore(f.Fd(), state)
			// Raw mode also stops the terminal turning "\n" into "\r\n".
			w.eol = "\r\n"
			raw = true
		} else {
			opts.Logger.Warn("cannot put the terminal in raw mode; reading lines", "err", err)
		}
	}
	keys := make(chan plainKey, 16)
	stop := make(chan struct{})
	if in != nil {
		defer startKeyReader(in, raw, keys, stop, opts.Logger)()
	}
	// Runs before the reader is waited for: a reader blocked handing
	// over a key must see stop.
	defer close(stop)
	defer func() {
		if r := recover(); r != nil {
			opts.Logger.Error("plain mode fault", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			w.line(errorSentence(signal.CodeInternal, "confab hit an internal fault and leaves the call; the details are in the log file"))
			e.Leave()
			err = ErrPlainFault
		}
	}()

	v := newPlainView(e, opts.Room, opts.UserName)
	events := e.Events()
	keyCh := (<-chan plainKey)(keys)
	if in == nil {
		keyCh = nil
	}
	done := ctx.Done()
	var giveUp <-chan time.Time
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return nil
			}
			w.lines(v.event(ev, opts.Clock()))
		case k, ok := <-keyCh:
			if !ok {
				keyCh = nil
				continue
			}
			lines, leaving := v.key(k, opts.Clock())
			w.lines(lines)
			if leaving {
				keyCh = nil
				giveUp = time.After(opts.LeaveTimeout)
			}
		case <-done:
			// Whoever ended ctx (a signal) ends the engine; wait for
			// its last events so that the user hears the call end.
			done = nil
			if !v.leaving {
				v.leaving = true
				w.line("Leaving the call.")
			}
			keyCh = nil
			giveUp = time.After(opts.LeaveTimeout)
		case <-giveUp:
			opts.Logger.Warn("the call did not end after leaving", "wait", opts.LeaveTimeout)
			return nil
		}
	}
}

// startKeyReader reads keys from in in the background (raw: a terminal in
// raw mode, else a line of keys at a time) and returns the function that stops
// it, as readInBackground does.
func startKeyReader(in io.Reader, raw bool, keys chan<- plainKey, stop <-chan struct{}, log *slog.Logger) func() {
	stopReading, err := readInBackground(in, func(r io.Reader) {
		if raw {
			readRawKeys(r, keys, stop)
		} else {
			readLineKeys(r, keys, stop)
		}
	})
	if err != nil {
		log.Debug("standard input cannot be cancelled", "err", err)
	}
	return stopReading
}

// plainWriter writes plain mode's lines.
type plainWriter struct {
	w          io.Writer
	eol        string
	clock      func() time.Time
	timestamps bool
}

// lines writes each sentence on its own line.
func (p *plainWriter) lines(ss []string) {
	for _, s := range ss {
		p.line(s)
	}
}

// line writes one sentence. A write error is ignored: the terminal is
// gone and nobody can read the line.
func (p *plainWriter) line(s string) {
	if p.timestamps {
		s = p.clock().Format("15:04:05") + " " + s
	}
	_, _ = io.WriteString(p.w, s+p.eol)
}
