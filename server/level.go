package server

import (
	"sync/atomic"
	"time"
)

// NoLevel is the AudioLevel of a participant that has not sent any packet
// carrying the audio-level extension.
const NoLevel = -1

// audioLevel is the latest RFC 6464 level seen from one publisher: written
// by its forwarders for every packet, read by anyone. The level and the
// voice-activity bit share one atomic word so a reader never sees a torn
// pair; the arrival time sits beside it for staleness checks.
type audioLevel struct {
	// bits 0-6: -dBov (0 loudest, 127 silence); bit 7: voice activity;
	// bit 8: set once a level was seen.
	word atomic.Uint32
	at   atomic.Int64 // unix nanoseconds of the last update
}

// levelSeen marks a word that holds a real level.
const levelSeen = 1 << 8

// store records the payload byte of an audio-level extension (V bit and
// level, RFC 6464 §3) received at now.
func (l *audioLevel) store(b byte, now int64) {
	l.word.Store(levelSeen | uint32(b))
	l.at.Store(now)
}

// load returns the latest level (0-127 -dBov), whether the sender flagged
// voice activity, and when it arrived. level is NoLevel if none arrived.
func (l *audioLevel) load() (level int, voice bool, at time.Time) {
	w := l.word.Load()
	if w&levelSeen == 0 {
		return NoLevel, false, time.Time{}
	}
	return int(w & 0x7f), w&0x80 != 0, time.Unix(0, l.at.Load())
}
