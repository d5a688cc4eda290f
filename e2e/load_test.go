package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/config"
	"github.com/confab-rtc/confab/internal/tone"
	"github.com/confab-rtc/confab/server"
	"github.com/confab-rtc/confab/signal"
)

// bogusPeer is one connection of the load: the frames it sends right after
// connecting, whether it answers the server's pings (a client that keeps
// the connection alive but never joins), and what it is expected to get.
type bogusPeer struct {
	kind   string
	frames []any // signal.Message, string (a text frame) or []byte (binary)
	pong   bool
	codes  []int // error codes expected, in any order and number, at least one of each
	joined bool  // a successful join is expected
	close  int   // the close code expected from the server
}

// bogusResult is what one bogus connection saw.
type bogusResult struct {
	peer      *bogusPeer
	codes     map[int]int // error codes received and how often
	joined    bool
	closeCode int // 0: still open when the test stopped waiting; -1: broken without a close frame
	closedAt  time.Time
	err       error
}

// runBogus connects to target, sends p's frames and reads until the server
// closes the connection or wait passes.
func runBogus(target string, p *bogusPeer, wait time.Duration) bogusResult {
	res := bogusResult{peer: p, codes: map[int]int{}}
	d := websocket.Dialer{HandshakeTimeout: 20 * time.Second}
	ws, _, err := d.Dial(target, nil)
	if err != nil {
		res.err = err
		return res
	}
	defer ws.Close()
	for _, f := range p.frames {
		switch f := f.(type) {
		case string:
			err = ws.WriteMessage(websocket.TextMessage, []byte(f))
		case []byte:
			err = ws.WriteMessage(websocket.BinaryMessage, f)
		default:
			var data []byte
			if data, err = json.Marshal(f); err == nil {
				err = ws.WriteMessage(websocket.TextMessage, data)
			}
		}
		if err != nil {
			break // the server may close before all garbage is sent
		}
	}
	_ = ws.SetReadDeadline(time.Now().Add(wait))
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			switch {
			case errors.As(err, &ce):
				res.closeCode, res.closedAt = ce.Code, time.Now()
			case strings.Contains(err.Error(), "timeout"):
				res.closeCode = 0
			default:
				res.closeCode, res.closedAt = -1, time.Now()
			}
			return res
		}
		var m signal.Message
		if json.Unmarshal(data, &m) != nil {
			continue
		}
		switch m.Type {
		case signal.TypeError:
			res.codes[m.Code]++
		case signal.TypeJoined:
			res.joined = true
		case signal.TypePing:
			if p.pong {
				_ = ws.WriteJSON(signal.Message{Type: signal.TypePong, ID: m.ID})
			}
		}
	}
}

// loadPeers makes the 500 bogus connections and the 200 joins of the
// flood.
func loadPeers(cfg config.Config, callRoom string) (bogus, flood []*bogusPeer) {
	later := time.Now().Add(time.Hour).Unix()
	join := func(room, user string, ctime int64, key string) signal.Message {
		return signal.Message{Type: signal.TypeJoin, ID: "j", Version: signal.Version, AppID: cfg.App.ID, Role: signal.RolePlayer,
			Room: room, UserID: user, CTime: ctime, Signature: signal.Sign(key, cfg.App.ID, room, user, ctime)}
	}
	var garbage []any
	// Exactly as many as the server takes before it closes: more would be
	// unread when it closes, and the kernel would answer them with a reset
	// instead of letting the close frame through.
	for i := range server.MaxConsecutiveErrors {
		switch i % 3 {
		case 0:
			garbage = append(garbage, []byte{0xde, 0xad, byte(i)})
		case 1:
			garbage = append(garbage, fmt.Sprintf(`{"type":"join","room":%d,`, i))
		default:
			garbage = append(garbage, "\x00not json at all")
		}
	}
	for i := range 500 {
		// Without a session they are closed by the join timeout, with
		// CodeNotJoined.
		p := &bogusPeer{close: websocket.ClosePolicyViolation, codes: []int{signal.CodeNotJoined}}
		switch {
		case i < 150:
			p.kind = "idle, never sends"
		case i < 200:
			p.kind = "keeps alive, never joins"
			p.pong = true
		case i < 350:
			p.kind = "garbage"
			p.frames = garbage
			p.codes = []int{signal.CodeMalformed} // and closed at once: too many errors
		default:
			user := fmt.Sprintf("m%d", i)
			m := join(callRoom, user, later, cfg.App.Key)
			switch i % 5 {
			case 0:
				p.kind, m.AppID, p.codes = "join: unknown app", "someone-else", append(p.codes, signal.CodeUnknownApp)
			case 1:
				p.kind, m.Room, p.codes = "join: bad room id", "room 1!", append(p.codes, signal.CodeInvalidRoomID)
			case 2:
				p.kind, m.UserID, p.codes = "join: bad user id", strings.Repeat("u", 65), append(p.codes, signal.CodeInvalidUserID)
			case 3:
				p.kind, m.Version, p.codes = "join: wrong version", 99, append(p.codes, signal.CodeVersion)
			default:
				p.kind, p.codes = "join: ctime too far", append(p.codes, signal.CodeCTimeTooFar)
				m = join(callRoom, user, time.Now().Add(48*time.Hour).Unix(), cfg.App.Key)
			}
			p.frames = []any{m}
		}
		bogus = append(bogus, p)
	}
	for i := range 200 {
		user := fmt.Sprintf("f%d", i)
		p := &bogusPeer{close: websocket.ClosePolicyViolation}
		switch {
		case i < 100:
			p.kind, p.codes = "flood: wrong signature", []int{signal.CodeAuthFailed, signal.CodeNotJoined}
			p.frames = []any{join(callRoom, user, later, "not-the-key")}
		case i < 150:
			p.kind, p.codes = "flood: expired", []int{signal.CodeSignatureExpired, signal.CodeNotJoined}
			p.frames = []any{join(callRoom, user, time.Now().Add(-time.Minute).Unix(), cfg.App.Key)}
		default:
			// Valid, into a room of their own: admitted, then dropped
			// by the keepalive's "ping timeout" when they answer no ping.
			p.kind, p.joined, p.close = "flood: valid", true, websocket.CloseGoingAway
			p.frames = []any{join("flood", user, later, cfg.App.Key)}
		}
		flood = append(flood, p)
	}
	return bogus, flood
}

// TestLoadKeepsTheCallGoing: while alice and bob are in a call (each
// sending a tone and recording what they hear), 500 bogus websockets
// connect to the server (idle ones, ones that keep the connection alive
// but never join, ones sending garbage, ones sending malformed joins) and
// then 200 joins arrive in a burst (wrong signatures, expired ones, valid
// ones into another room). Every bogus connection gets its error codes and
// is closed by the server's limits; the call goes on with no gap over
// 200 ms in either direction; the server serves a newcomer afterwards, and
// its goroutines come back down. The load is the server's: it spent 6 %
// of a core on it here; the test's own 700 connections idle.
func TestLoadKeepsTheCallGoing(t *testing.T) {
	if testing.Short() {
		t.Skip("the load waits for the server's peer timeout (30 s)")
	}
	e := newEnv(t)
	url := e.startServer()
	base := "http://" + strings.TrimPrefix(url, "ws://")
	cfg, err := config.Load(e.config)
	if err != nil {
		t.Fatal(err)
	}
	const room = "call"
	freqs := map[string]float64{"alice": 500, "bob": 1100}
	up := map[string]time.Time{}
	var clients []*client
	for _, name := range []string{"alice", "bob"} {
		writeSine(t, e.path(name+".wav"), freqs[name], 0.2)
		c := e.startClient(name, "--server", url, "--user", name, "--send", e.path(name+".wav"), "--record", e.path(name+"-rec.wav"), "--speaker", "none", room)
		clients = append(clients, c)
	}
	for i, c := range clients {
		up[c.name] = c.waitEvent("CONNECTED", 15*time.Second, isEvent("connection-state-changed", map[string]any{"cur": "CONNECTED"})).time()
		c.waitEvent("first audio", 15*time.Second, isEvent("first-audio-frame", map[string]any{"userId": clients[1-i].name}))
	}
	time.Sleep(time.Second)
	before, err := scrapeMetrics(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}

	target := url + "/v1/ws"
	bogus, flood := loadPeers(cfg, room)
	const wait = 60 * time.Second // the peer timeout (30 s) of the valid joins, and a margin
	results := make([]bogusResult, len(bogus)+len(flood))
	var wg sync.WaitGroup
	start := time.Now()
	probe := startStallProbe(80 * time.Millisecond)
	defer probe.Stop()
	cpu0 := selfCPU()
	// The 500 arrive over a second, the flood of joins at once.
	for i, p := range bogus {
		wg.Add(1)
		go func() { defer wg.Done(); results[i] = runBogus(target, p, wait) }()
		time.Sleep(time.Second / time.Duration(len(bogus)))
	}
	oneSec, _ := scrapeMetrics(base + "/metrics")
	t.Logf("first second of the load: the server spent %.2f s of CPU, this test process %.2f s",
		oneSec["process_cpu_seconds_total"]-before["process_cpu_seconds_total"], (selfCPU() - cpu0).Seconds())
	time.Sleep(time.Second) // the 500 are connected and talking: now the flood
	floodAt := time.Now()
	for i, p := range flood {
		wg.Add(1)
		go func() { defer wg.Done(); results[len(bogus)+i] = runBogus(target, p, wait) }()
	}
	time.Sleep(3 * time.Second)
	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("healthz during the load: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	during, err := scrapeMetrics(base + "/metrics")
	duringAt := time.Now()
	if err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	end := time.Now()
	stalls := probe.Stop()
	closed, err := scrapeMetrics(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("server goroutines: %.0f before, %.0f under load, flood %.1fs after the first connection; all closed after %.1fs",
		before["go_goroutines"], during["go_goroutines"], floodAt.Sub(start).Seconds(), end.Sub(start).Seconds())
	t.Logf("server CPU: %.2f s over the first %.1f s of the load, %.2f s over the whole %.1f s (%.0f %% of a core)",
		during["process_cpu_seconds_total"]-before["process_cpu_seconds_total"], duringAt.Sub(start).Seconds(),
		closed["process_cpu_seconds_total"]-before["process_cpu_seconds_total"], end.Sub(start).Seconds(),
		100*(closed["process_cpu_seconds_total"]-before["process_cpu_seconds_total"])/end.Sub(start).Seconds())

	// Every bogus connection got what it deserved and was closed.
	byKind := map[string]*struct {
		n, ok    int
		slowest  time.Duration
		problems []string
	}{}
	for _, r := range results {
		k := byKind[r.peer.kind]
		if k == nil {
			k = &struct {
				n, ok    int
				slowest  time.Duration
				problems []string
			}{}
			byKind[r.peer.kind] = k
		}
		k.n++
		var problem string
		switch {
		case r.err != nil:
			problem = "dial: " + r.err.Error()
		case r.joined != r.peer.joined:
			problem = fmt.Sprintf("joined %v", r.joined)
		case r.closeCode != r.peer.close:
			problem = fmt.Sprintf("close code %d, want %d", r.closeCode, r.peer.close)
		}
		for _, code := range r.peer.codes {
			if problem == "" && r.codes[code] == 0 {
				problem = fmt.Sprintf("no error %d (got %v)", code, r.codes)
			}
		}
		if problem != "" {
			if len(k.problems) < 3 {
				k.problems = append(k.problems, problem)
			}
			continue
		}
		k.ok++
		k.slowest = max(k.slowest, r.closedAt.Sub(start))
	}
	for kind, k := range byKind {
		t.Logf("%-26s %3d/%3d as expected, the last closed %4.1fs after the load began", kind, k.ok, k.n, k.slowest.Seconds())
		if k.ok != k.n {
			t.Errorf("%s: %d of %d not as expected, e.g. %v", kind, k.n-k.ok, k.n, k.problems)
		}
	}

	// The server still serves: a newcomer hears alice.
	writeSine(t, e.path("carol.wav"), 1700, 0.2)
	carol := e.startClient("carol", "--server", url, "--user", "carol", "--send", e.path("carol.wav"), "--speaker", "none", "--record", e.path("carol-rec.wav"), room)
	carol.waitEvent("first audio from alice after the load", 15*time.Second, isEvent("first-audio-frame", map[string]any{"userId": "alice"}))
	// The valid joins dropped by the keepalive keep their sessions for
	// the resume grace (15 s); then the goroutines come back to those of
	// the call, carol adding one participant's worth.
	var after map[string]float64
	for deadline := time.Now().Add(signal.DefaultResumeGrace + 15*time.Second); ; time.Sleep(500 * time.Millisecond) {
		if after, err = scrapeMetrics(base + "/metrics"); err != nil {
			t.Fatal(err)
		}
		if after["go_goroutines"] <= before["go_goroutines"]*1.5+20 {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("server goroutines %.0f before the load, %.0f after it: the bogus connections left some behind", before["go_goroutines"], after["go_goroutines"])
			break
		}
	}
	t.Logf("server goroutines after the load, carol in the call: %.0f", after["go_goroutines"])

	for _, c := range append(clients, carol) {
		c.send("leave")
	}
	for _, c := range append(clients, carol) {
		if err := c.waitExit(10 * time.Second); err != nil {
			t.Errorf("%s exited with %v", c.name, err)
		}
		for _, ev := range c.all() {
			if name := ev.str("event"); name == "error" || name == "peer-join" && !strings.HasPrefix(ev.str("userId"), "alice") && ev.str("userId") != "bob" && ev.str("userId") != "carol" {
				t.Errorf("%s saw %v: the load leaked into the call", c.name, ev)
			}
		}
	}

	// Continuity at both receivers over the whole load.
	for i, c := range clients {
		other := clients[1-i].name
		rec := readRecording(t, e.path(c.name+"-rec.wav"), up[c.name])
		pcm := rec.between(t, start.Add(-500*time.Millisecond), end)
		if got, want := float64(len(pcm))/audio.SampleRate, end.Sub(start).Seconds()+0.5; got < 0.9*want {
			t.Fatalf("%s recorded only %.1f s of the %.1f s of load: its mixer was starved of CPU (a loaded machine), which proves nothing about the server", c.name, got, want)
		}
		longest, stalled := time.Duration(0), time.Duration(0)
		for _, g := range tone.Gaps(pcm, audio.SampleRate, freqs[other], 20*time.Millisecond, 10*time.Millisecond, 0.25) {
			at := start.Add(-500 * time.Millisecond).Add(g.Start)
			if overlaps(stalls, at, at.Add(g.Length), 200*time.Millisecond, 500*time.Millisecond) {
				stalled = max(stalled, g.Length)
				continue
			}
			longest = max(longest, g.Length)
			if g.Length > 100*time.Millisecond {
				t.Logf("%s: %s missing for %v at +%.2fs of the load (the flood came at +%.2fs)", c.name, other, g.Length, (g.Start - 500*time.Millisecond).Seconds(), floodAt.Sub(start).Seconds())
			}
		}
		level := toneLevel(pcm, freqs[other]) / 0.2
		t.Logf("%s hearing %s over %.1fs of load: longest gap %v, level %.2f of sent (around the %d stalls of the machine itself: %v)",
			c.name, other, float64(len(pcm))/audio.SampleRate, longest, level, len(stalls), stalled)
		if longest > 200*time.Millisecond {
			t.Errorf("%s lost %s for %v during the load, want at most 200 ms", c.name, other, longest)
		}
		if level < 0.5 {
			t.Errorf("%s heard %s at %.2f of the level sent", c.name, other, level)
		}
	}
}

// selfCPU is the CPU time (user and system) this test process used so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
