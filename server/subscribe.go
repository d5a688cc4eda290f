package server

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/pion/webrtc/v4"

	"github.com/confab-rtc/confab/internal/pionutil"
	"github.com/confab-rtc/confab/signal"
)

// subscriber is the subscribe side of a participant: the PeerConnection the
// server offers, and the goroutine (run) that owns it. The room says which
// tracks the participant should receive (want/unwant) and kicks the
// negotiator; the negotiator attaches and detaches tracks and offers, one
// offer at a time: a change while an offer is outstanding is picked up by
// a new offer once the answer is in.
type subscriber struct {
	p       *participant
	pc      *webrtc.PeerConnection
	wake    chan struct{}       // capacity 1: a pending "look at want again"
	answers chan signal.Message // capacity 1: the reply to the outstanding offer

	mu          sync.Mutex
	wanted      map[*forwarder]bool
	outstanding string // id of the offer awaiting its answer, "" if none
	// offer is the outstanding offer and offerOn the websocket it went
	// out on (nil: kept for a resume), so a resume can send it again
	// when the socket that carried it died (resume.go).
	offer   signal.Message
	offerOn *conn
	// restartICE asks the next offer for an ICE restart: the connection
	// went disconnected or failed (the server offers this connection, so
	// it restarts; the client restarts the one it offers).
	restartICE atomic.Bool
	// links hold the receiver reports about each attached track, for the
	// participant's downlink quality (quality.go).
	links map[*forwarder]*rrLink

	// Owned by run.
	have map[*forwarder]*webrtc.RTPSender
	seq  int
}

// newSubscriber creates p's subscribe PeerConnection.
func newSubscriber(p *participant) (*subscriber, error) {
	pc, err := p.srv.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, err
	}
	s := &subscriber{
		p:       p,
		pc:      pc,
		wake:    make(chan struct{}, 1),
		answers: make(chan signal.Message, 1),
		wanted:  map[*forwarder]bool{},
		links:   map[*forwarder]*rrLink{},
		have:    map[*forwarder]*webrtc.RTPSender{},
	}
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		p.log.Debug("subscribe connection", "state", st.String())
	})
	pc.OnICEConnectionStateChange(func(st webrtc.ICEConnectionState) {
		if st == webrtc.ICEConnectionStateDisconnected || st == webrtc.ICEConnectionStateFailed {
			p.log.Info("subscribe connection lost its path; restarting ICE", "ice", st.String())
			s.restartICE.Store(true)
			s.kick()
		}
	})
	return s, nil
}

// want asks for f to be sent to this participant.
func (s *subscriber) want(f *forwarder) {
	s.mu.Lock()
	s.wanted[f] = true
	s.mu.Unlock()
	s.kick()
}

// unwant asks for f to be no longer sent to this participant.
func (s *subscriber) unwant(f *forwarder) {
	s.mu.Lock()
	delete(s.wanted, f)
	s.mu.Unlock()
	s.kick()
}

// kick makes the negotiator look at the wanted set again; it never blocks.
func (s *subscriber) kick() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// deliver hands the client's reply to a subscribe offer (an answer, or an
// error saying it could not apply the offer) to the negotiator. It returns
// the error for the client if no offer with that id is outstanding.
func (s *subscriber) deliver(m signal.Message) *signal.Error {
	s.mu.Lock()
	ok := m.ID != "" && m.ID == s.outstanding
	if ok {
		// Claimed here, so at most one reply per offer reaches the
		// channel and the send below never blocks.
		s.outstanding = ""
	}
	s.mu.Unlock()
	if !ok {
		return signal.Errorf(signal.CodeBadRequest, "no subscribe offer with id %q is awaiting an answer", m.ID)
	}
	s.answers <- m
	return nil
}

// run is the negotiator: it owns the subscribe PeerConnection's tracks and
// signaling state until the participant closes.
func (s *subscriber) run() {
	ctx := s.p.ctx
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		}
		if !s.reconcile() && !s.restartICE.Load() {
			continue
		}
		if id, err := s.negotiate(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			s.p.log.Warn("subscribe negotiation failed; dropping the client", "offer", id, "err", err)
			s.p.send(signal.Message{Type: signal.TypeError, ID: id, Code: signal.CodeNegotiation, Message: err.Error()})
			reason, text := signal.ReasonSFUFault, "subscribe offer failed"
			if errors.Is(err, ErrNegotiationTimeout) {
				reason, text = signal.ReasonNetworkCheck, "no answer to the subscribe offer"
			}
			s.p.fail(reason, websocket.ClosePolicyViolation, text)
			return
		}
	}
}

// resendOffer sends the outstanding offer again after a resume if it went
// out on a websocket that has since died: the client may never have seen
// it. An offer kept while detached went out with the backlog already.
func (s *subscriber) resendOffer() {
	s.mu.Lock()
	if s.outstanding == "" || s.offer.ID != s.outstanding || s.offerOn == nil {
		s.mu.Unlock()
		return
	}
	msg, on := s.offer, s.offerOn
	s.mu.Unlock()
	via := s.p.sendVia(msg)
	s.mu.Lock()
	if s.offerOn == on {
		s.offerOn = via
	}
	s.mu.Unlock()
}

// reconcile attaches wanted tracks and detaches unwanted ones, reporting
// whether anything changed. A new track takes over an m-line freed in an
// earlier round when there is one (see reuseTransceiver), else gets a new
// transceiver. New tracks are attached before unwanted ones are detached,
// so an m-line is never freed and taken in the same offer: the client sees
// it go inactive before it carries another sender's stream.
func (s *subscriber) reconcile() bool {
	s.mu.Lock()
	wanted := make([]*forwarder, 0, len(s.wanted))
	for f := range s.wanted {
		wanted = append(wanted, f)
	}
	s.mu.Unlock()
	changed := false
	keep := make(map[*forwarder]bool, len(wanted))
	for _, f := range wanted {
		keep[f] = true
		if _, ok := s.have[f]; ok {
			continue
		}
		tr := s.reuseTransceiver(f)
		if tr == nil {
			var err error
			tr, err = s.pc.AddTransceiverFromTrack(f.local, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
			if err != nil {
				s.p.log.Warn("cannot attach a track", "from", f.stream.UserID, "err", err)
				continue
			}
		}
		s.have[f] = tr.Sender()
		link := &rrLink{}
		if enc := tr.Sender().GetParameters().Encodings; len(enc) > 0 {
			link.ssrc = uint32(enc[0].SSRC)
			if g, ok := f.local.(*gatedTrack); ok {
				// One gate for the packets and the counters. Under
				// top-N an audio track starts held back; the monitor
				// opens it if its speaker is among the N.
				held := f.heldFor(s.p)
				if held == nil {
					held = &atomic.Bool{}
				}
				held.Store(s.p.srv.cfg.TopN > 0 && f.stream.Kind == signal.KindAudio)
				g.setGate(enc[0].SSRC, held)
				link.gate = held
			}
		}
		s.mu.Lock()
		s.links[f] = link
		s.mu.Unlock()
		s.p.spawn(func() { readReports(tr.Sender(), link) })
		changed = true
	}
	for f, sender := range s.have {
		if keep[f] {
			continue
		}
		if err := s.pc.RemoveTrack(sender); err != nil {
			s.p.log.Debug("detaching a track", "from", f.stream.UserID, "err", err)
		}
		delete(s.have, f)
		s.mu.Lock()
		delete(s.links, f)
		s.mu.Unlock()
		changed = true
	}
	return changed
}

// reuseTransceiver attaches f's track to a transceiver of its kind whose
// track was detached in an earlier round (no sender, inactive) and returns
// it, or returns nil when there is none or it cannot be reused. Reusing
// m-lines bounds the subscribe SDP, and what both sides keep per m-line,
// by the most tracks sent at once: with a fresh m-line per track, a room
// with churn grew every listener's offer by one m-line per publisher that
// ever came, until after some 190 comings and goings the answers no longer
// fit in a websocket frame and every listener was dropped. The client sees
// a new SSRC and stream id on a known mid; pion replaces the receiver and
// reports a new track.
func (s *subscriber) reuseTransceiver(f *forwarder) *webrtc.RTPTransceiver {
	for _, tr := range s.pc.GetTransceivers() {
		if tr.Kind() != f.local.Kind() || tr.Sender() != nil || tr.Mid() == "" ||
			tr.Direction() != webrtc.RTPTransceiverDirectionInactive {
			continue
		}
		sender, err := s.p.srv.api.NewRTPSender(f.local, s.pc.SCTP().Transport())
		if err != nil {
			s.p.log.Debug("cannot make a sender to reuse an m-line", "mid", tr.Mid(), "err", err)
			return nil
		}
		if err := tr.SetSender(sender, f.local); err != nil {
			s.p.log.Debug("cannot reuse an m-line", "mid", tr.Mid(), "err", err)
			_ = sender.Stop()
			return nil
		}
		return tr
	}
	return nil
}

// negotiate runs one offer/answer round for the offer it returns the id
// of. It returns an error when the round failed in a way that ends the
// subscribe connection: no answer in time, or the client rejected the
// offer or sent an answer that does not apply (pion cannot roll back a
// local offer, so the connection would be stuck in have-local-offer). A
// failure to build the offer leaves the connection stable and is only
// logged; the next change tries again.
func (s *subscriber) negotiate(ctx context.Context) (string, error) {
	timeout := s.p.srv.cfg.NegotiationTimeout
	s.seq++
	id := "sub-" + strconv.Itoa(s.seq)
	var opts *webrtc.OfferOptions
	restart := s.restartICE.Swap(false)
	if restart {
		opts = &webrtc.OfferOptions{ICERestart: true}
	}
	offer, err := s.pc.CreateOffer(opts)
	if err != nil {
		s.p.log.Warn("cannot create the subscribe offer", "offer", id, "err", err)
		return id, nil
	}
	gathered := webrtc.GatheringCompletePromise(s.pc)
	if err := s.pc.SetLocalDescription(offer); err != nil {
		s.p.log.Warn("cannot apply the subscribe offer", "offer", id, "err", err)
		return id, nil
	}
	// The ids in this offer are the ones the answer must use: switch the
	// shared tracks to them now, so no packet leaves with a stale id.
	s.useOfferedExtIDs()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-gathered:
	case <-ctx.Done():
		return id, ctx.Err()
	case <-timer.C:
		return id, fmt.Errorf("%w: ICE gathering took over %s", ErrNegotiationTimeout, timeout)
	}
	msg := signal.Message{Type: signal.TypeOffer, ID: id, PC: signal.PCSubscribe, SDP: s.pc.LocalDescription().SDP}
	s.mu.Lock()
	s.outstanding = id
	s.offer = msg
	s.mu.Unlock()
	via := s.p.sendVia(msg)
	s.mu.Lock()
	s.offerOn = via
	s.mu.Unlock()
	timer.Reset(timeout)
	var reply signal.Message
	for waiting := true; waiting; {
		select {
		case reply = <-s.answers:
			waiting = false
		case <-ctx.Done():
			return id, ctx.Err()
		case <-timer.C:
			// A client whose websocket dropped cannot answer until it
			// resumes, and gets the offer again then.
			if more := s.p.answerWait(timeout); more > 0 {
				timer.Reset(more)
				continue
			}
			return id, fmt.Errorf("%w: no answer to subscribe offer %s within %s", ErrNegotiationTimeout, id, timeout)
		}
	}
	if reply.Type == signal.TypeError {
		return id, fmt.Errorf("%w: the client replied %d %s", ErrOfferRejected, reply.Code, clip(reply.Message))
	}
	if err := s.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: reply.SDP}); err != nil {
		return id, fmt.Errorf("%w: cannot apply the answer: %v", ErrOfferRejected, err)
	}
	s.useOfferedExtIDs()
	if restart {
		// A restart made while the path is still down fails its few
		// checks at once and then sits in checking for pion's 30 s
		// failure timeout: restart again if it has not connected soon.
		time.AfterFunc(iceRetryAfter, func() {
			if st := s.pc.ICEConnectionState(); st == webrtc.ICEConnectionStateChecking || st == webrtc.ICEConnectionStateDisconnected || st == webrtc.ICEConnectionStateFailed {
				s.restartICE.Store(true)
				s.kick()
			}
		})
	}
	return id, nil
}

// useOfferedExtIDs tells every attached track the audio-level id of this
// subscribe connection. Every subscribe connection is offered from the
// same MediaEngine, so the id is the same for all subscribers of a track.
func (s *subscriber) useOfferedExtIDs() {
	for f, sender := range s.have {
		if id := pionutil.AudioLevelID(sender.GetParameters().HeaderExtensions); id != 0 {
			f.setOutExt(id)
		}
	}
}

// readReports is drainRTCP that also records the receiver reports about
// the sender's track in link. RTCP comes about once a second, so parsing it
// costs nothing next to the media.
func readReports(sender *webrtc.RTPSender, link *rrLink) {
	buf := make([]byte, receiveMTU)
	for {
		n, _, err := sender.Read(buf)
		if err != nil {
			return
		}
		link.onRTCP(buf[:n], time.Now())
	}
}

// linksOf returns the receiver-report links of the tracks attached to
// this subscriber.
func (s *subscriber) linksOf() map[*forwarder]*rrLink {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[*forwarder]*rrLink, len(s.links))
	for f, l := range s.links {
		out[f] = l
	}
	return out
}

// drainReceiverRTCP reads a receiver's incoming RTCP (the publisher's
// sender reports) until the receiver stops, for pion's interceptors.
func drainReceiverRTCP(recv *webrtc.RTPReceiver) {
	buf := make([]byte, receiveMTU)
	for {
		if _, _, err := recv.Read(buf); err != nil {
			return
		}
	}
}

// drainRTCP reads a sender's incoming RTCP until the sender stops: pion's
// interceptors (NACK responder, reports, stats) only see RTCP that is read.
func drainRTCP(sender *webrtc.RTPSender) {
	buf := make([]byte, receiveMTU)
	for {
		if _, _, err := sender.Read(buf); err != nil {
			return
		}
	}
}
