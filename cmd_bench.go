package main

import (
	"context"
	"encoding/json"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/confab-rtc/confab/internal/sfubench"
)

func newBenchCmd(g *globals) *cobra.Command {
	bench := &cobra.Command{
		Use:   "bench",
		Short: "Measure confab",
		Args:  cobra.NoArgs,
	}
	bench.AddCommand(newBenchSFUCmd(g))
	return bench
}

func newBenchSFUCmd(_ *globals) *cobra.Command {
	c := sfubench.Config{ServerCPU: 0, Publishers: 10, Players: 10, TopN: 3, TopNStep: 10, MaxSteps: 12, Window: 5 * time.Second, Budget: 100 * time.Second, TopNBudget: 75 * time.Second}
	var asJSON bool
	var loadCPU int
	cmd := &cobra.Command{
		Use:   "sfu [--json]",
		Short: "Forwarded packets per second per core of the room server",
		Long: `sfu starts "confab serve" pinned to one core (taskset, GOMAXPROCS=1) on a free
127.0.0.1 port and ramps audio load on it from a load generator in this process,
which re-executes itself pinned to another core: rooms of publishers sending
50 packets/s of 100-byte payloads stamped with their send time, and receive-only
players, every participant subscribed to everything. Each step adds rooms (one,
then a third more) and is measured for --window; the ramp stops when the server's core is saturated,
more than 1 % of packets are lost, or its time budget is spent. It reports the
forwarded packets/s per core, the server's CPU, loss, and the forwarding
latency at half that load; then, if serve has --top-n, the largest room one
core holds with top-N on. The comparison is LiveKit's ~75,000 packets/s/core.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c.LoadgenCPU, c.Loadgen = sfubench.PinSelf(loadCPU)
			exe, err := os.Executable()
			if err != nil {
				return err
			}
			c.Exe = exe
			c.Progress = cmd.ErrOrStderr()
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			rep, err := sfubench.Bench(ctx, c)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(rep)
			}
			rep.Print(cmd.OutOrStdout())
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print the report as JSON")
	f.IntVar(&c.ServerCPU, "server-cpu", c.ServerCPU, "core the server is pinned to")
	f.IntVar(&loadCPU, "loadgen-cpu", 1, "core the load generator is pinned to")
	f.IntVar(&c.Publishers, "publishers", c.Publishers, "publishers per room")
	f.IntVar(&c.Players, "players", c.Players, "receive-only participants per room")
	f.IntVar(&c.MaxSteps, "max-steps", c.MaxSteps, "most steps per ramp")
	f.DurationVar(&c.Window, "window", c.Window, "measurement time per step")
	f.DurationVar(&c.Budget, "budget", c.Budget, "time budget of the full-mesh ramp")
	f.DurationVar(&c.TopNBudget, "top-n-budget", c.TopNBudget, "time budget of the top-N ramp")
	f.BoolVar(&c.SkipMesh, "skip-mesh", false, "run only the top-N ramp")
	f.IntVar(&c.TopN, "top-n", c.TopN, "top-N setting of the second ramp (0 skips it)")
	f.IntVar(&c.TopNStep, "top-n-step", c.TopNStep, "publishers added per top-N step")
	return cmd
}
