package call

import (
	"strings"
	"testing"

	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// directions returns each audio m-line's mid and direction attribute.
func directions(t *testing.T, desc string) map[string]string {
	t.Helper()
	var d sdp.SessionDescription
	if err := d.UnmarshalString(desc); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, m := range d.MediaDescriptions {
		mid, _ := m.Attribute(sdp.AttrKeyMID)
		for _, a := range m.Attributes {
			switch a.Key {
			case sdp.AttrKeySendRecv, sdp.AttrKeySendOnly, sdp.AttrKeyRecvOnly, sdp.AttrKeyInactive:
				out[mid] = a.Key
			}
		}
	}
	return out
}

// TestFreedMLinesAsRecvonly: only the m-lines the answerer already has are
// rewritten, and the answer to a rewritten m-line still says inactive, as
// the offer did (RFC 3264 §6.1), over several rounds.
func TestFreedMLinesAsRecvonly(t *testing.T) {
	off, err := webrtc.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer off.Close()
	ans, err := webrtc.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer ans.Close()
	sub := &subscriber{pc: ans}

	track := func(id string) *webrtc.TrackLocalStaticRTP {
		tr, err := webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", id)
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	// round runs one offer/answer and returns the offer as applied and the
	// answer.
	round := func() (applied, answer map[string]string) {
		t.Helper()
		o, err := off.CreateOffer(nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := off.SetLocalDescription(o); err != nil {
			t.Fatal(err)
		}
		a, err := sub.answer(o.SDP)
		if err != nil {
			t.Fatal(err)
		}
		if err := off.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: a}); err != nil {
			t.Fatal(err)
		}
		return directions(t, ans.RemoteDescription().SDP), directions(t, a)
	}

	a, err := off.AddTransceiverFromTrack(track("a"), webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
	if err != nil {
		t.Fatal(err)
	}
	if applied, answer := round(); applied["0"] != "sendonly" || answer["0"] != "recvonly" {
		t.Fatalf("first round: offer applied %v, answer %v", applied, answer)
	}
	if err := off.RemoveTrack(a.Sender()); err != nil {
		t.Fatal(err)
	}
	// A new m-line that is inactive from the start stays as offered.
	b, err := off.AddTransceiverFromTrack(track("b"), webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
	if err != nil {
		t.Fatal(err)
	}
	if err := off.RemoveTrack(b.Sender()); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		applied, answer := round()
		if applied["0"] != "recvonly" || answer["0"] != "inactive" {
			t.Errorf("round %d: the freed m-line applied as %q answered %q, want recvonly and inactive", i+2, applied["0"], answer["0"])
		}
		want := "inactive" // the new m-line, unknown on the first of these rounds
		if i > 0 {
			want = "recvonly"
		}
		if applied["1"] != want || answer["1"] != "inactive" {
			t.Errorf("round %d: the m-line offered inactive from the start applied as %q answered %q, want %q and inactive", i+2, applied["1"], answer["1"], want)
		}
	}

	if _, err := freedMLinesAsRecvonly("v=0\r\nnot sdp", sub.knownMid); err == nil || !strings.Contains(err.Error(), "subscribe offer") {
		t.Errorf("a malformed offer gave %v, want a subscribe offer error", err)
	}
}
