package server

import (
	"strconv"
	"strings"
	"testing"

	"github.com/pion/webrtc/v4"
)

// TestICEConfig: the server's candidates use the configured port range
// and, with PublicIPs, the public address instead of the local ones.
func TestICEConfig(t *testing.T) {
	guard(t)
	cases := []struct {
		name     string
		ice      ICEConfig
		wantAddr string // an address some candidate must have
		notAddr  string // an address no candidate may have
	}{
		{"loopback included by default", ICEConfig{PortMin: 41000, PortMax: 41100}, "127.0.0.1", ""},
		{"no loopback", ICEConfig{PortMin: 41000, PortMax: 41100, NoLoopback: true}, "", "127.0.0.1"},
		{"public address", ICEConfig{PortMin: 41000, PortMax: 41100, PublicIPs: []string{"203.0.113.7"}}, "203.0.113.7", "127.0.0.1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, err := New(Config{AppID: "a", AppKey: "k", ICE: tc.ice}, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			pc, err := srv.api.NewPeerConnection(webrtc.Configuration{})
			if err != nil {
				t.Fatal(err)
			}
			defer pc.Close()
			if _, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeAudio, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly}); err != nil {
				t.Fatal(err)
			}
			sdp, err := completeLocal(pc, func(*webrtc.AnswerOptions) (webrtc.SessionDescription, error) { return pc.CreateOffer(nil) })
			if err != nil {
				t.Fatal(err)
			}
			var addrs []string
			for _, line := range strings.Split(sdp, "\r\n") {
				if !strings.HasPrefix(line, "a=candidate:") {
					continue
				}
				f := strings.Fields(line)
				// foundation component transport priority address port typ host
				if len(f) < 8 || f[2] != "udp" && f[2] != "UDP" || f[7] != "host" {
					t.Fatalf("unexpected candidate %q: want UDP host candidates only", line)
				}
				port, _ := strconv.Atoi(f[5])
				if port < int(tc.ice.PortMin) || port > int(tc.ice.PortMax) {
					t.Fatalf("candidate port %d outside %d-%d", port, tc.ice.PortMin, tc.ice.PortMax)
				}
				addrs = append(addrs, f[4])
			}
			if len(addrs) == 0 && tc.ice.NoLoopback {
				t.Skip("this machine has no interface besides loopback")
			}
			if len(addrs) == 0 {
				t.Fatal("no candidates in the offer")
			}
			joined := " " + strings.Join(addrs, " ") + " "
			if tc.wantAddr != "" && !strings.Contains(joined, " "+tc.wantAddr+" ") {
				t.Fatalf("candidates %v lack %s", addrs, tc.wantAddr)
			}
			if tc.notAddr != "" && strings.Contains(joined, " "+tc.notAddr+" ") {
				t.Fatalf("candidates %v include %s", addrs, tc.notAddr)
			}
		})
	}
}
