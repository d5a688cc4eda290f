package server

import (
	"context"
	"errors"
	"strconv"

	"github.com/pion/webrtc/v4"

	"github.com/confab-rtc/confab/internal/pionutil"
	"github.com/confab-rtc/confab/signal"
)

// answerPublish applies a client's offer to its publish connection
// (creating it on the first offer) and returns the complete answer, with
// all of the server's ICE candidates in it.
func (p *participant) answerPublish(ctx context.Context, offer string) (string, *signal.Error) {
	pc, err := p.publishPC()
	if err != nil {
		return "", signal.Errorf(signal.CodeInternal, "cannot create the publish connection: %v", err)
	}
	if pc == nil {
		return "", signal.Errorf(signal.CodeNotJoined, "the session is closing")
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return "", signal.Errorf(signal.CodeNegotiation, "cannot apply the offer: %v", err)
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		return "", signal.Errorf(signal.CodeNegotiation, "cannot answer the offer: %v", err)
	}
	sdp, err := pionutil.SetLocalAndGather(ctx, pc, answer, p.srv.cfg.NegotiationTimeout)
	switch {
	case err == nil:
		return sdp, nil
	case ctx.Err() != nil:
		return "", signal.Errorf(signal.CodeInternal, "the session is closing")
	case errors.Is(err, pionutil.ErrGatherTimeout):
		return "", signal.Errorf(signal.CodeInternal, "%v", err)
	}
	return "", signal.Errorf(signal.CodeNegotiation, "cannot apply the answer: %v", err)
}

// publishPC returns the publish connection, creating it if needed. It
// returns nil once the participant is closed.
func (p *participant) publishPC() (*webrtc.PeerConnection, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, nil
	}
	if p.pub != nil {
		return p.pub, nil
	}
	pc, err := p.srv.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, err
	}
	pc.OnTrack(p.onTrack)
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		p.log.Debug("publish connection", "state", st.String())
	})
	p.pub = pc
	return pc, nil
}

// onTrack runs, on a pion goroutine, for each track the client publishes:
// it announces the track to the room and forwards it until it ends.
func (p *participant) onTrack(remote *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
	if !p.enter() {
		return
	}
	defer p.wg.Done()
	defer func() {
		if v := recover(); v != nil {
			p.crashed("track forwarding", v)
		}
	}()
	// The publisher's sender reports reach pion's report interceptor only
	// when read: the receiver reports then carry LSR/DLSR, from which the
	// publisher measures its round trip to the server.
	p.spawn(func() { drainReceiverRTCP(recv) })
	f, err := newForwarder(p, remote, recv, p.newTrackID(remote.ID(), remote.Kind().String()))
	if err != nil {
		p.log.Warn("cannot forward a track", "err", err)
		return
	}
	if !p.room.publish(p, f) {
		return
	}
	p.log.Info("publishing", "track", f.stream.TrackID, "kind", f.stream.Kind, "codec", f.stream.Codec)
	if h := p.srv.faults.track; h != nil {
		h(p.userID)
	}
	f.run()
	p.room.unpublish(p, f)
	p.log.Info("track ended", "track", f.stream.TrackID)
}

// newTrackID picks the id of a published track: the client's own when it
// is a usable token and not taken, else one made from the kind.
func (p *participant) newTrackID(want, kind string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !signal.ValidID(want) {
		want = kind
	}
	id := want
	for n := 2; p.trackIDs[id]; n++ {
		id = want + "-" + strconv.Itoa(n)
	}
	p.trackIDs[id] = true
	return id
}
