package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/tone"
)

// TestDemoHeadless runs `confab demo --headless --duration`: the three
// simulated people join and talk, the local participant prints their
// events, hears speech with pauses, and the process exits 0 on time.
func TestDemoHeadless(t *testing.T) {
	e := newEnv(t)
	cmd := e.command("demo", "demo", "--headless", "--duration", "8s", "--mic", "none", "--speaker", "none", "--record", e.path("demo.wav"))
	var out bytes.Buffer
	cmd.Stdout = &out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("confab demo --headless exited with %v; output:\n%s", err, out.String())
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("--duration 8s took %s", d)
	}
	joined := map[string]bool{}
	streams := map[string]bool{}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var ev event
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("not a JSON line: %q", sc.Text())
		}
		switch ev.str("event") {
		case "peer-join":
			joined[ev.str("userName")] = true
		case "stream-added":
			streams[ev.str("userId")] = true
		case "error":
			t.Errorf("error event: %v", ev)
		}
	}
	for _, name := range []string{"Ada", "Bruno", "Chiara"} {
		if !joined[name] {
			t.Errorf("no peer-join for %s; output:\n%s", name, out.String())
		}
	}
	for _, id := range []string{"ada", "bruno", "chiara"} {
		if !streams[id] {
			t.Errorf("no stream-added for %s", id)
		}
	}
	pcm, _, _, err := audio.ReadWAV(e.path("demo.wav"))
	if err != nil {
		t.Fatal(err)
	}
	// Speech-like: loud stretches and quiet ones, not a constant tone.
	var loud, quiet int
	for _, w := range tone.Windows(pcm, audio.SampleRate, 100*time.Millisecond) {
		switch r := tone.RMS(w); {
		case r > 500:
			loud++
		case r < 100:
			quiet++
		}
	}
	t.Logf("demo audio: %d loud and %d quiet 100 ms windows of %.1fs", loud, quiet, float64(len(pcm))/audio.SampleRate)
	if loud < 10 {
		t.Errorf("only %d loud windows: the simulated people are not heard", loud)
	}
}
