package server

import (
	"bytes"
	"testing"

	"github.com/pion/rtp"
)

// FuzzForwardHeaderExtensions feeds the forwarder arbitrary packets from a
// publisher, under any negotiated audio-level ids: the one place the
// server reads RTP header extensions (the RFC 6464 level) and rewrites
// them for the subscribe leg. A packet pion cannot parse is dropped and
// counted; any other is forwarded once with its sequence number and
// payload intact and carries, on the subscribe leg, the publisher's level
// under the subscriber's id and no other extension; the level the server
// keeps for speaker detection is the one the packet carried.
func FuzzForwardHeaderExtensions(f *testing.F) {
	level := func(exts map[uint8][]byte, twoByte bool) []byte {
		p := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: 7, Timestamp: 960, SSRC: 1}, Payload: []byte{0xfc, 1, 2, 3}}
		if twoByte {
			p.Header.Extension, p.Header.ExtensionProfile = true, rtp.ExtensionProfileTwoByte
		}
		for id := uint8(1); id < 30; id++ {
			if v, ok := exts[id]; ok {
				if err := p.Header.SetExtension(id, v); err != nil {
					f.Fatal(err)
				}
			}
		}
		raw, err := p.Marshal()
		if err != nil {
			f.Fatal(err)
		}
		return raw
	}
	f.Add(level(map[uint8][]byte{1: {0x80 | 25}}, false), uint8(1), uint8(1))
	f.Add(level(map[uint8][]byte{1: {9}, 3: {42}, 5: {1, 2, 3}}, false), uint8(3), uint8(20))
	f.Add(level(map[uint8][]byte{17: {0x80 | 7}, 2: bytes.Repeat([]byte{1}, 40)}, true), uint8(17), uint8(4))
	f.Add(level(nil, false), uint8(1), uint8(1))
	f.Add([]byte{0x80, 1}, uint8(1), uint8(1))
	f.Fuzz(func(t *testing.T, raw []byte, inExt, outExt uint8) {
		f, leg, pub, sub := testForwarder(t, inExt, outExt)
		var in rtp.Packet
		parseErr := in.Unmarshal(bytes.Clone(raw))
		var scratch rtp.Packet
		f.forward(&scratch, raw, 77)
		if parseErr != nil {
			if len(leg.written) != 0 || pub.packetsDropped.Load() != 1 || pub.packetsIn.Load() != 0 {
				t.Fatalf("unparsable packet (%v): forwarded %d, dropped %d", parseErr, len(leg.written), pub.packetsDropped.Load())
			}
			return
		}
		if len(leg.written) != 1 || pub.packetsIn.Load() != 1 || sub.packetsOut.Load() != 1 {
			t.Fatalf("forwarded %d packets, counted in %d out %d; want 1 each", len(leg.written), pub.packetsIn.Load(), sub.packetsOut.Load())
		}
		out := leg.written[0]
		if out.SequenceNumber != in.SequenceNumber || out.Timestamp != in.Timestamp || !bytes.Equal(out.Payload, in.Payload) {
			t.Fatalf("forwarded seq %d ts %d payload %x, want seq %d ts %d payload %x",
				out.SequenceNumber, out.Timestamp, out.Payload, in.SequenceNumber, in.Timestamp, in.Payload)
		}
		var want []byte
		if inExt != 0 {
			want = in.GetExtension(inExt)
		}
		ids := out.GetExtensionIDs()
		switch {
		case len(want) > 0 && outExt != 0:
			if len(ids) != 1 || !bytes.Equal(out.GetExtension(outExt), want) {
				t.Fatalf("subscribe leg has extensions %v, level %x under %d; want only %x under %d", ids, out.GetExtension(outExt), outExt, want, outExt)
			}
		case len(ids) != 0:
			t.Fatalf("subscribe leg has extensions %v, want none", ids)
		}
		got, _, _ := pub.level.load()
		switch {
		case len(want) > 0 && got != int(want[0]&0x7f):
			t.Fatalf("kept level %d, the packet carried %d", got, want[0]&0x7f)
		case len(want) == 0 && got != NoLevel:
			t.Fatalf("kept level %d from a packet without one", got)
		}
	})
}
