package call

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/transport/v4/test"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/pionutil"
	"github.com/confab-rtc/confab/server"
	"github.com/confab-rtc/confab/signal"
)

// waitStats polls e.Stats until ok holds, and fails the test with the last
// snapshot after 15 s.
func waitStats(t *testing.T, e *Engine, desc string, ok func(CallStats) bool) CallStats {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := e.Stats()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no %s within 15 s; last stats: %s", e.UserID(), desc, describeStats(s))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// describeStats prints a snapshot for a failure message.
func describeStats(s CallStats) string {
	out := ""
	if s.Local != nil {
		out += "local " + fmt.Sprintf("%+v", *s.Local)
	}
	for _, r := range s.Remote {
		r.Audio = audio.StreamStats{}
		out += " remote " + fmt.Sprintf("%+v", r)
	}
	return out + " transport " + fmt.Sprintf("%+v", s.Transport)
}

// remote is the received stream of user, or nil.
func remote(s CallStats, user string) *RemoteStreamStats {
	for i := range s.Remote {
		if s.Remote[i].UserID == user {
			return &s.Remote[i]
		}
	}
	return nil
}

// TestEngineStats runs a call through the in-process server and reads
// both ends' statistics as the stats pane would, once on a clean link,
// then with 20 % loss towards the receiver, then with 20 % loss from the
// sender: the bitrate is the encoder's, packets count 50 a second, the
// round trips (the sender's by RTCP, the receiver's by ICE) are short on
// loopback, and each loss shows where it happens,
// with the receiver concealing what did not arrive. Readers on other
// goroutines poll all along (for the race detector).
func TestEngineStats(t *testing.T) {
	t.Cleanup(test.CheckRoutines(t))
	_, url := startServer(t, server.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	up, down := &atomic.Int32{}, &atomic.Int32{}
	a := engineFor(url, "a", signal.RoleJoiner, time.Hour, Params{Source: toneSource(t, 440, audio.SampleRate)})
	// Without FEC every lost packet is concealed.
	a.cfg.Encoder = audio.EncoderConfig{Bitrate: 32000}
	a.interceptors = []interceptor.Factory{pionutil.LossySend(up)}
	b := engineFor(url, "b", signal.RoleJoiner, time.Hour, Params{Outputs: []audio.Output{&recorder{}}})
	b.interceptors = []interceptor.Factory{pionutil.LossyReceive(down)}
	defer a.Close()
	defer b.Close()
	if s := a.Stats(); s.Local != nil || len(s.Remote) != 0 {
		t.Fatalf("stats before the call runs: %s", describeStats(s))
	}

	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 3 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
					a.Stats()
					b.Stats()
				}
			}
		}()
	}
	defer func() { close(stop); readers.Wait() }()

	collect(a)
	bEv := collect(b)
	go a.Run(ctx)
	go b.Run(ctx)
	bEv.wait(t, "first audio from a", func(e Event) bool { f, ok := e.(FirstAudioFrame); return ok && f.UserID == "a" })

	// Clean link.
	first := waitStats(t, a, "receiver report with a round trip", func(s CallStats) bool {
		return s.Local != nil && s.Local.RTT > 0 && s.Local.Bitrate > 0
	})
	as := waitStats(t, a, "second reading", func(s CallStats) bool { return s.At.Sub(first.At) >= 2*time.Second })
	l := as.Local
	t.Logf("a clean: %s", describeStats(as))
	if as.Window < time.Second || as.Window > 2*time.Second {
		t.Errorf("rates over %v, want the last second or a little more (readers poll all along)", as.Window)
	}
	if l.Codec != "opus/48000/2" {
		t.Errorf("local codec %q, want opus/48000/2", l.Codec)
	}
	if l.Bitrate < 24000 || l.Bitrate > 36000 {
		t.Errorf("local bitrate %d b/s, want about the encoder's 32000", l.Bitrate)
	}
	rate := float64(l.PacketsSent-first.Local.PacketsSent) / as.At.Sub(first.At).Seconds()
	if rate < 40 || rate > 60 {
		t.Errorf("a sent %.1f packets/s, want 50 (20 ms packets)", rate)
	}
	if l.RTT <= 0 || l.RTT > 50*time.Millisecond {
		t.Errorf("local RTT %v, want above 0 and small on loopback", l.RTT)
	}
	if l.LossPercent != 0 {
		t.Errorf("the server reports %.1f %% loss of a clean stream", l.LossPercent)
	}
	if l.Jitter > 20*time.Millisecond {
		t.Errorf("the server reports %v jitter on loopback", l.Jitter)
	}
	if o := l.Opus; o.Bitrate != 32000 || o.FEC || o.FrameDuration != 20*time.Millisecond {
		t.Errorf("opus settings %+v, want 32000 b/s, no FEC, 20 ms", o)
	}
	tr := as.Transport
	if tr.BytesSent < l.BytesSent || len(tr.Connections) == 0 || tr.Connections[0].Name != "publish" || tr.Connections[0].Local == "" || tr.Connections[0].Remote == "" {
		t.Errorf("transport %+v: want the publish connection's pair and at least the stream's bytes", tr)
	}

	bs := waitStats(t, b, "a's stream for 2 s", func(s CallStats) bool {
		r := remote(s, "a")
		return r != nil && r.PacketsReceived > 100 && r.Bitrate > 0
	})
	t.Logf("b clean: %s", describeStats(bs))
	if bs.Local != nil {
		t.Errorf("b publishes nothing, yet has local stats %+v", *bs.Local)
	}
	r := remote(bs, "a")
	if r.Codec != "opus/48000/2" || r.Bitrate < 24000 || r.Bitrate > 36000 {
		t.Errorf("b receives a as %q at %d b/s, want opus/48000/2 at about 32000", r.Codec, r.Bitrate)
	}
	if r.LossPercent != 0 || r.PacketsLost != 0 || r.ConcealedPercent > 2 {
		t.Errorf("clean link: loss %.1f %% (%d packets), concealed %.1f %%, want none", r.LossPercent, r.PacketsLost, r.ConcealedPercent)
	}
	if r.TargetDelay <= 0 || r.BufferDelay <= 0 || r.Jitter > 20*time.Millisecond {
		t.Errorf("jitter buffer target %v, holding %v, jitter %v: want a running buffer on a calm link", r.TargetDelay, r.BufferDelay, r.Jitter)
	}
	if sub := bs.Transport.Connections; r.RTT <= 0 || r.RTT > 50*time.Millisecond || len(sub) != 1 || sub[0].Name != "subscribe" || r.RTT != sub[0].RTT {
		t.Errorf("a's stream at b has RTT %v, want the subscribe connection's round trip (%+v): above 0 and small on loopback", r.RTT, sub)
	}
	if bs.Transport.BytesReceived < r.BytesReceived {
		t.Errorf("b's transport received %d bytes, less than a's stream alone (%d)", bs.Transport.BytesReceived, r.BytesReceived)
	}

	// 20 % loss from the server to b: b sees it and conceals it, the
	// server's reports to a stay clean.
	down.Store(20)
	bs = waitStats(t, b, "about 20 % loss, concealed", func(s CallStats) bool {
		r := remote(s, "a")
		return r != nil && r.LossPercent >= 17 && r.LossPercent <= 23 && r.ConcealedPercent >= 12 && r.ConcealedPercent <= 28
	})
	t.Logf("b with 20 %% loss in: %s", describeStats(bs))
	if l := a.Stats().Local; l.LossPercent > 2 {
		t.Errorf("the loss is on b's side, yet the server reports %.1f %% loss of a's stream", l.LossPercent)
	}

	// 20 % loss from a to the server: the server's reports tell a.
	down.Store(0)
	up.Store(20)
	as = waitStats(t, a, "the server reporting about 20 % loss", func(s CallStats) bool {
		return s.Local.LossPercent >= 17 && s.Local.LossPercent <= 23
	})
	t.Logf("a with 20 %% loss out: %s", describeStats(as))

	// After the call the last figures stay readable, at once.
	a.Close()
	start := time.Now()
	if s := a.Stats(); s.Local == nil || s.Local.PacketsSent < as.Local.PacketsSent {
		t.Errorf("after the call: %s, want the last counters", describeStats(s))
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Stats after the call took %v", d)
	}
}

// TestStatsWindow: rates are measured from the newest reading at least a
// second old, so a reader twice a second still gets the last second, and
// a flood of readers keeps a short history.
func TestStatsWindow(t *testing.T) {
	var l liveMedia
	t0 := time.Unix(1000, 0)
	key := streamKey{user: "x", ssrc: 7}
	// Every half second: 2000 payload bytes and 25 packets arrive, of 30
	// expected; 12000 samples are played, 2400 of them concealed.
	read := func(i int) CallStats {
		at := t0.Add(time.Duration(i) * 500 * time.Millisecond)
		cur := reading{at: at, marks: map[streamKey]rateMark{key: {
			bytes: uint64(2000 * i), packets: uint64(25 * i), expected: uint64(30 * i),
			played: uint64(12000 * i), concealed: uint64(2400 * i),
		}}}
		out := CallStats{At: at, Remote: []RemoteStreamStats{{UserID: "x", SSRC: 7}}}
		l.rates(&out, cur)
		return out
	}
	if s := read(0); s.Remote[0].Bitrate != 0 || s.Remote[0].LossPercent != 0 || s.Window != 0 {
		t.Fatalf("first reading has rates %+v over %v, want none", s.Remote[0], s.Window)
	}
	if s := read(1); s.Remote[0].Bitrate != 32000 || s.Window != 500*time.Millisecond {
		t.Errorf("after half a second: %d b/s over %v, want 32000 over what there is", s.Remote[0].Bitrate, s.Window)
	}
	for i := 2; i < 10; i++ {
		s := read(i)
		if s.Window != time.Second {
			t.Fatalf("reading %d: rates over %v, want the last second", i, s.Window)
		}
		r := s.Remote[0]
		if r.Bitrate != 32000 || math.Abs(r.LossPercent-100.0*5/30) > 0.01 || math.Abs(r.ConcealedPercent-20) > 0.01 {
			t.Fatalf("reading %d: %d b/s, loss %.2f %%, concealed %.2f %%; want 32000, 16.67 %%, 20 %%", i, r.Bitrate, r.LossPercent, r.ConcealedPercent)
		}
	}
	if n := len(l.history); n > 3 {
		t.Errorf("the history holds %d readings, want the last second's (3)", n)
	}
	// After a pause the rates cover it, and say so.
	if s := read(30); s.Window != 10500*time.Millisecond || s.Remote[0].Bitrate != 32000 {
		t.Errorf("after a 10.5 s pause: %d b/s over %v, want 32000 over 10.5 s", s.Remote[0].Bitrate, s.Window)
	}
	// Many readers at once add no readings closer than a quarter window.
	at := t0.Add(20 * time.Second)
	for i := range 100 {
		l.rates(&CallStats{}, reading{at: at.Add(time.Duration(i) * time.Millisecond)})
	}
	if n := len(l.history); n > 6 {
		t.Errorf("100 reads in 100 ms left %d readings, want a handful", n)
	}
}
