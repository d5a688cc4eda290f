package pionutil

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

func TestAudioLevelID(t *testing.T) {
	cases := []struct {
		name string
		exts []webrtc.RTPHeaderExtensionParameter
		want uint8
	}{
		{"none", nil, 0},
		{"present", []webrtc.RTPHeaderExtensionParameter{{URI: sdp.TransportCCURI, ID: 3}, {URI: sdp.AudioLevelURI, ID: 5}}, 5},
		{"out of range", []webrtc.RTPHeaderExtensionParameter{{URI: sdp.AudioLevelURI, ID: 300}}, 0},
		{"other only", []webrtc.RTPHeaderExtensionParameter{{URI: sdp.TransportCCURI, ID: 1}}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := AudioLevelID(c.exts); got != c.want {
				t.Fatalf("got %d, want %d", got, c.want)
			}
		})
	}
}

func TestLoggerFactoryWritesToSlog(t *testing.T) {
	var buf bytes.Buffer
	f := LoggerFactory(slog.New(slog.NewTextHandler(&buf, nil)))
	l := f.NewLogger("ice")
	l.Debug("not shown")
	l.Warn("candidate failed")
	out := buf.String()
	if !strings.Contains(out, "candidate failed") || strings.Contains(out, "not shown") {
		t.Fatalf("log output %q: want the warning and not the debug line", out)
	}
}
