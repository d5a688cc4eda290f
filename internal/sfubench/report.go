package sfubench

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// LiveKitPPSPerCore is the number to beat: LiveKit's published benchmark
// works out to about 75,000 forwarded packets per second per core.
const LiveKitPPSPerCore = 75000

// Config is a whole `confab bench sfu` run.
type Config struct {
	// Exe is the confab binary to run `serve` from.
	Exe string
	// ServerCPU is the core the server is pinned to.
	ServerCPU int
	// Loadgen says where the load generator runs and LoadgenCPU its core
	// (-1: not pinned), as PinSelf answered.
	Loadgen    string
	LoadgenCPU int
	// SkipMesh leaves out the full-mesh ramp.
	SkipMesh bool
	// Publishers and Players make one full-mesh room; every step adds one.
	Publishers, Players int
	// TopN (0 to skip) and TopNStep: the top-N ramp grows one room by
	// TopNStep publishers per step against a server run with --top-n.
	TopN, TopNStep int
	// MaxSteps and Window bound each ramp (Options); Budget the full-mesh
	// ramp and TopNBudget the top-N one.
	MaxSteps   int
	Window     time.Duration
	Budget     time.Duration
	TopNBudget time.Duration
	// Progress, if set, gets a line per measured step.
	Progress io.Writer
}

// Report is the outcome of a run, as printed by Print and encoded by
// `--json`.
type Report struct {
	Server  string `json:"server"`
	Loadgen string `json:"load_generator"`
	// Mesh is the full-mesh ramp: the forwarded packets/s per core.
	Mesh Result `json:"full_mesh"`
	// TopN is the top-N ramp, absent when skipped; TopNNote says why.
	TopN              *Result `json:"top_n,omitempty"`
	TopNNote          string  `json:"top_n_note,omitempty"`
	LiveKitPPSPerCore int     `json:"livekit_pps_per_core"`
	Publishers        int     `json:"publishers_per_room"`
	Players           int     `json:"players_per_room"`
}

// Bench runs the full-mesh ramp, then (when the server has --top-n) the
// top-N ramp, each against a fresh server process.
func Bench(ctx context.Context, c Config) (Report, error) {
	rep := Report{
		Server:            fmt.Sprintf("confab serve, taskset -c %d, GOMAXPROCS=1", c.ServerCPU),
		Loadgen:           c.Loadgen,
		LiveKitPPSPerCore: LiveKitPPSPerCore,
		Publishers:        c.Publishers,
		Players:           c.Players,
	}
	if c.SkipMesh {
		rep.Mesh.Limit = "skipped"
	} else {
		mesh, err := c.ramp(ctx, Options{Publishers: c.Publishers, Players: c.Players, Budget: c.Budget}, nil)
		if err != nil {
			return rep, err
		}
		rep.Mesh = mesh
	}
	switch {
	case c.TopN <= 0:
		rep.TopNNote = "skipped (--top-n 0)"
	case !HasFlag(c.Exe, "--top-n"):
		rep.TopNNote = "skipped: this confab serve has no --top-n"
	default:
		extra := []string{"--top-n", fmt.Sprint(c.TopN)}
		for _, f := range []string{"--max-room-participants", "--max-participants"} {
			if HasFlag(c.Exe, f) {
				extra = append(extra, f, "1000")
				break
			}
		}
		top, err := c.ramp(ctx, Options{TopN: c.TopN, Publishers: c.TopNStep, Budget: c.TopNBudget}, extra)
		if err != nil {
			return rep, err
		}
		rep.TopN = &top
	}
	return rep, nil
}

// ramp starts a server with extra flags, runs one ramp against it and
// stops it.
func (c Config) ramp(ctx context.Context, o Options, extra []string) (Result, error) {
	srv, err := Spawn(ctx, SpawnOptions{Exe: c.Exe, CPU: c.ServerCPU, Extra: extra})
	if err != nil {
		return Result{}, err
	}
	defer srv.Close()
	o.URL, o.AppID, o.AppKey, o.ServerPID = srv.URL, srv.AppID, srv.AppKey, srv.PID
	o.MaxSteps, o.Window = c.MaxSteps, c.Window
	o.WatchCores, o.ServerCore, o.LoadgenCore = true, c.ServerCPU, c.LoadgenCPU
	if c.Progress != nil {
		mode := "full mesh"
		if o.TopN > 0 {
			mode = fmt.Sprintf("top-%d", o.TopN)
		}
		args := strings.Join(srv.Args, " ")
		args = strings.Replace(args, srv.AppKey, "(random)", 1) // a throwaway key, but still a key
		fmt.Fprintf(c.Progress, "%s: %s\n", mode, args)
		o.Progress = func(s Step) {
			fmt.Fprintf(c.Progress, "  %d users: %.0f pps forwarded, loss %.2f%%, server cpu %.0f%%, load generator cpu %.0f%%, p99 %.2f ms\n",
				s.Participants, s.ForwardedPPS, 100*s.Loss, 100*s.ServerCPU, 100*s.LoadgenCPU, s.P99)
		}
	}
	return Run(ctx, o)
}

// Print writes the report as tables and a summary.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "server: %s; load generator: %s\n", r.Server, r.Loadgen)
	if r.Mesh.Limit == "skipped" {
		fmt.Fprintf(w, "\nFull mesh: skipped\n")
	} else {
		r.printMesh(w)
	}
	r.printTopN(w)
}

// printMesh writes the full-mesh ramp and its summary.
func (r Report) printMesh(w io.Writer) {
	fmt.Fprintf(w, "\nFull mesh: rooms of %d publishers + %d receive-only players, 50 packets/s of 100-byte Opus-sized payloads each\n", r.Publishers, r.Players)
	printSteps(w, r.Mesh)
	fmt.Fprintln(w, "(latency: send to receive through the server and both pion stacks; genlag: p99 ms the load generator's senders ran late;\n other0/other1: the server's and the load generator's cores busy with anything else, other processes or kernel networking)")
	m := r.Mesh
	if m.At != nil {
		bound := ""
		if !m.Saturated {
			bound = " (not saturated: a lower bound)"
		}
		fmt.Fprintf(w, "forwarded packets/s per core: %.0f%s, at %.0f pps, server cpu %.0f%%, loss %.2f%%, ramp stopped by %s\n",
			m.PPSPerCore, bound, m.At.ForwardedPPS, 100*m.At.ServerCPU, 100*m.At.Loss, m.Limit)
		fmt.Fprintf(w, "LiveKit: ~%d packets/s per core; confab/LiveKit = %.2f\n", r.LiveKitPPSPerCore, m.PPSPerCore/float64(r.LiveKitPPSPerCore))
	} else {
		fmt.Fprintf(w, "no step measured: %s\n", m.Limit)
	}
	contended := 0
	for _, s := range m.Steps {
		if s.contended() {
			contended++
		}
	}
	if contended > 0 {
		fmt.Fprintf(w, "warning: in %d of %d steps other work used more than %.0f%% of a benchmark core; the figures above use clean steps when there are any\n", contended, len(m.Steps), 100*maxOther)
	}
	if m.Half != nil {
		fmt.Fprintf(w, "latency at half load (%.0f pps, server cpu %.0f%%): p50 %.2f ms, p99 %.2f ms\n",
			m.Half.ForwardedPPS, 100*m.Half.ServerCPU, m.Half.P50, m.Half.P99)
	}
}

// printTopN writes the top-N ramp and the largest room it held.
func (r Report) printTopN(w io.Writer) {
	if r.TopN == nil {
		fmt.Fprintf(w, "\nTop-N: %s\n", r.TopNNote)
		return
	}
	t := r.TopN
	fmt.Fprintf(w, "\nTop-%d: one room, everyone publishing at a distinct level (4 dB apart), everyone hearing the %d loudest (they hear the other %d)\n", t.TopN, t.TopN, t.TopN-1)
	printSteps(w, *t)
	fmt.Fprintf(w, "largest top-%d room held on one core: %d participants (ramp stopped by %s", t.TopN, t.LargestRoom, t.Limit)
	if !t.Saturated {
		fmt.Fprintf(w, "; not saturated: a lower bound")
	}
	fmt.Fprintln(w, ")")
}

// printSteps writes one table row per step.
func printSteps(w io.Writer, r Result) {
	fmt.Fprintf(w, "%5s %5s %8s %8s %8s %6s %6s %6s %7s %7s %7s %6s %6s %6s\n",
		"rooms", "users", "sent/s", "expect/s", "fwd/s", "loss%", "srvcpu", "gencpu", "p50ms", "p99ms", "maxms", "genlag", "other0", "other1")
	for _, s := range r.Steps {
		retried := ""
		if s.Retried {
			retried = " (retried)"
		}
		fmt.Fprintf(w, "%5d %5d %8.0f %8.0f %8.0f %6.2f %5.0f%% %5.0f%% %7.2f %7.2f %7.1f %6.1f %5.0f%% %5.0f%%%s\n",
			s.Rooms, s.Participants, s.SentPPS, s.ExpectedPPS, s.ForwardedPPS, 100*s.Loss, 100*s.ServerCPU, 100*s.LoadgenCPU,
			s.P50, s.P99, s.Max, s.SendLag99, 100*s.ServerCoreOther, 100*s.LoadgenCoreOther, retried)
	}
}
