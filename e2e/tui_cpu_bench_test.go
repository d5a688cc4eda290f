package e2e

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/confab-rtc/confab/internal/pulsetest"
)

// BenchmarkTUIIdle4Party measures the CPU of the full-screen `confab join`
// as a person runs it: in a real terminal (tmux, 120x40, colours on) with
// real audio devices (a private PulseAudio), in a call with three other
// clients each sending a tone, the user touching nothing. The view then
// polls levels and redraws 10 times a second while the process receives,
// decodes, mixes and plays three streams and sends its own (silent)
// microphone. CPU is utime+stime of the process from /proc/<pid>/stat
// over a 20 s window after 5 s of settling, in % of one core; memory is
// VmRSS and VmHWM; wakeups are the context switches of all its threads.
// The headless sub-benchmark runs the same client in the same terminal
// with --headless (events as JSON lines to a file), so the difference is
// what the view itself costs.
//
//	go test ./e2e -run '^$' -bench TUIIdle4Party -benchtime 1x
func BenchmarkTUIIdle4Party(b *testing.B) {
	if _, err := exec.LookPath("tmux"); err != nil {
		b.Skip("tmux is not installed")
	}
	pa := pulsetest.Start(b)
	b.Run("tui", func(b *testing.B) { benchIdleClient(b, pa, false) })
	b.Run("headless", func(b *testing.B) { benchIdleClient(b, pa, true) })
}

// benchIdleClient is one run of BenchmarkTUIIdle4Party.
func benchIdleClient(b *testing.B, pa *pulsetest.Server, headless bool) {
	const warm, window = 5 * time.Second, 20 * time.Second
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := newEnv(b)
		e.extra = pa.Env()
		url := e.startServer()
		for j, f := range []float64{300, 500, 700} {
			wav := e.path(fmt.Sprintf("t%d.wav", j))
			writeToneB(b, wav, f)
			c := e.command(fmt.Sprint("p", j), "join", "--headless", "--user", fmt.Sprint("p", j), "--name", fmt.Sprint("Peer", j),
				"--server", url, "--send", wav, "--speaker", "none", "--mic", "none", "cpu")
			c.Stdout = io.Discard
			if err := c.Start(); err != nil {
				b.Fatal(err)
			}
			defer stop(c, 5*time.Second)
		}
		x := startTmux(b, e, append(os.Environ(), pa.Env()...), 120, 40)
		// exec: the pane's process is confab itself, so its pid is the
		// pane's.
		join := fmt.Sprintf("exec %s join --config %s --log-file %s --server %s --name Me --user me", confabBin, e.config, e.path("me.log"), url)
		if headless {
			events := e.path("events.jsonl")
			x.run("send-keys", "-t", "demo", join+" --headless cpu >"+events, "Enter")
			waitFile(b, events, 30*time.Second, func(s string) bool { return strings.Count(s, `"first-audio-frame"`) >= 3 })
		} else {
			x.run("send-keys", "-t", "demo", join+" cpu", "Enter")
			x.waitScreen("the three peers speaking", 30*time.Second, func(s string) bool {
				return strings.Count(s, "◉ speaking") >= 3 && strings.Contains(s, "● connected")
			})
		}
		pid, err := strconv.Atoi(strings.TrimSpace(x.run("display-message", "-p", "-t", "demo", "#{pane_pid}")))
		if err != nil {
			b.Fatal(err)
		}
		if comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); strings.TrimSpace(string(comm)) != "confab" {
			b.Fatalf("pane process %d is %q, not confab", pid, comm)
		}
		time.Sleep(warm)
		s0 := sampleProc(b, pid)
		b.StartTimer()
		time.Sleep(window)
		b.StopTimer()
		u := usageOver(s0, sampleProc(b, pid), window)
		if headless {
			x.run("send-keys", "-t", "demo", "leave", "Enter")
		} else {
			x.run("send-keys", "-t", "demo", "q")
			x.run("send-keys", "-t", "demo", "q")
		}
		deadline := time.Now().Add(15 * time.Second)
		for {
			if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err != nil {
				break
			}
			if time.Now().After(deadline) {
				b.Fatal("confab did not exit after leaving")
			}
			time.Sleep(100 * time.Millisecond)
		}
		b.Logf("headless=%v, 4-party call, idle: cpu %.2f %% of a core, rss %.1f MiB, hwm %.1f MiB, wakeups %.0f /s",
			headless, u.cpuPct, u.rssMiB, u.hwmMiB, u.wakeupsS)
		b.ReportMetric(u.cpuPct, "cpu-%")
		b.ReportMetric(u.rssMiB, "rss-MiB")
		b.ReportMetric(u.hwmMiB, "hwm-MiB")
		b.ReportMetric(u.wakeupsS, "wakeups/s")
	}
}

// waitFile polls a file until ok accepts its content.
func waitFile(b *testing.B, path string, timeout time.Duration, ok func(string) bool) {
	b.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if data, err := os.ReadFile(path); err == nil && ok(string(data)) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	data, _ := os.ReadFile(path)
	b.Fatalf("%s never showed what was awaited within %s:\n%s", path, timeout, data)
}
