package pionutil

import "github.com/pion/rtcp"

// EachReport calls f with every reception report about ssrc in a compound
// RTCP packet, whether a receiver report or a sender report carries it;
// reports about other streams are skipped. It allocates nothing, so it
// suits the RTCP read loops of both the client and the server.
func EachReport(pkts []rtcp.Packet, ssrc uint32, f func(rtcp.ReceptionReport)) {
	for _, p := range pkts {
		var reports []rtcp.ReceptionReport
		switch r := p.(type) {
		case *rtcp.ReceiverReport:
			reports = r.Reports
		case *rtcp.SenderReport:
			reports = r.Reports
		}
		for _, rr := range reports {
			if rr.SSRC == ssrc {
				f(rr)
			}
		}
	}
}
