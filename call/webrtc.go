package call

import (
	"bytes"
	"log/slog"

	"github.com/pion/interceptor"
	"github.com/pion/logging"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// opusCodec is the one codec confab publishes and accepts: Opus, 48 kHz,
// with in-band FEC (useinbandfec=1) as the send side encodes it.
var opusCodec = webrtc.RTPCodecCapability{
	MimeType:    webrtc.MimeTypeOpus,
	ClockRate:   48000,
	Channels:    2,
	SDPFmtpLine: "minptime=10;useinbandfec=1",
}

// opusPayloadType is the payload type confab offers for Opus.
const opusPayloadType = 111

// newAPI builds a pion API with Opus only, the RFC 6464 audio-level header
// extension, and pion's default interceptors (NACK, RTCP reports).
func newAPI(log *slog.Logger) (*webrtc.API, error) {
	me := &webrtc.MediaEngine{}
	if err := me.RegisterCodec(webrtc.RTPCodecParameters{
		RTPCodecCapability: opusCodec,
		PayloadType:        opusPayloadType,
	}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	if err := me.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: sdp.AudioLevelURI}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	ir := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(me, ir); err != nil {
		return nil, err
	}
	se := webrtc.SettingEngine{}
	// Loopback candidates make calls on one machine (and in tests) work
	// where no other interface is up.
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	// pion logs to stderr by default, which would tear the TUI: route its
	// warnings into the engine's log instead.
	se.LoggerFactory = &logging.DefaultLoggerFactory{
		Writer:          slogWriter{log},
		DefaultLogLevel: logging.LogLevelWarn,
		ScopeLevels:     map[string]logging.LogLevel{},
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(se)), nil
}

// audioLevelExtID returns the negotiated id of the audio-level extension
// on a sender, or 0 when it was not negotiated.
func audioLevelExtID(s *webrtc.RTPSender) uint8 {
	for _, h := range s.GetParameters().HeaderExtensions {
		if h.URI == sdp.AudioLevelURI {
			return uint8(h.ID)
		}
	}
	return 0
}

// slogWriter turns pion's log lines into structured log records.
type slogWriter struct{ log *slog.Logger }

func (w slogWriter) Write(p []byte) (int, error) {
	w.log.Warn("pion", "msg", string(bytes.TrimSpace(p)))
	return len(p), nil
}
