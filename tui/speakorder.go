package tui

import (
	"slices"
	"time"
)

// Speakers move to the top of the list, but a list that reorders on every
// syllable cannot be read. Two holds smooth it: the speaking highlight
// stays on through the short gaps inside speech, and a speaker keeps their
// place near the top for a while after they stop, so a conversation's
// rows stay put while people take turns.
const (
	// highlightHold is how long the highlight outlives the last tick
	// above SpeakingLevel: longer than the gap between two words.
	highlightHold = 600 * time.Millisecond
	// speakHold is how long a speaker stays up after speaking.
	speakHold = 2 * time.Second
)

// heardAt records the level polled at now: speaking starts or extends a
// stretch of speech; a pause longer than speakHold ends it.
func (p *participant) heardAt(speaking bool, now time.Time) {
	if !speaking {
		if !p.since.IsZero() && now.Sub(p.spokeAt) > speakHold {
			p.since = time.Time{}
		}
		return
	}
	if p.since.IsZero() || now.Sub(p.spokeAt) > speakHold {
		p.since = now
	}
	p.spokeAt = now
}

// talkingAt reports whether the user counts as speaking at now for the
// highlight.
func (p participant) talkingAt(now time.Time) bool {
	return !p.spokeAt.IsZero() && now.Sub(p.spokeAt) < highlightHold
}

// upAt reports whether the user holds a place among the speakers at now.
func (p participant) upAt(now time.Time) bool {
	return !p.since.IsZero() && now.Sub(p.spokeAt) <= speakHold
}

// ordered returns the rows in display order: the local user first (their
// own meter stays in one place), then the remote users who spoke in the
// last speakHold, longest-speaking first so a new voice joins below the
// current ones instead of pushing them down, then everyone else in the
// order they joined.
func (r *roster) ordered(now time.Time) []participant {
	rows := make([]participant, 0, 1+len(r.others))
	rows = append(rows, r.self)
	rows = append(rows, r.others...)
	slices.SortStableFunc(rows[1:], func(a, b participant) int {
		au, bu := a.upAt(now), b.upAt(now)
		switch {
		case au && bu:
			return a.since.Compare(b.since)
		case au:
			return -1
		case bu:
			return 1
		}
		return 0
	})
	return rows
}
