package tui

import (
	"strconv"
	"strings"
	"time"
)

// The stats pane's numbers, each written to fit its cell (statsValueW
// cells): a person compares them at a glance, so they keep few digits and
// their unit.

// statsNone stands for a figure not measured yet (no RTCP report, no
// stream): a zero would claim a measurement.
const statsNone = "—"

// formatBitrate writes bits/s as kb/s: one decimal below 100 kb/s, where
// the difference between 31.8 and 32 matters, none above.
func formatBitrate(bps int) string {
	kb := float64(bps) / 1000
	return strconv.FormatFloat(kb, 'f', decimals(kb), 64) + " kb/s"
}

// decimals is how many decimals a figure gets: one while it rounds to
// less than 100, none from there, so no figure grows a digit by rounding.
func decimals(f float64) int {
	if f < 99.95 {
		return 1
	}
	return 0
}

// formatCount writes a counter with thousands separators up to 9,999,999
// (almost 56 hours of 20 ms packets), then in millions.
func formatCount(n uint64) string {
	if n >= 10_000_000 {
		return strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64) + " M"
	}
	s := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// formatPercent writes a share with one decimal, as loss is read (0.4 %
// and 4 % are different calls).
func formatPercent(p float64) string {
	return strconv.FormatFloat(max(p, 0), 'f', 1, 64) + " %"
}

// formatDelay writes a delay in milliseconds, with a decimal below 10 ms
// (loopback and LAN round trips), in seconds from 10 s.
func formatDelay(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms < 9.95:
		return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
	case ms < 9999.5:
		return strconv.FormatFloat(ms, 'f', 0, 64) + " ms"
	}
	return strconv.FormatFloat(ms/1000, 'f', 1, 64) + " s"
}

// formatMeasured writes a delay that is zero until measured (a round
// trip), or statsNone.
func formatMeasured(d time.Duration) string {
	if d <= 0 {
		return statsNone
	}
	return formatDelay(d)
}

// formatBytes writes a byte count in decimal units (kB = 1000 B), as
// network totals are read.
func formatBytes(n uint64) string {
	if n < 1000 {
		return strconv.FormatUint(n, 10) + " B"
	}
	f := float64(n)
	units := []string{"kB", "MB", "GB", "TB"}
	for i, u := range units {
		f /= 1000
		if f < 999.5 || i == len(units)-1 {
			return strconv.FormatFloat(f, 'f', decimals(f), 64) + " " + u
		}
	}
	return "" // not reached: the last unit takes any size
}

// onOff writes a setting's state.
func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// candidateParts splits a candidate as package call writes it ("udp4 host
// 192.0.2.1:50000") into its protocol, type and address; ok is false for
// anything else, which the pane then shows whole.
func candidateParts(c string) (proto, typ, addr string, ok bool) {
	f := strings.Fields(c)
	if len(f) != 3 {
		return "", "", "", false
	}
	return f[0], f[1], f[2], true
}
