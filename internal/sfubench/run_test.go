package sfubench

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pion/transport/v4/test"

	"github.com/confab-rtc/confab/server"
)

const (
	testAppID  = "app-bench"
	testAppKey = "0123456789abcdef0123456789abcdef"
)

// startServer runs an in-process room server behind httptest.
func startServer(t *testing.T) (*server.Server, string) {
	t.Helper()
	srv, err := server.New(server.Config{AppID: testAppID, AppKey: testAppKey}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("server Close: %v", err)
		}
		ts.Close()
	})
	return srv, "ws" + strings.TrimPrefix(ts.URL, "http") + "/v1/ws"
}

// TestStepAgainstInProcessServer runs one short step of two publishers and
// two players and checks the counts against each other and the server's.
func TestStepAgainstInProcessServer(t *testing.T) {
	t.Cleanup(test.CheckRoutines(t))
	timer := test.TimeOut(2 * time.Minute)
	t.Cleanup(func() { timer.Stop() })
	srv, url := startServer(t)

	ctx := context.Background()
	api, err := newLeanAPI()
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{URL: url, AppID: testAppID, AppKey: testAppKey, Publishers: 2, Players: 2, Window: 2 * time.Second, Settle: 200 * time.Millisecond}.withDefaults()
	b := &bench{opt: opt, api: api, clk: clock{base: time.Now()}}
	defer b.closeAll()
	if err := b.grow(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.waitFlowing(ctx); err != nil {
		t.Fatal(err)
	}
	st, err := b.measure(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("step: %+v", st)

	if st.Rooms != 1 || st.Participants != 4 || st.Publishers != 2 {
		t.Fatalf("load %d rooms, %d participants, %d publishers; want 1, 4, 2", st.Rooms, st.Participants, st.Publishers)
	}
	// 2 publishers at 50 packets/s; each stream goes to the 3 others.
	if st.SentPPS < 80 || st.SentPPS > 110 {
		t.Errorf("sent %.1f packets/s, want about 100", st.SentPPS)
	}
	if st.ExpectedPPS != 3*st.SentPPS {
		t.Errorf("expected %.1f forwarded packets/s, want 3 x sent = %.1f", st.ExpectedPPS, 3*st.SentPPS)
	}
	if st.ForwardedPPS <= 0 || st.Loss > 0.05 || st.Loss < 0 {
		t.Errorf("forwarded %.1f of %.1f packets/s (loss %.3f): want nearly all", st.ForwardedPPS, st.ExpectedPPS, st.Loss)
	}
	if st.ServerCPU != -1 {
		t.Errorf("server CPU %v for an in-process server, want -1 (unknown)", st.ServerCPU)
	}
	// Loopback latency: above zero, far below a second even under -race.
	if st.P50 <= 0 || st.P99 < st.P50 || st.Max < st.P99 || st.P99 > 1000 {
		t.Errorf("latency p50 %.3f ms, p99 %.3f ms, max %.3f ms: want 0 < p50 <= p99 <= max, p99 < 1 s", st.P50, st.P99, st.Max)
	}

	// Stop sending, let the last packets land, then compare every packet
	// each participant received with what the server says it forwarded
	// to it. The server counts a packet from the moment a track is
	// attached, which can be a few packets before the subscribe
	// connection is up; those never arrive.
	for _, m := range b.rooms[0].members {
		m.stopSending()
	}
	time.Sleep(300 * time.Millisecond)
	room, ok := srv.Room("bench-0")
	if !ok {
		t.Fatal("the server does not know room bench-0")
	}
	forwarded := map[string]uint64{}
	for _, p := range room.Participants {
		forwarded[p.UserID] = p.PacketsForwarded
	}
	var total uint64
	for _, m := range b.rooms[0].members {
		got, fwd := m.recvAll.Load(), forwarded[m.userID]
		total += got
		if m.bad.Load() != 0 {
			t.Errorf("%s received %d packets without a bench payload", m.userID, m.bad.Load())
		}
		if got > fwd || fwd-got > 50 {
			t.Errorf("%s received %d packets, the server forwarded %d to it", m.userID, got, fwd)
		}
	}
	if total < 2*3*50 { // at least a second of every stream
		t.Errorf("only %d packets received in all", total)
	}
}

// TestRunStopsAtMaxSteps runs the public entry point for one step.
func TestRunStopsAtMaxSteps(t *testing.T) {
	t.Cleanup(test.CheckRoutines(t))
	_, url := startServer(t)
	var seen []Step
	res, err := Run(context.Background(), Options{
		URL: url, AppID: testAppID, AppKey: testAppKey,
		Publishers: 2, Players: 1, MaxSteps: 1,
		Window: time.Second, Settle: 100 * time.Millisecond,
		Progress: func(s Step) { seen = append(seen, s) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Limit != "max steps" || len(res.Steps) != 1 || len(seen) != 1 {
		t.Fatalf("limit %q after %d steps (%d reported), want max steps after 1", res.Limit, len(res.Steps), len(seen))
	}
	if res.At == nil || res.Half == nil || res.PPSPerCore != res.Steps[0].ForwardedPPS || res.Saturated {
		t.Fatalf("summary %+v: want the one step as capacity and half load, unsaturated", res)
	}
}

func TestSendTime(t *testing.T) {
	pkt := []byte{0x90, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, // V=2, X=1
		0xbe, 0xde, 0, 1, 0x10, 0x85, 0, 0, // one-byte extension, audio level
		opusTOC, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0xaa}
	got, ok := sendTime(pkt)
	if !ok || got != 0x1234 {
		t.Fatalf("sendTime = %#x, %v; want 0x1234, true", got, ok)
	}
	if _, ok := sendTime(pkt[:25]); ok {
		t.Error("a truncated payload was accepted")
	}
	other := append([]byte{}, pkt...)
	other[20] = 0x78 // not the bench TOC
	if _, ok := sendTime(other); ok {
		t.Error("a foreign payload was accepted")
	}
}

// TestTopNRampCountsTheLoudest runs the top-N ramp's bookkeeping against a
// server that forwards everything: with 3 publishers and top-3 each one
// expects exactly the 2 others, so nothing may count as lost, and the
// room held is the one step's 3 participants.
func TestTopNRampCountsTheLoudest(t *testing.T) {
	t.Cleanup(test.CheckRoutines(t))
	_, url := startServer(t)
	res, err := Run(context.Background(), Options{
		URL: url, AppID: testAppID, AppKey: testAppKey,
		TopN: 3, Publishers: 3, MaxSteps: 1,
		Window: time.Second, Settle: 100 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Steps) != 1 {
		t.Fatalf("%d steps (limit %q), want 1", len(res.Steps), res.Limit)
	}
	st := res.Steps[0]
	if st.Publishers != 3 || st.Participants != 3 || st.ExpectedPPS != 2*st.SentPPS || st.Loss > 0.05 || st.Loss < -0.01 {
		t.Fatalf("step %+v: want 3 publishers, expected = 2 x sent, no loss", st)
	}
	if res.LargestRoom != 3 {
		t.Fatalf("largest room %d, want 3", res.LargestRoom)
	}
}

func TestTopNExpectations(t *testing.T) {
	b := &bench{opt: Options{TopN: 3}}
	r := &loadRoom{pubs: 10}
	for i := 0; i < 10; i++ {
		m := &member{}
		m.sentWin.Store(uint64(100 + i))
		r.members = append(r.members, m)
	}
	// Publisher 1 is one of the 3 loudest: it hears 0 and 2.
	if got := b.expectedTracks(r, 1); got != 2 {
		t.Errorf("a top speaker expects %d streams, want 2", got)
	}
	if got := b.expectedFor(r, 1); got != 100+102 {
		t.Errorf("a top speaker expects %d packets, want 202", got)
	}
	// Publisher 7 hears the 3 loudest.
	if got := b.expectedTracks(r, 7); got != 3 {
		t.Errorf("a quiet speaker expects %d streams, want 3", got)
	}
	if got := b.expectedFor(r, 7); got != 100+101+102 {
		t.Errorf("a quiet speaker expects %d packets, want 303", got)
	}
	mesh := &bench{}
	if got := mesh.expectedFor(r, 7); got != 1045-107 {
		t.Errorf("full mesh: %d packets expected, want all but its own 107: %d", got, 1045-107)
	}
}
