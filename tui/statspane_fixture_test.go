package tui

import (
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/call"
)

// fourPartyStats is what Engine.Stats returns in a four-party call some
// minutes in, as Alice sees it: her own stream with FEC on, Bob on a clean
// link, Carol on a lossy Wi-Fi whose loss FEC and concealment cover, and
// Dave muted (DTX leaves little), over a server-reflexive publish path.
// step moves the call on by that many seconds, so a later refresh has
// other numbers.
func fourPartyStats(at time.Time, step int) call.CallStats {
	s := uint64(step)
	f := float64(step)
	return call.CallStats{
		At: at, Window: time.Second,
		Local: &call.LocalStreamStats{
			SSRC: 0x1a2b3c4d, Codec: "opus/48000/2", Bitrate: 31_840 + 90*step,
			PacketsSent: 14_872 + 50*s, BytesSent: 1_183_221 + 4_000*s,
			ReportsReceived: 297 + s, LossPercent: 0.4 + 0.2*f, Jitter: 2300*time.Microsecond + time.Duration(step)*100*time.Microsecond,
			RTT:  41*time.Millisecond + time.Duration(step)*time.Millisecond,
			Opus: call.OpusSettings{Bitrate: 32_000, FEC: true, ExpectedLossPercent: 3, FrameDuration: 20 * time.Millisecond},
		},
		Remote: []call.RemoteStreamStats{
			{
				UserID: "bob", SSRC: 0x51, Codec: "opus/48000/2", Bitrate: 32_120 - 40*step,
				PacketsReceived: 15_003 + 50*s, BytesReceived: 1_200_113 + 4_010*s,
				Jitter: 1800 * time.Microsecond, RTT: 38 * time.Millisecond,
				TargetDelay: 40 * time.Millisecond, BufferDelay: 42*time.Millisecond + time.Duration(step)*time.Millisecond,
				Audio: audio.StreamStats{PlayedSamples: 14_400_000},
			},
			{
				UserID: "dave", SSRC: 0x52, Codec: "opus/48000/2", Bitrate: 760 + 10*step,
				PacketsReceived: 2_211 + 2*s, BytesReceived: 96_001 + 100*s,
				Jitter: 3100 * time.Microsecond, RTT: 38 * time.Millisecond,
				TargetDelay: 40 * time.Millisecond, BufferDelay: 40 * time.Millisecond,
			},
			{
				UserID: "carol", SSRC: 0x53, Codec: "opus/48000/2", Bitrate: 30_460 + 700*step,
				PacketsReceived: 13_912 + 48*s, BytesReceived: 1_101_884 + 3_900*s, PacketsLost: 689 + 2*int64(step),
				LossPercent: 4.8 + 3.9*f, Jitter: 23*time.Millisecond + time.Duration(step)*4*time.Millisecond, RTT: 38 * time.Millisecond,
				FECPercent: 3.1 + 2*f, ConcealedPercent: 1.6 + 6.4*f,
				TargetDelay: 80 * time.Millisecond, BufferDelay: 86*time.Millisecond + time.Duration(step)*12*time.Millisecond,
			},
		},
		Transport: call.TransportStats{
			BytesSent: 1_912_554 + 6_000*s, BytesReceived: 5_630_907 + 18_000*s, RTT: 37 * time.Millisecond,
			Connections: []call.ConnectionStats{
				{Name: "publish", State: "connected", Local: "udp4 srflx 198.51.100.23:54012", Remote: "udp4 host 203.0.113.7:7000",
					BytesSent: 1_890_102 + 6_000*s, BytesReceived: 61_200 + 100*s, RTT: 37 * time.Millisecond},
				{Name: "subscribe", State: "connected", Local: "udp4 srflx 198.51.100.23:54013", Remote: "udp4 host 203.0.113.7:7000",
					BytesSent: 22_452, BytesReceived: 5_569_707 + 17_900*s, RTT: 38 * time.Millisecond},
			},
		},
	}
}

// buildStatsCall is a four-party call, everyone publishing and Dave muted,
// with the stats pane opened by its key and filled by its first reading
// of fourPartyStats, taken through the pane's own command.
func buildStatsCall(t testing.TB, w, h int, noColor bool) Model {
	t.Helper()
	return buildStatsParty(t, w, h, noColor, nil)
}

// extraSpeakers are four more people for a call whose stats do not fit.
var extraSpeakers = []struct{ id, name string }{
	{"erin", "Erin"}, {"farid", "Farid Haddad"}, {"grace", "Grace Ho"}, {"hiro", "Hiro Tanaka"},
}

// buildStatsParty is buildStatsCall with more people, each publishing a
// clean stream like Bob's.
func buildStatsParty(t testing.TB, w, h int, noColor bool, more []struct{ id, name string }) Model {
	t.Helper()
	m, f, c := newTestModel(w, h, noColor)
	m = send(t, m,
		call.ConnectionStateChanged{Prev: call.StateConnecting, Cur: call.StateConnected},
		call.MediaDevice{Kind: "recording", DeviceID: "alsa_input.usb", DeviceName: "USB Audio Mic"},
		call.StreamAdded{UserID: "alice", Kind: "audio"},
		call.PeerJoin{UserID: "bob", UserName: "Bob Stone"},
		call.StreamAdded{UserID: "bob", Kind: "audio"},
		call.PeerJoin{UserID: "carol", UserName: "Carol Nguyen"},
		call.StreamAdded{UserID: "carol", Kind: "audio"},
		call.PeerJoin{UserID: "dave", UserName: "Dave Okonkwo-Harrington"},
		call.StreamAdded{UserID: "dave", Kind: "audio"},
	)
	c.advance(4*time.Minute + 57*time.Second)
	// Quality as the stats below would earn it: Carol's lossy downlink
	// (her uplink, as the server sees it) is poor.
	m = send(t, m,
		call.MuteAudio{UserID: "dave"},
		call.NetworkQuality{UserID: "alice", Uplink: 1, Downlink: 2},
		call.NetworkQuality{UserID: "bob", Uplink: 1, Downlink: 1},
		call.NetworkQuality{UserID: "carol", Uplink: 3, Downlink: 1},
		call.NetworkQuality{UserID: "dave", Uplink: 1, Downlink: 1},
	)
	stats := fourPartyStats(c.now().Add(3*time.Second), 0)
	for i, p := range more {
		m = send(t, m, call.PeerJoin{UserID: p.id, UserName: p.name}, call.StreamAdded{UserID: p.id, Kind: "audio"})
		r := stats.Remote[0]
		r.UserID, r.SSRC, r.Bitrate = p.id, r.SSRC+uint32(16+i), r.Bitrate+300*(i+1)
		stats.Remote = append(stats.Remote, r)
	}
	f.setLevel("alice", 12)
	f.setLevel("bob", 58)
	f.setLevel("carol", 9)
	c.advance(3 * time.Second)
	m, _ = update(t, m, tickMsg{})
	f.setStats(stats)
	return openStats(t, m)
}

// openStats presses the stats key and runs the first reading the pane
// asks for, as the program would.
func openStats(t testing.TB, m Model) Model {
	t.Helper()
	m, cmd := update(t, m, keyPress("s"))
	if m.side != sideStats || cmd == nil {
		t.Fatalf("s: side %d, command %v; want the stats pane reading", m.side, cmd)
	}
	msg, ok := cmd().(statsMsg)
	if !ok {
		t.Fatalf("the stats pane's first command delivered %T, want statsMsg", msg)
	}
	m, _ = update(t, m, msg)
	return m
}
