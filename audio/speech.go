package audio

import (
	"math"
	"math/rand/v2"
)

// Timing of synthetic speech, in seconds and syllables per second.
const (
	spurtMin, spurtMax     = 1.0, 4.0
	pauseMin, pauseMax     = 0.5, 2.0
	syllRateMin            = 4.0
	syllRateMax            = 6.0
	speechGate             = 0.02 // fade at each end of a spurt: no clicks
	speechLevel            = 0.12 // output gain; voiced peaks near -10 dBFS
	formantGlide           = 0.025
	coefEvery              = 48 // samples between resonator updates (1 ms)
	consonantMin           = 0.02
	consonantMax           = 0.06
	consonantProbability   = 0.6
	pitchGlide             = 0.03
	declinationStart       = 1.12 // pitch at a spurt's start, relative
	declinationEnd         = 0.9  // and at its end: statements fall
	accentSpread           = 0.07 // per-syllable pitch accent, relative
	syllableFloor          = 0.15 // envelope between syllables
	formantBandwidth1      = 70.0
	formantBandwidth2      = 100.0
	formantBandwidth3      = 140.0
	aspiration             = 0.02
	vibratoHz, vibratoSize = 5.0, 0.008
)

// NewSpeechSource is a Source of speech-like sound, paced in real time:
// talk spurts of 1-4 s with pauses of 0.5-2 s of silence between them.
// Within a spurt, syllables (4-6 a second) each have an amplitude envelope,
// a vowel whose three formants the sound glides to, sometimes a noisy
// consonant onset, and a pitch accent; the pitch falls over the spurt as in
// a spoken statement and has a slight vibrato. The sound is a band-limited
// sawtooth (a glottal-pulse-like source) at the voice's pitch through a
// cascade of formant resonators. The same seed and voice always give the
// same samples. It is for demos, bots and tests that need something a
// level meter, an activity detector and a listener treat as a person.
func NewSpeechSource(seed int64, voice Voice) Source {
	return newPacedSource(newSpeechGen(seed, voice).fill)
}

// resonator is a two-pole formant filter (Klatt 1980) with unity gain at
// DC.
type resonator struct {
	a, b, c float64
	y1, y2  float64
}

func (r *resonator) tune(freq, bw float64) {
	rad := math.Exp(-math.Pi * bw / SampleRate)
	r.c = -rad * rad
	r.b = 2 * rad * math.Cos(2*math.Pi*freq/SampleRate)
	r.a = 1 - r.b - r.c
}

func (r *resonator) step(x float64) float64 {
	y := r.a*x + r.b*r.y1 + r.c*r.y2
	r.y2, r.y1 = r.y1, y
	return y
}

// speechGen generates speech-like samples; it is deterministic for a seed.
type speechGen struct {
	rng   *rand.Rand
	voice Voice

	talking   bool
	phaseLen  int // samples in this spurt or pause
	phasePos  int
	syllLen   int
	syllPos   int
	syllAmp   float64
	accent    float64
	consLen   int // samples of consonant noise at the syllable's start
	target    [3]float64
	formants  [3]float64
	f0        float64
	glotPhase float64
	t         int // samples generated, for the vibrato
	res       [3]resonator
	noiseHP   float64 // previous noise sample, for a first difference

	// floor, when set, decides the spurts and pauses (a conversation);
	// who is this voice's place in it.
	floor *floorSchedule
	who   int

	// Control-rate state, updated every coefEvery samples.
	pitchTarget float64
	pitchK      float64 // per-sample glide coefficient toward pitchTarget
	formantK    float64 // per-update glide coefficient of the formants
}

func newSpeechGen(seed int64, voice Voice) *speechGen {
	return newSpeechGenOnFloor(seed, voice, nil, 0)
}

// newSpeechGenOnFloor is newSpeechGen whose spurts follow a shared floor
// schedule instead of its own random ones (nil: its own).
func newSpeechGenOnFloor(seed int64, voice Voice, floor *floorSchedule, who int) *speechGen {
	if voice.Formants == 0 {
		voice.Formants = 1
	}
	if voice.Pitch <= 0 {
		voice.Pitch = Voices()[0].Pitch
	}
	g := &speechGen{
		rng:   rand.New(rand.NewPCG(uint64(seed), 0x636f6e666162)), // "confab"
		voice: voice,
		f0:    voice.Pitch,
		// Per-sample and per-update smoothing factors of one-pole glides.
		pitchK:   1 - math.Exp(-1/(pitchGlide*SampleRate)),
		formantK: 1 - math.Exp(-coefEvery/(formantGlide*SampleRate)),
	}
	g.floor, g.who = floor, who
	g.pitchTarget = g.f0
	g.target = g.pickVowel()
	g.formants = g.target
	g.startPhase(true)
	return g
}

func (g *speechGen) uniform(lo, hi float64) float64 { return lo + (hi-lo)*g.rng.Float64() }

func (g *speechGen) seconds(lo, hi float64) int {
	return int(g.uniform(lo, hi) * SampleRate)
}

// pickVowel picks the formants of a random vowel for this voice.
func (g *speechGen) pickVowel() [3]float64 {
	// The first three formants of English vowels for an adult male
	// (Peterson & Barney 1952), in Hz.
	vowels := [...][3]float64{
		{270, 2290, 3010}, // i
		{390, 1990, 2550}, // ɪ
		{530, 1840, 2480}, // ɛ
		{660, 1720, 2410}, // æ
		{730, 1090, 2440}, // ɑ
		{570, 840, 2410},  // ɔ
		{440, 1020, 2240}, // ʊ
		{300, 870, 2240},  // u
		{640, 1190, 2390}, // ʌ
		{490, 1350, 1690}, // ɝ
	}
	v := vowels[g.rng.IntN(len(vowels))]
	for i := range v {
		v[i] *= g.voice.Formants
	}
	return v
}

// startPhase begins a talk spurt or a pause; on a floor schedule the
// schedule decides which, and for how long.
func (g *speechGen) startPhase(talking bool) {
	if g.floor != nil {
		var remaining int
		talking, remaining = g.floor.phaseAt(g.who, g.t)
		g.talking, g.phasePos, g.phaseLen = talking, 0, max(remaining, 1)
		if talking {
			g.syllPos, g.syllLen = 0, 0
		}
		return
	}
	g.talking, g.phasePos = talking, 0
	if talking {
		g.phaseLen = g.seconds(spurtMin, spurtMax)
		g.syllPos, g.syllLen = 0, 0
	} else {
		g.phaseLen = g.seconds(pauseMin, pauseMax)
	}
}

// startSyllable picks the next syllable's length, vowel, stress, accent
// and consonant.
func (g *speechGen) startSyllable() {
	g.syllPos = 0
	g.syllLen = int(SampleRate / g.uniform(syllRateMin, syllRateMax))
	g.syllAmp = g.uniform(0.6, 1)
	g.accent = 1 + accentSpread*g.rng.NormFloat64()
	g.target = g.pickVowel()
	g.consLen = 0
	if g.rng.Float64() < consonantProbability {
		g.consLen = g.seconds(consonantMin, consonantMax)
	}
}

// fill writes the next len(frame) samples.
func (g *speechGen) fill(frame []int16) {
	for i := range frame {
		frame[i] = int16(math.Round(32767 * math.Tanh(g.next())))
	}
}

// next is one sample in [-1, 1] before the safety soft clip.
func (g *speechGen) next() float64 {
	if g.phasePos >= g.phaseLen {
		g.startPhase(!g.talking)
	}
	progress := float64(g.phasePos) / float64(g.phaseLen)
	g.phasePos++
	g.t++
	var voiced, noise float64
	if g.talking {
		if g.syllPos >= g.syllLen {
			g.startSyllable()
		}
		p := float64(g.syllPos) / float64(g.syllLen)
		env := g.syllAmp * syllableEnvelope(p)
		gate := math.Min(1, math.Min(float64(g.phasePos), float64(g.phaseLen-g.phasePos))/(speechGate*SampleRate))
		env *= gate

		if g.t%coefEvery == 0 {
			g.pitchTarget = g.voice.Pitch * (declinationStart + (declinationEnd-declinationStart)*progress) * g.accent *
				(1 + vibratoSize*math.Sin(2*math.Pi*vibratoHz*float64(g.t)/SampleRate))
		}
		g.f0 += (g.pitchTarget - g.f0) * g.pitchK
		voiced = env * g.glottal()

		white := 2*g.rng.Float64() - 1
		hp := white - g.noiseHP // a first difference tilts noise to the highs
		g.noiseHP = white
		noise = aspiration * env * white
		if g.syllPos < g.consLen {
			noise += 0.5 * gate * g.syllAmp * hp * (1 - float64(g.syllPos)/float64(g.consLen))
			voiced *= float64(g.syllPos) / float64(g.consLen) // voicing starts after the burst
		}
		g.syllPos++
	}
	if g.t%coefEvery == 0 {
		bw := [3]float64{formantBandwidth1, formantBandwidth2, formantBandwidth3}
		for i := range g.formants {
			g.formants[i] += (g.target[i] - g.formants[i]) * g.formantK
			g.res[i].tune(g.formants[i], bw[i]*g.voice.Formants)
		}
	}
	x := voiced
	for i := range g.res {
		x = g.res[i].step(x)
	}
	return speechLevel * (x + noise)
}

// glottal is a band-limited falling sawtooth at f0 (polyBLEP corrected, so
// high voices do not alias): the buzz of the vocal folds.
func (g *speechGen) glottal() float64 {
	dt := g.f0 / SampleRate
	g.glotPhase += dt
	if g.glotPhase >= 1 {
		g.glotPhase--
	}
	t := g.glotPhase
	saw := 1 - 2*t
	// The rising saw's polyBLEP residual, with the sign flipped.
	switch {
	case t < dt:
		t /= dt
		saw += 2*t - t*t - 1
	case t > 1-dt:
		t = (t - 1) / dt
		saw += t*t + 2*t + 1
	}
	return saw
}

// syllableEnvelope rises over the first fifth of a syllable, holds, and
// falls over the last third to a floor, so syllables in a word connect.
func syllableEnvelope(p float64) float64 {
	switch {
	case p < 0.2:
		return syllableFloor + (1-syllableFloor)*0.5*(1-math.Cos(math.Pi*p/0.2))
	case p > 2.0/3:
		q := (p - 2.0/3) * 3
		return syllableFloor + (1-syllableFloor)*0.5*(1+math.Cos(math.Pi*q))
	}
	return 1
}
