package tui

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/confab-rtc/confab/internal/stderrlog"
	"github.com/confab-rtc/confab/signal"
)

// faultRun runs the real program until it ends, with standard error (fd
// 2) sent to a file for the test to read, and returns Run's error, what
// the terminal received, what reached standard error and the log.
func faultRun(t *testing.T, runIt func(log *slog.Logger, out io.Writer) error) (err error, screen, stderr, logText string) {
	t.Helper()
	errPath := filepath.Join(t.TempDir(), "stderr")
	errFile, ferr := os.Create(errPath)
	if ferr != nil {
		t.Fatal(ferr)
	}
	defer errFile.Close()
	restore, ferr := stderrlog.Redirect(errFile)
	if ferr != nil {
		t.Fatal(ferr)
	}
	var logBuf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logBuf, nil))
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- runIt(log, out) }()
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		restore()
		t.Fatal("the program did not end after the fault")
	}
	restore()
	e, _ := os.ReadFile(errPath)
	return err, out.String(), string(e), logBuf.String()
}

// checkFault checks a fault's way out: ErrViewFault with its code, the
// terminal's modes put back, no trace on the screen or standard error,
// the trace in the log.
func checkFault(t *testing.T, err error, screen, stderr, logText, panicText string) {
	t.Helper()
	var se *signal.Error
	if !errors.Is(err, ErrViewFault) || !errors.As(err, &se) || se.Code != signal.CodeInternal {
		t.Fatalf("Run = %v, want ErrViewFault (code %d)", err, signal.CodeInternal)
	}
	if !strings.Contains(se.Message, "log file") || !strings.Contains(se.Message, "join again") {
		t.Errorf("the fault's sentence does not say what to do: %q", se.Message)
	}
	for _, seq := range []string{ansi.ResetAltScreenSaveCursorMode, ansi.ShowCursor} {
		if !strings.Contains(screen, seq) {
			t.Errorf("terminal not restored: no %q after the fault", seq)
		}
	}
	for where, text := range map[string]string{"screen": screen, "stderr": stderr} {
		if strings.Contains(text, "goroutine ") || strings.Contains(text, "panic") || strings.Contains(text, panicText) {
			t.Errorf("the %s shows the fault's trace: %q", where, text)
		}
	}
	if !strings.Contains(logText, panicText) || !strings.Contains(logText, "goroutine ") || !strings.Contains(logText, `"code":90100199`) {
		t.Errorf("log lacks the fault and its trace: %s", logText)
	}
}

// TestRunFaultInUpdate forces a panic inside the real program's update
// loop through the fake engine's hook (its third LocalLevel call, on a
// level tick).
func TestRunFaultInUpdate(t *testing.T) {
	f := newFake()
	f.faultAfter = 3
	t.Cleanup(f.end)
	t.Cleanup(f.end)
	r, w := io.Pipe()
	defer w.Close()
	err, screen, stderr, logText := faultRun(t, func(log *slog.Logger, out io.Writer) error {
		return run(context.Background(), f, Options{Logger: log},
			tea.WithInput(r), tea.WithOutput(out), tea.WithoutSignalHandler(), tea.WithWindowSize(80, 24))
	})
	checkFault(t, err, screen, stderr, logText, "fake engine: forced fault")
	if f.leaveCount() != 1 {
		t.Errorf("Leave called %d times after the fault, want 1", f.leaveCount())
	}
}

// panicCmdModel is a model whose first command panics in its goroutine,
// inside a batch as the view's commands are.
type panicCmdModel struct{}

func (panicCmdModel) Init() tea.Cmd {
	return tea.Batch(func() tea.Msg { return nil }, func() tea.Msg {
		time.Sleep(200 * time.Millisecond) // after the first frame is drawn
		panic("command fault")
	})
}
func (m panicCmdModel) Update(tea.Msg) (tea.Model, tea.Cmd) { return m, nil }
func (panicCmdModel) View() tea.View {
	v := tea.NewView("screen")
	v.AltScreen = true
	return v
}

// TestRunFaultInCommand: a panic in a command's goroutine, which would
// otherwise crash the process without WithoutCatchPanics' catcher, ends
// the program the same way.
func TestRunFaultInCommand(t *testing.T) {
	r, w := io.Pipe()
	defer w.Close()
	err, screen, stderr, logText := faultRun(t, func(log *slog.Logger, out io.Writer) error {
		_, err := runModel(context.Background(), panicCmdModel{}, Options{NoColor: true, Logger: log},
			tea.WithInput(r), tea.WithOutput(out), tea.WithoutSignalHandler(), tea.WithWindowSize(80, 24))
		return err
	})
	checkFault(t, err, screen, stderr, logText, "command fault")
}
