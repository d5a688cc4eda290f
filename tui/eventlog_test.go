package tui

import (
	"fmt"
	"testing"
)

func TestEventLogKeepsNewest(t *testing.T) {
	var l eventLog
	for i := range 100 {
		l.add(t0, fmt.Sprint(i))
	}
	if len(l.lines) != maxLogLines {
		t.Errorf("log holds %d lines, want %d", len(l.lines), maxLogLines)
	}
	got := l.last(3)
	if len(got) != 3 || got[0].text != "97" || got[2].text != "99" {
		t.Errorf("last(3) = %v, want 97..99", got)
	}
	if len(l.last(0)) != 0 || len(l.last(1000)) != maxLogLines {
		t.Error("last does not clamp its argument")
	}
}
