package call

import (
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/confab-rtc/confab/audio"
)

// subscriber owns the subscribe PeerConnection, which the server offers.
// Every remote audio track is read by its own goroutine and pushed into
// the mixer's per-sender stream (or drained when nothing plays audio).
type subscriber struct {
	pc *webrtc.PeerConnection
}

// trackHooks are how the subscriber reports tracks to the engine; they are
// called from pion's goroutines and must not block.
type trackHooks struct {
	mixer   *audio.Mixer // nil: read and discard
	onStart func(userID string)
	onEnd   func(userID string)
	onError func(err error)
}

func newSubscriber(api *webrtc.API, h trackHooks) (*subscriber, error) {
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, err
	}
	pc.OnTrack(func(t *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		userID := t.StreamID()
		if t.Kind() != webrtc.RTPCodecTypeAudio || h.mixer == nil {
			drain(t)
			return
		}
		st, err := h.mixer.AddStream(userID)
		if err != nil {
			h.onError(err)
			drain(t)
			return
		}
		h.onStart(userID)
		readInto(t, st)
		h.mixer.RemoveStream(userID)
		h.onEnd(userID)
	})
	return &subscriber{pc: pc}, nil
}

// readInto copies packets from a track into a mixer stream until the track
// ends. The buffer and packet are reused: nothing is allocated per packet.
func readInto(t *webrtc.TrackRemote, st *audio.Stream) {
	buf := make([]byte, 1500)
	var pkt rtp.Packet
	for {
		n, _, err := t.Read(buf)
		if err != nil {
			return
		}
		if err := pkt.Unmarshal(buf[:n]); err != nil {
			continue
		}
		st.Push(pkt.SequenceNumber, pkt.Timestamp, pkt.Payload)
	}
}

func drain(t *webrtc.TrackRemote) {
	buf := make([]byte, 1500)
	for {
		if _, _, err := t.Read(buf); err != nil {
			return
		}
	}
}

// answer applies a server offer and returns the complete answer.
func (s *subscriber) answer(offer string) (string, error) {
	if err := s.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return "", err
	}
	return completeLocalDescription(s.pc, func() (webrtc.SessionDescription, error) { return s.pc.CreateAnswer(nil) })
}

func (s *subscriber) close() error { return s.pc.Close() }
