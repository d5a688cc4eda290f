package pionutil

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
)

func TestSetLocalAndGather(t *testing.T) {
	pc, err := webrtc.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if _, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeAudio); err != nil {
		t.Fatal(err)
	}
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	sdp, err := SetLocalAndGather(context.Background(), pc, offer, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sdp, "a=end-of-candidates") && !strings.Contains(sdp, "a=candidate") {
		t.Fatalf("the SDP carries no gathered candidates:\n%s", sdp)
	}

}
