package audio

import (
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/confab-rtc/confab/internal/tone"
)

func TestWAVWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rec.wav")
	w, err := NewWAVWriter(path, SampleRate, Channels)
	if err != nil {
		t.Fatal(err)
	}
	// Valid from the start: an empty recording.
	if pcm, _, _, err := ReadWAV(path); err != nil || len(pcm) != 0 {
		t.Fatalf("fresh file: %d samples, %v", len(pcm), err)
	}
	var want []int16
	for i := range 50 {
		f := seq(i*FrameSamples, FrameSamples)
		w.WriteFrame(f)
		want = append(want, f...)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	w.WriteFrame(seq(0, FrameSamples)) // after Close: dropped, no panic
	pcm, rate, ch, err := ReadWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	if rate != SampleRate || ch != 1 || !slices.Equal(pcm, want) {
		t.Fatalf("read %d samples at %d Hz x%d, want %d identical samples", len(pcm), rate, ch, len(want))
	}
	checkWAVHeader(t, path, true)
}

// checkWAVHeader checks the RIFF and data sizes against the file: equal to
// what is there when exact, else at most what is there and consistent.
func checkWAVHeader(t *testing.T, path string, exact bool) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 44 {
		t.Fatalf("file is %d bytes, shorter than a header", len(b))
	}
	riff := int(binary.LittleEndian.Uint32(b[4:8]))
	data := int(binary.LittleEndian.Uint32(b[40:44]))
	if riff != 36+data {
		t.Fatalf("RIFF size %d, data size %d: inconsistent", riff, data)
	}
	if data > len(b)-44 || (exact && data != len(b)-44) {
		t.Fatalf("data size %d with %d bytes on disk", data, len(b)-44)
	}
	return data
}

// TestWAVWriterSurvivesKill records in a child process, kills it without
// warning and checks what is on disk is a valid WAV with the audio.
func TestWAVWriterSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cut.wav")
			cmd := exec.Command(os.Args[0], "-test.run=^TestWAVWriterHelperProcess$")
			cmd.Env = append(os.Environ(), "CONFAB_WAVWRITER_HELPER="+path)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait for at least half a second of audio on disk.
			deadline := time.Now().Add(10 * time.Second)
			for {
				pcm, _, _, err := ReadWAV(path)
				if err == nil && len(pcm) >= SampleRate/2 {
					break
				}
				if time.Now().After(deadline) {
					cmd.Process.Kill()
					t.Fatalf("child wrote no audio in time (%v)", err)
				}
				time.Sleep(20 * time.Millisecond)
			}
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("child ended with %v, want killed", err)
			}
			data := checkWAVHeader(t, path, false)
			pcm, rate, _, err := ReadWAV(path)
			if err != nil || rate != SampleRate {
				t.Fatalf("cut file: %v, %d Hz", err, rate)
			}
			if len(pcm) != data/2 || len(pcm) < SampleRate/2 {
				t.Fatalf("cut file holds %d samples, header %d bytes", len(pcm), data)
			}
			if f := tone.DominantFrequency(pcm[len(pcm)-4800:], SampleRate); f < 435 || f > 445 {
				t.Fatalf("recorded tone is %.1f Hz, want 440", f)
			}
		})
	}
}

// TestWAVWriterHelperProcess is the child of TestWAVWriterSurvivesKill: it
// records a 440 Hz tone in real time until it is killed.
func TestWAVWriterHelperProcess(t *testing.T) {
	path := os.Getenv("CONFAB_WAVWRITER_HELPER")
	if path == "" {
		t.Skip("helper process for TestWAVWriterSurvivesKill")
	}
	w, err := NewWAVWriter(path, SampleRate, Channels)
	if err != nil {
		os.Exit(2)
	}
	sig := tone.Sine(440, 0.5, SampleRate*10)
	for i := 0; ; i = (i + FrameSamples) % len(sig) {
		w.WriteFrame(sig[i : i+FrameSamples])
		time.Sleep(FrameDuration)
	}
}
