package call

import (
	"strings"
	"testing"

	"github.com/confab-rtc/confab/audio"
)

// TestDTXGate: silent packets are left out but for a keepalive after
// 500 ms, coded packets always go, and the first coded packet after a gap
// starts a talkspurt; in 20 ms and 10 ms frames.
func TestDTXGate(t *testing.T) {
	dtx, coded := []byte{0x08}, []byte{0x08, 1, 2, 3, 4, 5}
	for _, tt := range []struct {
		name  string
		frame int
		in    string // per packet: c coded, d DTX
		want  string // per packet: s sent, S sent with the marker, - left out
	}{
		{"talking", audio.FrameSamples, "cccc", "ssss"},
		{"silence with libopus refresh", audio.FrameSamples, "cc" + strings.Repeat("d", 5) + "c" + "dd" + "c",
			"ss" + "-----" + "S" + "--" + "S"},
		{"keepalive after 500 ms, 20 ms frames", audio.FrameSamples, "c" + strings.Repeat("d", 26),
			"s" + strings.Repeat("-", 24) + "s" + "-"},
		{"keepalive after 500 ms, 10 ms frames", audio.LowLatencyFrameSamples, "c" + strings.Repeat("d", 51) + "c",
			"s" + strings.Repeat("-", 49) + "s" + "-" + "S"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := newDTXGate()
			var got strings.Builder
			for _, c := range tt.in {
				p := coded
				if c == 'd' {
					p = dtx
				}
				send, spurt := g.admit(p, tt.frame)
				switch {
				case !send:
					got.WriteByte('-')
				case spurt:
					got.WriteByte('S')
				default:
					got.WriteByte('s')
				}
			}
			if got.String() != tt.want {
				t.Errorf("got  %s\nwant %s", got.String(), tt.want)
			}
		})
	}
	// The gate and the loss estimate run every frame in the send loop.
	g, l := newDTXGate(), newLossFeedback(1, 5)
	if a := testing.AllocsPerRun(1000, func() {
		g.admit(dtx, audio.FrameSamples)
		_ = l.percent()
	}); a != 0 {
		t.Errorf("the per-frame DTX and loss checks allocate %.1f times", a)
	}
}
