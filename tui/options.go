package tui

import (
	"log/slog"
	"os"
	"time"
)

// Default terminal size, used until the terminal reports its own: the
// smallest size the layout is designed for.
const (
	DefaultWidth  = 80
	DefaultHeight = 24
)

// Options configures the call view. The zero value works: the room and user
// names fall back to the engine's ids, the size to 80x24, the keys to
// DefaultKeyMap and the clock to time.Now.
type Options struct {
	// Room is the room name shown in the header; empty means Engine.Room().
	Room string
	// UserName is the local user's display name; empty means
	// Engine.UserID().
	UserName string
	// Width and Height are the terminal size assumed until the first
	// tea.WindowSizeMsg arrives; tests set them to render a fixed size.
	Width, Height int
	// NoColor renders without colour, as NO_COLOR asks. Every state that
	// colour shows (muted, speaking, connection) is also written in words.
	NoColor bool
	// Mouse turns on clicks (select a participant, focus a pane) and the
	// wheel (scroll the event log). Off by default: a terminal reporting
	// the mouse stops selecting text with it. The keys do everything the
	// mouse does.
	Mouse bool
	// Logger receives the trace of a fault inside the view, which never
	// goes to the terminal; nil discards it.
	Logger *slog.Logger
	// Stderr, when set (the log file), receives the process's standard
	// error, file descriptor 2, while the view runs: C libraries
	// (PulseAudio, miniaudio) print there and would tear the screen.
	// Nil leaves standard error alone.
	Stderr *os.File
	// Keys are the key bindings; the zero value means DefaultKeyMap().
	Keys KeyMap
	// Clock returns the current time; nil means time.Now. The call timer
	// and the event log read it, so tests inject a fixed clock to get the
	// same screen on every run.
	Clock func() time.Time
}

// withDefaults fills the zero fields of o from the engine and the package
// defaults, so the rest of the package never checks for them.
func (o Options) withDefaults(e Engine) Options {
	if o.Room == "" {
		o.Room = e.Room()
	}
	if o.UserName == "" {
		o.UserName = e.UserID()
	}
	if o.Width <= 0 {
		o.Width = DefaultWidth
	}
	if o.Height <= 0 {
		o.Height = DefaultHeight
	}
	if o.Keys.isZero() {
		o.Keys = DefaultKeyMap()
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	return o
}
