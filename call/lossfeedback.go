package call

import (
	"math"
	"sync/atomic"

	"github.com/confab-rtc/confab/internal/pionutil"
	"github.com/pion/rtcp"
)

// Smoothing of the reported loss: it rises fast, because FEC that comes
// late does not help the burst that is already happening, and falls slowly,
// because loss comes in bursts and a quiet second says little.
const (
	// lossRise is the weight of a report above the estimate.
	lossRise = 0.5
	// lossFall is the weight of a report below the estimate: from 10 %
	// to under 1 % takes about 18 reports (pion sends one a second).
	lossFall = 0.125
)

// lossFeedback turns the receiver reports the far end (the room server)
// sends about the published stream into the packet loss the Opus encoder
// plans its in-band FEC for. The RTCP reader goroutine calls observe; the
// send loop, the encoder's only owner, reads percent every frame (one
// atomic load) and applies it when it changed.
type lossFeedback struct {
	ssrc uint32
	est  float64 // smoothed fraction lost, 0-1; owned by the RTCP reader
	pct  atomic.Int32
}

// newLossFeedback starts from the configured expected loss, until the
// first report says otherwise.
func newLossFeedback(ssrc uint32, initialPercent int) *lossFeedback {
	l := &lossFeedback{ssrc: ssrc, est: float64(initialPercent) / 100}
	l.pct.Store(int32(initialPercent))
	return l
}

// observe folds the reception reports about ssrc in an RTCP compound
// packet into the estimate; reports about other streams are ignored.
func (l *lossFeedback) observe(pkts []rtcp.Packet) {
	pionutil.EachReport(pkts, l.ssrc, func(rr rtcp.ReceptionReport) {
		l.add(float64(rr.FractionLost) / 256)
	})
}

// add folds one report's fraction lost (0-1) into the estimate.
func (l *lossFeedback) add(fraction float64) {
	w := lossFall
	if fraction > l.est {
		w = lossRise
	}
	l.est += w * (fraction - l.est)
	l.pct.Store(int32(math.Round(100 * l.est)))
}

// percent is the expected loss, 0-100 %.
func (l *lossFeedback) percent() int { return int(l.pct.Load()) }
