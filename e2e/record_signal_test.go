package e2e

import (
	"encoding/binary"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/tone"
)

// TestRecordingSurvivesSignals: `confab join --record` is stopped mid-call
// by SIGTERM, SIGINT and SIGKILL while a 440 Hz tone flows to it. Each
// time the file is a valid WAV whose header sizes match the file, its
// length matches the time recorded (from CONNECTED, when the mixer starts,
// to the signal) and the tone is in it to the end. SIGTERM and SIGINT exit
// 0 with nothing lost; SIGKILL loses at most what the writer had not
// flushed yet: it flushes every 100 ms (audio.WAVWriter), so the header
// is at most that stale.
func TestRecordingSurvivesSignals(t *testing.T) {
	e := newEnv(t)
	url := e.startServer()
	writeTone(t, e.path("tone.wav"), 440)
	talker := e.startClient("talker", "--server", url, "--user", "talker", "--send", e.path("tone.wav"), "--speaker", "none", "rec")
	talker.waitEvent("CONNECTED", 15*time.Second, isEvent("connection-state-changed", map[string]any{"cur": "CONNECTED"}))

	for _, c := range []struct {
		name string
		sig  syscall.Signal
		// lossMax is how much less than the time recorded the file may
		// hold; extraMax how much more (the client stamps CONNECTED a
		// little after its mixer starts).
		lossMax, extraMax time.Duration
	}{
		{"SIGTERM", syscall.SIGTERM, 250 * time.Millisecond, 250 * time.Millisecond},
		{"SIGINT", syscall.SIGINT, 250 * time.Millisecond, 250 * time.Millisecond},
		{"SIGKILL", syscall.SIGKILL, 250*time.Millisecond + 100*time.Millisecond, 250 * time.Millisecond},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := e.path(c.name + ".wav")
			l := e.startClient("listener-"+c.name, "--server", url, "--user", "listener", "--mic", "none", "--speaker", "none", "--record", path, "rec")
			up := l.waitEvent("CONNECTED", 15*time.Second, isEvent("connection-state-changed", map[string]any{"cur": "CONNECTED"}))
			l.waitEvent("first audio from talker", 10*time.Second, isEvent("first-audio-frame", map[string]any{"userId": "talker"}))
			time.Sleep(3 * time.Second)
			sent := time.Now()
			if err := l.cmd.Process.Signal(c.sig); err != nil {
				t.Fatal(err)
			}
			err := l.waitExit(10 * time.Second)
			if c.sig == syscall.SIGKILL {
				if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
					t.Fatalf("the listener ended with %v, want killed", err)
				}
			} else if err != nil {
				t.Fatalf("the listener exited with %v after %s, want status 0", err, c.name)
			}

			checkWAVSizes(t, path)
			rec := readRecording(t, path, up.time())
			got := time.Duration(len(rec.pcm)) * time.Second / audio.SampleRate
			want := sent.Sub(up.time())
			t.Logf("%s: recorded %v of %v (%+v)", c.name, got.Round(time.Millisecond), want.Round(time.Millisecond), (got - want).Round(time.Millisecond))
			if got < want-c.lossMax || got > want+c.extraMax {
				t.Errorf("the recording holds %v, the call was recorded for %v: want within -%v/+%v", got, want, c.lossMax, c.extraMax)
			}
			// The tone is there to the end: the last half second, short of
			// the final 20 ms (the frame the signal may have cut).
			end := len(rec.pcm) - audio.SampleRate/50
			tail := rec.pcm[max(end-audio.SampleRate/2, 0):end]
			if f := tone.FractionDominant(tail, audio.SampleRate, 100*time.Millisecond, 440, 10, 300); f < 0.9 {
				t.Errorf("440 Hz dominates %.0f%% of the recording's last half second, want >= 90%%", 100*f)
			}
		})
	}
}

// checkWAVSizes fails t unless the header of the WAV at path describes
// exactly the bytes in the file: the RIFF size is the file size less 8,
// the data chunk's size the file size less the 44-byte header.
func checkWAVSizes(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 44 || string(data[36:40]) != "data" {
		t.Fatalf("%s: %d bytes, no data chunk at byte 36", path, len(data))
	}
	riff, chunk := binary.LittleEndian.Uint32(data[4:8]), binary.LittleEndian.Uint32(data[40:44])
	if int(riff) != len(data)-8 || int(chunk) != len(data)-44 {
		t.Fatalf("%s: header says RIFF %d and data %d bytes, the file has %d and %d", path, riff, chunk, len(data)-8, len(data)-44)
	}
}
