package devices

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/pulsetest"
	"github.com/confab-rtc/confab/internal/tone"
	"github.com/gen2brain/malgo"
)

// pulseManager starts a Manager on the test's PulseAudio and closes it
// (with a deadline: nothing may hang in uninit) at the end of the test.
func pulseManager(t *testing.T, mic, speaker string) (*Manager, *recorder) {
	t.Helper()
	actx, err := audio.NewContext(malgo.BackendPulseaudio)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	m := NewManager(Config{}, Params{Lister: actx, Opener: ContextOpener{Context: actx}, Mic: mic, Speaker: speaker, OnEvent: rec.add})
	ctx, cancel := context.WithCancel(context.Background())
	m.Start(ctx)
	t.Cleanup(func() {
		cancel()
		done := make(chan struct{})
		go func() {
			m.Close()
			if err := actx.Close(); err != nil {
				t.Errorf("audio context: %v", err)
			}
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("closing the Manager and the audio context hung")
		}
	})
	return m, rec
}

// waitSwitch waits for the Switch to id and returns when it was seen.
func waitSwitch(t *testing.T, rec *recorder, kind, id string, timeout time.Duration) Switch {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		rec.mu.Lock()
		for _, ev := range rec.evs {
			if s, ok := ev.(Switch); ok && s.Kind == kind && s.ToID == id {
				rec.mu.Unlock()
				return s
			}
		}
		rec.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no switch of %s to %q within %v; events %+v", kind, id, timeout, rec.take())
	return Switch{}
}

// TestMicSwitchGapPulse switches the microphone mid-stream between two
// real PulseAudio sources that hear the same continuous 1 kHz tone, and
// measures what a listener would notice: the longest stretch of silence in
// the captured stream and the longest wait for a frame (20 ms is normal)
// around each switch. Both must stay under 100 ms.
func TestMicSwitchGapPulse(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PulseAudio")
	}
	pa := pulsetest.Start(t)
	pa.LoadRemapSource("mic_b", "Mic_B", pulsetest.MicFeedSink+".monitor")
	pa.Play(t, pulsetest.MicFeedSink, tone.Sine(1000, 0.3, 4800))
	m, rec := pulseManager(t, pulsetest.VirtualMic, PrefNone)
	waitSwitch(t, rec, KindRecording, pulsetest.VirtualMic, 5*time.Second)

	// The reader is the call's send loop: it keeps every sample and when
	// each frame arrived.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var (
		mu      sync.Mutex
		pcm     []int16
		arrived []time.Time
		frames  atomic.Int64
	)
	readDone := make(chan error, 1)
	go func() {
		frame := make([]int16, audio.FrameSamples)
		for ctx.Err() == nil {
			if err := m.Source().ReadFrame(ctx, frame); err != nil {
				readDone <- err
				return
			}
			mu.Lock()
			pcm = append(pcm, frame...)
			arrived = append(arrived, time.Now())
			mu.Unlock()
			frames.Add(1)
		}
		readDone <- nil
	}()
	waitFrames := func(n int64) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for frames.Load() < n {
			if time.Now().After(deadline) {
				t.Fatalf("only %d frames read in time, want %d", frames.Load(), n)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	// 1.5 s on virtual_mic, switch to mic_b, 1.5 s, switch back, 1.5 s.
	var switchAt []int64
	for _, id := range []string{"mic_b", pulsetest.VirtualMic} {
		waitFrames(frames.Load() + 75)
		switchAt = append(switchAt, frames.Load())
		rec.take()
		if err := m.SetMic(id); err != nil {
			t.Fatal(err)
		}
		s := waitSwitch(t, rec, KindRecording, id, 2*time.Second)
		if s.Reason != ReasonUser {
			t.Errorf("switch to %s: reason %q, want user", id, s.Reason)
		}
	}
	waitFrames(frames.Load() + 75)
	cancel()
	<-readDone

	mu.Lock()
	defer mu.Unlock()
	toneRMS := tone.RMS(pcm[audio.FrameSamples*25 : audio.FrameSamples*50])
	if toneRMS < 1000 {
		t.Fatalf("the tone did not reach the microphone: RMS %.0f", toneRMS)
	}
	const win = audio.SampleRate / 200 // 5 ms windows
	for i, at := range switchAt {
		// A second either side of the moment the switch was asked for.
		from, to := max(int(at)-50, 1), min(int(at)+50, len(arrived))
		var wait time.Duration
		for f := from; f < to; f++ {
			wait = max(wait, arrived[f].Sub(arrived[f-1]))
		}
		silent, longest := 0, 0
		for s := from * audio.FrameSamples; s+win <= to*audio.FrameSamples; s += win {
			if tone.RMS(pcm[s:s+win]) < toneRMS/10 {
				silent++
				longest = max(longest, silent)
			} else {
				silent = 0
			}
		}
		silence := time.Duration(longest*win) * time.Second / audio.SampleRate
		frac := tone.FractionDominant(pcm[from*audio.FrameSamples:to*audio.FrameSamples], audio.SampleRate, 100*time.Millisecond, 1000, 10, 300)
		t.Logf("switch %d: longest silence %v, longest wait for a frame %v (20 ms normal), 1 kHz in %.0f%% of 100 ms windows", i+1, silence, wait.Round(time.Millisecond), 100*frac)
		if silence >= 100*time.Millisecond {
			t.Errorf("switch %d: %v of silence, want under 100 ms", i+1, silence)
		}
		if wait-audio.FrameDuration >= 100*time.Millisecond {
			t.Errorf("switch %d: a frame came %v late, want under 100 ms", i+1, wait-audio.FrameDuration)
		}
		if frac < 0.9 {
			t.Errorf("switch %d: the tone is in only %.0f%% of the windows around the switch", i+1, 100*frac)
		}
	}
}
