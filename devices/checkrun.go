package devices

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/confab-rtc/confab/audio"
)

// speakerCheckFrame is the size of the frames CheckSpeaker writes: 50 ms.
const speakerCheckFrame = audio.SampleRate / 20

// watchInterval is how often a check looks at a device's callback count:
// ten looks per StallAfter second keep the stall verdict within 10 %.
const watchInterval = 50 * time.Millisecond

// gapTracker follows a device's callback counter and measures the longest
// time it stood still. Time is a parameter, so its tests need no device.
type gapTracker struct {
	since   time.Time // when the counter last moved (or the device started)
	last    uint64
	longest time.Duration
}

func newGapTracker(start time.Time) *gapTracker { return &gapTracker{since: start} }

// observe records the counter's value at now and returns how long it has
// been standing still.
func (g *gapTracker) observe(now time.Time, callbacks uint64) time.Duration {
	if callbacks != g.last {
		g.last, g.since = callbacks, now
	}
	gap := now.Sub(g.since)
	g.longest = max(g.longest, gap)
	return gap
}

// noneConnected returns ErrNoneConnected when the system default (id "")
// is asked for and the system lists no device of kind: opening "the
// default" then fails with a backend error that does not say so. A
// listing that fails is left to the open to report.
func noneConnected(actx *audio.Context, kind audio.DeviceKind, id string) error {
	if id != "" {
		return nil
	}
	if devs, err := actx.Devices(kind); err == nil && len(devs) == 0 {
		return fmt.Errorf("%w: no %s device", ErrNoneConnected, kind)
	}
	return nil
}

// CheckMic opens the microphone id ("" for the system default), listens
// to it for cfg.Duration, feeding every frame to probe (whose Level and
// Peak a live meter can read meanwhile), and returns what it measured for
// MicVerdict. It stops early, without hanging, when the device stalls
// for cfg.StallAfter or ctx ends.
func CheckMic(ctx context.Context, actx *audio.Context, id string, cfg CheckConfig, probe *MicProbe) MicResult {
	r := MicResult{DeviceID: id}
	if r.OpenErr = noneConnected(actx, audio.KindCapture, id); r.OpenErr != nil {
		return r
	}
	c, err := audio.OpenCapture(actx, id)
	if err != nil {
		r.OpenErr = err
		return r
	}
	defer c.Close()
	r.DeviceName = c.DeviceName()
	if err := c.Start(); err != nil {
		r.OpenErr = err
		return r
	}
	start := time.Now()
	ctx, cancel := context.WithDeadline(ctx, start.Add(cfg.Duration))
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		frame := make([]int16, audio.FrameSamples)
		for c.ReadFrame(ctx, frame) == nil {
			probe.Add(frame)
		}
	}()
	gaps := newGapTracker(start)
	tick := time.NewTicker(watchInterval)
	defer tick.Stop()
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case now := <-tick.C:
			if gaps.observe(now, c.Callbacks()) >= cfg.StallAfter {
				cancel() // a stalled device would block ReadFrame forever
			}
		}
	}
	wg.Wait()
	r.Callbacks, r.LongestGap, r.Levels = c.Callbacks(), gaps.longest, probe.Stats()
	return r
}

// CheckSpeaker opens the speaker id ("" for the system default) and plays
// the TestTone to it for cfg.Duration, paced by the device as a call's
// mixer is, and returns what it measured for SpeakerVerdict. It stops
// early when the device stalls for cfg.StallAfter or ctx ends. progress,
// when not nil, is called from this goroutine with the tone played so far.
func CheckSpeaker(ctx context.Context, actx *audio.Context, id string, cfg CheckConfig, progress func(time.Duration)) SpeakerResult {
	r := SpeakerResult{DeviceID: id}
	if r.OpenErr = noneConnected(actx, audio.KindPlayback, id); r.OpenErr != nil {
		return r
	}
	p, err := audio.OpenPlayback(actx, id)
	if err != nil {
		r.OpenErr = err
		return r
	}
	defer p.Close()
	r.DeviceName = p.DeviceName()
	var tone TestTone
	// The tone goes in 50 ms frames, two of them queued: the check is
	// about the device, and 100 ms ride out a busy machine's scheduling
	// hiccups that a call's 40 ms would turn into underruns. Latency does
	// not matter for a test tone.
	frame := make([]int16, speakerCheckFrame)
	p.SetFrameSamples(speakerCheckFrame)
	// Queue the first frames before starting, so the device's first
	// callbacks find the tone rather than counting underruns.
	for now := time.Now(); p.Due(now); {
		tone.Fill(frame)
		p.WriteFrame(frame)
		r.Played += len(frame)
	}
	if err := p.Start(); err != nil {
		r.OpenErr = err
		return r
	}
	start := time.Now()
	end := start.Add(cfg.Duration)
	gaps := newGapTracker(start)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		now := time.Now()
		if now.After(end) || gaps.observe(now, p.Callbacks()) >= cfg.StallAfter {
			break
		}
		if p.Due(now) {
			tone.Fill(frame)
			p.WriteFrame(frame)
			r.Played += len(frame)
			if progress != nil {
				progress(time.Duration(r.Played) * time.Second / audio.SampleRate)
			}
			continue
		}
		// Sleep until the device wants more, but look at the callback
		// counter at least every watchInterval.
		timer.Reset(min(p.NextDue(now).Sub(now), watchInterval))
		select {
		case <-ctx.Done():
			r.Callbacks, r.LongestGap, r.Underruns = p.Callbacks(), gaps.longest, int(p.Underruns())
			return r
		case <-timer.C:
		}
	}
	// Underruns are read before the writes stop: from here on the device
	// drains the queue and plays silence, which is not its fault.
	r.Callbacks, r.LongestGap, r.Underruns = p.Callbacks(), gaps.longest, int(p.Underruns())
	return r
}
