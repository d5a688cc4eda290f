package sfubench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pion/webrtc/v4"
)

// Options configure one ramp.
type Options struct {
	// URL is the server's websocket URL (ws://127.0.0.1:PORT/v1/ws);
	// AppID and AppKey sign the joins.
	URL, AppID, AppKey string
	// ServerPID is the server process whose CPU is measured; 0 for a
	// server in this process (CPU is then not reported).
	ServerPID int
	// TopN, when > 0, ramps one room in which everyone publishes at a
	// distinct level and expects everyone to hear the room's TopN
	// loudest speakers (a speaker hears the other TopN-1); 0 ramps rooms
	// in which everyone gets everything.
	TopN int
	// Publishers is the number of publishers per room (full mesh) or
	// added per step (top-N).
	Publishers int
	// Players is the number of receive-only participants per room (full
	// mesh; ignored with TopN).
	Players int
	// MaxSteps bounds the ramp.
	MaxSteps int
	// Window is how long each step is measured; Settle how long the load
	// runs before, once every stream flows.
	Window, Settle time.Duration
	// Budget bounds the whole ramp: no step starts that would end after it.
	Budget time.Duration
	// MaxCPU (fraction of one core) and MaxLoss end the ramp when a step
	// reaches them.
	MaxCPU, MaxLoss float64
	// WatchCores makes each step report what else ran on ServerCore and
	// LoadgenCore (a negative core is not watched).
	WatchCores              bool
	ServerCore, LoadgenCore int
	// Progress, if set, sees every step when it is measured.
	Progress func(Step)
}

// withDefaults fills zero options.
func (o Options) withDefaults() Options {
	if o.Publishers == 0 {
		o.Publishers = 10
	}
	if o.MaxSteps == 0 {
		o.MaxSteps = 12
	}
	if o.Window == 0 {
		o.Window = 5 * time.Second
	}
	if o.Settle == 0 {
		o.Settle = time.Second
	}
	if o.Budget == 0 {
		o.Budget = 2 * time.Minute
	}
	if o.MaxCPU == 0 {
		o.MaxCPU = 0.95
	}
	if o.MaxLoss == 0 {
		o.MaxLoss = 0.01
	}
	return o
}

// Step is the measurement of one load level.
type Step struct {
	// Rooms, Participants and Publishers describe the load.
	Rooms        int `json:"rooms"`
	Participants int `json:"participants"`
	Publishers   int `json:"publishers"`
	// SentPPS is what the publishers sent (packets/s into the server).
	SentPPS float64 `json:"sent_pps"`
	// ExpectedPPS is what the server should forward for those packets;
	// ForwardedPPS is what the receivers got.
	ExpectedPPS  float64 `json:"expected_pps"`
	ForwardedPPS float64 `json:"forwarded_pps"`
	// Loss is 1 - forwarded/expected.
	Loss float64 `json:"loss"`
	// ServerCPU and LoadgenCPU are fractions of one core (-1: unknown).
	ServerCPU  float64 `json:"server_cpu"`
	LoadgenCPU float64 `json:"loadgen_cpu"`
	// P50, P99 and Max are forwarding latencies (send to receive, through
	// the server and both pion stacks) in milliseconds.
	P50 float64 `json:"p50_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
	// SendLag99 is the 99th percentile of how late publishers ran after
	// their 20 ms tick: the load generator's own scheduling delay, which
	// its receivers suffer too and which inflates the latencies above.
	SendLag99 float64 `json:"loadgen_lag_p99_ms"`
	// ServerCoreOther and LoadgenCoreOther are how busy the two cores
	// were with anything but the server and the load generator (other
	// processes, and the kernel's share of loopback networking), as
	// fractions of the core; -1 when not watched.
	ServerCoreOther  float64 `json:"server_core_other"`
	LoadgenCoreOther float64 `json:"loadgen_core_other"`
	// Retried is set when the first try of the step was disturbed (loss
	// or other work on the cores) and this is a later, less disturbed one.
	Retried bool `json:"retried,omitempty"`
}

// maxOther is how busy with other work either core may be for a step to
// count as clean.
const maxOther = 0.15

// contended reports whether other work took a noticeable share of the
// server's or the load generator's core during the step, so that its
// loss and latency say more about the machine than about the server.
func (s Step) contended() bool {
	return s.ServerCoreOther > maxOther || s.LoadgenCoreOther > maxOther
}

// keptUp reports whether the publishers sent at least 90 % of their
// nominal 50 packets/s: a load generator that falls behind offers less
// load than the step claims and delays its own receivers.
func (s Step) keptUp() bool {
	return s.SentPPS >= 0.9*float64(s.Publishers)*float64(time.Second/frameInterval)
}

// clean reports whether a step measured the server: no loss, the load
// generator kept up and nothing else took the cores.
func (s Step) clean(opt Options) bool {
	return s.Loss <= opt.MaxLoss && s.keptUp() && !s.contended()
}

// disturbance ranks tries of one load: other work on the cores, and loss.
func (s Step) disturbance() float64 {
	return max(0, s.ServerCoreOther) + max(0, s.LoadgenCoreOther) + 10*max(0, s.Loss)
}

// PPSPerCore is the forwarded packet rate scaled to one full core of
// server CPU, or the plain rate when the CPU is unknown.
func (s Step) PPSPerCore() float64 {
	if s.ServerCPU <= 0 {
		return s.ForwardedPPS
	}
	return s.ForwardedPPS / s.ServerCPU
}

// Result is a whole ramp.
type Result struct {
	// TopN is the top-N setting the ramp assumed (0: full mesh).
	TopN  int    `json:"top_n"`
	Steps []Step `json:"steps"`
	// Limit says why the ramp stopped: "server cpu", "loss", "load
	// generator cpu", "max steps", "time budget" or a failure.
	Limit string `json:"limit"`
	// Saturated is true when the server's CPU or loss ended the ramp, so
	// At is a real capacity and not only a lower bound.
	Saturated bool `json:"saturated"`
	// At is the step the capacity is read from: the last one when
	// saturated, else the last clean one (no loss, cores not contended).
	At *Step `json:"at,omitempty"`
	// PPSPerCore is At's forwarded packets/s per core of server CPU.
	PPSPerCore float64 `json:"forwarded_pps_per_core"`
	// Half is the step whose load was closest to half of PPSPerCore,
	// among those without loss or other work on the cores: the latency
	// there is the one to quote.
	Half *Step `json:"half_load,omitempty"`
	// LargestRoom (top-N) is the most participants of a step the server
	// held: loss within MaxLoss, CPU below MaxCPU, the load generator
	// keeping up (preferring steps without other work on the cores).
	LargestRoom int `json:"largest_room,omitempty"`
}

// loadRoom is one room of the load.
type loadRoom struct {
	name    string
	members []*member // publishers first, in order of loudness (top-N)
	pubs    int
}

// bench runs one ramp.
type bench struct {
	opt   Options
	api   *webrtc.API
	clk   clock
	win   window
	lag   histogram // publishers' lateness after their ticks, in windows
	rooms []*loadRoom
	nPubs int // publishers joined so far, for their send phases
}

// Run ramps the load on the server at opt.URL and measures each step, until
// a limit of opt is reached or ctx ends. All its clients leave before it
// returns.
func Run(ctx context.Context, opt Options) (Result, error) {
	opt = opt.withDefaults()
	api, err := newLeanAPI()
	if err != nil {
		return Result{}, err
	}
	b := &bench{opt: opt, api: api, clk: clock{base: time.Now()}}
	defer b.closeAll()
	res := Result{TopN: opt.TopN}
	start := time.Now()
	var last time.Duration
	for i := 0; ; i++ {
		if i == opt.MaxSteps {
			res.Limit = "max steps"
			break
		}
		if i > 0 && time.Since(start)+last > opt.Budget {
			res.Limit = "time budget"
			break
		}
		stepStart := time.Now()
		if err := b.grow(ctx); err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			res.Limit = "join failed: " + err.Error()
			break
		}
		if err := b.waitFlowing(ctx); err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			res.Limit = err.Error()
			break
		}
		st, err := b.measure(ctx)
		// Loss below full CPU, or other work on the cores, is often a
		// burst of something else on a shared machine: measure the same
		// load once more and keep the less disturbed try.
		for try := 1; err == nil && try < 2 && (st.contended() || st.Loss > opt.MaxLoss && st.ServerCPU < opt.MaxCPU); try++ {
			var again Step
			if again, err = b.measure(ctx); err == nil && again.disturbance() < st.disturbance() {
				st = again
				st.Retried = true
			}
		}
		if err != nil {
			return res, err
		}
		last = time.Since(stepStart)
		res.Steps = append(res.Steps, st)
		if opt.Progress != nil {
			opt.Progress(st)
		}
		if st.ServerCPU >= opt.MaxCPU {
			res.Limit, res.Saturated = "server cpu", true
			break
		}
		// A load generator out of CPU loses packets in its own socket
		// buffers: that loss says nothing about the server.
		if st.LoadgenCPU >= maxLoadgenCPU {
			res.Limit = "load generator cpu"
			break
		}
		if st.Loss > opt.MaxLoss {
			res.Limit, res.Saturated = "loss", true
			if st.contended() {
				res.Limit, res.Saturated = "loss while other work took the cores", false
			}
			break
		}
	}
	res.summarize(opt)
	return res, nil
}

// summarize fills At, PPSPerCore, Half and LargestRoom from the steps.
func (r *Result) summarize(opt Options) {
	if len(r.Steps) == 0 {
		return
	}
	// Saturated, the last step is the capacity. Otherwise the last step
	// without loss is the best lower bound: loss in a step the load
	// generator could not keep up with is the generator's own.
	at := r.Steps[len(r.Steps)-1]
	if !r.Saturated {
		// The last clean step, else (every step disturbed) the last
		// one without loss.
		found := false
		for pass := 0; pass < 2 && !found; pass++ {
			for i := len(r.Steps) - 1; i >= 0; i-- {
				if s := r.Steps[i]; s.Loss <= opt.MaxLoss && (pass == 1 || s.clean(opt)) {
					at, found = s, true
					break
				}
			}
		}
	}
	r.At = &at
	r.PPSPerCore = at.PPSPerCore()
	// The largest room held: among clean steps, else (every step
	// disturbed) among the lossless ones.
	for pass := 0; pass < 2 && r.TopN > 0 && r.LargestRoom == 0; pass++ {
		for _, s := range r.Steps {
			if s.Loss <= opt.MaxLoss && s.ServerCPU < opt.MaxCPU && s.keptUp() && (pass == 1 || s.clean(opt)) {
				r.LargestRoom = max(r.LargestRoom, s.Participants)
			}
		}
	}
	best := -1
	for i, s := range r.Steps {
		if !s.clean(opt) {
			continue
		}
		if best < 0 || abs(s.ForwardedPPS-r.PPSPerCore/2) < abs(r.Steps[best].ForwardedPPS-r.PPSPerCore/2) {
			best = i
		}
	}
	if best >= 0 {
		half := r.Steps[best]
		r.Half = &half
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// grow adds the next step's participants: more full-mesh rooms (one at first,
// then a third more each step, so that the ramp reaches saturation within
// its budget while its steps stay fine at low load), or more publishers in
// the one top-N room (Publishers, or half as many more once that is
// larger: a top-N room grows further before it costs a core).
func (b *bench) grow(ctx context.Context) error {
	var specs []joinSpec
	var rooms []*loadRoom // the room of each spec
	if b.opt.TopN > 0 {
		if len(b.rooms) == 0 {
			b.rooms = append(b.rooms, &loadRoom{name: "bench-top"})
		}
		r := b.rooms[0]
		for k := 0; k < max(b.opt.Publishers, r.pubs/2); k++ {
			specs = append(specs, b.pubSpec(r, r.pubs+k))
			rooms = append(rooms, r)
		}
	} else {
		for n := max(1, len(b.rooms)/3); n > 0; n-- {
			r := &loadRoom{name: fmt.Sprintf("bench-%d", len(b.rooms))}
			b.rooms = append(b.rooms, r)
			for k := 0; k < b.opt.Publishers; k++ {
				specs = append(specs, b.pubSpec(r, k))
				rooms = append(rooms, r)
			}
			for k := 0; k < b.opt.Players; k++ {
				specs = append(specs, joinSpec{url: b.opt.URL, appID: b.opt.AppID, appKey: b.opt.AppKey, room: r.name, userID: fmt.Sprintf("%s-s%d", r.name, k)})
				rooms = append(rooms, r)
			}
		}
	}
	joined := make([]*member, len(specs))
	errs := make([]error, len(specs))
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for k, js := range specs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			joined[k], errs[k] = join(ctx, b.api, b.clk, &b.win, &b.lag, js)
		}()
	}
	wg.Wait()
	// Keep every member that joined, in spec order: publishers first and,
	// in the top-N room, loudest first, as expectedFor assumes.
	for k, m := range joined {
		if m == nil {
			continue
		}
		if specs[k].publish {
			rooms[k].pubs++
		}
		rooms[k].members = append(rooms[k].members, m)
	}
	return errors.Join(errs...)
}

// pubSpec describes publisher k of room r: each sends a distinct level
// (the 30th and later all send 127, silence),
// publisher 0 the loudest, and a distinct phase so that packets do not
// arrive at the server in bursts.
func (b *bench) pubSpec(r *loadRoom, k int) joinSpec {
	b.nPubs++
	// 4 dB apart: more than the server's top-N hysteresis (3 dB), so the
	// loudest N win whatever order they joined in.
	lvl := min(10+4*k, 127)
	return joinSpec{
		url: b.opt.URL, appID: b.opt.AppID, appKey: b.opt.AppKey,
		room: r.name, userID: fmt.Sprintf("%s-p%d", r.name, k),
		publish: true, level: 0x80 | byte(lvl),
		phase: frameInterval * time.Duration((b.nPubs*7)%20) / 20,
	}
}

// heard is how many of r's publishers everyone hears: all of them in a
// full-mesh room, the TopN loudest (publishers 0 to TopN-1) with top-N,
// which picks the room's loudest speakers and so sends each of them the
// other TopN-1.
func (b *bench) heard(r *loadRoom) int {
	if b.opt.TopN > 0 && r.pubs > b.opt.TopN {
		return b.opt.TopN
	}
	return r.pubs
}

// expectedTracks is how many streams member k of r should receive: the
// heard publishers but itself.
func (b *bench) expectedTracks(r *loadRoom, k int) int {
	n := b.heard(r)
	if k < n {
		n--
	}
	return n
}

// waitFlowing waits until every member receives every stream it should.
func (b *bench) waitFlowing(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		missing := 0
		for _, r := range b.rooms {
			for k, m := range r.members {
				if err := m.err(); err != nil {
					return fmt.Errorf("%s failed: %w", m.userID, err)
				}
				if int(m.tracks.Load()) < b.expectedTracks(r, k) {
					missing++
				}
			}
		}
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d participants still miss streams after 30s", missing)
		}
		if err := sleep(ctx, 50*time.Millisecond); err != nil {
			return err
		}
	}
	return sleep(ctx, b.opt.Settle)
}

// maxLoadgenCPU is the share of its core at which the load generator
// stops being a reliable observer: beyond it, its own queues add latency
// and loss.
const maxLoadgenCPU = 0.9

// grace is how long a step waits after its window for packets in flight.
const grace = 500 * time.Millisecond

// measure runs one measurement window over the current load.
func (b *bench) measure(ctx context.Context) (Step, error) {
	var st Step
	for _, r := range b.rooms {
		st.Rooms++
		st.Participants += len(r.members)
		st.Publishers += r.pubs
		for _, m := range r.members {
			m.recvWin.Store(0)
			m.sentWin.Store(0)
			for i := range m.lat.b {
				m.lat.b[i].Store(0)
			}
		}
	}
	for i := range b.lag.b {
		b.lag.b[i].Store(0)
	}
	cpu0 := b.serverCPU()
	self0, _ := cpuTime(0)
	sc0, lc0 := b.core(b.opt.ServerCore), b.core(b.opt.LoadgenCore)
	wall0 := time.Now()
	start := b.clk.now()
	b.win.start.Store(start)
	b.win.end.Store(start + int64(b.opt.Window))
	err := sleep(ctx, b.opt.Window)
	cpu1 := b.serverCPU()
	self1, _ := cpuTime(0)
	sc1, lc1 := b.core(b.opt.ServerCore), b.core(b.opt.LoadgenCore)
	wall := time.Since(wall0)
	if err == nil {
		err = sleep(ctx, grace)
	}
	b.win.end.Store(0) // empty again: end first, so it never spans old packets
	b.win.start.Store(0)
	if err != nil {
		return st, err
	}
	secs := b.opt.Window.Seconds()
	var sent, expected, got uint64
	var lat hist
	for _, r := range b.rooms {
		for k, m := range r.members {
			sent += m.sentWin.Load()
			got += m.recvWin.Load()
			s := m.lat.snapshot()
			lat.plus(&s)
			expected += b.expectedFor(r, k)
		}
	}
	st.SentPPS = float64(sent) / secs
	st.ExpectedPPS = float64(expected) / secs
	st.ForwardedPPS = float64(got) / secs
	if expected > 0 {
		st.Loss = 1 - float64(got)/float64(expected)
	}
	st.ServerCPU = -1
	if cpu0 >= 0 && cpu1 >= 0 {
		st.ServerCPU = (cpu1 - cpu0).Seconds() / wall.Seconds()
	}
	st.LoadgenCPU = (self1 - self0).Seconds() / wall.Seconds()
	st.ServerCoreOther, st.LoadgenCoreOther = -1, -1
	if sc0 >= 0 && sc1 >= 0 && st.ServerCPU >= 0 {
		st.ServerCoreOther = max(0, (sc1-sc0).Seconds()/wall.Seconds()-st.ServerCPU)
	}
	if lc0 >= 0 && lc1 >= 0 {
		st.LoadgenCoreOther = max(0, (lc1-lc0).Seconds()/wall.Seconds()-st.LoadgenCPU)
	}
	st.P50 = ms(lat.quantile(0.5))
	st.P99 = ms(lat.quantile(0.99))
	st.Max = ms(lat.quantile(1))
	lag := b.lag.snapshot()
	st.SendLag99 = ms(lag.quantile(0.99))
	return st, nil
}

// expectedFor is how many packets of the window member k of r should
// have received: those of the heard publishers but its own.
func (b *bench) expectedFor(r *loadRoom, k int) uint64 {
	var n uint64
	for p := 0; p < b.heard(r); p++ {
		if p != k {
			n += r.members[p].sentWin.Load()
		}
	}
	return n
}

// serverCPU is the server's CPU time so far, or -1 when unknown.
func (b *bench) serverCPU() time.Duration {
	if b.opt.ServerPID == 0 {
		return -1
	}
	d, err := cpuTime(b.opt.ServerPID)
	if err != nil {
		return -1
	}
	return d
}

// core is how long core n has been busy, or -1 when not watched.
func (b *bench) core(n int) time.Duration {
	if !b.opt.WatchCores || n < 0 {
		return -1
	}
	d, err := coreBusy(n)
	if err != nil {
		return -1
	}
	return d
}

// closeAll makes every member leave, several at a time.
func (b *bench) closeAll() {
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	for _, r := range b.rooms {
		for _, m := range r.members {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				m.close()
			}()
		}
	}
	wg.Wait()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
