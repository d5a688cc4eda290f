package tui

import (
	"fmt"
	"log/slog"
	"runtime/debug"

	tea "charm.land/bubbletea/v2"
	"github.com/confab-rtc/confab/signal"
)

// A fault (a panic) anywhere in the program must not leave a raw terminal
// and a Go trace on the user's screen. Bubble Tea's own catcher prints the
// trace to standard error, so the program runs without it
// (tea.WithoutCatchPanics) and under this guard instead: a panic in a
// command's goroutine comes back to the event loop as a faultMsg and is
// raised there, and runModel recovers every panic of the event loop,
// restores the terminal, writes the trace to the log and returns
// ErrViewFault, which the command prints as one sentence with its code.

// ErrViewFault is returned when the full-screen view stopped on an
// internal fault; the terminal was restored and the trace is in the log.
var ErrViewFault = signal.Errorf(signal.CodeInternal,
	"confab's screen stopped on an internal fault and left the call; join again, and if it happens again report it with the log file, which has the details")

// faultMsg carries a panic out of a command's goroutine.
type faultMsg struct {
	value any
	stack []byte
}

// guarded wraps the program's model so that every command it returns runs
// under guardCmd, and raises a faultMsg in the event loop.
type guarded struct{ tea.Model }

// Init guards the model's first commands.
func (g guarded) Init() tea.Cmd { return guardCmd(g.Model.Init()) }

// Update raises a command's fault, else updates the model and guards the
// commands it returns.
func (g guarded) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if f, ok := msg.(faultMsg); ok {
		panic(f)
	}
	next, cmd := g.Model.Update(msg)
	return guarded{next}, guardCmd(cmd)
}

// guardCmd returns cmd recovering its panic as a faultMsg; the commands of
// a batch it returns are guarded the same way, as Bubble Tea runs each in
// a goroutine of its own. (tea.Sequence's are not reachable from here;
// the view does not use it.)
func guardCmd(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = faultMsg{value: r, stack: debug.Stack()}
			}
		}()
		msg = cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			for i := range b {
				b[i] = guardCmd(b[i])
			}
		}
		return msg
	}
}

// logFault writes a recovered panic and its trace to the log: the trace
// of the command's goroutine when it came from one, else this one's.
func logFault(log *slog.Logger, r any) {
	value, stack := r, debug.Stack()
	if f, ok := r.(faultMsg); ok {
		value, stack = f.value, f.stack
	}
	log.Error("the full-screen view stopped on a fault", "code", signal.CodeInternal,
		"panic", fmt.Sprint(value), "stack", string(stack))
}
