package stderrlog

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/confab-rtc/confab/internal/stderrlog/cstderr"
)

// TestRedirectCatchesCOutput stands a pipe in for the terminal on file
// descriptor 2, redirects it to a log file, and writes from C and from Go
// before, during and after: only the lines written during the redirection
// reach the log, and the "terminal" gets the others.
func TestRedirectCatchesCOutput(t *testing.T) {
	realStderr, err := unix.Dup(unix.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	term, termW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Dup2(int(termW.Fd()), unix.Stderr); err != nil {
		t.Fatal(err)
	}
	putBack := func() {
		unix.Dup2(realStderr, unix.Stderr)
		unix.Close(realStderr)
	}
	defer func() {
		if realStderr >= 0 {
			putBack()
		}
	}()

	logPath := filepath.Join(t.TempDir(), "confab.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()

	cstderr.Write("C before\n")
	restore, err := Redirect(logFile)
	if err != nil {
		t.Fatal(err)
	}
	cstderr.Write("C during: pulse warning\n")
	os.Stderr.WriteString("Go during\n")
	if err := restore(); err != nil {
		t.Fatal(err)
	}
	if err := restore(); err != nil {
		t.Fatalf("second restore: %v", err)
	}
	cstderr.Write("C after\n")

	putBack()
	realStderr = -1
	termW.Close()
	onTerm, err := io.ReadAll(term)
	if err != nil {
		t.Fatal(err)
	}
	inLog, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(inLog), "C during: pulse warning\nGo during\n"; got != want {
		t.Errorf("log file = %q, want %q", got, want)
	}
	if got, want := string(onTerm), "C before\nC after\n"; got != want {
		t.Errorf("terminal got %q, want %q", got, want)
	}
	if strings.Contains(string(onTerm), "during") {
		t.Error("output written during the redirection reached the terminal")
	}
}
