package call

import (
	"log/slog"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/stats"
	"github.com/pion/transport/v4"
	"github.com/pion/webrtc/v4"

	"github.com/confab-rtc/confab/internal/pionutil"
)

// newAPI builds a pion API with Opus only, the RFC 6464 audio-level header
// extension, and pion's default interceptors (NACK, RTCP reports, stats,
// TWCC); onStats, when not nil, receives the stats interceptor's getter of
// every PeerConnection made from it; first are registered before pion's
// interceptors (tests put a lossy link there).
func newAPI(log *slog.Logger, netw transport.Net, onStats stats.NewPeerConnectionCallback, first ...interceptor.Factory) (*webrtc.API, error) {
	me, ir, err := pionutil.NewMediaEngineStats(onStats, first...)
	if err != nil {
		return nil, err
	}
	se := webrtc.SettingEngine{}
	// Loopback candidates make calls on one machine (and in tests) work
	// where no other interface is up.
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	// pion logs to stderr by default, which would tear the TUI: route its
	// warnings into the engine's log instead.
	se.LoggerFactory = pionutil.LoggerFactory(log)
	// mDNS would hide host addresses behind .local names, as on the server.
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	if netw != nil {
		se.SetNet(netw)
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(se)), nil
}

// peerMaker makes the engine's PeerConnections. Each gets an API of its
// own, so the stats getter its interceptor chain hands out is known to
// belong to it (pion keeps the PeerConnection's id private).
type peerMaker struct {
	log *slog.Logger
	// first are interceptors placed closest to the network (tests).
	first []interceptor.Factory
	// net, when not nil, makes the sockets (tests cut it).
	net transport.Net
}

// newPeer makes a PeerConnection and returns it with the getter of its RTP
// stream statistics.
func (m peerMaker) newPeer() (*webrtc.PeerConnection, stats.Getter, error) {
	var getter stats.Getter
	api, err := newAPI(m.log, m.net, func(_ string, g stats.Getter) { getter = g }, m.first...)
	if err != nil {
		return nil, nil, err
	}
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, nil, err
	}
	return pc, getter, nil
}
