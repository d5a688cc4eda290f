package server

import (
	"math"
	"sync/atomic"
)

// Speaking levels, the LiveKit way (TESTING.md "Reference points"): every
// packet's RFC 6464 level is observed, a window of observations (400 ms) is
// reduced to one level (the loudest active level, discounted by how little
// of the window was active), the levels of successive windows are smoothed
// and the result is quantised to eighths so that small wobbles cause no
// messages.
const (
	// speechWindowMillis is the length of an observation window.
	speechWindowMillis = 400
	// activeLevel is the RFC 6464 level (-dBov) at or below which a packet
	// counts as speech: -35 dBov.
	activeLevel = 35
	// minActivePercent is the share of a window's packets that must be
	// speech for the window to count as speaking at all.
	minActivePercent = 40
	// speechSmoothing is the weight of a new window in the smoothed level:
	// two windows bring it most of the way, one click does not.
	speechSmoothing = 0.5
	// volumeRangeDB is the span of dBov mapped onto volume 0-100:
	// -volumeRangeDB dBov is 0, 0 dBov is 100.
	volumeRangeDB = 60.0
	// silentLevel is RFC 6464's quietest level.
	silentLevel = 127
)

// speechWindow accumulates one window of audio-level observations in one
// atomic word, so the packet path observes with a compare-and-swap and no
// lock, and the room's monitor takes the window with one swap.
//
// Layout: bits 0-6 loudness of the loudest active packet (127 - level, 0
// when none), bits 8-31 active packets, bits 32-55 observed packets.
type speechWindow struct{ word atomic.Uint64 }

// observe records one packet's audio-level byte (V bit and -dBov).
func (w *speechWindow) observe(b byte) {
	level := uint64(b & 0x7f)
	for {
		old := w.word.Load()
		next := old + 1<<32
		if level <= activeLevel {
			next += 1 << 8
			if loud := silentLevel - level; loud > next&0x7f {
				next = next&^0x7f | loud
			}
		}
		if w.word.CompareAndSwap(old, next) {
			return
		}
	}
}

// take returns the window's counts and resets it: observed and active
// packets and the loudest active level (-dBov, silentLevel if none).
func (w *speechWindow) take() (observed, active int, loudest int) {
	v := w.word.Swap(0)
	return int(v >> 32 & 0xffffff), int(v >> 8 & 0xffffff), silentLevel - int(v&0x7f)
}

// speechLevel is one participant's smoothed level, owned by the room's
// monitor.
type speechLevel struct {
	smoothed float64 // linear amplitude, 0-1
}

// activeThreshold is activeLevel as a linear amplitude.
var activeThreshold = dbovToLinear(activeLevel)

// update folds in one window: observed and active packet counts and the
// loudest active level. A window with too little speech resets the level
// to silence at once: a speaker who stops stops at once, as in LiveKit.
func (s *speechLevel) update(observed, active, loudest int) {
	if observed == 0 || active*100 < observed*minActivePercent {
		s.smoothed = 0
		return
	}
	// A window only partly active counts as quieter: 20·log10 of the
	// active share is 0 when all of it was speech.
	weight := 20 * math.Log10(float64(active)/float64(observed))
	linear := dbovToLinear(float64(loudest) - weight)
	s.smoothed += (linear - s.smoothed) * speechSmoothing
}

// active reports whether the smoothed level counts as speaking.
func (s *speechLevel) active() bool { return s.smoothed >= activeThreshold }

// volume maps the smoothed level onto 0-100 in eighths of the dB range
// (0, 12, 25, 37, 50, 62, 75, 87, 100); 0 when not speaking.
func (s *speechLevel) volume() int {
	if !s.active() {
		return 0
	}
	db := -20 * math.Log10(s.smoothed) // -dBov, 0 loudest
	x := (volumeRangeDB - db) / volumeRangeDB
	x = math.Max(0, math.Min(1, x))
	q := math.Round(x*8) / 8
	return int(q * 100)
}

// dbovToLinear turns a level in -dBov into a linear amplitude (0 dBov is 1).
func dbovToLinear(level float64) float64 { return math.Pow(10, -level/20) }
