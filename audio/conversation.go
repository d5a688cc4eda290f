package audio

import (
	"math/rand/v2"
	"sort"
)

// Turn-taking of a synthetic conversation, in seconds.
const (
	turnMin, turnMax   = 1.5, 5.0     // one speaker holding the floor
	gapMin, gapMax     = 0.2, 0.9     // silence between turns
	backchannelChance  = 0.2          // another speaker chimes in near a turn's end
	backchannelLen     = 0.5          // "mm-hm", "right"
	backchannelLead    = 0.7          // before the turn ends
	conversationLength = 2 * 3600     // then the schedule repeats
	conversationStart  = 0.5          // a moment of silence first
	floorSeedSalt      = 0x666c6f6f72 // "floor"
)

// NewConversation returns one speech Source per voice that take turns like
// people in a meeting: one holds the floor for 1.5-5 s, a short gap, then
// another; now and then someone chimes in briefly near the end of a turn.
// The sources share a schedule keyed by their own sample count, so sources
// started together stay in step. Deterministic for a seed.
func NewConversation(seed int64, voices []Voice) []Source {
	floor := newFloorSchedule(seed, len(voices))
	out := make([]Source, len(voices))
	for i, v := range voices {
		g := newSpeechGenOnFloor(seed+int64(i)+1, v, floor, i)
		out[i] = newPacedSource(g.fill)
	}
	return out
}

// span is a stretch of samples [start, end) in which a speaker talks.
type span struct{ start, end int }

// floorSchedule says who talks when. It is built once and only read, so
// the sources' goroutines share it without locks.
type floorSchedule struct {
	talks  [][]span // per speaker, sorted, not overlapping
	length int      // samples until the schedule repeats
}

func newFloorSchedule(seed int64, speakers int) *floorSchedule {
	rng := rand.New(rand.NewPCG(uint64(seed), floorSeedSalt))
	sec := func(lo, hi float64) int { return int((lo + (hi-lo)*rng.Float64()) * SampleRate) }
	f := &floorSchedule{talks: make([][]span, speakers)}
	if speakers == 0 {
		return f
	}
	t, prev := int(conversationStart*SampleRate), -1
	for t < conversationLength*SampleRate {
		s := rng.IntN(speakers)
		if s == prev && speakers > 1 {
			s = (s + 1 + rng.IntN(speakers-1)) % speakers
		}
		n := sec(turnMin, turnMax)
		f.talks[s] = append(f.talks[s], span{t, t + n})
		if speakers > 1 && rng.Float64() < backchannelChance {
			b := (s + 1 + rng.IntN(speakers-1)) % speakers
			start := t + n - int(backchannelLead*SampleRate)
			f.talks[b] = append(f.talks[b], span{start, start + int(backchannelLen*SampleRate)})
		}
		t += n + sec(gapMin, gapMax)
		prev = s
	}
	f.length = t
	return f
}

// phaseAt reports whether speaker who talks at sample t, and for how many
// samples that stays so.
func (f *floorSchedule) phaseAt(who, t int) (talking bool, remaining int) {
	if f.length == 0 {
		return false, SampleRate
	}
	t %= f.length
	spans := f.talks[who]
	i := sort.Search(len(spans), func(i int) bool { return spans[i].end > t })
	switch {
	case i < len(spans) && spans[i].start <= t:
		return true, spans[i].end - t
	case i < len(spans):
		return false, spans[i].start - t
	}
	return false, f.length - t
}
