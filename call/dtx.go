package call

import (
	"time"

	"github.com/confab-rtc/confab/audio"
)

// dtxKeepalive bounds the gap between packets of a sender in DTX. libopus
// itself, like WebRTC's sender, refreshes the comfort noise with a real
// packet every 400 ms of silence (20 DTX frames, then one coded frame),
// so this is a safety net set just above that period: the far end's
// jitter buffer and the server's stream monitor (stream-interrupted after
// a second or more without packets) always see a live stream, and the
// gap is short enough to count as DTX, not loss.
const dtxKeepalive = 500 * time.Millisecond

// dtxGate decides which of a DTX encoder's packets the send loop sends:
// the 1-2 byte packets libopus makes for silent frames are left out,
// except one once dtxKeepalive passed without any packet. The send loop
// still advances the RTP timestamp for a frame left out, and not the
// sequence number, so the receiver sees a DTX gap, not loss.
type dtxGate struct {
	keepalive int // in samples
	silent    int // samples left out since the last packet sent
}

func newDTXGate() *dtxGate {
	return &dtxGate{keepalive: int(dtxKeepalive * audio.SampleRate / time.Second)}
}

// admit takes the next encoded packet, of frame samples, and reports
// whether to send it and whether it starts a talkspurt after a gap (the
// RTP marker bit, RFC 7587).
func (g *dtxGate) admit(payload []byte, frame int) (send, talkspurt bool) {
	if audio.IsDTXPacket(payload) {
		if g.silent+frame < g.keepalive {
			g.silent += frame
			return false, false
		}
		g.silent = 0
		return true, false
	}
	talkspurt = g.silent > 0
	g.silent = 0
	return true, talkspurt
}
