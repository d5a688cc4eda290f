package e2e

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/pulsetest"
	"github.com/confab-rtc/confab/internal/tone"
)

// testRecvLossEnv is package main's variable that makes a client drop
// that percentage of its incoming RTP packets (testhooks.go).
const testRecvLossEnv = "CONFAB_TEST_RECV_LOSS"

// soakPlan is what one soak run does once the staying participants are in
// the call.
type soakPlan struct {
	duration   time.Duration // how long the churn goes on
	churnEvery time.Duration // one churner leaves and a new one joins
	plugEvery  time.Duration // a headset is plugged in ...
	plugFor    time.Duration // ... and unplugged this much later
	lossPct    int           // alice's downlink loss
}

// stayers send continuous tones at these frequencies for the whole run and
// record what they hear; churners send the churnFreqs, one per slot. They
// are 600 Hz apart: a 20 ms analysis window resolves ±100 Hz.
var (
	stayerNames = []string{"alice", "bob", "carol"}
	stayerFreqs = []float64{500, 1100, 1700}
	churnFreqs  = []float64{2300, 2900, 3500}
)

// soakAmp is each tone's amplitude: five at once (what a stayer hears)
// sum to 0.5 of full scale, so the mix never reaches the limiter and each
// tone's level does not depend on who else is in the call.
const soakAmp = 0.1

// soakSample is one reading of the processes that stay for the whole run,
// taken right after a churn step, when the call is full (six in the room).
type soakSample struct {
	at            time.Duration // since the churn began
	srvGoroutines float64       // go_goroutines from the server's /metrics
	srvRSS        float64       // MiB
	srvHeap       float64       // MiB in use by the Go heap
	srvFDs        float64
	cliRSS        [3]float64 // MiB, the stayers in stayerNames order
	cliThreads    [3]float64
	cliFDs        [3]float64
}

// soakResult is what a run measured.
type soakResult struct {
	samples []soakSample
	// gaps[r][f] is the longest gap of stayer f's tone heard by stayer r
	// outside the injected device faults (-1 for r == f); faultGap the
	// longest inside them.
	gaps     [3][3]time.Duration
	faultGap time.Duration
	// stallGap is the longest gap around a stall of the test process
	// itself (the machine froze everyone: stallProbe), of stalls seen.
	stallGap time.Duration
	stalls   int
	// falseFallbacks counts carol's speaker fallbacks while nothing was
	// unplugged: her device watchdog took a stall of the sound server
	// (starved on a loaded machine) for a lost device.
	falseFallbacks int
	// carolCover is how much of the wall-clock time measured carol's
	// device-paced recording covers.
	carolCover float64
	// level[r][f] is the median level of stayer f's tone over the 100 ms
	// windows of what stayer r recorded, as a fraction of the level sent:
	// what the codec, concealment and mixer kept of it (toneLevel).
	level [3][3]float64
	// downlink[r] is the worst downlink quality (0-6) stayer r was told
	// it had: the loss injected on alice's is seen by the server.
	downlink [3]int
	churns   int
	plugs    int
}

// runSoak runs a 6-party call through `confab serve` and `confab join
// --headless` processes on a private PulseAudio: alice, bob and carol stay
// for the whole run, each sending a tone and recording the mix it hears;
// three more slots are taken by churners, one of which leaves (by leave
// command, SIGTERM or SIGKILL, in turn) and is replaced by a newcomer
// every churnEvery. Alice loses lossPct of her incoming packets. Carol
// plays to the default speaker; every plugEvery a USB headset (a null
// sink) is plugged in, carol follows it, and it is unplugged plugFor
// later.
// After every churn step the server's goroutines, RSS and file
// descriptors and the stayers' RSS, threads and descriptors are sampled.
func runSoak(t testing.TB, plan soakPlan) soakResult {
	pa := pulsetest.Start(t)
	e := newEnv(t)
	e.extra = pa.Env()
	url := e.startServer()
	metricsURL := "http://" + strings.TrimPrefix(url, "ws://") + "/metrics"
	const room = "soak"

	var stayers [3]*client
	for i, name := range stayerNames {
		wav := e.path(name + ".wav")
		writeSine(t, wav, stayerFreqs[i], soakAmp)
		args := []string{"--server", url, "--user", name, "--send", wav, "--record", e.path(name + "-rec.wav"), room}
		if name != "carol" {
			args = append([]string{"--speaker", "none"}, args...)
		}
		if name == "alice" {
			e.extra = append(pa.Env(), fmt.Sprintf("%s=%d", testRecvLossEnv, plan.lossPct))
		}
		stayers[i] = e.startClient(name, args...)
		e.extra = pa.Env()
	}
	var up [3]time.Time // each stayer's CONNECTED: its recording's first sample
	var heardAll time.Time
	for i, c := range stayers {
		up[i] = c.waitEvent("CONNECTED", 30*time.Second, isEvent("connection-state-changed", map[string]any{"cur": "CONNECTED"})).time()
		for j, other := range stayerNames {
			if j != i {
				if at := c.waitEvent("first audio from "+other, 30*time.Second, isEvent("first-audio-frame", map[string]any{"userId": other})).time(); at.After(heardAll) {
					heardAll = at
				}
			}
		}
	}
	carol := stayers[2]
	carol.waitEvent("the default speaker", 15*time.Second, isEvent("media-device", map[string]any{"kind": "playback", "deviceId": pulsetest.SpeakerSink}))

	var churners [3]*client
	for k := range churners {
		writeSine(t, e.path(fmt.Sprintf("churn%d.wav", k)), churnFreqs[k], soakAmp)
	}
	// Every churner's time in the call, from its CONNECTED to when it
	// was made to leave (zero while it is in), to check the stayers heard
	// each.
	type stint struct {
		id       string
		up, gone time.Time
	}
	var stints []*stint
	stintOf := map[*client]*stint{}
	join := func(k, round int) *client {
		id := fmt.Sprintf("churn%d-%d", k, round)
		c := e.startClient(id, "--server", url, "--user", id, "--send", e.path(fmt.Sprintf("churn%d.wav", k)), "--speaker", "none", room)
		up := c.waitEvent("CONNECTED", 30*time.Second, isEvent("connection-state-changed", map[string]any{"cur": "CONNECTED"})).time()
		st := &stint{id: id, up: up}
		stints = append(stints, st)
		stintOf[c] = st
		return c
	}
	leave := func(c *client, how int) {
		stintOf[c].gone = time.Now()
		switch how % 3 {
		case 0:
			c.send("leave")
		case 1:
			_ = c.cmd.Process.Signal(syscall.SIGTERM)
		default:
			_ = c.cmd.Process.Kill() // a crash: the server sees the socket die
		}
		select {
		case <-c.exited:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s did not exit within 10 s", c.name)
		}
	}
	for k := range churners {
		churners[k] = join(k, 0)
	}

	var res soakResult
	// faults are carol's device changes, from the moment the test acts to
	// a second after the client reports the new device.
	var faults []span
	plugged, headset, nextPlug := false, -1, plan.plugEvery/3
	start := time.Now()
	probe := startStallProbe(80 * time.Millisecond)
	defer probe.Stop()
	for step := 1; ; step++ {
		stepAt := time.Now()
		now := time.Since(start)
		if now >= plan.duration {
			break
		}
		switch {
		case !plugged && now >= nextPlug && now+plan.plugFor < plan.duration:
			at := time.Now()
			headset = pa.LoadNullSink("usb_headset", "USB_Headset")
			if res.plugs == 0 {
				carol.waitEvent("device-changed ADD", 5*time.Second, func(ev event) bool {
					return isEvent("device-changed", map[string]any{"deviceId": "usb_headset", "action": "ADD"})(ev) && ev.time().After(at)
				})
				carol.send("speaker usb_headset") // later plugs restore it
			}
			sw := waitPlayback(t, carol, "carol following the headset", 10*time.Second, func(id string) bool { return id == "usb_headset" })
			faults = append(faults, span{at, sw.Add(time.Second)})
			plugged, nextPlug = true, nextPlug+plan.plugEvery
			res.plugs++
		case plugged && now >= nextPlug-plan.plugEvery+plan.plugFor:
			at := time.Now()
			pa.Unload(headset)
			fb := waitPlayback(t, carol, "carol off the unplugged headset", 10*time.Second, func(id string) bool { return id != "usb_headset" && id != "" })
			faults = append(faults, span{at, fb.Add(time.Second)})
			plugged = false
		}

		k := step % len(churners)
		leave(churners[k], step/len(churners))
		churners[k] = join(k, step)
		res.churns++
		for _, c := range stayers {
			select {
			case <-c.exited:
				// Not a Fatal: the checks below say what the stayers saw.
				t.Errorf("%s left the call after %d churn steps (%v): %v", c.name, res.churns, time.Since(start).Round(time.Second), c.err)
			default:
			}
		}
		if t.Failed() {
			break
		}
		if step >= len(churners) { // one full round of warm-up first
			x := sampleSoak(t, time.Since(start), metricsURL, stayers)
			res.samples = append(res.samples, x)
			// Logged as taken, so a run that fails keeps its curves.
			t.Logf("sample %8s: server %4.0f goroutines %6.1f MiB RSS %5.1f MiB heap %3.0f fds; RSS alice %5.1f bob %5.1f carol %5.1f MiB",
				x.at.Round(time.Second), x.srvGoroutines, x.srvRSS, x.srvHeap, x.srvFDs, x.cliRSS[0], x.cliRSS[1], x.cliRSS[2])
		}
		// From this step's start, not the schedule's: a step slowed by a
		// device change is not followed by a burst of catching up.
		if wait := plan.churnEvery - time.Since(stepAt); wait > 0 {
			time.Sleep(wait)
		}
	}
	end := time.Now()
	stalls := probe.Stop()
	for _, ev := range carol.all() {
		if isEvent("media-device", map[string]any{"kind": "playback", "reason": "fallback"})(ev) && !overlaps(faults, ev.time(), ev.time(), 0, 0) {
			res.falseFallbacks++
			t.Logf("carol fell back to %s with no device unplugged: %v", ev.str("deviceId"), ev.time().Format("15:04:05.000"))
		}
	}
	res.stalls = len(stalls)

	// The call stayed up for the stayers all along, and the server serves.
	for i, c := range stayers {
		for _, ev := range c.all() {
			switch ev.str("event") {
			case "peer-leave":
				for _, name := range stayerNames {
					if ev.str("userId") == name {
						t.Errorf("%s saw stayer %s leave: %v", stayerNames[i], name, ev)
					}
				}
			case "connection-state-changed":
				if ev.str("cur") != "CONNECTED" && ev.str("cur") != "CONNECTING" {
					t.Errorf("%s: %v: the call did not stay up", stayerNames[i], ev)
				}
			case "error":
				t.Errorf("%s: %v", stayerNames[i], ev)
			case "network-quality":
				if ev.str("userId") == stayerNames[i] {
					res.downlink[i] = max(res.downlink[i], int(ev.num("downlink")))
				}
			}
		}
	}
	// Every churner that stayed 2 s or more (all but the first ones to
	// leave, which stay under a second) was heard by every stayer: each
	// sends a tone from the start. A listener that misses a newcomer is
	// told downlink quality 6 for as long as it stays.
	for i, c := range stayers {
		heard := map[string]bool{}
		for _, ev := range c.all() {
			if ev.str("event") == "first-audio-frame" {
				heard[ev.str("userId")] = true
			}
		}
		var missed []string
		checked := 0
		for _, st := range stints {
			if !st.gone.IsZero() && st.gone.Sub(st.up) < 2*time.Second {
				continue
			}
			checked++
			if !heard[st.id] {
				missed = append(missed, st.id)
			}
		}
		if len(missed) > 0 {
			t.Errorf("%s never heard %d of the %d churners that stayed 2 s or more: %v", stayerNames[i], len(missed), checked, missed)
		}
	}
	all := append(stayers[:], churners[:]...)
	for _, c := range all {
		select {
		case <-c.exited: // reported above
		default:
			c.send("leave")
		}
	}
	for _, c := range all {
		if err := c.waitExit(15 * time.Second); err != nil {
			t.Errorf("%s exited with %v", c.name, err)
		}
	}

	if t.Failed() {
		return res // the recordings of a call that broke prove nothing more
	}

	// Gaps per frequency in what each stayer recorded, from when everyone
	// heard everyone to the end of the churn.
	from := heardAll.Add(time.Second)
	for r, name := range stayerNames {
		rec := readRecording(t, e.path(name+"-rec.wav"), up[r]).pcm
		i0 := max(int(from.Sub(up[r]).Seconds()*audio.SampleRate), 0)
		i1 := min(int(end.Sub(up[r]).Seconds()*audio.SampleRate), len(rec))
		// Alice's and bob's mixers run on the wall clock, carol's on her
		// speaker's: a device switch or a starved sound server costs
		// her recording time, not audio, so her timeline is her own
		// (and the windows of her device changes are placed on it
		// approximately).
		got, want := float64(i1-i0)/audio.SampleRate, end.Sub(from).Seconds()
		if name == "carol" {
			res.carolCover = got / want
		} else if got < 0.9*want {
			t.Fatalf("%s recorded only %.1f s of the %.1f s measured: its mixer was starved of CPU (a loaded machine), which proves nothing either way", name, got, want)
		}
		pcm := rec[i0:i1]
		for f, freq := range stayerFreqs {
			if f == r {
				res.gaps[r][f] = -1
				continue
			}
			res.level[r][f] = toneLevel(pcm, freq) / soakAmp
			for _, g := range tone.Gaps(pcm, audio.SampleRate, freq, 20*time.Millisecond, 10*time.Millisecond, 0.25) {
				at := from.Add(g.Start)
				if name == "carol" && overlaps(faults, at, at.Add(g.Length), 0, 0) {
					res.faultGap = max(res.faultGap, g.Length)
					continue
				}
				// The jitter buffer needs a moment to refill after the
				// machine froze the processes.
				if overlaps(stalls, at, at.Add(g.Length), 200*time.Millisecond, 500*time.Millisecond) {
					res.stallGap = max(res.stallGap, g.Length)
					continue
				}
				if g.Length > res.gaps[r][f] {
					res.gaps[r][f] = g.Length
				}
				if g.Length > 100*time.Millisecond {
					t.Logf("%s: %.0f Hz missing for %v at %s (+%.1fs)", name, freq, g.Length, at.Format("15:04:05.000"), at.Sub(start).Seconds())
				}
			}
		}
	}
	return res
}

// sampleSoak reads the server's /metrics and the stayers' /proc entries.
func sampleSoak(t testing.TB, at time.Duration, metricsURL string, stayers [3]*client) soakSample {
	s := soakSample{at: at}
	m, err := scrapeMetrics(metricsURL)
	if err != nil {
		t.Fatalf("the server's metrics: %v", err)
	}
	s.srvGoroutines, s.srvRSS, s.srvFDs = m["go_goroutines"], m["process_resident_memory_bytes"]/(1<<20), m["process_open_fds"]
	s.srvHeap = m["go_memstats_heap_inuse_bytes"] / (1 << 20)
	if s.srvGoroutines == 0 || s.srvRSS == 0 {
		t.Fatalf("the server's metrics lack go_goroutines or process_resident_memory_bytes: %v", m)
	}
	for i, c := range stayers {
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		s.cliRSS[i] = float64(statusField(string(status), "VmRSS:")) / 1024
		s.cliThreads[i] = float64(statusField(string(status), "Threads:"))
		fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", c.cmd.Process.Pid))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		s.cliFDs[i] = float64(len(fds))
	}
	return s
}

// scrapeMetrics reads the unlabelled samples of a Prometheus text page.
func scrapeMetrics(url string) (map[string]float64, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	m := map[string]float64{}
	for _, l := range strings.Split(string(body), "\n") {
		name, val, ok := strings.Cut(l, " ")
		if !ok || strings.HasPrefix(l, "#") || strings.Contains(name, "{") {
			continue
		}
		if v, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
			m[name] = v
		}
	}
	return m, nil
}

// growth compares the mean of a series' last third with the mean of its
// first third.
func growth(xs []float64) (first, last float64) {
	n := len(xs) / 3
	if n == 0 {
		return 0, 0
	}
	mean := func(v []float64) float64 {
		s := 0.0
		for _, x := range v {
			s += x
		}
		return s / float64(len(v))
	}
	return mean(xs[:n]), mean(xs[len(xs)-n:])
}

// trend is the least-squares slope of xs over the times at, per minute.
func trend(at []time.Duration, xs []float64) float64 {
	n := float64(len(xs))
	var mt, mx float64
	for i := range xs {
		mt += at[i].Minutes() / n
		mx += xs[i] / n
	}
	var num, den float64
	for i := range xs {
		dt := at[i].Minutes() - mt
		num += dt * (xs[i] - mx)
		den += dt * dt
	}
	if den == 0 {
		return 0
	}
	return num / den
}

// trendFrom and trendSpan: a series' trend is judged on the samples after
// the first minute (the call, its buffers and the runtime's heap settle
// in it), and only when those span 4 minutes or more: over a minute or
// two the wander at one call state is as large as a leak's slope.
const trendFrom, trendSpan = time.Minute, 4 * time.Minute

// soakSeries is one measured series and the margin it may grow by: the
// last third's mean may exceed the first third's by rel of it plus abs,
// and in a long run its trend may not exceed perMin a minute (0: not
// judged).
type soakSeries struct {
	name     string
	unit     string
	rel, abs float64
	perMin   float64
	of       func(soakSample) float64
	// notUnderRace: with the race detector the series is shown but not
	// judged (see soakSeriesAll).
	notUnderRace bool
}

// soakSeriesAll are the series a soak checks. The margins, and why:
//   - server goroutines: sampled with the call in the same state (six in
//     the room, right after a join), so only transient ones differ (a
//     departed PeerConnection's ICE and DTLS goroutines winding down, a
//     webhook or metrics request): 10 % + 10. A leaked participant costs
//     dozens (two PeerConnections), one per churn step would add hundreds.
//   - RSS and the server's heap in use: the Go heap may grow to twice the
//     live heap before a collection (GOGC=100) and the runtime returns
//     freed pages to the system lazily, so RSS at the same state wanders
//     by a few MiB: 20 % + 4 MiB. Under the race detector the server's
//     RSS also holds the detector's shadow memory and history, which grew
//     by 30 % over 70 s of churn here while the heap in use stayed flat:
//     there the heap is what is judged.
//   - file descriptors: each socket of a PeerConnection is one; at the
//     same call state the count is the same up to sockets still closing,
//     so 10 more at most.
//   - client threads: the Go runtime only adds threads (for cgo calls
//     into Opus and PulseAudio, blocking syscalls), never removes them;
//     they must not follow the churn, so 4 more at most.
//   - the memory series' trend in a long run: 0.25 MiB a minute. A slow
//     leak stays inside the margins above for minutes (a stayer gaining
//     1.5 MiB a minute passed them at 7 minutes); what pion keeps per
//     stream a connection ever had (SRTP and SRTCP states, some 2 KiB a
//     departed participant) is 0.05 MiB a minute at the soak's churn.
var soakSeriesAll = func() []soakSeries {
	s := []soakSeries{
		{"server goroutines", "", 0.10, 10, 0, func(x soakSample) float64 { return x.srvGoroutines }, false},
		{"server RSS", "MiB", 0.20, 4, 0.25, func(x soakSample) float64 { return x.srvRSS }, true},
		{"server heap", "MiB", 0.20, 4, 0.25, func(x soakSample) float64 { return x.srvHeap }, false},
		{"server fds", "", 0, 10, 0, func(x soakSample) float64 { return x.srvFDs }, false},
	}
	for i, name := range stayerNames {
		s = append(s,
			soakSeries{name + " RSS", "MiB", 0.20, 4, 0.25, func(x soakSample) float64 { return x.cliRSS[i] }, false},
			soakSeries{name + " threads", "", 0, 4, 0, func(x soakSample) float64 { return x.cliThreads[i] }, false},
			soakSeries{name + " fds", "", 0, 10, 0, func(x soakSample) float64 { return x.cliFDs[i] }, false})
	}
	return s
}()

// checkFlat reports each series' first and last third and fails those
// that grew beyond their margin.
func checkFlat(t testing.TB, samples []soakSample) {
	t.Helper()
	if len(samples) < 6 {
		t.Fatalf("only %d samples; the run is too short to judge", len(samples))
	}
	for _, s := range soakSeriesAll {
		first, last := growth(seriesOf(samples, s.of))
		limit := first*(1+s.rel) + s.abs
		t.Logf("%-17s first third %7.1f %s, last third %7.1f %s (limit %.1f)", s.name, first, s.unit, last, s.unit, limit)
		if last > limit && s.notUnderRace && raceBuild {
			t.Logf("%s: not judged under the race detector", s.name)
			continue
		}
		if last > limit {
			t.Errorf("%s grew from %.1f to %.1f %s over the run (limit %.1f): a leak", s.name, first, last, s.unit, limit)
		}
		var at []time.Duration
		var xs []float64
		for _, x := range samples {
			if x.at >= trendFrom {
				at = append(at, x.at)
				xs = append(xs, s.of(x))
			}
		}
		if s.perMin == 0 || len(at) < 2 || at[len(at)-1]-at[0] < trendSpan {
			continue
		}
		slope := trend(at, xs)
		t.Logf("%-17s trend %+.3f %s a minute (limit %+.2f)", s.name, slope, s.unit, s.perMin)
		if slope > s.perMin && !(s.notUnderRace && raceBuild) {
			t.Errorf("%s grows %.2f %s a minute (limit %.2f): a leak", s.name, slope, s.unit, s.perMin)
		}
	}
}

// checkGaps fails every stayer's tone that went missing for longer than
// limit at another stayer outside the injected device faults.
func checkGaps(t testing.TB, res soakResult, limit time.Duration) {
	t.Helper()
	for r, name := range stayerNames {
		for f, from := range stayerNames {
			if f == r {
				continue
			}
			t.Logf("%s hearing %s (%.0f Hz): longest gap %v, level %.2f of sent", name, from, stayerFreqs[f], res.gaps[r][f], res.level[r][f])
			if res.gaps[r][f] > limit {
				t.Errorf("%s lost %s's tone for %v, want at most %v", name, from, res.gaps[r][f], limit)
			}
			if res.level[r][f] < 0.5 {
				t.Errorf("%s heard %s's tone at %.2f of its level, want most of it", name, from, res.level[r][f])
			}
		}
	}
	t.Logf("worst downlink quality told to alice, bob, carol: %v", res.downlink)
	if res.downlink[0] < 2 {
		t.Errorf("alice's downlink quality never fell below excellent (worst %d): the injected loss did not act", res.downlink[0])
	}
	// Nothing is injected on bob's and carol's links: "very bad" or
	// "down" there means they missed streams they were sent.
	for r := 1; r < len(stayerNames); r++ {
		if res.downlink[r] >= 5 {
			t.Errorf("%s was told downlink quality %d with nothing injected on its link", stayerNames[r], res.downlink[r])
		}
	}
	t.Logf("carol's recording, paced by her speakers, covers %.0f %% of the wall-clock time measured; she fell back %d times with nothing unplugged", 100*res.carolCover, res.falseFallbacks)
	t.Logf("longest gap during carol's device changes: %v; around the %d stalls of the machine: %v; %d churn steps, %d hot-plugs",
		res.faultGap, res.stalls, res.stallGap, res.churns, res.plugs)
}

// TestSoak is the soak's short form: 70 s of a 6-party call with a
// churner replaced every 3 s, a headset hot-plugged every 30 s that carol
// follows, and 5 % loss on alice's downlink. The server's goroutines,
// RSS and descriptors and the staying clients' RSS, threads and
// descriptors stay flat, and no staying participant's tone goes missing
// for more than 200 ms at another outside the device changes.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("the soak takes about 90 s")
	}
	res := runSoak(t, soakPlan{duration: 70 * time.Second, churnEvery: 3 * time.Second, plugEvery: 30 * time.Second, plugFor: 10 * time.Second, lossPct: 5})
	checkFlat(t, res.samples)
	checkGaps(t, res, 200*time.Millisecond)
}

// BenchmarkSoak is the soak's long form, for SOAK_DURATION (default
// 10m), and prints the curves: every sample of the server's goroutines,
// RSS and descriptors and the stayers' RSS.
//
//	SOAK_DURATION=10m nice -n 10 go test ./e2e -run '^$' -bench Soak -benchtime 1x -timeout 30m
func BenchmarkSoak(b *testing.B) {
	d := 10 * time.Minute
	if v := os.Getenv("SOAK_DURATION"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			b.Fatalf("SOAK_DURATION=%q: %v", v, err)
		}
	}
	for i := 0; i < b.N; i++ {
		res := runSoak(b, soakPlan{duration: d, churnEvery: 3 * time.Second, plugEvery: 30 * time.Second, plugFor: 10 * time.Second, lossPct: 5})
		var tab strings.Builder
		fmt.Fprintf(&tab, "\n%8s %8s %8s %9s %8s %10s %8s %10s\n", "t", "srv gor", "srv MiB", "srv heap", "srv fds", "alice MiB", "bob MiB", "carol MiB")
		for _, s := range res.samples {
			fmt.Fprintf(&tab, "%8s %8.0f %8.1f %9.1f %8.0f %10.1f %8.1f %10.1f\n", s.at.Round(time.Second), s.srvGoroutines, s.srvRSS, s.srvHeap, s.srvFDs, s.cliRSS[0], s.cliRSS[1], s.cliRSS[2])
		}
		b.Log(tab.String())
		checkFlat(b, res.samples)
		checkGaps(b, res, 200*time.Millisecond)
		longest := time.Duration(0)
		for r := range res.gaps {
			for f := range res.gaps[r] {
				longest = max(longest, res.gaps[r][f])
			}
		}
		first, last := growth(seriesOf(res.samples, func(x soakSample) float64 { return x.srvGoroutines }))
		b.ReportMetric(first, "srv-goroutines-first")
		b.ReportMetric(last, "srv-goroutines-last")
		first, last = growth(seriesOf(res.samples, func(x soakSample) float64 { return x.srvRSS }))
		b.ReportMetric(first, "srv-MiB-first")
		b.ReportMetric(last, "srv-MiB-last")
		b.ReportMetric(float64(longest.Milliseconds()), "max-gap-ms")
		b.ReportMetric(float64(res.churns), "churns")
	}
}

// seriesOf extracts one value from every sample.
func seriesOf(samples []soakSample, of func(soakSample) float64) []float64 {
	xs := make([]float64, len(samples))
	for i, s := range samples {
		xs[i] = of(s)
	}
	return xs
}

func TestGrowth(t *testing.T) {
	first, last := growth([]float64{10, 12, 11, 11, 20, 20, 30, 31, 32})
	if first != 11 || last != 31 {
		t.Errorf("growth = %v, %v; want 11, 31", first, last)
	}
	if first, last := growth([]float64{1, 2}); first != 0 || last != 0 {
		t.Errorf("growth of two samples = %v, %v; want 0, 0", first, last)
	}
}

func TestScrapeMetrics(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "# HELP go_goroutines Number of goroutines.\n# TYPE go_goroutines gauge\ngo_goroutines 42\n"+
			"confab_rooms{state=\"x\"} 3\nprocess_resident_memory_bytes 2.5e+07\n")
	}))
	defer srv.Close()
	m, err := scrapeMetrics(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if m["go_goroutines"] != 42 || m["process_resident_memory_bytes"] != 25e6 || len(m) != 2 {
		t.Errorf("scrapeMetrics = %v", m)
	}
}

// toneLevel is the median amplitude, as a fraction of full scale, of the
// tone at freq over the 100 ms windows of pcm: the level a listener hears
// most of the time, whatever the phase jumps that concealment and the
// jitter buffer's adjustments cause between windows.
func toneLevel(pcm []int16, freq float64) float64 {
	ws := tone.Windows(pcm, audio.SampleRate, 100*time.Millisecond)
	if len(ws) == 0 {
		return 0
	}
	amps := make([]float64, len(ws))
	for i, w := range ws {
		amps[i] = tone.Amplitude(w, audio.SampleRate, freq)
	}
	slices.Sort(amps)
	return amps[len(amps)/2] / 32767
}

// waitPlayback waits until the speaker c last reported (media-device,
// kind playback) satisfies ok, and returns when it reported it. It looks
// at the latest report, not at a particular one: a device watchdog on a
// loaded machine may report extra switches in between, and what a user
// checks is where the sound goes now.
func waitPlayback(t testing.TB, c *client, desc string, timeout time.Duration, ok func(id string) bool) time.Time {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var last event
		for _, ev := range c.all() {
			if isEvent("media-device", map[string]any{"kind": "playback"})(ev) {
				last = ev
			}
		}
		if last != nil && ok(last.str("deviceId")) {
			return last.time()
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no %s within %s; last speaker report %v", c.name, desc, timeout, last)
		}
		select {
		case <-c.update:
		case <-c.exited:
			t.Fatalf("%s exited (%v) before %s", c.name, c.err, desc)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// TestTrend: the soak's slope is per minute, and noise around a flat line
// has none.
func TestTrend(t *testing.T) {
	var at []time.Duration
	var line, flat []float64
	for i := range 60 {
		at = append(at, time.Duration(i)*3*time.Second)
		line = append(line, 30+1.5*at[i].Minutes())
		flat = append(flat, 30+float64(i%3)-1)
	}
	if got := trend(at, line); math.Abs(got-1.5) > 1e-9 {
		t.Errorf("trend of 1.5 MiB a minute = %v", got)
	}
	if got := trend(at, flat); math.Abs(got) > 0.05 {
		t.Errorf("trend of a flat series = %v", got)
	}
}
