package tui

import (
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/confab-rtc/confab/call"
)

// The stats pane shows one block per stream, as pjsua's call dump does:
// a title line (who, codec) and a grid of label-value cells that flows into
// as many columns as the width holds (three at 56 columns, four at 80),
// then the transport. Blocks are parted by a blank line when everything
// fits, packed when not; what does not fit scrolls.

// Cell geometry: a label, a space and a right-aligned value, cells
// parted by at least statsMinGap spaces, the grid indented by statsIndent.
const (
	statsLabelW = 7 // "bitrate", "packets", "conceal"
	statsValueW = 9 // "31.9 kb/s", "1,234,567"
	statsCellW  = statsLabelW + 1 + statsValueW
	statsMinGap = 1
	statsMaxGap = 3
	statsIndent = 2
)

// Loss and concealment at which a value is marked, after LiveKit's
// quality levels for Opus (TESTING.md): from 2.5 % a call is no longer
// excellent, from 7.5 % it is poor.
const (
	statsWarnPercent = 2.5
	statsBadPercent  = 7.5
)

// statsLongWindow is a rate window long enough to say so in the title: the
// pane was closed a while, and its first reading's rates span the pause.
const statsLongWindow = 1500 * time.Millisecond

// statsCell is one label and its value, with the style the value gets.
type statsCell struct {
	label, value string
	style        lipgloss.Style
}

// lines renders the pane in at most h lines of at most w cells: its title
// (marked when focused, with the snapshot's time and what is scrolled
// off), then the part of the content the scroll shows.
func (p *statsPane) lines(st Styles, w, h int, focused bool) []string {
	if h <= 0 || w <= 0 {
		return nil
	}
	body, starts := []string{st.Stream.Render(cut("  reading the call's statistics…", w-rowMargin))}, []int{0}
	if p.have {
		body, starts = p.content(st, w, h-1)
	}
	top := clamp(p.scroll, 0, scrollLimit(len(body), starts, h-1))
	end := min(top+h-1, len(body))
	title := "Stats"
	if p.have {
		title += " at " + p.snap.At.Format("15:04:05")
		if p.snap.Window > statsLongWindow {
			title += ", rates since " + p.snap.At.Add(-p.snap.Window).Format("15:04:05")
		}
	}
	if above, below := top, len(body)-end; above > 0 || below > 0 {
		title += " (" + strconv.Itoa(above) + " above, " + strconv.Itoa(below) + " below)"
	}
	out := []string{paneTitleStyled(st, focused, cut(title, w-rowMargin-1))}
	return append(out, body[top:end]...)
}

// content renders every line of the pane's blocks at width w, and where
// each block starts; h is the number of lines there are to show them in,
// which decides whether blank lines part the blocks.
func (p *statsPane) content(st Styles, w, h int) (lines []string, starts []int) {
	if o := p.opening; o != nil && o.memo.seq == p.seq && o.memo.w == w && o.memo.h == h {
		return o.memo.lines, o.memo.starts
	}
	defer func() {
		if p.opening != nil {
			p.opening.memo = statsMemo{seq: p.seq, w: w, h: h, lines: lines, starts: starts}
		}
	}()
	blocks := [][]string{p.localBlock(st, w)}
	for _, r := range p.remote {
		blocks = append(blocks, remoteBlock(st, w, r, p.snap.Window > 0))
	}
	blocks = append(blocks, transportBlock(st, w, p.snap.Transport))
	n := len(blocks) - 1 // the blank lines that would part them
	for _, b := range blocks {
		n += len(b)
	}
	for i, b := range blocks {
		if i > 0 && n <= h {
			lines = append(lines, "")
		}
		starts = append(starts, len(lines))
		lines = append(lines, b...)
	}
	return lines, starts
}

// localBlock renders the published stream: what is sent, and what the
// server's receiver reports say about it.
func (p *statsPane) localBlock(st Styles, w int) []string {
	l := p.snap.Local
	if l == nil {
		return []string{blockTitle(st, w, "You", "not sending")}
	}
	fec := "off"
	if l.Opus.FEC {
		fec = "on " + strconv.Itoa(l.Opus.ExpectedLossPercent) + " %"
	}
	loss, jitter := statsNone, statsNone
	lossStyle := st.Name
	if l.ReportsReceived > 0 {
		loss, jitter = formatPercent(l.LossPercent), formatDelay(l.Jitter)
		lossStyle = percentStyle(st, l.LossPercent)
	}
	detail := codecText(l.Codec)
	if l.Opus.FrameDuration > 0 {
		detail += " · " + formatDelay(l.Opus.FrameDuration) + " frames"
	}
	bitrate := statsNone
	if p.snap.Window > 0 {
		bitrate = formatBitrate(l.Bitrate)
	}
	cells := []statsCell{
		{"bitrate", bitrate, st.Name},
		{"target", formatBitrate(l.Opus.Bitrate), st.Name},
		{"packets", formatCount(l.PacketsSent), st.Name},
		{"loss", loss, lossStyle},
		{"jitter", jitter, st.Name},
		{"RTT", formatMeasured(l.RTT), st.Name},
		{"FEC", fec, st.Name},
		{"DTX", onOff(l.Opus.DTX), st.Name},
	}
	return append([]string{blockTitle(st, w, "You", detail)}, cellGrid(st, w, cells)...)
}

// remoteBlock renders one received stream: what arrived, and how the
// jitter buffer played it. Without rated (the first reading) the figures
// measured over a window read as not measured yet.
func remoteBlock(st Styles, w int, r namedStream, rated bool) []string {
	bitrate, loss, fec, conceal := statsNone, statsNone, statsNone, statsNone
	if rated {
		bitrate, loss = formatBitrate(r.Bitrate), formatPercent(r.LossPercent)
		fec, conceal = formatPercent(r.FECPercent), formatPercent(r.ConcealedPercent)
	}
	cells := []statsCell{
		{"bitrate", bitrate, st.Name},
		{"packets", formatCount(r.PacketsReceived), st.Name},
		{"loss", loss, percentStyle(st, r.LossPercent)},
		{"jitter", formatDelay(r.Jitter), st.Name},
		{"RTT", formatMeasured(r.RTT), st.Name},
		{"FEC", fec, st.Name},
		{"conceal", conceal, percentStyle(st, r.ConcealedPercent)},
		{"buffer", formatDelay(r.BufferDelay), st.Name},
	}
	return append([]string{blockTitle(st, w, r.name, codecText(r.Codec))}, cellGrid(st, w, cells)...)
}

// transportBlock renders the connections to the server: the totals, then
// per connection its state, candidate pair and ICE round trip, and the
// pair's addresses.
func transportBlock(st Styles, w int, t call.TransportStats) []string {
	out := []string{blockTitle(st, w, "Transport", "")}
	out = append(out, cellGrid(st, w, []statsCell{
		{"sent", formatBytes(t.BytesSent), st.Name},
		{"recv", formatBytes(t.BytesReceived), st.Name},
		{"ICE RTT", formatMeasured(t.RTT), st.Name},
	})...)
	nameW := 0
	for _, c := range t.Connections {
		nameW = max(nameW, ansi.StringWidth(sanitize(c.Name)))
	}
	for _, c := range t.Connections {
		line := strings.Repeat(" ", statsIndent) + pad(sanitize(c.Name), nameW) + "  " + sanitize(c.State)
		lp, lt, la, lok := candidateParts(sanitize(c.Local))
		_, rt, ra, rok := candidateParts(sanitize(c.Remote))
		switch {
		case c.Local == "" && c.Remote == "":
			out = append(out, st.Stream.Render(cut(line+" · no candidate pair yet", w-rowMargin)))
			continue
		case lok && rok:
			line += " · " + lt + " → " + rt + " " + lp
		default:
			la, ra = sanitize(c.Local), sanitize(c.Remote)
		}
		line += " · RTT " + formatMeasured(c.RTT)
		addr := strings.Repeat(" ", 2*statsIndent) + la + " → " + ra
		out = append(out, st.Stream.Render(cut(line, w-rowMargin)), st.Stream.Render(cut(addr, w-rowMargin)))
	}
	return out
}

// blockTitle renders a block's first line: its name in bold and a detail
// after it; the name gives way first when the width runs short, and the
// detail goes when not even four cells of the name would be left.
func blockTitle(st Styles, w int, name, detail string) string {
	if detail != "" {
		detail = " · " + detail
	}
	nameW := w - rowMargin - 1 - ansi.StringWidth(detail)
	if nameW < 4 {
		nameW, detail = w-rowMargin-1, ""
	}
	return " " + st.Name.Bold(true).Render(cut(name, nameW)) + st.Stream.Render(detail)
}

// cellGrid lays cells out in rows of as many columns as fit in w, the
// columns parted by what width is left over (within statsMinGap and
// statsMaxGap), so the labels line up from block to block.
func cellGrid(st Styles, w int, cells []statsCell) []string {
	avail := w - statsIndent - rowMargin
	cols := max(1, (avail+statsMinGap)/(statsCellW+statsMinGap))
	gap := statsMinGap
	if cols > 1 {
		gap = clamp((avail-cols*statsCellW)/(cols-1), statsMinGap, statsMaxGap)
	}
	var out []string
	for i := 0; i < len(cells); i += cols {
		var b strings.Builder
		b.WriteString(strings.Repeat(" ", statsIndent))
		for j, c := range cells[i:min(i+cols, len(cells))] {
			if j > 0 {
				b.WriteString(strings.Repeat(" ", gap))
			}
			value := c.value
			if ansi.StringWidth(value) > statsValueW {
				value = ansi.Truncate(value, statsValueW, "…")
			}
			b.WriteString(st.Suffix.Render(pad(c.label, statsLabelW)) + " ")
			b.WriteString(strings.Repeat(" ", statsValueW-ansi.StringWidth(value)) + c.style.Render(value))
		}
		line := b.String()
		if ansi.StringWidth(line) > w-rowMargin {
			// Narrower than one cell: cut rather than wrap.
			line = ansi.Truncate(line, max(w-rowMargin, 0), "")
		}
		out = append(out, line)
	}
	return out
}

// percentStyle marks a loss or concealment share by what it does to a
// call, so a bad stream stands out among the others.
func percentStyle(st Styles, p float64) lipgloss.Style {
	switch {
	case p >= statsBadPercent:
		return st.Error
	case p >= statsWarnPercent:
		return st.Notice
	}
	return st.Name
}

// codecText is a codec as the engine names it, or statsNone before the
// stream's first packet says which.
func codecText(c string) string {
	if c == "" {
		return statsNone
	}
	return sanitize(c)
}
