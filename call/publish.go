package call

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/pion/interceptor/pkg/stats"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/pionutil"
)

// voiceThresholdDBov is the level (in -dBov) below which a frame is
// flagged as voice in the audio-level extension: louder than -50 dBov.
const voiceThresholdDBov = 50

// publisher owns the publish PeerConnection and its send loop: frames
// from the source are metered, Opus-encoded and sent as RTP packets that
// carry the RFC 6464 audio level.
type publisher struct {
	pc     *webrtc.PeerConnection
	track  *webrtc.TrackLocalStaticRTP
	sender *webrtc.RTPSender
	// loss is the loss the server reports receiving our stream with,
	// for the encoder's FEC.
	loss *lossFeedback
	// stats and ssrc give the stream's counters and the server's
	// reports about it (stats.go).
	stats stats.Getter
	ssrc  uint32
}

// newPublisher makes the publish connection; expectLoss is the packet
// loss (%) the encoder plans FEC for until the server's first report.
func newPublisher(pm peerMaker, userID string, expectLoss int) (*publisher, error) {
	pc, getter, err := pm.newPeer()
	if err != nil {
		return nil, err
	}
	track, err := webrtc.NewTrackLocalStaticRTP(pionutil.OpusCodec, "audio", userID)
	if err != nil {
		pc.Close()
		return nil, err
	}
	tr, err := pc.AddTransceiverFromTrack(track, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
	if err != nil {
		pc.Close()
		return nil, err
	}
	p := &publisher{pc: pc, track: track, sender: tr.Sender(), stats: getter}
	if enc := p.sender.GetParameters().Encodings; len(enc) > 0 {
		p.ssrc = uint32(enc[0].SSRC)
	}
	p.loss = newLossFeedback(p.ssrc, expectLoss)
	// Read RTCP so the interceptors (NACK responder, reports) work, and
	// follow the loss the server's receiver reports tell. It ends when
	// the connection closes.
	go func() {
		for {
			pkts, _, err := p.sender.ReadRTCP()
			if err != nil {
				return
			}
			p.loss.observe(pkts)
		}
	}()
	return p, nil
}

// offer creates the local offer with all ICE candidates gathered.
func (p *publisher) offer() (string, error) {
	return completeLocalDescription(p.pc, func() (webrtc.SessionDescription, error) { return p.pc.CreateOffer(nil) })
}

func (p *publisher) setAnswer(sdp string) error {
	return p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: sdp})
}

// sendLoop runs until ctx ends or the source fails. Each frame (of the
// encoder's 10 or 20 ms) goes through proc (when not nil) before anything
// else, also while muted, so the echo canceller keeps converging, and
// micMeter measures it before mute (meter after). muted is
// read every frame: a muted microphone sends encoded silence, which keeps
// the RTP stream and the far end's jitter buffer steady. With FEC the
// encoder follows the loss the server reports; with DTX, the encoder's
// silent 1-2 byte packets are left out but for one after dtxKeepalive
// without any (libopus' own refresh packets come every 400 ms):
// sequence numbers stay continuous and timestamps keep counting samples,
// so the receiver sees a timestamp gap without a sequence gap, which is
// DTX and not loss.
func (p *publisher) sendLoop(ctx context.Context, src audio.Source, proc audio.Processor, enc *audio.Encoder, meter, micMeter *audio.Meter, muted func() bool) error {
	cfg := enc.Config()
	fs := enc.FrameSamples()
	frame := make([]int16, fs)
	payload := make([]byte, 1500)
	ext := make([]byte, 1)
	extID := pionutil.AudioLevelID(p.sender.GetParameters().HeaderExtensions)
	dtx := newDTXGate()
	pkt := &rtp.Packet{Header: rtp.Header{
		Version:        2,
		PayloadType:    pionutil.OpusPayloadType,
		SequenceNumber: uint16(rand.Uint32()),
		Timestamp:      rand.Uint32(),
		Marker:         true,
	}}
	for {
		if err := src.ReadFrame(ctx, frame); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if proc != nil {
			proc.ProcessCapture(frame)
		}
		micMeter.Update(frame)
		if muted() {
			clear(frame)
		}
		meter.Update(frame)
		if cfg.FEC {
			if err := enc.SetPacketLossPercent(p.loss.percent()); err != nil {
				return err
			}
		}
		n, err := enc.Encode(frame, payload)
		if err != nil {
			return err
		}
		if cfg.DTX {
			send, talkspurt := dtx.admit(payload[:n], fs)
			if !send {
				pkt.Timestamp += uint32(fs)
				continue
			}
			pkt.Marker = pkt.Marker || talkspurt
		}
		pkt.Payload = payload[:n]
		if extID != 0 {
			level := audio.LevelDBov(frame)
			ext[0] = level & 0x7f
			if level < voiceThresholdDBov {
				ext[0] |= 0x80 // the V bit: this frame carries voice
			}
			if err := pkt.Header.SetExtension(extID, ext); err != nil {
				return err
			}
		}
		if err := p.track.WriteRTP(pkt); err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
		pkt.Marker = false
		pkt.SequenceNumber++
		pkt.Timestamp += uint32(fs)
	}
}

func (p *publisher) close() error { return p.pc.Close() }

// gatherTimeout bounds ICE gathering: on a machine whose interfaces do
// not answer, the engine gives up instead of hanging.
const gatherTimeout = 10 * time.Second

// completeLocalDescription creates a description, sets it and waits for
// ICE gathering to finish, since the protocol sends complete SDP (no
// trickle).
func completeLocalDescription(pc *webrtc.PeerConnection, create func() (webrtc.SessionDescription, error)) (string, error) {
	desc, err := create()
	if err != nil {
		return "", err
	}
	return pionutil.SetLocalAndGather(context.Background(), pc, desc, gatherTimeout)
}
