package dsp

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/confab-rtc/confab/audio"
)

// echoPath models what happens between the speaker and the microphone of
// a laptop: the played audio comes back after delay, attenuated by
// lossDB, through a room-like filter (the direct sound, then sparse
// reflections over tail whose strength decays exponentially, as in a
// small room) and a loudspeaker that rolls off the lows.
type echoPath struct {
	delay  time.Duration
	lossDB float64
	tail   time.Duration
	seed   uint64
	// wander, when set, moves the delay every 2 s by up to this much
	// either way around delay, as a real device path does when the
	// speaker underruns (silence inserted) or the microphone overruns
	// (samples dropped) on a busy machine; measured through PulseAudio
	// here: jumps of 2-15 ms within a ±10 ms band.
	wander time.Duration
}

// apply returns the echo of far as it arrives at the microphone.
func (p echoPath) apply(far []int16) []int16 {
	type tap struct {
		at   int
		gain float64
	}
	rng := rand.New(rand.NewPCG(p.seed, 0xec40))
	taps := []tap{{0, 1}}
	tailN := int(p.tail.Seconds() * audio.SampleRate)
	for range 24 {
		at := 1 + rng.IntN(max(tailN, 1))
		// Reflections lose about 60 dB over the tail (RT60 = tail).
		decay := math.Pow(10, -3*float64(at)/float64(tailN))
		sign := 1.0
		if rng.IntN(2) == 0 {
			sign = -1
		}
		taps = append(taps, tap{at, sign * 0.5 * decay * (0.5 + rng.Float64())})
	}
	// A first-order high-pass at ~150 Hz: a small loudspeaker.
	hpA := math.Exp(-2 * math.Pi * 150 / audio.SampleRate)
	hp := make([]float64, len(far))
	var x1, y1 float64
	for i, s := range far {
		x := float64(s)
		y1 = hpA * (y1 + x - x1)
		x1 = x
		hp[i] = y1
	}
	gain := math.Pow(10, -p.lossDB/20)
	d := int(p.delay.Seconds() * audio.SampleRate)
	w := int(p.wander.Seconds() * audio.SampleRate)
	out := make([]int16, len(far))
	offset := 0
	for i := range out {
		if w > 0 && i%(2*audio.SampleRate) == 0 && i > 0 {
			offset = rng.IntN(2*w+1) - w
		}
		d := d + offset
		var acc float64
		for _, t := range taps {
			if j := i - d - t.at; j >= 0 {
				acc += t.gain * hp[j]
			}
		}
		out[i] = clip16(acc * gain)
	}
	return out
}

func clip16(v float64) int16 {
	return int16(max(math.MinInt16, min(math.MaxInt16, math.Round(v))))
}

// scale multiplies pcm by a gain in dB, in a new slice.
func scale(pcm []int16, db float64) []int16 {
	g := math.Pow(10, db/20)
	out := make([]int16, len(pcm))
	for i, s := range pcm {
		out[i] = clip16(float64(s) * g)
	}
	return out
}

// mix adds signals sample by sample into a new slice as long as the first.
func mix(first []int16, more ...[]int16) []int16 {
	out := make([]int16, len(first))
	for i := range out {
		acc := float64(first[i])
		for _, m := range more {
			acc += float64(m[i])
		}
		out[i] = clip16(acc)
	}
	return out
}

// runProcessor plays far through p's reference and mic through its
// capture path, frame by frame as the engine does (the mixer writes a
// frame, the send loop processes one), and returns the processed mic.
// jitter, when not nil, decides per frame whether the reference frame
// arrives one frame late, as when the mixer wakes after the send loop.
func runProcessor(p *Processor, far, mic []int16, jitter *rand.Rand) []int16 {
	out := make([]int16, len(mic))
	copy(out, mic)
	const f = audio.FrameSamples
	if far == nil {
		far = make([]int16, len(mic)) // nobody on the far end
	}
	late := false
	for off := 0; off+f <= len(mic); off += f {
		if jitter != nil && !late && jitter.IntN(10) == 0 {
			late = true // this frame's reference comes after its capture
			p.ProcessCapture(out[off : off+f])
			p.WriteFrame(far[off : off+f])
			continue
		}
		late = false
		p.WriteFrame(far[off : off+f])
		p.ProcessCapture(out[off : off+f])
	}
	return out
}

// energy is the sum of squares of pcm over the blocks where mask is true.
func energy(pcm []int16, mask []bool) float64 {
	var e float64
	for b, on := range mask {
		if !on {
			continue
		}
		for _, s := range pcm[b*BlockSamples : (b+1)*BlockSamples] {
			e += float64(s) * float64(s)
		}
	}
	return e
}

// active marks the 10 ms blocks of pcm louder than dbfs, from block from
// on (earlier blocks are the convergence time and never count).
func active(pcm []int16, dbfs float64, from time.Duration) []bool {
	n := len(pcm) / BlockSamples
	mask := make([]bool, n)
	thr := math.Pow(10, dbfs/20) * 32768
	first := int(from / (10 * time.Millisecond))
	for b := first; b < n; b++ {
		var e float64
		for _, s := range pcm[b*BlockSamples : (b+1)*BlockSamples] {
			e += float64(s) * float64(s)
		}
		mask[b] = math.Sqrt(e/BlockSamples) > thr
	}
	return mask
}

// and, not combine block masks.
func and(a, b []bool) []bool {
	out := make([]bool, len(a))
	for i := range a {
		out[i] = a[i] && b[i]
	}
	return out
}

func not(a []bool) []bool {
	out := make([]bool, len(a))
	for i := range a {
		out[i] = !a[i]
	}
	return out
}

// after keeps only the blocks from from on.
func after(a []bool, from time.Duration) []bool {
	out := make([]bool, len(a))
	first := int(from / (10 * time.Millisecond))
	for i := first; i < len(a); i++ {
		out[i] = a[i]
	}
	return out
}

func ratioDB(num, den float64) float64 { return 10 * math.Log10(num/max(den, 1e-9)) }

// projectionDB is how much of want is in got over the masked blocks: the
// least-squares gain of want in got, in dB, and what is left of got once
// that scaled copy is removed, relative to want (the distortion, in dB
// below want). got may lag want by up to maxLag samples (processing
// delay); the best lag is used.
func projectionDB(want, got []int16, mask []bool, maxLag int) (gainDB, distortionDB float64) {
	best, bestLag := math.Inf(-1), 0
	for lag := 0; lag <= maxLag; lag += 8 {
		if c := dotAt(want, got, mask, lag); c > best {
			best, bestLag = c, lag
		}
	}
	for lag := max(bestLag-8, 0); lag <= bestLag+8; lag++ {
		if c := dotAt(want, got, mask, lag); c > best {
			best, bestLag = c, lag
		}
	}
	ww := dotAt(want, want, mask, 0)
	g := best / ww
	var resid float64
	for b, on := range mask {
		if !on {
			continue
		}
		for i := b * BlockSamples; i < (b+1)*BlockSamples && i+bestLag < len(got); i++ {
			d := float64(got[i+bestLag]) - g*float64(want[i])
			resid += d * d
		}
	}
	return 20 * math.Log10(max(g, 1e-6)), ratioDB(resid, ww)
}

func dotAt(a, b []int16, mask []bool, lag int) float64 {
	var s float64
	for blk, on := range mask {
		if !on {
			continue
		}
		for i := blk * BlockSamples; i < (blk+1)*BlockSamples && i+lag < len(b); i++ {
			s += float64(a[i]) * float64(b[i+lag])
		}
	}
	return s
}

// levelDBFS is the RMS level of pcm over the masked blocks.
func levelDBFS(pcm []int16, mask []bool) float64 {
	n := 0
	for _, on := range mask {
		if on {
			n += BlockSamples
		}
	}
	return 10 * math.Log10(max(energy(pcm, mask)/float64(max(n, 1)), 1e-9)/(32768*32768))
}
