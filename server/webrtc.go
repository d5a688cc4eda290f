package server

import (
	"log/slog"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"

	"github.com/confab-rtc/confab/internal/pionutil"
)

// opusCapability is the one codec the server negotiates: the forwarder
// copies packets and never transcodes, so both sides must speak the same
// thing.
func opusCapability() webrtc.RTPCodecCapability {
	return webrtc.RTPCodecCapability{
		MimeType:    webrtc.MimeTypeOpus,
		ClockRate:   48000,
		Channels:    2,
		SDPFmtpLine: "minptime=10;useinbandfec=1",
	}
}

// opusPayloadType matches what confab clients offer, so payload types are
// the same on both legs in the common case.
const opusPayloadType = 111

// newAPI builds the pion API every PeerConnection of the server comes from:
// Opus only, the RFC 6464 audio-level extension, pion's default
// interceptors (NACK generator and responder, RTCP sender and receiver
// reports, the stats interceptor, TWCC feedback) and ICE settings for
// host-only, non-trickle candidates.
func newAPI(cfg ICEConfig, log *slog.Logger) (*webrtc.API, error) {
	me := &webrtc.MediaEngine{}
	if err := me.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: opusCapability(), PayloadType: opusPayloadType}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	// Registered first so it gets the same id the client offers (1) and
	// the forwarder rarely has to rewrite it.
	if err := me.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: sdp.AudioLevelURI}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	ir := &interceptor.Registry{}
	// The default set already contains the stats interceptor
	// (ConfigureStatsInterceptor); registering it twice would count every
	// packet twice.
	if err := webrtc.RegisterDefaultInterceptors(me, ir); err != nil {
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
