package call

import (
	"log/slog"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"

	"github.com/confab-rtc/confab/internal/pionutil"
)

// newAPI builds a pion API with Opus only, the RFC 6464 audio-level header
// extension, and pion's default interceptors (NACK, RTCP reports); first
// are registered before those (tests put a lossy link there).
func newAPI(log *slog.Logger, first ...interceptor.Factory) (*webrtc.API, error) {
	me, ir, err := pionutil.NewMediaEngine(first...)
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
	return webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(se)), nil
}
