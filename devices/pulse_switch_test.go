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

// TestSpeakerSwitchGapPulse switches the speaker mid-call from spk_a to a
// plugged-in headset while a mixer-like loop plays a 2 s noise loop paced
// by Output, and measures from both sinks' monitors what a listener would
// miss: the audio between the last sample spk_a played and the first the
// headset played (found in the loop by cross-correlation, so the two
// recordings need no common clock), and the longest hole in the headset's
// first second. Both must stay under 100 ms.
func TestSpeakerSwitchGapPulse(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PulseAudio")
	}
	pa := pulsetest.Start(t)
	pa.LoadNullSink("usb_headset", "USB_Headset")
	m, rec := pulseManager(t, Config{}, PrefNone, pulsetest.SpeakerSink)
	waitSwitch(t, rec, KindPlayback, pulsetest.SpeakerSink, 5*time.Second)
	ref := tone.Noise(9, 0.3, 2*audio.SampleRate)
	const fs = audio.FrameSamples
	loop := len(ref)
	ref3 := append(append(append([]int16(nil), ref...), ref...), ref...)

	// The mixer: a frame of the loop whenever Output says one is due.
	ctx, cancel := context.WithCancel(context.Background())
	played := make(chan struct{})
	go func() {
		defer close(played)
		out, pos := m.Output(), 0
		for ctx.Err() == nil {
			now := time.Now()
			for n := 0; n < 4 && out.Due(now); n++ {
				out.WriteFrame(ref3[pos : pos+fs])
				pos = (pos + fs) % loop
			}
			time.Sleep(min(max(out.NextDue(time.Now()).Sub(time.Now()), time.Millisecond), audio.FrameDuration))
		}
	}()
	recA := pa.Record(t, pulsetest.SpeakerSink+".monitor")
	recB := pa.Record(t, "usb_headset.monitor")
	time.Sleep(1500 * time.Millisecond)
	if err := m.SetSpeaker("usb_headset"); err != nil {
		t.Fatal(err)
	}
	waitSwitch(t, rec, KindPlayback, "usb_headset", 2*time.Second)
	time.Sleep(1500 * time.Millisecond)
	cancel()
	<-played
	a, b := recA.Stop(), recB.Stop()

	refRMS := tone.RMS(ref)
	loud := func(x int16) bool { return x > 100 || x < -100 } // the noise rarely stays under this for long
	lastA := -1
	for i := len(a) - 1; i >= 0; i-- {
		if loud(a[i]) {
			lastA = i
			break
		}
	}
	firstB := -1
	for i := range b {
		if loud(b[i]) {
			firstB = i
			break
		}
	}
	if lastA < 2*fs || firstB < 0 || firstB+audio.SampleRate > len(b) {
		t.Fatalf("no audio on one of the speakers: spk_a up to %d, headset from %d of %d", lastA, firstB, len(b))
	}
	// Where spk_a stopped and where the headset began, in the loop.
	pa1, scoreA := tone.Delay(a[lastA+1-2*fs:lastA+1], ref3[:2*loop+2*fs])
	pb1, scoreB := tone.Delay(b[firstB:firstB+2*fs], ref3[:2*loop+2*fs])
	if scoreA < 0.5 || scoreB < 0.5 {
		t.Fatalf("the speakers did not play the loop (scores %.2f, %.2f)", scoreA, scoreB)
	}
	endA := (pa1 + 2*fs) % loop // the loop position after spk_a's last sample
	lost := (pb1%loop-endA+loop+loop/2)%loop - loop/2
	silent, longest := 0, 0
	const win = audio.SampleRate / 200
	for s := firstB; s+win <= firstB+audio.SampleRate; s += win {
		if tone.RMS(b[s:s+win]) < refRMS/10 {
			silent++
			longest = max(longest, silent)
		} else {
			silent = 0
		}
	}
	ms := func(samples int) time.Duration { return time.Duration(samples) * time.Second / audio.SampleRate }
	t.Logf("speaker switch: %v of audio lost between spk_a and the headset (negative: repeated), longest hole in the headset's first second %v",
		ms(lost), ms(longest*win))
	if ms(lost) >= 100*time.Millisecond || ms(-lost) >= 100*time.Millisecond {
		t.Errorf("%v lost at the speaker switch, want under 100 ms either way", ms(lost))
	}
	if ms(longest*win) >= 100*time.Millisecond {
		t.Errorf("a %v hole on the new speaker, want under 100 ms", ms(longest*win))
	}
}
