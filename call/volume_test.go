package call

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pion/transport/v4/test"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/tone"
	"github.com/confab-rtc/confab/server"
	"github.com/confab-rtc/confab/signal"
)

// TestEngineSetVolume runs a real call: b mutes a locally before a's
// stream exists and hears exact silence while its meter for a still shows
// a's tone; back at 100 % b hears the tone again. A volume outside 0-200
// is an Error event that changes nothing.
func TestEngineSetVolume(t *testing.T) {
	t.Cleanup(test.CheckRoutines(t))
	_, url := startServer(t, server.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	src := toneSource(t, 440, 10*audio.SampleRate)
	rec := &recorder{}
	a := engineFor(url, "a", signal.RoleJoiner, time.Hour, Params{Source: src})
	b := engineFor(url, "b", signal.RoleJoiner, time.Hour, Params{Outputs: []audio.Output{rec}})
	bEv := collect(b)

	b.SetVolume("a", 0)
	b.SetVolume("a", 201)
	bEv.wait(t, "error for volume 201", func(e Event) bool {
		x, ok := e.(Error)
		return ok && x.Code == signal.CodeBadRequest && x.Message == "volume 201% is outside 0-200 %"
	})
	if v := b.Volume("a"); v != 0 {
		t.Fatalf("Volume(a) = %d after a refused 201, want still 0", v)
	}
	if v := a.Volume("b"); v != 100 {
		t.Fatalf("an engine without outputs reports volume %d, want 100", v)
	}

	aRun, bRun := make(chan error, 1), make(chan error, 1)
	go func() { aRun <- a.Run(ctx) }()
	go func() { bRun <- b.Run(ctx) }()
	bEv.wait(t, "first audio from a", func(e Event) bool { f, ok := e.(FirstAudioFrame); return ok && f.UserID == "a" })
	start := rec.len()
	time.Sleep(time.Second)
	if r := tone.RMS(rec.since(start)); r != 0 {
		t.Errorf("b hears RMS %.0f from a it muted locally, want silence", r)
	}
	if lvl := b.Level("a"); lvl < 50 {
		t.Errorf("b's meter for muted a reads %d: it must show what a sends", lvl)
	}

	b.SetVolume("a", 100)
	start = rec.len()
	time.Sleep(1500 * time.Millisecond)
	heard := rec.since(start + audio.SampleRate/4)
	if f := tone.FractionDominant(heard, audio.SampleRate, 100*time.Millisecond, 440, 10, 300); f < 0.9 {
		t.Errorf("440 Hz dominates %.0f%% of what b heard after unmuting a, want >= 90%%", 100*f)
	}

	a.Leave()
	if err := <-aRun; !errors.Is(err, ErrLeft) {
		t.Errorf("a.Run returned %v, want ErrLeft", err)
	}
	b.Leave()
	<-bRun
	<-bEv.done
	a.Close()
	b.Close()
}
