package tui

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/internal/stderrlog"
	"github.com/confab-rtc/confab/internal/stderrlog/cstderr"
)

// TestRunSendsStderrToLog runs the real program with Options.Stderr set:
// what C code writes to standard error while the view runs lands in the
// log file, and standard error is the terminal's again once Run returns.
// The "terminal" is a file standing in for fd 2 during the test.
func TestRunSendsStderrToLog(t *testing.T) {
	dir := t.TempDir()
	termFile, err := os.Create(filepath.Join(dir, "terminal"))
	if err != nil {
		t.Fatal(err)
	}
	defer termFile.Close()
	logFile, err := os.Create(filepath.Join(dir, "confab.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	restoreTerm, err := stderrlog.Redirect(termFile)
	if err != nil {
		t.Fatal(err)
	}
	defer restoreTerm()

	f := newFake()
	f.events <- call.PeerJoin{UserID: "b", UserName: "Bob"}
	t.Cleanup(f.end)
	r, w := io.Pipe()
	defer w.Close()
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), f, Options{NoColor: true, Stderr: logFile},
			tea.WithInput(r), tea.WithOutput(io.Discard), tea.WithoutSignalHandler(), tea.WithWindowSize(80, 24))
	}()
	f.waitLevelAsked(t, "b")
	cstderr.Write("ALSA lib pcm.c: a C library's warning\n")
	if _, err := io.WriteString(w, "qq"); err != nil {
		t.Fatal(err)
	}
	waitRun(t, done)
	cstderr.Write("after the view\n")
	restoreTerm()

	inLog, _ := os.ReadFile(logFile.Name())
	onTerm, _ := os.ReadFile(termFile.Name())
	if string(inLog) != "ALSA lib pcm.c: a C library's warning\n" {
		t.Errorf("log file = %q, want the C warning written during the view", inLog)
	}
	if string(onTerm) != "after the view\n" {
		t.Errorf("terminal's stderr = %q, want only what came after the view", onTerm)
	}
}
