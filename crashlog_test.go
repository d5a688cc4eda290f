package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCrashTraceInLog: once the log is open, a fatal panic in any
// goroutine (which no recover can catch) leaves its trace in the log
// file. The crash happens in a child process: this test binary run again
// with CONFAB_CRASH_LOG set.
func TestCrashTraceInLog(t *testing.T) {
	if path := os.Getenv("CONFAB_CRASH_LOG"); path != "" {
		g := &globals{logFile: path, logLevel: "info"}
		if _, _, err := g.logger(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			panic("crash for TestCrashTraceInLog")
		}()
		<-done
		return
	}
	path := filepath.Join(t.TempDir(), "confab.log")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashTraceInLog$")
	cmd.Env = append(os.Environ(), "CONFAB_CRASH_LOG="+path)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the child did not crash:\n%s", out)
	}
	log, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(log), "panic: crash for TestCrashTraceInLog") || !strings.Contains(string(log), "goroutine ") {
		t.Errorf("the log lacks the crash and its trace:\n%s", log)
	}
}
