package tui

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/confab-rtc/confab/call"
)

// statsInterval is how often the open stats pane reads the engine's
// statistics: the engine measures its rates over the last second, so a
// faster refresh would show the same window again.
const statsInterval = time.Second

// statsPane is the stats pane's state: the last snapshot of the call's
// statistics, the names of its remote streams' senders as they were when it
// arrived, and how far the pane is scrolled. The Model owns it; snapshots
// arrive as statsMsg, read in a command (never in View or Update).
type statsPane struct {
	// snap is the last snapshot; have says one arrived since the pane
	// opened (before, the pane says it is reading).
	snap call.CallStats
	have bool
	// remote are snap's remote streams with their senders' display names,
	// sorted by name so the blocks keep their places between refreshes.
	remote []namedStream
	// scroll is how many lines of the pane's content are hidden above.
	scroll int
	// opening is the pane's current opening, nil before the first.
	opening *statsOpening
	// seq counts the snapshots taken, to key the rendered content.
	seq int
}

// statsOpening is one opening of the pane. Each reading names the opening
// that asked for it, and one of an earlier opening, or of the pane of a
// call the app has since left, is dropped: closing and reopening never
// leaves two refresh chains running. An address tells openings apart
// where a counter would not (every call's Model starts its own).
type statsOpening struct {
	// memo keeps the content rendered for the last snapshot.
	memo statsMemo
}

// statsMemo is the pane's content rendered for one snapshot at one size.
// The screen redraws ten times a second for the meters while a snapshot
// lasts a second, and rendering the pane's cells is about as costly as
// the rest of the screen. It is a pure cache, shared by the copies of the
// Model and keyed by all the content depends on, so View may fill it.
type statsMemo struct {
	seq, w, h int
	lines     []string
	starts    []int
}

// namedStream is a received stream with its sender's display name.
type namedStream struct {
	name string
	call.RemoteStreamStats
}

// statsMsg carries one snapshot of the engine's statistics into Update,
// for an opening of the pane.
type statsMsg struct {
	opening *statsOpening
	stats   call.CallStats
}

// refreshStats returns a command that reads the engine's statistics after
// a delay (none for the first reading of an opening) and delivers them as
// a statsMsg. The reading happens in the command's goroutine, because
// Engine.Stats asks pion for its counters.
func refreshStats(e Engine, o *statsOpening, after time.Duration) tea.Cmd {
	read := func(time.Time) tea.Msg { return statsMsg{opening: o, stats: e.Stats()} }
	if after <= 0 {
		return func() tea.Msg { return read(time.Time{}) }
	}
	return tea.Tick(after, read)
}

// open starts a new opening of the pane: scrolled to the top, reading
// anew, and returns the command of its first reading.
func (p *statsPane) open(e Engine) tea.Cmd {
	p.opening = &statsOpening{memo: statsMemo{seq: -1}}
	p.seq++
	p.have = false
	p.scroll = 0
	return refreshStats(e, p.opening, 0)
}

// update takes a snapshot of the current opening and returns the command
// of the next reading; a snapshot of an earlier opening, or one arriving
// while the pane is closed, is dropped and ends its chain. name gives a
// user's display name (sanitized).
func (p *statsPane) update(msg statsMsg, isOpen bool, e Engine, name func(string) string) tea.Cmd {
	if !isOpen || msg.opening != p.opening {
		return nil
	}
	p.snap, p.have = msg.stats, true
	p.seq++
	// A new slice: the previous Model, a value, may still hold the old.
	p.remote = make([]namedStream, 0, len(msg.stats.Remote))
	for _, r := range msg.stats.Remote {
		p.remote = append(p.remote, namedStream{name: name(r.UserID), RemoteStreamStats: r})
	}
	slices.SortFunc(p.remote, func(a, b namedStream) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.name), strings.ToLower(b.name)), cmp.Compare(a.UserID, b.UserID))
	})
	return refreshStats(e, p.opening, statsInterval)
}

// scrollBy moves the pane's view one block down (step 1) or up (step -1),
// so the top line names the stream the numbers under it belong to; a
// block taller than the view moves by lines instead. The pane has h lines
// (title included) at width w. A refresh may have changed the content
// since the last move, so the move starts from what shows.
func (p *statsPane) scrollBy(step int, st Styles, w, h int) {
	lines, starts := p.content(st, w, h-1)
	view := max(h-1, 1)
	most := scrollLimit(len(lines), starts, view)
	cur := min(p.scroll, most)
	next := cur + step
	if step > 0 {
		if i, _ := slices.BinarySearch(starts, cur+1); i < len(starts) && starts[i]-cur <= view {
			next = starts[i]
		}
	} else if i, _ := slices.BinarySearch(starts, cur); i > 0 && cur-starts[i-1] <= view {
		next = starts[i-1]
	}
	p.scroll = clamp(next, 0, most)
}

// scrollLimit is the furthest the view of n lines of content, view lines
// high, scrolls: to the first block from which the rest fits, leaving
// blank lines under the last block rather than starting the view in the
// middle of one; to the last full view when even the last block is
// taller than it.
func scrollLimit(n int, starts []int, view int) int {
	for _, s := range starts {
		if n-s <= view {
			return s
		}
	}
	return max(n-view, 0)
}

// statsKey runs a key while the stats pane has the focus: the arrows
// scroll it; every other key is the call's.
func (m Model) statsKey(k tea.KeyPressMsg) (Model, tea.Cmd, bool) {
	step := 0
	switch {
	case key.Matches(k, m.keys.SelectUp):
		step = -1
	case key.Matches(k, m.keys.SelectDown):
		step = 1
	default:
		return m, nil, false
	}
	w, h := m.sideSize()
	m.stats.scrollBy(step, m.styles, w, h)
	return m, nil, true
}

// sideSize is the width and height the side pane renders in at the
// model's size: the body between the rules, beside the call or instead
// of it (see body).
func (m Model) sideSize() (w, h int) {
	w = max(m.width, 1)
	h = max(max(m.height, 1)-3-len(m.footer(w)), 0)
	if m.split(w) {
		w = sideWidth(w)
	}
	return w, h
}
