package config

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
)

// atomicConfigs are the two configurations the atomicity tests alternate
// between: different sizes, so a torn write would show as a truncated or
// mixed file.
func atomicConfigs() [2]Config {
	a, b := Default(), Default()
	a.Client.UserName = "Alice"
	a.Client.Microphone, a.Client.MicrophoneName = "alsa_input.usb-mic", "USB Mic"
	b.Client.UserName = strings.Repeat("Bob", 80)
	b.Keys = map[string][]string{"mute": {"m", "x"}, "leave": {"q"}}
	for i := range 50 {
		b.Server.Webhooks = append(b.Server.Webhooks, fmt.Sprintf("https://example.com/hook/%d", i))
	}
	return [2]Config{a, b}
}

// TestSaveIsAtomicForReaders: a reader loading the file while it is saved
// over and over always sees one whole configuration, never a torn one.
func TestSaveIsAtomicForReaders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	cfgs := atomicConfigs()
	if err := Save(path, cfgs[0]); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for i := range 200 {
			if err := Save(path, cfgs[i%2]); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	reads := 0
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			if reads == 0 {
				t.Fatal("no read overlapped the saves")
			}
			return
		default:
		}
		got, err := Load(path)
		if err != nil {
			t.Fatalf("read %d: %v", reads, err)
		}
		if !reflect.DeepEqual(got, cfgs[0]) && !reflect.DeepEqual(got, cfgs[1]) {
			t.Fatalf("read %d: a configuration that was never saved: %+v", reads, got.Client)
		}
		reads++
	}
}

// TestSaveSurvivesKill: a process killed with SIGKILL while it saves the
// file again and again leaves either the old or the new configuration,
// whole, and nothing but temporary files beside it.
func TestSaveSurvivesKill(t *testing.T) {
	if path := os.Getenv("CONFAB_SAVE_LOOP"); path != "" {
		cfgs := atomicConfigs()
		for i := 0; ; i++ {
			if err := Save(path, cfgs[i%2]); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	cfgs := atomicConfigs()
	if err := Save(path, cfgs[1]); err != nil {
		t.Fatal(err)
	}
	for round := range 10 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSaveSurvivesKill$")
		cmd.Env = append(os.Environ(), "CONFAB_SAVE_LOOP="+path)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Let it save a few dozen times, at a different moment each round.
		time.Sleep(30*time.Millisecond + time.Duration(round)*7*time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("round %d: the saver ended before it was killed: %v", round, err)
		}
		got, err := Load(path)
		if err != nil {
			t.Fatalf("round %d: after the kill the file does not load: %v", round, err)
		}
		if !reflect.DeepEqual(got, cfgs[0]) && !reflect.DeepEqual(got, cfgs[1]) {
			t.Fatalf("round %d: after the kill, a configuration that was never saved: %+v", round, got.Client)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Name() != "config.toml" && !strings.HasPrefix(e.Name(), ".config-") {
				t.Fatalf("round %d: unexpected file %s", round, e.Name())
			}
		}
	}
}
