package server

import (
	"testing"
	"time"

	"github.com/pion/rtcp"

	"github.com/confab-rtc/confab/signal"
)

func TestPacketScoreBands(t *testing.T) {
	cases := []struct {
		name string
		s    linkSample
		want int
	}{
		{"clean", linkSample{expected: 100}, signal.QualityExcellent},
		{"2% loss", linkSample{expected: 100, lost: 2}, signal.QualityExcellent},
		// LiveKit's Opus bounds: 2.5 % is the excellent/good boundary.
		{"3% loss", linkSample{expected: 100, lost: 3}, signal.QualityGood},
		{"3% loss with FEC", linkSample{expected: 100, lost: 3, fec: true}, signal.QualityExcellent},
		{"4% loss with FEC", linkSample{expected: 100, lost: 4, fec: true}, signal.QualityGood},
		{"6% loss", linkSample{expected: 100, lost: 6}, signal.QualityPoor},
		// 7.5 % is the good/poor boundary: below 40.
		{"8% loss", linkSample{expected: 100, lost: 8}, signal.QualityBad},
		{"10% loss with FEC", linkSample{expected: 100, lost: 10, fec: true}, signal.QualityPoor},
		{"12% loss with FEC", linkSample{expected: 100, lost: 12, fec: true}, signal.QualityBad},
		{"10% loss", linkSample{expected: 100, lost: 10}, signal.QualityVeryBad},
		{"all lost", linkSample{expected: 100, lost: 100}, signal.QualityVeryBad},
		{"small delay costs little", linkSample{expected: 100, rtt: 100 * time.Millisecond, jitter: 10 * time.Millisecond}, signal.QualityExcellent},
		// 400 ms effective delay: (400-120)/10 = 28 points.
		{"long delay", linkSample{expected: 100, rtt: 800 * time.Millisecond}, signal.QualityGood},
		{"very long delay", linkSample{expected: 100, rtt: 2 * time.Second}, signal.QualityVeryBad},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := scoreQuality(packetScore(c.s)); got != c.want {
				t.Fatalf("quality %d (score %.1f), want %d", got, packetScore(c.s), c.want)
			}
		})
	}
}

func TestQualityScoreFallsFastRisesSlowly(t *testing.T) {
	var q qualityScore
	steps := []struct {
		in, want float64
	}{
		{100, 100},
		{20, 44},   // 100 - 0.7*80
		{20, 27.2}, // one more window is most of the way
		{100, 56.32},
		{100, 73.792},
		{100, 84.2752}, // three windows back to excellent
	}
	for i, s := range steps {
		got := q.update(s.in)
		if got < s.want-1e-9 || got > s.want+1e-9 {
			t.Fatalf("step %d: %.4f, want %.4f", i, got, s.want)
		}
	}
}

func TestRxStats(t *testing.T) {
	var r rxStats
	const clock = 48000
	start := time.Unix(1000, 0).UnixNano()
	// 100 packets 20 ms apart from sequence 65500 (wrapping), every tenth
	// lost.
	for i := 0; i < 100; i++ {
		if i%10 == 5 {
			continue
		}
		r.observe(uint16(65500+i), uint32(960*i), start+int64(i)*int64(20*time.Millisecond), 100, clock)
	}
	s, mark := r.sample(rxMark{}, clock, false)
	if s.expected != 100 || s.lost != 10 || mark.received != 90 || mark.bytes != 9000 {
		t.Fatalf("sample %+v mark %+v: want 100 expected, 10 lost, 90 received, 9000 bytes", s, mark)
	}
	if s.jitter != 0 {
		t.Fatalf("jitter %s on perfectly paced packets", s.jitter)
	}
	// A late packet (reordered, older sequence) adds no expected packets.
	late := 65500 + 95
	r.observe(uint16(late), 960*95, start+int64(101)*int64(20*time.Millisecond), 100, clock)
	s, _ = r.sample(mark, clock, false)
	if s.expected != 0 || s.lost != 0 {
		t.Fatalf("after a reordered packet: %+v", s)
	}
}

func TestRxStatsJitter(t *testing.T) {
	var r rxStats
	start := time.Unix(1000, 0).UnixNano()
	// Packets alternately 10 ms early and on time: |D| = 10 ms = 480.
	for i := 0; i < 500; i++ {
		at := start + int64(i)*int64(20*time.Millisecond)
		if i%2 == 1 {
			at -= int64(10 * time.Millisecond)
		}
		r.observe(uint16(i), uint32(960*i), at, 100, 48000)
	}
	s, _ := r.sample(rxMark{}, 48000, false)
	if s.jitter < 9*time.Millisecond || s.jitter > 11*time.Millisecond {
		t.Fatalf("jitter %s, want about 10ms", s.jitter)
	}
}

func TestRRLink(t *testing.T) {
	l := &rrLink{ssrc: 42}
	now := time.Unix(2000, 0)
	report := func(highest, lost uint32, at time.Time) {
		rr := &rtcp.ReceiverReport{SSRC: 7, Reports: []rtcp.ReceptionReport{
			{SSRC: 99, LastSequenceNumber: 1, TotalLost: 1000}, // another track's
			{SSRC: 42, LastSequenceNumber: highest, TotalLost: lost, Jitter: 480,
				// Our sender report left 30 ms before now minus the
				// receiver's 10 ms hold: 20 ms round trip.
				LastSenderReport: compactNTP(at.Add(-30 * time.Millisecond)), Delay: 65536 / 100},
		}}
		b, err := rtcp.Marshal([]rtcp.Packet{rr})
		if err != nil {
			t.Fatal(err)
		}
		l.onRTCP(b, at)
	}
	report(70000, 5, now)
	s, mark := l.sample(rrMark{}, 48000, true)
	if s.expected != 0 || !mark.seen {
		t.Fatalf("the first report only marks: %+v %+v", s, mark)
	}
	report(70100, 12, now.Add(2*time.Second))
	s, _ = l.sample(mark, 48000, true)
	if s.expected != 100 || s.lost != 7 || !s.fec || s.jitter != 10*time.Millisecond {
		t.Fatalf("sample %+v: want 100 expected, 7 lost, 10ms jitter", s)
	}
	if s.rtt < 19*time.Millisecond || s.rtt > 21*time.Millisecond {
		t.Fatalf("rtt %s, want 20ms", s.rtt)
	}
}
