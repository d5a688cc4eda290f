package pulsetest

import (
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/confab-rtc/confab/internal/tone"
)

// steady returns the part of rec where a looping tone must be fully
// present: from the first to the last loud sample, less 100 ms at each end.
func steady(t *testing.T, rec []int16) []int16 {
	t.Helper()
	loud := func(v int16) bool { return v > 1000 || v < -1000 }
	first, last := -1, -1
	for i, v := range rec {
		if loud(v) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		t.Fatalf("recording of %d samples is silent (RMS %.1f)", len(rec), tone.RMS(rec))
	}
	const edge = Rate / 10
	if last-first < 2*edge+Rate/2 {
		t.Fatalf("the tone lasted only %d samples", last-first)
	}
	return rec[first+edge : last-edge]
}

func TestToneArrives(t *testing.T) {
	s := Start(t)
	for _, tc := range []struct {
		name, sink, source string
	}{
		{"mic_feed to virtual_mic", MicFeedSink, VirtualMic},
		{"spk_a to its monitor", SpeakerSink, SpeakerSink + ".monitor"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const amp = 0.5
			rec := s.Record(t, tc.source)
			stop := s.Play(t, tc.sink, tone.Sine(1000, amp, 4800))
			time.Sleep(1200 * time.Millisecond)
			stop()
			pcm := steady(t, rec.Stop())

			// A loaded CI VM can stall the player for tens of milliseconds,
			// which leaves a hole of silence in a window or two; judge the
			// signal by most windows and by medians, as a listener would.
			if got := tone.FractionDominant(pcm, Rate, 100*time.Millisecond, 1000, 5, 1000); got < 0.8 {
				t.Errorf("1 kHz dominant in %.0f%% of 100 ms windows, want at least 80%%", 100*got)
			}
			var rms, purity []float64
			for _, w := range tone.Windows(pcm, Rate, 100*time.Millisecond) {
				rms = append(rms, tone.RMS(w))
				purity = append(purity, tone.Contains(w, Rate, 1000))
			}
			want := amp * 32767 / math.Sqrt2
			if got := median(rms); math.Abs(got-want) > 0.1*want {
				t.Errorf("median RMS of 100 ms windows = %.0f, want %.0f ± 10%%", got, want)
			}
			if got := median(purity); got < 0.95 {
				t.Errorf("the 1 kHz tone is %.2f of the power (median window), want > 0.95", got)
			}
		})
	}
}

func TestRecordingOfSilenceIsSilent(t *testing.T) {
	s := Start(t)
	rec := s.Record(t, VirtualMic)
	time.Sleep(300 * time.Millisecond)
	pcm := rec.Stop()
	if len(pcm) < Rate/10 {
		t.Fatalf("recorded only %d samples in 300 ms", len(pcm))
	}
	if rms := tone.RMS(pcm); rms != 0 {
		t.Errorf("nothing playing, yet RMS = %.1f", rms)
	}
	if again := rec.Stop(); len(again) != len(pcm) {
		t.Errorf("second Stop returned %d samples, first %d", len(again), len(pcm))
	}
}

func TestDefaultsAndEnv(t *testing.T) {
	s := Start(t)
	info, err := s.Pactl("info")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Default Sink: " + SpeakerSink, "Default Source: " + VirtualMic, "Server String: unix:" + s.Socket()} {
		if !strings.Contains(info, want) {
			t.Errorf("pactl info lacks %q:\n%s", want, info)
		}
	}
	if got := os.Getenv("PULSE_SERVER"); got != "unix:"+s.Socket() {
		t.Errorf("PULSE_SERVER = %q, want unix:%s", got, s.Socket())
	}
	env := strings.Join(s.Env(), "\n")
	for _, want := range []string{"PULSE_SERVER=unix:" + s.Socket(), "XDG_RUNTIME_DIR=", "PULSE_CLIENTCONFIG="} {
		if !strings.Contains(env, want) {
			t.Errorf("Env() lacks %q: %v", want, s.Env())
		}
	}
	fi, err := os.Stat(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o700 {
		t.Errorf("server dir mode %o, want 700", perm)
	}
	sinks, err := s.Pactl("list", "short", "sinks")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"spk_a\tmodule-null-sink.c\ts16le 2ch 48000Hz", "mic_feed\tmodule-null-sink.c\ts16le 1ch 48000Hz"} {
		if !strings.Contains(sinks, want) {
			t.Errorf("sinks lack %q:\n%s", want, sinks)
		}
	}
	modules, err := s.Pactl("list", "short", "modules")
	if err != nil {
		t.Fatal(err)
	}
	for _, banned := range []string{"suspend-on-idle", "udev", "dbus"} {
		if strings.Contains(modules, banned) {
			t.Errorf("module %s is loaded:\n%s", banned, modules)
		}
	}
}

func TestLoadAndUnloadNullSink(t *testing.T) {
	s := Start(t)
	idx := s.LoadNullSink("usb_headset", "USB Headset")
	sinks, err := s.Pactl("list", "short", "sinks")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sinks, "\tusb_headset\t") {
		t.Fatalf("usb_headset not in sinks after LoadNullSink:\n%s", sinks)
	}
	long, _ := s.Pactl("list", "sinks")
	if !strings.Contains(long, "Description: USB Headset") {
		t.Errorf("description not set:\n%s", long)
	}
	s.mu.Lock()
	warmer := s.warmers["usb_headset"]
	s.mu.Unlock()
	if warmer == nil || !warmer.running() {
		t.Fatal("the new sink has no running warm-up reader")
	}

	// The new sink carries audio like the built-in ones.
	rec := s.Record(t, "usb_headset.monitor")
	stop := s.Play(t, "usb_headset", tone.Sine(440, 0.3, 4800))
	time.Sleep(800 * time.Millisecond)
	stop()
	if got := tone.DominantFrequency(rec.Stop(), Rate); math.Abs(got-440) > 5 {
		t.Errorf("hot-plugged sink carried %.1f Hz, want 440", got)
	}

	s.Unload(idx)
	sinks, err = s.Pactl("list", "short", "sinks")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sinks, "usb_headset") {
		t.Errorf("usb_headset still listed after Unload:\n%s", sinks)
	}
	if warmer.running() {
		t.Error("warm-up reader still running after Unload")
	}
	if _, err := s.NewNullSink("bad", `say "hi"`); err == nil {
		t.Error("a description with quotes was accepted")
	}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

// alive reports whether pid still exists (and is not a zombie we failed to
// reap).
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	return err == nil && !strings.Contains(string(stat), ") Z ")
}

func TestCleanupStopsEverything(t *testing.T) {
	var pids []int
	var socket string
	t.Run("server", func(t *testing.T) {
		s := Start(t)
		socket = s.Socket()
		s.Play(t, MicFeedSink, tone.Sine(1000, 0.1, 4800)) // left running on purpose
		s.Record(t, VirtualMic)                            // left running on purpose
		s.LoadNullSink("extra", "Extra")                   // never unloaded
		pids = append(pids, s.PID())
		s.mu.Lock()
		for c := range s.children {
			pids = append(pids, c.cmd.Process.Pid)
		}
		s.mu.Unlock()
		// pulseaudio + 3 warm-up readers + player + recorder
		if len(pids) != 6 {
			t.Fatalf("tracking %d processes, want 6", len(pids))
		}
		for _, pid := range pids {
			if !alive(pid) {
				t.Errorf("pid %d not running during the test", pid)
			}
		}
	})
	if len(pids) == 0 {
		t.Fatal("subtest did not start a server")
	}
	for _, pid := range pids {
		if alive(pid) {
			t.Errorf("pid %d still running after cleanup", pid)
		}
	}
	if _, err := os.Stat(socket); !os.IsNotExist(err) {
		t.Errorf("socket %s still exists after cleanup (err %v)", socket, err)
	}
}

func TestCloseIsIdempotentAndFinal(t *testing.T) {
	s, err := StartProcess(t.TempDir())
	if err != nil {
		t.Skip(err) // Start's tests report a missing PulseAudio
	}
	rec, err := s.StartRecorder(VirtualMic)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	s.Close()
	<-done
	if alive(s.PID()) {
		t.Errorf("daemon pid %d alive after Close", s.PID())
	}
	_ = rec.Stop() // must not hang or panic after Close
	if _, err := s.Pactl("info"); err != ErrClosed {
		t.Errorf("Pactl after Close: %v, want ErrClosed", err)
	}
	if _, err := s.StartPlayer(MicFeedSink, []int16{1}); err != ErrClosed {
		t.Errorf("StartPlayer after Close: %v, want ErrClosed", err)
	}
}

func TestLongTempDirGetsShortSocket(t *testing.T) {
	dir := t.TempDir() + "/" + strings.Repeat("d", 120)
	s, err := StartProcess(dir)
	if err != nil {
		t.Skip(err)
	}
	defer s.Close()
	if len(s.Socket()) > maxSocketPath {
		t.Errorf("socket path has %d bytes: %s", len(s.Socket()), s.Socket())
	}
	if _, err := s.Pactl("info"); err != nil {
		t.Error(err)
	}
}
