package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/confab-rtc/confab/internal/pulsetest"
)

// tmux drives a private tmux server, as a person at a terminal would.
type tmux struct {
	t    testing.TB
	sock string
	env  []string
}

// startTmux starts a private tmux server with one detached shell session
// "demo" of width x height, with env as its environment, and kills it when
// the test ends. Without tmux the test is skipped, except on CI, where a
// missing tmux is a broken setup and fails the test.
func startTmux(t testing.TB, e *env, env []string, width, height int) *tmux {
	t.Helper()
	x := &tmux{t: t, sock: e.path("tmux.sock"), env: env}
	x.run("new-session", "-d", "-s", "demo", "-x", strconv.Itoa(width), "-y", strconv.Itoa(height), "sh")
	t.Cleanup(func() { exec.Command("tmux", "-S", x.sock, "kill-server").Run() })
	// Keys sent before the shell prints its prompt are echoed before it,
	// and the prompt then lands where the test looks for the command's
	// output ("# EXIT=0" instead of "EXIT=0").
	x.waitScreen("the shell's prompt", 10*time.Second, func(s string) bool { return strings.TrimSpace(s) != "" })
	return x
}

func (x *tmux) run(args ...string) string {
	x.t.Helper()
	cmd := exec.Command("tmux", append([]string{"-S", x.sock}, args...)...)
	cmd.Env = x.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		x.t.Fatalf("tmux %v: %v: %s", args, err, out)
	}
	return string(out)
}

func (x *tmux) screen() string { return x.run("capture-pane", "-p", "-t", "demo") }

// waitScreen polls the screen until ok accepts it.
func (x *tmux) waitScreen(desc string, timeout time.Duration, ok func(string) bool) string {
	x.t.Helper()
	deadline := time.Now().Add(timeout)
	var s string
	for time.Now().Before(deadline) {
		s = x.screen()
		if ok(s) {
			return s
		}
		time.Sleep(100 * time.Millisecond)
	}
	x.t.Fatalf("screen never showed %s within %s; last screen:\n%s", desc, timeout, s)
	return ""
}

// needTmux skips a test without tmux, except on CI, where a missing tmux
// is a broken setup.
func needTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is not installed")
		}
		t.Skip("tmux is not installed")
	}
}

// confabInTmux opens a width x height terminal with the private
// PulseAudio's environment and NO_COLOR, and types
// `confab <command> --config ... --log-file <log> <args...>; echo EXIT=$?`
// at its shell, so the exit status shows when confab ends.
func confabInTmux(t *testing.T, e *env, pa *pulsetest.Server, width, height int, log, command string, args ...string) *tmux {
	t.Helper()
	x := startTmux(t, e, append(append(os.Environ(), pa.Env()...), "NO_COLOR=1"), width, height)
	line := fmt.Sprintf("%s %s --config %s --log-file %s %s; echo EXIT=$?", confabBin, command, e.config, e.path(log), strings.Join(args, " "))
	x.run("send-keys", "-t", "demo", line, "Enter")
	return x
}

// waitCall waits until the call view shows the connection up.
func (x *tmux) waitCall() string {
	x.t.Helper()
	return x.waitScreen("the call", 30*time.Second, func(s string) bool { return strings.Contains(s, "● connected") })
}

// leave presses q, checks the leave question, presses q again and waits
// for the shell: confab must exit 0 with the terminal out of the
// alternate screen. It returns the final screen.
func (x *tmux) leave() string {
	x.t.Helper()
	x.run("send-keys", "-t", "demo", "q")
	x.waitScreen("the leave question", 5*time.Second, func(s string) bool { return strings.Contains(s, "Press q again to leave") })
	x.run("send-keys", "-t", "demo", "q")
	// The shell may print its prompt before the status, on the same line.
	exitLine := regexp.MustCompile(`(?m)EXIT=(\d+)$`)
	final := x.waitScreen("the shell again with the exit status", 15*time.Second, func(s string) bool { return exitLine.MatchString(s) })
	if exitLine.FindStringSubmatch(final)[1] != "0" {
		x.t.Fatalf("confab exited non-zero:\n%s", final)
	}
	if alt := strings.TrimSpace(x.run("display-message", "-p", "-t", "demo", "#{alternate_on}")); alt != "0" {
		x.t.Fatalf("the terminal is still in the alternate screen after exit (alternate_on=%s)", alt)
	}
	return final
}

// TestDemoInTmux runs `confab demo` in a real terminal (tmux) with real
// audio devices (a private PulseAudio) and checks what a person sees: the
// three simulated people, meters that move, the mute key, and a clean exit.
func TestDemoInTmux(t *testing.T) {
	needTmux(t)
	pa := pulsetest.Start(t)
	e := newEnv(t)
	x := confabInTmux(t, e, pa, 100, 30, "demo.log", "demo", "--name", "Tester", "--mouse")

	screen := x.waitScreen("the three simulated people", 30*time.Second, func(s string) bool {
		return strings.Contains(s, "Ada") && strings.Contains(s, "Bruno") && strings.Contains(s, "Chiara") && strings.Contains(s, "● connected")
	})
	t.Logf("screen:\n%s", screen)
	// NO_COLOR (set for this terminal) reaches the screen: bold for
	// emphasis, no colour at all (39 and 49 only reset to the defaults).
	colour := regexp.MustCompile(`\x1b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]`)
	if c := colour.FindString(x.run("capture-pane", "-p", "-e", "-t", "demo")); c != "" {
		t.Errorf("NO_COLOR is set but the screen has colour %q", c)
	}
	if on := strings.TrimSpace(x.run("display-message", "-p", "-t", "demo", "#{mouse_any_flag}")); on != "1" {
		t.Errorf("--mouse: the view did not ask for mouse reports (mouse_any_flag=%s)", on)
	}

	// The meters move: some person's bar (found by name, whatever the
	// order of the rows) has another length in a later capture.
	bars := func(s string) map[string]int {
		out := map[string]int{}
		for _, l := range strings.Split(s, "\n") {
			for _, name := range []string{"Ada", "Bruno", "Chiara"} {
				if strings.Contains(l, name) && strings.Contains(l, "░") {
					out[name] = strings.Count(l, "█")
				}
			}
		}
		return out
	}
	first := bars(screen)
	moved := x.waitScreen("a volume bar that moved", 10*time.Second, func(s string) bool {
		now := bars(s)
		for name, n := range now {
			if f, ok := first[name]; ok && f != n {
				return true
			}
		}
		return false
	})
	t.Logf("bars: %v, then %v", first, bars(moved))

	// m mutes the microphone: the own row says so.
	selfRow := regexp.MustCompile(`(?m)^.*Tester.*$`)
	if self := selfRow.FindString(x.screen()); strings.Contains(strings.ToLower(self), "muted") {
		t.Fatalf("own row shows muted before pressing m: %q", self)
	}
	x.run("send-keys", "-t", "demo", "m")
	x.waitScreen("the own row muted", 5*time.Second, func(s string) bool {
		return strings.Contains(strings.ToLower(selfRow.FindString(s)), "muted")
	})

	// q asks first, a second q leaves: the process exits 0 and the
	// terminal is restored.
	final := x.leave()
	if strings.Contains(final, "Chiara") {
		t.Fatalf("the call view is still on screen after exit:\n%s", final)
	}
	// The rest of the terminal's state is back too: cursor shown, mouse
	// reports off, and the line discipline cooked with echo (a raw
	// terminal would show neither what the user types nor new lines).
	for flag, want := range map[string]string{"cursor_flag": "1", "mouse_any_flag": "0", "keypad_cursor_flag": "0"} {
		if got := strings.TrimSpace(x.run("display-message", "-p", "-t", "demo", "#{"+flag+"}")); got != want {
			t.Errorf("after exit %s = %s, want %s", flag, got, want)
		}
	}
	x.run("send-keys", "-t", "demo", `echo "MODES $(stty -a | tr ' ;' '\n\n' | grep -E '^-?(echo|icanon|icrnl)$' | tr '\n' ' ')"`, "Enter")
	modesLine := regexp.MustCompile(`(?m)^MODES .*$`)
	modes := modesLine.FindString(x.waitScreen("the terminal settings", 5*time.Second, modesLine.MatchString))
	for _, mode := range []string{"icrnl", "icanon", "echo"} {
		if !slices.Contains(strings.Fields(modes), mode) {
			t.Errorf("after exit the terminal lacks %s: %q", mode, modes)
		}
	}
	// Nothing but the shell's own lines: no log line, warning or trace
	// from confab or the C libraries under it reached the terminal.
	for _, bad := range []string{"level=", `"level"`, "panic", "goroutine", "ALSA", "pulse", "warning"} {
		if strings.Contains(strings.ToLower(final), strings.ToLower(bad)) {
			t.Errorf("the terminal shows %q after exit:\n%s", bad, final)
		}
	}
}
