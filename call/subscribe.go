package call

import (
	"maps"
	"sync"

	"github.com/pion/interceptor/pkg/stats"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/confab-rtc/confab/audio"
)

// subscriber owns the subscribe PeerConnection, which the server offers.
// Every remote audio track is read by its own goroutine and pushed into
// the mixer's per-sender stream (or drained when nothing plays audio).
type subscriber struct {
	pc    *webrtc.PeerConnection
	stats stats.Getter

	mu     sync.Mutex
	tracks map[string]remoteTrack // by user id, while its track is read
}

// remoteTrack is what the statistics need of one received track.
type remoteTrack struct {
	ssrc   uint32
	codec  string
	stream *audio.Stream // nil when the track is drained, not played
}

// remoteTracks lists the tracks being received now.
func (s *subscriber) remoteTracks() map[string]remoteTrack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.tracks)
}

// follow records a user's track when its reading starts; it runs once per
// track, not per packet.
func (s *subscriber) follow(userID string, t remoteTrack) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tracks[userID] = t
}

// unfollow forgets a user's track when its reading ends, unless a newer
// track of the user replaced it already.
func (s *subscriber) unfollow(userID string, ssrc uint32) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tracks[userID].ssrc == ssrc {
		delete(s.tracks, userID)
	}
}

// trackHooks are how the subscriber reports tracks to the engine; they are
// called from pion's goroutines and must not block.
type trackHooks struct {
	mixer   *audio.Mixer // nil: read and discard
	onStart func(userID string)
	onEnd   func(userID string)
	onError func(err error)
}

func newSubscriber(pm peerMaker, h trackHooks) (*subscriber, error) {
	pc, getter, err := pm.newPeer()
	if err != nil {
		return nil, err
	}
	s := &subscriber{pc: pc, stats: getter, tracks: map[string]remoteTrack{}}
	pc.OnTrack(func(t *webrtc.TrackRemote, r *webrtc.RTPReceiver) {
		// The server's sender reports reach pion's report interceptor
		// only when read: our receiver reports then let the server
		// measure its round trip to us. It ends with the receiver.
		go drainRTCP(r)
		userID := t.StreamID()
		rt := remoteTrack{ssrc: uint32(t.SSRC()), codec: codecName(t.Codec().RTPCodecCapability)}
		if t.Kind() != webrtc.RTPCodecTypeAudio || h.mixer == nil {
			s.follow(userID, rt)
			drain(t)
			s.unfollow(userID, rt.ssrc)
			return
		}
		st, err := h.mixer.AddStream(userID)
		if err != nil {
			h.onError(err)
			drain(t)
			return
		}
		rt.stream = st
		s.follow(userID, rt)
		h.onStart(userID)
		readInto(t, st)
		s.unfollow(userID, rt.ssrc)
		h.mixer.RemoveStreamIf(userID, st)
		h.onEnd(userID)
	})
	return s, nil
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

// drainRTCP reads a receiver's incoming RTCP until the receiver stops.
func drainRTCP(r *webrtc.RTPReceiver) {
	buf := make([]byte, 1500)
	for {
		if _, _, err := r.Read(buf); err != nil {
			return
		}
	}
}

// answer applies a server offer and returns the complete answer.
func (s *subscriber) answer(offer string) (string, error) {
	offer, err := freedMLinesAsRecvonly(offer, s.knownMid)
	if err != nil {
		return "", err
	}
	if err := s.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return "", err
	}
	return completeLocalDescription(s.pc, func() (webrtc.SessionDescription, error) { return s.pc.CreateAnswer(nil) })
}

// knownMid reports whether the connection has a transceiver for mid.
func (s *subscriber) knownMid(mid string) bool {
	for _, t := range s.pc.GetTransceivers() {
		if t.Mid() == mid {
			return true
		}
	}
	return false
}

func (s *subscriber) close() error { return s.pc.Close() }
