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
func pulseManager(t *testing.T, cfg Config, mic, speaker string) (*Manager, *recorder) {
	t.Helper()
	actx, err := audio.NewContext(malgo.BackendPulseaudio)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	m := NewManager(cfg, Params{Lister: actx, Opener: ContextOpener{Context: actx}, Mic: mic, Speaker: speaker, OnEvent: rec.add})
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
// real PulseAudio sources that hear the same continuous signal, and
// measures what the far end would miss: how much audio is lost (or
// repeated) at each switch and the longest stretch of silence around it.
// Both must stay under 100 ms. The signal is a 2 s loop of noise rather
// than a tone: a tone repeats every period, so it cannot tell lost audio
// from kept audio, while each 20 ms of the noise can be found in the loop
// by cross-correlation, which dates every captured frame.
func TestMicSwitchGapPulse(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PulseAudio")
	}
	pa := pulsetest.Start(t)
	pa.LoadRemapSource("mic_b", "Mic_B", pulsetest.MicFeedSink+".monitor")
	ref := tone.Noise(7, 0.3, 2*audio.SampleRate)
	pa.Play(t, pulsetest.MicFeedSink, ref)
	m, rec := pulseManager(t, Config{}, pulsetest.VirtualMic, PrefNone)
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
	var switchAt []int
	for _, id := range []string{"mic_b", pulsetest.VirtualMic} {
		waitFrames(frames.Load() + 75)
		switchAt = append(switchAt, int(frames.Load()))
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
	const fs = audio.FrameSamples
	frame := func(k int) []int16 { return pcm[k*fs : (k+1)*fs] }
	refRMS := tone.RMS(ref)
	if rms := tone.RMS(pcm[25*fs : 50*fs]); rms < refRMS/2 {
		t.Fatalf("the signal did not reach the microphone: RMS %.0f of %.0f", rms, refRMS)
	}
	loop := len(ref)
	ref3 := append(append(append([]int16(nil), ref...), ref...), ref...)
	// position finds where frame k is in the loop, searching half a second
	// either side of expect, or everywhere when expect < 0.
	position := func(k, expect int) (int, float64) {
		if expect < 0 {
			lag, score := tone.Delay(frame(k), ref3[:2*loop])
			return lag % loop, score
		}
		lo := expect + loop - audio.SampleRate/2
		lag, score := tone.Delay(frame(k), ref3[lo:lo+audio.SampleRate+fs])
		return (lo + lag) % loop, score
	}
	for i, at := range switchAt {
		// From 200 ms before the switch was asked for to 800 ms after.
		from, to := at-10, min(at+40, len(arrived))
		lastK, lastPos := from, -1
		lastPos, score := position(from, -1)
		if score < 0.5 {
			t.Fatalf("switch %d: the frame before the switch is not in the signal (score %.2f)", i+1, score)
		}
		var lost, repeated int // samples
		var wait time.Duration
		for k := from + 1; k < to; k++ {
			wait = max(wait, arrived[k].Sub(arrived[k-1]))
			expect := (lastPos + (k-lastK)*fs) % loop
			pos, score := position(k, expect)
			if score < 0.5 {
				continue // (part) silence: counted below
			}
			d := (pos-expect+loop+loop/2)%loop - loop/2
			lost, repeated = max(lost, d), max(repeated, -d)
			lastK, lastPos = k, pos
		}
		const win = audio.SampleRate / 200 // 5 ms windows
		silent, longest := 0, 0
		for s := from * fs; s+win <= to*fs; s += win {
			if tone.RMS(pcm[s:s+win]) < refRMS/10 {
				silent++
				longest = max(longest, silent)
			} else {
				silent = 0
			}
		}
		ms := func(samples int) time.Duration { return time.Duration(samples) * time.Second / audio.SampleRate }
		t.Logf("switch %d: %v of audio lost, %v repeated, longest silence %v; longest wait for a frame %v (20 ms normal)",
			i+1, ms(lost), ms(repeated), ms(longest*win), wait.Round(time.Millisecond))
		if ms(lost) >= 100*time.Millisecond || ms(repeated) >= 100*time.Millisecond {
			t.Errorf("switch %d: %v lost, %v repeated, want both under 100 ms", i+1, ms(lost), ms(repeated))
		}
		if ms(longest*win) >= 100*time.Millisecond {
			t.Errorf("switch %d: %v of silence, want under 100 ms", i+1, ms(longest*win))
		}
	}
}
