package server

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/confab-rtc/confab/internal/pionutil"

	"github.com/confab-rtc/confab/signal"
)

func TestTopNSelection(t *testing.T) {
	ps := make([]*participant, 5)
	for i := range ps {
		ps[i] = &participant{userID: fmt.Sprint("p", i)}
	}
	levels := map[*participant]float64{}
	level := func(p *participant) float64 { return levels[p] }
	set := func(db ...float64) {
		for i, d := range db {
			levels[ps[i]] = 0
			if d < 127 {
				levels[ps[i]] = dbovToLinear(d)
			}
		}
	}
	names := func(top *topN) []string {
		var out []string
		for _, p := range top.selected {
			out = append(out, p.userID)
		}
		slices.Sort(out)
		return out
	}
	var top topN
	steps := []struct {
		name    string
		levels  []float64
		members []*participant
		want    []string
	}{
		{"silence fills by join order", []float64{127, 127, 127, 127, 127}, ps, []string{"p0", "p1", "p2"}},
		{"a speaker takes a silent place", []float64{127, 127, 127, 20, 127}, ps, []string{"p1", "p2", "p3"}},
		{"louder ones take the quietest places", []float64{30, 10, 127, 20, 15}, ps, []string{"p1", "p3", "p4"}},
		{"2 dB louder is not enough", []float64{18, 10, 127, 20, 15}, ps, []string{"p1", "p3", "p4"}},
		{"4 dB louder is", []float64{16, 10, 127, 20, 15}, ps, []string{"p0", "p1", "p4"}},
		{"quieting down alone changes nothing", []float64{40, 40, 127, 127, 40}, ps, []string{"p0", "p1", "p4"}},
		{"a leaver's place is refilled", []float64{40, 40, 127, 20, 40}, []*participant{ps[0], ps[2], ps[3], ps[4]}, []string{"p0", "p3", "p4"}},
	}
	for _, s := range steps {
		set(s.levels...)
		top.update(3, s.members, level)
		if got := names(&top); !slices.Equal(got, s.want) {
			t.Fatalf("%s: selected %v, want %v", s.name, got, s.want)
		}
	}
}

// TestTopN: eight publishers at distinct levels, top-3: every subscriber
// receives exactly the three loudest (but itself), and when the quietest
// gets loud it replaces the quietest of the three.
func TestTopN(t *testing.T) {
	guard(t)
	srv, url := startServer(t, Config{TopN: 3})
	var mu sync.Mutex
	lastSeq := map[string]uint16{}
	gaps := 0
	ear := dial(t, url, clientOpts{onPacket: func(from string, _ uint8, p *rtp.Packet) {
		mu.Lock()
		defer mu.Unlock()
		if last, ok := lastSeq[from]; ok && p.SequenceNumber != last+1 {
			gaps++
		}
		lastSeq[from] = p.SequenceNumber
	}})
	ear.join("big", "ear", signal.RoleJoiner)
	users := []string{"s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"}
	clients := map[string]*client{"ear": ear}
	pubs := map[string]*publisher{}
	for i, u := range users {
		c := dial(t, url, clientOpts{})
		c.join("big", u, signal.RoleJoiner)
		clients[u] = c
		// -10, -14, ... -38 dBov: 4 dB apart, more than the margin.
		pubs[u] = c.publish(u, "mic", byte(0x80|(10+4*i)))
	}
	// hearing returns whom c received packets from in 600 ms.
	hearing := func(c *client) []string {
		before := map[string]int64{}
		for _, u := range users {
			before[u] = c.packetsFrom(u)
		}
		time.Sleep(600 * time.Millisecond)
		var out []string
		for _, u := range users {
			if c.packetsFrom(u) > before[u] {
				out = append(out, u)
			}
		}
		return out
	}
	// expect checks that every client hears top (but itself), waiting up
	// to within for each.
	expect := func(top []string, within time.Duration) {
		t.Helper()
		for name, c := range clients {
			want := slices.DeleteFunc(slices.Clone(top), func(u string) bool { return u == name })
			var got []string
			for from, first := time.Now(), true; first || time.Since(from) < within; first = false {
				if got = hearing(c); slices.Equal(got, want) {
					break
				}
			}
			if !slices.Equal(got, want) {
				for u, c := range clients {
					t.Logf("%s: %v", u, hearing(c))
				}
				t.Fatalf("%s hears %v, want %v", name, got, want)
			}
		}
	}
	expect([]string{"s1", "s2", "s3"}, waitLong)
	// Stable: still the same three a while later.
	time.Sleep(time.Second)
	expect([]string{"s1", "s2", "s3"}, time.Second)

	// The quietest gets the loudest: it replaces s3.
	from8 := ear.packetsFrom("s8")
	pubs["s8"].level.Store(0x80 | 5)
	start := time.Now()
	eventually(t, "packets from s8", func() bool { return ear.packetsFrom("s8") > from8 })
	took := time.Since(start)
	t.Logf("the listener got s8's first packet %s after it got loud", took.Round(10*time.Millisecond))
	if took > 3*time.Second {
		t.Fatalf("s8 took %s to be heard", took)
	}
	expect([]string{"s1", "s2", "s8"}, waitLong)
	// The server counts as forwarded only what it let through: about
	// what the listener received (a few packets may be in flight, or
	// counted just after the listener got them). Without the gates it
	// would be 8/3 of it.
	var got int64
	for _, u := range users {
		got += ear.packetsFrom(u)
	}
	info, ok := srv.Participant("big", "ear")
	if fwd := int64(info.PacketsForwarded); !ok || fwd < got-got/10 || fwd > got+got/10 {
		t.Fatalf("the server says it forwarded %d packets to the listener, which received %d", info.PacketsForwarded, got)
	}
	t.Logf("forwarded to the listener %d, received %d", info.PacketsForwarded, got)
	mu.Lock()
	defer mu.Unlock()
	t.Logf("sequence gaps seen by the listener: %d", gaps)
	if gaps > 2 {
		t.Fatalf("the listener saw %d sequence gaps: a paused stream must resume without a gap", gaps)
	}
}

// ssrcBinding is a fakeBinding with its own SSRC.
type ssrcBinding struct {
	*fakeBinding
	ssrc webrtc.SSRC
}

func (b ssrcBinding) SSRC() webrtc.SSRC { return b.ssrc }

// nullWriter discards packets.
type nullWriter struct{ ssrcBinding }

func (nullWriter) WriteRTP(*rtp.Header, []byte) (int, error) { return 0, nil }
func (w nullWriter) WriteStream() webrtc.TrackLocalWriter    { return w }

func TestGatedTrack(t *testing.T) {
	tr := newGatedTrack(pionutil.OpusCodec, "mic", "alice")
	a := ssrcBinding{&fakeBinding{id: "a"}, 1}
	b := ssrcBinding{&fakeBinding{id: "b"}, 2}
	gate := tr.gate(2)
	for _, x := range []ssrcBinding{a, b} {
		if c, err := tr.Bind(x); err != nil || c.PayloadType != 100 {
			t.Fatalf("bind: %v %v", c, err)
		}
	}
	for seq := uint16(65533); seq != 4; seq++ { // 65533..3, wrapping
		gate.Store(seq == 65535 || seq == 0 || seq == 1) // b misses three
		pkt := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: seq, Timestamp: 960 * uint32(seq), SSRC: 9}, Payload: []byte{0xfc}}
		if err := tr.WriteRTP(&pkt); err != nil || pkt.SequenceNumber != seq {
			t.Fatalf("WriteRTP: %v, sequence number left at %d", err, pkt.SequenceNumber)
		}
	}
	seqs := func(b *fakeBinding) (out []uint16, ts []uint32) {
		for _, p := range b.written {
			if p.SSRC != 1 && p.SSRC != 2 || p.PayloadType != 100 {
				t.Fatalf("packet with ssrc %d payload type %d", p.SSRC, p.PayloadType)
			}
			out = append(out, p.SequenceNumber)
			ts = append(ts, p.Timestamp/960)
		}
		return out, ts
	}
	if got, _ := seqs(a.fakeBinding); !slices.Equal(got, []uint16{65533, 65534, 65535, 0, 1, 2, 3}) {
		t.Fatalf("open binding got %v", got)
	}
	// b resumes with the next sequence number; the timestamps show the
	// pause.
	got, ts := seqs(b.fakeBinding)
	if !slices.Equal(got, []uint16{65533, 65534, 65535, 0}) || !slices.Equal(ts, []uint32{65533, 65534, 2, 3}) {
		t.Fatalf("gated binding got sequence numbers %v, timestamps/960 %v", got, ts)
	}
	if err := tr.Unbind(b); err != nil {
		t.Fatal(err)
	}
	if err := tr.Unbind(b); err == nil {
		t.Fatal("a second unbind succeeded")
	}
}

func TestGatedTrackDoesNotAllocate(t *testing.T) {
	tr := newGatedTrack(pionutil.OpusCodec, "mic", "alice")
	for i := 0; i < 3; i++ {
		w := nullWriter{ssrcBinding{&fakeBinding{id: fmt.Sprint(i)}, webrtc.SSRC(i + 1)}}
		if _, err := tr.Bind(w); err != nil {
			t.Fatal(err)
		}
	}
	tr.gate(2).Store(true)
	pkt := rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: 1}, Payload: []byte{0xfc}}
	if n := testing.AllocsPerRun(1000, func() { pkt.SequenceNumber++; _ = tr.WriteRTP(&pkt) }); n != 0 {
		t.Fatalf("WriteRTP allocates %.0f times", n)
	}
}

// BenchmarkFanout compares writing one packet to 10 subscribe legs through
// pion's TrackLocalStaticRTP and through a gatedTrack (all open, and with
// top-3 gating holding back 7 of the 10).
func BenchmarkFanout(b *testing.B) {
	legs := func(bind func(webrtc.TrackLocalContext) error) {
		for i := 0; i < 10; i++ {
			if err := bind(nullWriter{ssrcBinding{&fakeBinding{id: fmt.Sprint(i)}, webrtc.SSRC(i + 1)}}); err != nil {
				b.Fatal(err)
			}
		}
	}
	run := func(b *testing.B, tr rtpTrack) {
		pkt := rtp.Packet{Header: rtp.Header{Version: 2}, Payload: make([]byte, 80)}
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			pkt.SequenceNumber++
			_ = tr.WriteRTP(&pkt)
		}
	}
	b.Run("static", func(b *testing.B) {
		tr, err := webrtc.NewTrackLocalStaticRTP(pionutil.OpusCodec, "mic", "alice")
		if err != nil {
			b.Fatal(err)
		}
		legs(func(c webrtc.TrackLocalContext) error { _, err := tr.Bind(c); return err })
		run(b, tr)
	})
	b.Run("gated-open", func(b *testing.B) {
		tr := newGatedTrack(pionutil.OpusCodec, "mic", "alice")
		legs(func(c webrtc.TrackLocalContext) error { _, err := tr.Bind(c); return err })
		run(b, tr)
	})
	b.Run("gated-top3", func(b *testing.B) {
		tr := newGatedTrack(pionutil.OpusCodec, "mic", "alice")
		for i := 4; i <= 10; i++ {
			tr.gate(webrtc.SSRC(i)).Store(true)
		}
		legs(func(c webrtc.TrackLocalContext) error { _, err := tr.Bind(c); return err })
		run(b, tr)
	})
}
