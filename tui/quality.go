package tui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/confab-rtc/confab/signal"
)

// Network quality is drawn as five signal bars, the seeds' 0-6 scale
// (DESIGN §2) read the other way round: 1 (excellent) fills all five, 5
// (very poor) one. 6 (disconnected) and 0 (not measured) get a sign of
// their own instead of bars, and the missing bars are dots, so the cell
// reads without colour; the ? help lists every value with its meaning.

// qualityWidth is the width of a quality cell.
const qualityWidth = 5

// qualityBars renders a 0-6 score as its cell.
func qualityBars(q int) string {
	switch {
	case q == signal.QualityDown:
		return "  ✕  "
	case q < signal.QualityExcellent || q > signal.QualityDown:
		return "  ?  "
	}
	n := signal.QualityDown - q
	return "▁▂▃▄▅"[:3*n] + strings.Repeat("·", qualityWidth-n)
}

// worstQuality is the worse of an uplink and a downlink score, ignoring
// an unmeasured one: a participant is as good as their worse direction.
func worstQuality(up, down int) int {
	switch {
	case up == signal.QualityUnknown:
		return down
	case down == signal.QualityUnknown:
		return up
	}
	return max(up, down)
}

// qualityMeaning is the seeds' meaning of a score.
func qualityMeaning(q int) string {
	switch q {
	case signal.QualityExcellent:
		return "excellent"
	case signal.QualityGood:
		return "almost as good, lower bitrate"
	case signal.QualityPoor:
		return "unsatisfactory but smooth"
	case signal.QualityBad:
		return "barely smooth"
	case signal.QualityVeryBad:
		return "very poor, almost unusable"
	case signal.QualityDown:
		return "disconnected"
	}
	return "not measured yet"
}

// qualityLegend lists every score's cell, number and meaning in as many
// columns as fit in w cells, an item never split.
func qualityLegend(w int) []string {
	items := []string{"Network bars:"}
	for _, q := range []int{1, 2, 3, 4, 5, 6, 0} {
		items = append(items, strings.TrimSpace(qualityBars(q))+" "+strconv.Itoa(q)+" "+qualityMeaning(q))
	}
	return grid(items, 2, w)
}

// grid lays items out in columns (down, then across) with gap cells
// between them, as many columns as fit in w; one column when none do.
func grid(items []string, gap, w int) []string {
	cell := 0
	for _, it := range items {
		cell = max(cell, ansi.StringWidth(it))
	}
	cols := clamp((w+gap)/(cell+gap), 1, len(items))
	rows := (len(items) + cols - 1) / cols
	lines := make([]string, rows)
	for i, it := range items {
		r := i % rows
		if i >= rows {
			lines[r] += strings.Repeat(" ", gap)
		}
		if i+rows < len(items) {
			it = pad(it, cell)
		}
		lines[r] += it
	}
	return lines
}
