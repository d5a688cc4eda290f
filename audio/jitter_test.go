package audio

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// jbPayload makes a payload that names its sequence number.
func jbPayload(seq uint16) []byte { return []byte{byte(seq >> 8), byte(seq)} }

// jbRun feeds a jitter buffer: before tick t it inserts arrivals[t] and
// then pops one frame. Each frame is written as S (silence), P<seq>
// (packet), F<seq> (FEC from packet seq) or L (concealment).
func jbRun(jb *jitterBuffer, ticks int, arrivals map[int][]uint16) []string {
	var out []string
	for t := range ticks {
		for _, seq := range arrivals[t] {
			jb.insert(seq, uint32(seq)*FrameSamples, jbPayload(seq))
		}
		kind, s := jb.pop()
		switch kind {
		case popSilence:
			out = append(out, "S")
		case popPLC:
			out = append(out, "L")
		case popPacket:
			out = append(out, fmt.Sprintf("P%d", int(s.buf[0])<<8|int(s.buf[1])))
		case popFEC:
			out = append(out, fmt.Sprintf("F%d", int(s.buf[0])<<8|int(s.buf[1])))
		}
	}
	return out
}

// steady is one packet per tick, seq first+t at tick t, minus the lost
// ones, with moved ones delivered at the given tick instead.
func steady(first uint16, ticks int, lost []uint16, moved map[uint16]int) map[int][]uint16 {
	a := map[int][]uint16{}
	for t := range ticks {
		seq := first + uint16(t)
		if slices.Contains(lost, seq) {
			continue
		}
		at := t
		if m, ok := moved[seq]; ok {
			at = m
		}
		a[at] = append(a[at], seq)
	}
	return a
}

func frames(s string) []string { return strings.Fields(s) }

func TestJitterBuffer(t *testing.T) {
	tests := []struct {
		name     string
		target   int
		ticks    int
		arrivals map[int][]uint16
		want     string
		stats    StreamStats
	}{
		{
			name: "in order plays every packet after the target delay", target: 2, ticks: 6,
			arrivals: steady(100, 6, nil, nil),
			want:     "S P100 P101 P102 P103 P104",
			stats:    StreamStats{Packets: 6, Decoded: 5},
		},
		{
			name: "a longer target waits longer", target: 4, ticks: 6,
			arrivals: steady(100, 6, nil, nil),
			want:     "S S S P100 P101 P102",
			stats:    StreamStats{Packets: 6, Decoded: 3},
		},
		{
			name: "reordered within the buffer plays in order", target: 2, ticks: 7,
			arrivals: steady(100, 7, nil, map[uint16]int{102: 3, 103: 2}),
			want:     "S P100 P101 P102 P103 P104 P105",
			stats:    StreamStats{Packets: 7, Decoded: 6},
		},
		{
			name: "duplicates are played once", target: 2, ticks: 5,
			arrivals: map[int][]uint16{0: {100}, 1: {101, 100}, 2: {102, 101}, 3: {103}, 4: {104, 104}},
			want:     "S P100 P101 P102 P103",
			stats:    StreamStats{Packets: 5, Duplicates: 3, Decoded: 4},
		},
		{
			name: "a lost packet is rebuilt from the next one's FEC", target: 2, ticks: 7,
			arrivals: steady(100, 7, []uint16{102}, nil),
			want:     "S P100 P101 F103 P103 P104 P105",
			stats:    StreamStats{Packets: 6, Decoded: 5, FEC: 1},
		},
		{
			name: "two lost packets: conceal, then FEC", target: 2, ticks: 9,
			arrivals: steady(100, 9, []uint16{102, 103}, nil),
			// At tick 3 nothing later has come yet: conceal and wait (the
			// buffer grows a frame); at tick 4 packet 104 shows 102 lost.
			want:  "S P100 P101 L L F104 P104 P105 P106",
			stats: StreamStats{Packets: 7, Decoded: 5, FEC: 1, PLC: 2},
		},
		{
			name: "a packet arriving after the next one is rebuilt by FEC and counted late", target: 2, ticks: 7,
			arrivals: steady(100, 7, nil, map[uint16]int{102: 4}),
			want:     "S P100 P101 F103 P103 P104 P105",
			stats:    StreamStats{Packets: 6, Late: 1, Decoded: 5, FEC: 1},
		},
		{
			name: "a stalled network is waited for with concealment", target: 2, ticks: 7,
			arrivals: map[int][]uint16{0: {100}, 1: {101}, 4: {102}, 5: {103}, 6: {104}},
			want:     "S P100 P101 L P102 P103 P104",
			stats:    StreamStats{Packets: 5, Decoded: 5, PLC: 1},
		},
		{
			name: "sequence numbers wrap at 65535", target: 2, ticks: 7,
			arrivals: steady(65533, 7, nil, nil),
			want:     "S P65533 P65534 P65535 P0 P1 P2",
			stats:    StreamStats{Packets: 7, Decoded: 6},
		},
		{
			name: "reorder and loss across the wrap", target: 2, ticks: 8,
			arrivals: steady(65532, 8, []uint16{65535}, map[uint16]int{0: 2, 65534: 3}),
			want:     "S P65532 P65533 P65534 F0 P0 P1 P2",
			stats:    StreamStats{Packets: 7, Decoded: 6, FEC: 1},
		},
		{
			name: "a long gap conceals 200 ms, then silence, then primes again", target: 2, ticks: 20,
			arrivals: map[int][]uint16{0: {100}, 1: {101}, 16: {102}, 17: {103}, 18: {104}, 19: {105}},
			want:     "S P100 P101 L L L L L L L L L L S S S S P102 P103 P104",
			stats:    StreamStats{Packets: 6, Decoded: 5, PLC: 10},
		},
		{
			name: "a backlog from before playout starts is skipped", target: 2, ticks: 3,
			arrivals: map[int][]uint16{0: {100, 101, 102, 103, 104, 105, 106}, 1: {107}, 2: {108}},
			want:     "S P105 P106",
			stats:    StreamStats{Packets: 9, Decoded: 2, Skipped: 5},
		},
		{
			name: "a sender restarting its sequence is followed after three packets", target: 2, ticks: 9,
			arrivals: map[int][]uint16{0: {100}, 1: {101}, 2: {102}, 3: {30000}, 4: {30001}, 5: {30002}, 6: {30003}, 7: {30004}, 8: {30005}},
			want:     "S P100 P101 P102 L S P30002 P30003 P30004",
			stats:    StreamStats{Packets: 7, Dropped: 2, Decoded: 6, PLC: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c streamCounters
			jb := newJitterBuffer(tt.target, &c)
			got := jbRun(jb, tt.ticks, tt.arrivals)
			if !slices.Equal(got, frames(tt.want)) {
				t.Errorf("frames\n got %s\nwant %s", strings.Join(got, " "), tt.want)
			}
			if s := c.snapshot(); s != tt.stats {
				t.Errorf("stats %+v, want %+v", s, tt.stats)
			}
		})
	}
}

// TestJitterBufferTrimsExcessDelay has the network delay drop by 120 ms
// at once (a path that stalled recovers): six packets arrive together and
// every later one six frames earlier than before. The buffer then holds
// more than it needs, and that extra delay must not stay.
func TestJitterBufferTrimsExcessDelay(t *testing.T) {
	var c streamCounters
	jb := newJitterBuffer(2, &c)
	arrivals := map[int][]uint16{}
	for seq := uint16(1000); seq < 1300; seq++ {
		at := int(seq - 1000)
		if at > 10 {
			at = max(at-6, 10)
		}
		arrivals[at] = append(arrivals[at], seq)
	}
	got := jbRun(jb, 200, arrivals)
	if c.skipped.Load() == 0 {
		t.Fatal("no frame was dropped to cut the delay")
	}
	if jb.count > 3 {
		t.Fatalf("%d packets still buffered after 4 s, want at most target+1 = 3", jb.count)
	}
	// The skip happens once, not a frame at a time, and nothing is concealed.
	if n := c.plc.Load() + c.fec.Load(); n != 0 {
		t.Fatalf("%d frames concealed in a loss-free stream: %v", n, got)
	}
}

func TestJitterBufferRejectsBadPayloads(t *testing.T) {
	var c streamCounters
	jb := newJitterBuffer(2, &c)
	jb.insert(1, 0, nil)
	jb.insert(2, 0, make([]byte, maxPayload+1))
	if c.dropped.Load() != 2 || jb.count != 0 {
		t.Fatalf("dropped %d, buffered %d", c.dropped.Load(), jb.count)
	}
}
