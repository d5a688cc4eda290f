package pionutil

import (
	"testing"

	"github.com/pion/rtcp"
)

func TestEachReport(t *testing.T) {
	pkts := []rtcp.Packet{
		&rtcp.ReceiverReport{Reports: []rtcp.ReceptionReport{{SSRC: 1, FractionLost: 10}, {SSRC: 2, FractionLost: 20}}},
		&rtcp.PictureLossIndication{MediaSSRC: 1},
		&rtcp.SenderReport{Reports: []rtcp.ReceptionReport{{SSRC: 1, FractionLost: 30}}},
	}
	var got []uint8
	EachReport(pkts, 1, func(r rtcp.ReceptionReport) { got = append(got, r.FractionLost) })
	if len(got) != 2 || got[0] != 10 || got[1] != 30 {
		t.Errorf("reports about SSRC 1: fraction lost %v, want [10 30] (receiver report, then sender report)", got)
	}
	var none int
	EachReport(pkts, 3, func(rtcp.ReceptionReport) { none++ })
	if none != 0 {
		t.Errorf("%d reports about an SSRC nobody reported on, want 0", none)
	}
}
