package server

import (
	"log/slog"

	"github.com/pion/ice/v4"
	"github.com/pion/webrtc/v4"

	"github.com/confab-rtc/confab/internal/pionutil"
)

// newAPI builds the pion API every PeerConnection of the server comes from:
// Opus only, the RFC 6464 audio-level extension, pion's default
// interceptors (NACK generator and responder, RTCP sender and receiver
// reports, the stats interceptor, TWCC feedback) and ICE settings for
// host-only, non-trickle candidates.
func newAPI(cfg ICEConfig, log *slog.Logger) (*webrtc.API, error) {
	me, ir, err := pionutil.NewMediaEngine()
	if err != nil {
		return nil, err
	}
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(!cfg.NoLoopback)
	types := []webrtc.NetworkType{webrtc.NetworkTypeUDP4}
	if cfg.UDP6 {
		types = append(types, webrtc.NetworkTypeUDP6)
	}
	se.SetNetworkTypes(types)
	// mDNS would hide host addresses behind .local names a terminal
	// client cannot resolve, and costs a multicast socket per connection.
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	if cfg.PortMin != 0 || cfg.PortMax != 0 {
		if err := se.SetEphemeralUDPPortRange(cfg.PortMin, cfg.PortMax); err != nil {
			return nil, err
		}
	}
	if len(cfg.PublicIPs) > 0 {
		// Replace the host candidates' addresses, as a 1:1 NAT does.
		if err := se.SetICEAddressRewriteRules(webrtc.ICEAddressRewriteRule{
			External:        cfg.PublicIPs,
			AsCandidateType: webrtc.ICECandidateTypeHost,
			Mode:            webrtc.ICEAddressRewriteReplace,
		}); err != nil {
			return nil, err
		}
	}
	se.LoggerFactory = pionutil.LoggerFactory(log)
	return webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(se)), nil
}
