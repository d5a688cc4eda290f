package call

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/pionutil"
)

// TestLossFeedbackSmoothing: the estimate rises fast on loss, falls
// slowly after it, and ignores reports about other streams.
func TestLossFeedbackSmoothing(t *testing.T) {
	rr := func(ssrc uint32, pct float64) []rtcp.Packet {
		return []rtcp.Packet{&rtcp.ReceiverReport{Reports: []rtcp.ReceptionReport{{SSRC: ssrc, FractionLost: uint8(pct * 256 / 100)}}}}
	}
	l := newLossFeedback(42, 5)
	if got := l.percent(); got != 5 {
		t.Fatalf("before any report: %d %%, want the configured 5 %%", got)
	}
	steps := []struct {
		name     string
		pkts     []rtcp.Packet
		min, max int
	}{
		{"another stream's loss", rr(7, 50), 5, 5},
		{"20 % loss", rr(42, 20), 12, 13},
		{"20 % again", rr(42, 20), 16, 17},
		{"sender report block", []rtcp.Packet{&rtcp.SenderReport{SSRC: 9, Reports: []rtcp.ReceptionReport{{SSRC: 42, FractionLost: 51}}}}, 18, 19},
		{"clean", rr(42, 0), 15, 17},
		{"clean", rr(42, 0), 13, 15},
	}
	for _, s := range steps {
		l.observe(s.pkts)
		if got := l.percent(); got < s.min || got > s.max {
			t.Fatalf("after %s: %d %%, want %d-%d", s.name, got, s.min, s.max)
		}
	}
	for range 40 {
		l.observe(rr(42, 0))
	}
	if got := l.percent(); got != 0 {
		t.Errorf("after 40 clean reports: %d %%, want 0", got)
	}
}

// TestPublisherFollowsReportedLoss sends a real Opus stream over a real
// pion connection whose receiving end drops packets before its receiver
// reports count them: the send loop's encoder plans FEC for about the
// dropped share, and for less once the link is clean again.
func TestPublisherFollowsReportedLoss(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	drop := &atomic.Int32{}
	drop.Store(20)
	pub, err := newPublisher(peerMaker{log: log}, "u", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.close()
	recv, _, err := peerMaker{log: log, first: []interceptor.Factory{pionutil.LossyReceive(drop)}}.newPeer()
	if err != nil {
		t.Fatal(err)
	}
	defer recv.Close()
	recv.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		buf := make([]byte, 1500)
		for {
			if _, _, err := tr.Read(buf); err != nil {
				return
			}
		}
	})
	offer, err := pub.offer()
	if err != nil {
		t.Fatal(err)
	}
	if err := recv.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		t.Fatal(err)
	}
	answer, err := completeLocalDescription(recv, func() (webrtc.SessionDescription, error) { return recv.CreateAnswer(nil) })
	if err != nil {
		t.Fatal(err)
	}
	if err := pub.setAnswer(answer); err != nil {
		t.Fatal(err)
	}

	enc, err := audio.NewEncoder(audio.EncoderConfig{Bitrate: 40000, FEC: true, PacketLossPercent: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sent := make(chan error, 1)
	var meter audio.Meter
	src := toneSource(t, 440, audio.SampleRate)
	go func() {
		sent <- pub.sendLoop(ctx, src, nil, enc, &meter, new(audio.Meter), func() bool { return false })
	}()

	// waitLoss waits until the reported estimate satisfies ok; pion sends
	// a receiver report about every second.
	waitLoss := func(desc string, ok func(int) bool) int {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !ok(pub.loss.percent()) {
			if time.Now().After(deadline) {
				t.Fatalf("the expected loss stayed at %d %%, want %s", pub.loss.percent(), desc)
			}
			time.Sleep(50 * time.Millisecond)
		}
		return pub.loss.percent()
	}
	peak := waitLoss("12-25 % on a link that drops 20 %", func(p int) bool { return p >= 12 && p <= 25 })
	drop.Store(0)
	waitLoss("falling once the link is clean", func(p int) bool { return p <= peak/2 })

	cancel()
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
	// The send loop has ended: the encoder is ours to read.
	got, err := enc.PacketLossPercent()
	if err != nil {
		t.Fatal(err)
	}
	if want := pub.loss.percent(); got < want-2 || got > want+2 { // a report may land after the last frame
		t.Errorf("the encoder plans FEC for %d %% loss, the reports say %d %%", got, want)
	}
	if got == 1 {
		t.Error("the encoder still plans for the configured 1 %: the reports never reached it")
	}
}
