package server

import (
	"bytes"
	"slices"
	"testing"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/confab-rtc/confab/internal/pionutil"
)

// fakeBinding is one subscribe leg as TrackLocalStaticRTP sees it, keeping
// what is written to it.
type fakeBinding struct {
	id      string
	written []rtp.Packet
}

func (b *fakeBinding) CodecParameters() []webrtc.RTPCodecParameters {
	return []webrtc.RTPCodecParameters{{RTPCodecCapability: pionutil.OpusCodec, PayloadType: 100}}
}
func (b *fakeBinding) HeaderExtensions() []webrtc.RTPHeaderExtensionParameter { return nil }
func (b *fakeBinding) SSRC() webrtc.SSRC                                      { return 4242 }
func (b *fakeBinding) SSRCRetransmission() webrtc.SSRC                        { return 0 }
func (b *fakeBinding) SSRCForwardErrorCorrection() webrtc.SSRC                { return 0 }
func (b *fakeBinding) WriteStream() webrtc.TrackLocalWriter                   { return b }
func (b *fakeBinding) ID() string                                             { return b.id }
func (b *fakeBinding) RTCPReader() interceptor.RTCPReader                     { return nil }

// WriteRTP keeps a deep copy of the packet: marshalled and parsed back, as
// the subscriber would see it on the wire.
func (b *fakeBinding) WriteRTP(h *rtp.Header, payload []byte) (int, error) {
	raw, err := (&rtp.Packet{Header: *h, Payload: payload}).Marshal()
	if err != nil {
		return 0, err
	}
	var p rtp.Packet
	if err := p.Unmarshal(raw); err != nil {
		return 0, err
	}
	b.written = append(b.written, p)
	return len(raw), nil
}
func (b *fakeBinding) Write(raw []byte) (int, error) { return len(raw), nil }

// packet builds a publisher's packet with the given one-byte extensions.
func packet(t *testing.T, seq uint16, exts map[uint8][]byte) []byte {
	t.Helper()
	p := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: seq, Timestamp: 960 * uint32(seq), SSRC: 1}, Payload: []byte{0xfc, 1, 2, 3}}
	for id := uint8(1); id < 15; id++ {
		if v, ok := exts[id]; ok {
			if err := p.Header.SetExtension(id, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	raw, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// testForwarder is a forwarder on a real TrackLocalStaticRTP bound to one
// fake subscribe leg, publishing with the audio level under inExt.
func testForwarder(t *testing.T, inExt, outExt uint8) (*forwarder, *fakeBinding, *participant, *participant) {
	t.Helper()
	local, err := webrtc.NewTrackLocalStaticRTP(pionutil.OpusCodec, "mic", "alice")
	if err != nil {
		t.Fatal(err)
	}
	leg := &fakeBinding{id: "leg"}
	if _, err := local.Bind(leg); err != nil {
		t.Fatal(err)
	}
	pub, sub := &participant{userID: "alice"}, &participant{userID: "bob"}
	f := &forwarder{pub: pub, local: local, inExt: inExt}
	f.outExt.Store(uint32(outExt))
	f.subs.Store(&[]subRef{})
	f.addSub(sub)
	return f, leg, pub, sub
}

func TestForward(t *testing.T) {
	cases := []struct {
		name         string
		inExt, out   uint8
		exts         map[uint8][]byte
		wantLevel    int // -1: no level on the subscribe leg
		wantStored   int
		wantExtCount int
	}{
		{"same id", 1, 1, map[uint8][]byte{1: {0x80 | 25}}, 0x80 | 25, 25, 1},
		{"rewritten id", 3, 1, map[uint8][]byte{3: {42}}, 42, 42, 1},
		{"other extensions stripped", 2, 5, map[uint8][]byte{1: {9}, 2: {0x80 | 7}, 3: {1, 2, 3}}, 0x80 | 7, 7, 1},
		{"id above the one-byte range", 1, 20, map[uint8][]byte{1: {33}}, 33, 33, 1},
		{"no level in the packet", 1, 1, map[uint8][]byte{4: {1}}, -1, NoLevel, 0},
		{"level not negotiated by the publisher", 0, 1, map[uint8][]byte{1: {60}}, -1, NoLevel, 0},
		{"level not negotiated by the subscriber", 1, 0, map[uint8][]byte{1: {60}}, -1, 60, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, leg, pub, sub := testForwarder(t, tc.inExt, tc.out)
			var scratch rtp.Packet
			for seq := uint16(65534); seq != 2; seq++ { // across the wraparound
				f.forward(&scratch, packet(t, seq, tc.exts), 77)
			}
			if len(leg.written) != 4 || pub.packetsIn.Load() != 4 || sub.packetsOut.Load() != 4 {
				t.Fatalf("wrote %d, counted in %d out %d; want 4 each", len(leg.written), pub.packetsIn.Load(), sub.packetsOut.Load())
			}
			for i, p := range leg.written {
				if want := uint16(65534) + uint16(i); p.SequenceNumber != want || p.SSRC != 4242 || p.PayloadType != 100 {
					t.Fatalf("packet %d: seq %d ssrc %d pt %d, want seq %d on the leg's ssrc and pt", i, p.SequenceNumber, p.SSRC, p.PayloadType, want)
				}
				if !bytes.Equal(p.Payload, []byte{0xfc, 1, 2, 3}) {
					t.Fatalf("payload changed: %x", p.Payload)
				}
				if n := len(p.GetExtensionIDs()); n != tc.wantExtCount {
					t.Fatalf("%d extensions on the subscribe leg, want %d", n, tc.wantExtCount)
				}
				got := -1
				if l := p.GetExtension(tc.out); tc.out != 0 && len(l) == 1 {
					got = int(l[0])
				}
				if got != tc.wantLevel {
					t.Fatalf("level on the subscribe leg %#x, want %#x", got, tc.wantLevel)
				}
			}
			if level, _, _ := pub.level.load(); level != tc.wantStored {
				t.Fatalf("stored level %d, want %d", level, tc.wantStored)
			}
		})
	}
}

func TestForwardMalformedAndUnsubscribed(t *testing.T) {
	f, leg, pub, sub := testForwarder(t, 1, 1)
	var scratch rtp.Packet
	f.forward(&scratch, []byte{0x80, 1}, 0) // shorter than an RTP header
	if len(leg.written) != 0 || pub.packetsIn.Load() != 0 {
		t.Fatal("a malformed packet was forwarded or counted")
	}
	f.removeSub(sub)
	f.forward(&scratch, packet(t, 1, nil), 0)
	if sub.packetsOut.Load() != 0 || pub.packetsIn.Load() != 1 {
		t.Fatalf("after removeSub: out %d in %d, want 0 and 1", sub.packetsOut.Load(), pub.packetsIn.Load())
	}
}

// TestForwardNoAlloc: the packet path allocates nothing per packet (the
// shared track's own pooled copy included).
func TestForwardNoAlloc(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items, which allocates")
	}
	local, err := webrtc.NewTrackLocalStaticRTP(pionutil.OpusCodec, "mic", "alice")
	if err != nil {
		t.Fatal(err)
	}
	f := &forwarder{pub: &participant{}, local: local, inExt: 3}
	f.outExt.Store(1)
	f.subs.Store(&[]subRef{})
	f.addSub(&participant{})
	raw := packet(t, 7, map[uint8][]byte{2: {1, 2}, 3: {0x80 | 12}})
	var scratch rtp.Packet
	if n := testing.AllocsPerRun(1000, func() { f.forward(&scratch, raw, 1) }); n != 0 {
		t.Fatalf("%v allocations per packet, want 0", n)
	}
}

// BenchmarkForward measures the server's own work per forwarded packet,
// without the network.
func BenchmarkForward(b *testing.B) {
	local, err := webrtc.NewTrackLocalStaticRTP(pionutil.OpusCodec, "mic", "alice")
	if err != nil {
		b.Fatal(err)
	}
	f := &forwarder{pub: &participant{}, local: local, inExt: 3}
	f.outExt.Store(1)
	f.subs.Store(&[]subRef{})
	for range 8 {
		f.addSub(&participant{})
	}
	p := rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: 1}, Payload: make([]byte, 120)}
	_ = p.Header.SetExtension(3, []byte{30})
	raw, _ := p.Marshal()
	var scratch rtp.Packet
	b.ReportAllocs()
	for b.Loop() {
		f.forward(&scratch, raw, 1)
	}
}

func TestCodecName(t *testing.T) {
	for in, want := range map[string]string{"audio/opus": "opus", "audio/OPUS": "opus", "video/VP8": "vp8", "": ""} {
		if got := codecName(in); got != want {
			t.Errorf("codecName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestForwardDropsStale: after an outage the publisher's answers to NACKs
// for what was lost in it (old sequence numbers) are not forwarded; recent
// retransmissions and the live stream across the wraparound are, and a
// sender that really restarted its sequence numbers is followed.
func TestForwardDropsStale(t *testing.T) {
	f, leg, _, _ := testForwarder(t, 1, 1)
	var scratch rtp.Packet
	send := func(seqs ...uint16) {
		for _, s := range seqs {
			f.forward(&scratch, packet(t, s, nil), 0)
		}
	}
	written := func() []uint16 {
		var out []uint16
		for _, p := range leg.written {
			out = append(out, p.SequenceNumber)
		}
		leg.written = nil
		return out
	}
	send(65530, 65535, 3) // live, with a gap across the wraparound
	send(65531)           // a recent retransmission
	if got := written(); !slices.Equal(got, []uint16{65530, 65535, 3, 65531}) {
		t.Fatalf("forwarded %v", got)
	}
	send(403)               // back after 8 s of outage
	send(4, 5, 6, 352, 353) // the NACK burst for the outage
	send(404)               // live again
	if got := written(); !slices.Equal(got, []uint16{403, 353, 404}) {
		t.Fatalf("after the outage forwarded %v, want only 403, the recent 353 and 404", got)
	}
	base := uint16(50000) // a sender that went far behind, for good
	for i := range maxStaleRun + 2 {
		send(base + uint16(i))
	}
	if got := written(); len(got) != 2 || got[0] != base+maxStaleRun {
		t.Fatalf("a restarted sender: forwarded %v, want it followed after %d stale packets", got, maxStaleRun)
	}
}
