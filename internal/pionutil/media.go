package pionutil

import (
	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/stats"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// OpusCodec is the one codec confab negotiates, on both the client and
// the server: the server forwards packets and never transcodes, so both
// sides must speak exactly this. In-band FEC is on because the clients
// encode with it.
var OpusCodec = webrtc.RTPCodecCapability{
	MimeType:    webrtc.MimeTypeOpus,
	ClockRate:   48000,
	Channels:    2,
	SDPFmtpLine: "minptime=10;useinbandfec=1",
}

// OpusPayloadType is the payload type both sides offer for Opus, so the
// common case needs no payload-type mapping.
const OpusPayloadType = 111

// NewMediaEngine makes the media engine and interceptor registry every
// confab PeerConnection is built from: Opus only, the RFC 6464 audio-level
// extension registered first (so both sides offer it with the same id and
// the forwarder rarely rewrites it), and pion's default interceptors (NACK,
// RTCP reports, the stats interceptor, TWCC), registered once: registering
// the stats interceptor again would count every packet twice. Interceptors
// in first are registered before pion's, closest to the network (a test's
// LossyReceive).
func NewMediaEngine(first ...interceptor.Factory) (*webrtc.MediaEngine, *interceptor.Registry, error) {
	return NewMediaEngineStats(nil, first...)
}

// NewMediaEngineStats is NewMediaEngine whose stats interceptor hands each
// PeerConnection's stats.Getter to onStats (synchronously, while the
// PeerConnection is made), for a client that shows its own statistics.
// With onStats nil it is NewMediaEngine. pion's PeerConnection.GetStats
// keeps its transport and candidate statistics but reports no RTP stream
// counters then: pion keeps its own getter private, and a second stats
// interceptor would process every packet twice.
func NewMediaEngineStats(onStats stats.NewPeerConnectionCallback, first ...interceptor.Factory) (*webrtc.MediaEngine, *interceptor.Registry, error) {
	me := &webrtc.MediaEngine{}
	if err := me.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: OpusCodec, PayloadType: OpusPayloadType}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, nil, err
	}
	if err := me.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: sdp.AudioLevelURI}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, nil, err
	}
	ir := &interceptor.Registry{}
	for _, f := range first {
		ir.Add(f)
	}
	if onStats == nil {
		if err := webrtc.RegisterDefaultInterceptors(me, ir); err != nil {
			return nil, nil, err
		}
		return me, ir, nil
	}
	// pion's defaults with our own stats interceptor, registered ahead of
	// the report interceptors: it learns the sender reports it needs for
	// the round trip only from the RTCP that passes it on the way out, and
	// the reports are written below the interceptor that makes them.
	sf, err := stats.NewInterceptor()
	if err != nil {
		return nil, nil, err
	}
	sf.OnNewPeerConnection(onStats)
	ir.Add(sf)
	if err := webrtc.ConfigureNack(me, ir); err != nil {
		return nil, nil, err
	}
	if err := webrtc.ConfigureRTCPReports(ir); err != nil {
		return nil, nil, err
	}
	if err := webrtc.ConfigureSimulcastExtensionHeaders(me); err != nil {
		return nil, nil, err
	}
	if err := webrtc.ConfigureTWCCSender(me, ir); err != nil {
		return nil, nil, err
	}
	return me, ir, nil
}
