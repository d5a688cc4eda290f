package call

import (
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/confab-rtc/confab/signal"
)

// ICE restart (PROTOCOL.md §6.4): the side that offers a connection
// restarts its ICE when the path is lost. The client offers the publish
// connection, so it restarts that one; the server restarts the subscribe
// connection with a new offer, which the engine answers as any other.

// iceRetryAfter is how long a restarted connection may stay checking
// before it is restarted again. A restart made while the network is down
// fails its few connectivity checks at once and then waits in checking
// for pion's 30 s failure timeout; a new restart every few seconds
// instead finds the path within one of them once the network is back.
const iceRetryAfter = 3 * time.Second

// watchICE makes ICE state changes of pc wake the engine (kick is
// non-blocking: pion calls this on its own goroutines, also from Close).
func (s *session) watchICE(pc *webrtc.PeerConnection) {
	kick := s.iceKick
	pc.OnICEConnectionStateChange(func(st webrtc.ICEConnectionState) {
		if lostPath(st) {
			select {
			case kick <- struct{}{}:
			default:
			}
		}
	})
}

// lostPath reports whether an ICE state calls for a restart.
func lostPath(st webrtc.ICEConnectionState) bool {
	return st == webrtc.ICEConnectionStateDisconnected || st == webrtc.ICEConnectionStateFailed
}

// checkICE restarts the publish connection's ICE when it lost its path,
// unless a restart is under way or the signaling is down (the resume
// calls it again). A lost path on either connection also probes the
// websocket: the network that failed ICE may have taken it too without
// the socket noticing, and a ping that is not answered within half the
// keepalive finds that out long before the usual silence timeout.
func (s *session) checkICE() {
	if s.state != StateConnected || s.conn == nil {
		return
	}
	pubLost := s.pub != nil && (lostPath(s.pub.pc.ICEConnectionState()) ||
		s.pub.pc.ICEConnectionState() == webrtc.ICEConnectionStateChecking && !s.pubRestartAt.IsZero() && time.Since(s.pubRestartAt) >= iceRetryAfter)
	subLost := s.sub != nil && lostPath(s.sub.pc.ICEConnectionState())
	if (pubLost || subLost) && !s.probing {
		s.probing = true
		_ = s.conn.send(signal.Message{Type: signal.TypePing})
		s.conn.setReadDeadline(time.Now().Add(s.e.cfg.KeepAlive / 2))
	}
	if !pubLost || s.pubRestarting || !s.pubAnswered {
		return
	}
	pub := s.pub
	offer, err := pub.restartOffer()
	if err != nil {
		s.e.log.Warn("cannot make an ICE restart offer", "err", err)
		return
	}
	s.e.log.Info("publish connection lost its path; restarting ICE", "ice", pub.pc.ICEConnectionState().String())
	s.pubRestarting = true
	s.pubRestartAt = time.Now()
	s.e.iceRestarts.Add(1)
	err = s.request(signal.Message{Type: signal.TypeOffer, PC: signal.PCPublish, SDP: offer}, func(m signal.Message) {
		s.pubRestarting = false
		if s.pub != pub {
			return // publishing stopped meanwhile
		}
		if m.Type == signal.TypeError {
			s.e.log.Warn("the server refused the ICE restart", "code", m.Code, "message", m.Message)
			return
		}
		if err := pub.setAnswer(m.SDP); err != nil {
			s.e.log.Warn("cannot apply the ICE restart answer", "err", err)
		}
		// Look again once the restart had its chance to connect.
		if s.iceRetry != nil {
			s.iceRetry.Stop()
		}
		s.iceRetry = time.NewTimer(iceRetryAfter)
	})
	if err != nil {
		s.pubRestarting = false
	}
}

// restartOffer creates an offer with fresh ICE credentials, all
// candidates gathered.
func (p *publisher) restartOffer() (string, error) {
	return completeLocalDescription(p.pc, func() (webrtc.SessionDescription, error) {
		return p.pc.CreateOffer(&webrtc.OfferOptions{ICERestart: true})
	})
}
