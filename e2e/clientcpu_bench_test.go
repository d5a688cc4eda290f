package e2e

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// procCounters reads what procStat does not: the peak resident memory
// (VmHWM) of process pid, and its context switches summed over all its
// threads (voluntary ones are the wakeups of a thread that slept; the
// status file of the process alone counts only its main thread).
func procCounters(pid int) (hwmKB, switches int, err error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	hwmKB = statusField(string(status), "VmHWM:")
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, path := range tasks {
		s, err := os.ReadFile(path)
		if err != nil {
			continue // a thread that just exited
		}
		switches += statusField(string(s), "voluntary_ctxt_switches:") + statusField(string(s), "nonvoluntary_ctxt_switches:")
	}
	return hwmKB, switches, nil
}

// statusField is the number after key at the start of a line of a
// /proc status file, or 0.
func statusField(status, key string) int {
	for _, l := range strings.Split(status, "\n") {
		if rest, ok := strings.CutPrefix(l, key); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				n, _ := strconv.Atoi(f[0])
				return n
			}
		}
	}
	return 0
}

// fitLine fits y = a + b*x by least squares and returns a, b and R².
func fitLine(xs, ys []float64) (a, b, r2 float64) {
	n := float64(len(xs))
	var mx, my float64
	for i := range xs {
		mx += xs[i] / n
		my += ys[i] / n
	}
	var sxy, sxx, syy float64
	for i := range xs {
		sxy += (xs[i] - mx) * (ys[i] - my)
		sxx += (xs[i] - mx) * (xs[i] - mx)
		syy += (ys[i] - my) * (ys[i] - my)
	}
	if sxx == 0 {
		return my, 0, 0
	}
	b = sxy / sxx
	a = my - b*mx
	if syy > 0 {
		r2 = sxy * sxy / (sxx * syy)
	}
	return a, b, r2
}

// receiverUsage is what one client process cost over a window.
type receiverUsage struct {
	cpuPct   float64 // % of one core
	rssMiB   float64 // at the end of the window
	hwmMiB   float64 // peak resident memory since start
	wakeupsS float64 // context switches per second, all threads
}

// procSample is what a process had used by one moment.
type procSample struct {
	cpu      time.Duration // utime+stime
	rssKB    int           // resident memory now
	hwmKB    int           // peak resident memory so far
	switches int           // context switches of all threads
}

// sampleProc reads a procSample of process pid; an error fails b.
func sampleProc(b *testing.B, pid int) procSample {
	b.Helper()
	cpu, rss, err := procStat(pid)
	if err != nil {
		b.Fatal(err)
	}
	hwm, sw, err := procCounters(pid)
	if err != nil {
		b.Fatal(err)
	}
	return procSample{cpu: cpu, rssKB: rss, hwmKB: hwm, switches: sw}
}

// usageOver is what a process used from s0 to s1, taken window apart.
func usageOver(s0, s1 procSample, window time.Duration) receiverUsage {
	return receiverUsage{
		cpuPct:   100 * float64(s1.cpu-s0.cpu) / float64(window),
		rssMiB:   float64(s1.rssKB) / 1024,
		hwmMiB:   float64(s1.hwmKB) / 1024,
		wakeupsS: float64(s1.switches-s0.switches) / window.Seconds(),
	}
}

// measureReceiver runs n simulated speakers (headless clients sending a
// tone each, as in BenchmarkHeadlessClient4Party, receiving nothing) and
// one headless client that only receives, decodes and mixes them (to a
// WAV file, so the whole receive path runs). Once it has heard every
// speaker and settled for warm, it measures the receiver for window.
func measureReceiver(b *testing.B, e *env, url string, n int, warm, window time.Duration) receiverUsage {
	room := fmt.Sprint("cpu-n", n)
	for k := 0; k < n; k++ {
		wav := e.path(fmt.Sprintf("s%d.wav", k))
		writeToneB(b, wav, float64(200+50*k))
		c := e.command(fmt.Sprint("s", k), "join", "--headless", "--user", fmt.Sprint("s", k), "--server", url,
			"--send", wav, "--speaker", "none", room)
		c.Stdout = io.Discard
		if err := c.Start(); err != nil {
			b.Fatal(err)
		}
		defer stop(c, 5*time.Second)
	}
	me := e.startClient(fmt.Sprint("me-n", n), "--user", "me", "--server", url, "--mic", "none", "--speaker", "none",
		"--record", e.path(fmt.Sprintf("me-n%d.wav", n)), room)
	for k := 0; k < n; k++ {
		me.waitEvent(fmt.Sprint("audio from s", k), 60*time.Second, isEvent("first-audio-frame", map[string]any{"userId": fmt.Sprint("s", k)}))
	}
	time.Sleep(warm)
	pid := me.cmd.Process.Pid
	s0 := sampleProc(b, pid)
	time.Sleep(window)
	s1 := sampleProc(b, pid)
	me.send("leave")
	if err := me.waitExit(10 * time.Second); err != nil {
		b.Errorf("the receiver of %d speakers exited with %v", n, err)
	}
	return usageOver(s0, s1, window)
}

// BenchmarkHeadlessClientPerSpeaker measures what one `confab join
// --headless` process costs while it receives N = 1, 2, 4, 8, 16 remote
// speakers, and fits CPU% = a + b*N by least squares: a is the cost of
// being in a call (signaling, the mixer's 20 ms clock, writing the mix),
// b the cost of each speaker (RTP, jitter buffer, Opus decode, mixing).
// CPU is utime+stime from /proc/<pid>/stat over a 15 s window, in % of
// one core; memory is VmRSS and VmHWM; wakeups are the context switches
// of all the process's threads per second.
//
//	go test ./e2e -run '^$' -bench HeadlessClientPerSpeaker -benchtime 1x
func BenchmarkHeadlessClientPerSpeaker(b *testing.B) {
	ns := []int{1, 2, 4, 8, 16}
	const warm, window = 3 * time.Second, 15 * time.Second
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := newEnv(b)
		url, stopServer := benchServer(b, e)
		var xs, cpu []float64
		for _, n := range ns {
			b.StartTimer()
			u := measureReceiver(b, e, url, n, warm, window)
			b.StopTimer()
			xs, cpu = append(xs, float64(n)), append(cpu, u.cpuPct)
			b.Logf("N=%2d  cpu %5.2f %%  rss %5.1f MiB  hwm %5.1f MiB  wakeups %6.0f /s", n, u.cpuPct, u.rssMiB, u.hwmMiB, u.wakeupsS)
			b.ReportMetric(u.cpuPct, fmt.Sprintf("cpu-%%-N%d", n))
			b.ReportMetric(u.rssMiB, fmt.Sprintf("rss-MiB-N%d", n))
			b.ReportMetric(u.wakeupsS, fmt.Sprintf("wakeups/s-N%d", n))
		}
		stopServer()
		a, slope, r2 := fitLine(xs, cpu)
		b.Logf("fit: CPU%% = %.2f + %.3f*N  (R² %.3f)", a, slope, r2)
		b.ReportMetric(a, "cpu-%-a")
		b.ReportMetric(slope, "cpu-%-b-per-speaker")
		b.ReportMetric(r2, "fit-R2")
	}
}

func TestFitLine(t *testing.T) {
	tests := []struct {
		name     string
		xs, ys   []float64
		a, b, r2 float64
	}{
		{"exact", []float64{1, 2, 4, 8, 16}, []float64{3.5, 4, 5, 7, 11}, 3, 0.5, 1},
		{"flat", []float64{1, 2, 4}, []float64{2, 2, 2}, 2, 0, 0},
		{"one x", []float64{4, 4}, []float64{1, 3}, 2, 0, 0},
		// Noise around y = 1 + 2x: the fit goes through the middle.
		{"noisy", []float64{0, 1, 2, 3}, []float64{1.5, 2.5, 5.5, 6.5}, 1.3, 1.8, 0.9529},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b, r2 := fitLine(tt.xs, tt.ys)
			near := func(x, y float64) bool { return x-y < 1e-3 && y-x < 1e-3 }
			if !near(a, tt.a) || !near(b, tt.b) || !near(r2, tt.r2) {
				t.Errorf("fitLine = %.4f + %.4f x (R² %.4f), want %.4f + %.4f x (R² %.4f)", a, b, r2, tt.a, tt.b, tt.r2)
			}
		})
	}
}

func TestStatusField(t *testing.T) {
	status := "Name:\tconfab\nVmHWM:\t   52340 kB\nvoluntary_ctxt_switches:\t812\nnonvoluntary_ctxt_switches:\t33\n"
	for key, want := range map[string]int{"VmHWM:": 52340, "voluntary_ctxt_switches:": 812, "nonvoluntary_ctxt_switches:": 33, "VmRSS:": 0} {
		if got := statusField(status, key); got != want {
			t.Errorf("%s = %d, want %d", key, got, want)
		}
	}
}
