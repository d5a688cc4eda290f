package tui

import (
	"fmt"
	"testing"

	"github.com/confab-rtc/confab/call"
)

// benchCall is the four-party call of the stats pane's goldens at 200x60
// with its event log filled, the stats pane open beside it when stats is
// true.
func benchCall(b *testing.B, stats bool) Model {
	m := buildStatsParty(b, 200, 60, false, nil)
	for i := range 200 {
		m = send(b, m, call.Error{Code: 90100108, Message: fmt.Sprintf("requests too frequent (%d)", i)})
	}
	if !stats {
		m.closeSide()
	}
	return m
}

// BenchmarkView200x60 is the render time of one frame at 200x60 (what
// View costs the update loop 10 times a second): a four-party call with
// levels, quality, a full event log and the stats pane open.
func BenchmarkView200x60(b *testing.B) {
	m := benchCall(b, true)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkView200x60NoPane is the same frame without the side pane.
func BenchmarkView200x60NoPane(b *testing.B) {
	m := benchCall(b, false)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkTick200x60 is a whole level tick as the program runs it: poll
// the levels, update the order, render.
func BenchmarkTick200x60(b *testing.B) {
	m := benchCall(b, true)
	b.ReportAllocs()
	for b.Loop() {
		next, _ := m.Update(tickMsg{})
		m = next.(Model)
		_ = m.View()
	}
}
