package call

import (
	"fmt"

	"github.com/pion/sdp/v3"
)

// freedMLinesAsRecvonly rewrites, in a subscribe offer, the direction of
// every known m-line (known reports the mids this connection already has)
// offered inactive to recvonly, so that pion does not stop its transceiver
// and a track later offered on that m-line is received.
//
// The server frees an m-line when its sender leaves and offers it
// inactive until a newcomer's track takes it over. pion stops a
// transceiver's receiver on every inactive offer, and puts a fresh one in
// place only when the stopped one had tracks: on the second inactive
// offer the fresh receiver is stopped too, and stays in place. A track
// offered later on that m-line is then started on a stopped receiver: it
// is never read, so the newcomer is silent to this listener and its
// packets pile up in a buffer nobody drains. A room with comings and
// goings offers a freed m-line inactive many times.
//
// Offered recvonly (the server may receive, it does not send), the
// m-line ends its track just the same: pion stops and replaces a receiver
// whose stream is no longer offered. The transceiver goes inactive, so
// the answer still says inactive, as it must for an inactive offer, and a
// later track on the m-line starts a receiver that was never stopped.
func freedMLinesAsRecvonly(offer string, known func(mid string) bool) (string, error) {
	var d sdp.SessionDescription
	if err := d.UnmarshalString(offer); err != nil {
		return "", fmt.Errorf("call: subscribe offer: %w", err)
	}
	changed := false
	for _, m := range d.MediaDescriptions {
		if m.MediaName.Port.Value == 0 {
			continue // rejected, not freed
		}
		mid, ok := m.Attribute(sdp.AttrKeyMID)
		if !ok || !known(mid) {
			// pion makes a new transceiver inactive without stopping
			// anything.
			continue
		}
		for i, a := range m.Attributes {
			if a.Key == sdp.AttrKeyInactive {
				m.Attributes[i] = sdp.NewPropertyAttribute(sdp.AttrKeyRecvOnly)
				changed = true
			}
		}
	}
	if !changed {
		return offer, nil
	}
	out, err := d.Marshal()
	if err != nil {
		return "", fmt.Errorf("call: subscribe offer: %w", err)
	}
	return string(out), nil
}
