package tui

import "time"

// maxLogLines bounds the event log's memory; the view shows only the last
// few, so older lines are of no use.
const maxLogLines = 64

// logLine is one line of the event log.
type logLine struct {
	at   time.Time
	text string
}

// eventLog keeps the last maxLogLines things worth telling the user.
type eventLog struct {
	lines []logLine
}

// add appends a line, dropping the oldest when full.
func (l *eventLog) add(at time.Time, text string) {
	if len(l.lines) == maxLogLines {
		copy(l.lines, l.lines[1:])
		l.lines = l.lines[:maxLogLines-1]
	}
	l.lines = append(l.lines, logLine{at: at, text: text})
}

// last returns the newest n lines, oldest first.
func (l *eventLog) last(n int) []logLine {
	if n >= len(l.lines) {
		return l.lines
	}
	if n <= 0 {
		return nil
	}
	return l.lines[len(l.lines)-n:]
}
