package tui

import "time"

// maxLogLines bounds the event log's memory. The log scrolls, so it keeps
// a long call's worth; a thousand short lines are about 100 kB.
const maxLogLines = 1000

// logLine is one line of the event log.
type logLine struct {
	at   time.Time
	text string
	// wrap remembers the text wrapped at the last width asked for: the
	// view draws the log ten times a second and the width rarely changes.
	wrap *wrapMemo
}

// wrapMemo is a line's text wrapped at width w.
type wrapMemo struct {
	w     int
	parts []string
}

// eventLog keeps the last maxLogLines things worth telling the user.
type eventLog struct {
	lines []logLine
}

// add appends a line, dropping the oldest when full.
func (l *eventLog) add(at time.Time, text string) {
	// Dropping the oldest line shifts the rest: rare (only past
	// maxLogLines) and cheap at this size, and it keeps the lines in one
	// slice for the pane to index.
	if len(l.lines) == maxLogLines {
		copy(l.lines, l.lines[1:])
		l.lines = l.lines[:maxLogLines-1]
	}
	l.lines = append(l.lines, logLine{at: at, text: text, wrap: &wrapMemo{}})
}
