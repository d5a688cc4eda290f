// Command confab is a terminal conferencing client and the room server it
// talks to. This file and its siblings are wiring only: they parse the
// command line, load the configuration, build the parts and run them.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/confab-rtc/confab/config"
	sig "github.com/confab-rtc/confab/signal"
)

// globals are the flags every subcommand takes.
type globals struct {
	configPath string
	logFile    string
	logLevel   string
}

// exitError carries a process exit status out of a command.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func main() {
	if err := newRoot().Execute(); err != nil {
		var ee exitError
		if errors.As(err, &ee) {
			os.Exit(ee.code)
		}
		var se *sig.Error
		if errors.As(err, &se) {
			fmt.Fprintf(os.Stderr, "confab: error %d: %s\n", se.Code, se.Message)
		} else {
			fmt.Fprintf(os.Stderr, "confab: %v\n", err)
		}
		os.Exit(1)
	}
}

func newRoot() *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "confab",
		Short: "Audio calls from the terminal, and the room server they run through",
		Long: `confab joins audio calls from a terminal and serves the rooms they happen in.

  confab demo                 a live call with three simulated people, no setup
  confab serve                run a room server
  confab join ROOM            join a room in the full-screen interface
  confab join --headless ...  the same call without the interface, for bots and scripts
  confab token --room R --user U   make an access signature to hand out
  confab rooms [--watch]      list the server's rooms (live with --watch)
  confab admin kick|ban|dismiss    remove users or end rooms
  confab devices              list microphones and speakers
  confab devices test         check the microphone and speaker before a call`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	pf := root.PersistentFlags()
	pf.StringVar(&g.configPath, "config", "", "configuration file (default $XDG_CONFIG_HOME/confab/config.toml)")
	pf.StringVar(&g.logFile, "log-file", "", "log file (default $XDG_STATE_HOME/confab/confab.log)")
	pf.StringVar(&g.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	root.AddCommand(newServeCmd(g), newTokenCmd(g), newJoinCmd(g), newDevicesCmd(g), newDemoCmd(g), newBenchCmd(g), newRoomsCmd(g), newAdminCmd(g))
	return root
}

// loadConfig reads the configuration file the flags name (or the default).
func (g *globals) loadConfig() (config.Config, string, error) {
	path := g.configPath
	if path == "" {
		p, err := config.DefaultPath()
		if err != nil {
			return config.Config{}, "", err
		}
		path = p
	}
	cfg, err := config.Load(path)
	return cfg, path, err
}

// runEnv is what every long-running subcommand starts from: its
// configuration, a logger on the log file, and a context that ends on
// SIGINT or SIGTERM.
type runEnv struct {
	cfg        config.Config
	configPath string
	log        *slog.Logger
	logFile    *os.File // the file log writes to
	ctx        context.Context
	close      func()
}

// start loads the configuration, opens the log and watches for signals.
// The caller must call close.
func (g *globals) start() (*runEnv, error) {
	cfg, path, err := g.loadConfig()
	if err != nil {
		return nil, err
	}
	log, logFile, err := g.logger()
	if err != nil {
		return nil, err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	return &runEnv{cfg: cfg, configPath: path, log: log, logFile: logFile, ctx: ctx, close: func() { stop(); logFile.Close() }}, nil
}

// logger opens the log file and returns a logger writing to it. Logs never
// go to the terminal, where they would tear the interface.
func (g *globals) logger() (*slog.Logger, *os.File, error) {
	path := g.logFile
	if path == "" {
		p, err := config.DefaultLogPath()
		if err != nil {
			return nil, nil, err
		}
		path = p
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(g.logLevel)); err != nil {
		return nil, nil, fmt.Errorf("--log-level %q: %w", g.logLevel, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, err
	}
	// A fatal panic in any goroutine leaves its trace in the log too, so
	// that what the user saw as a crash can be reported from the file.
	if err := debug.SetCrashOutput(f, debug.CrashOptions{}); err != nil {
		return nil, nil, err
	}
	log := slog.New(slog.NewJSONHandler(f, &slog.HandlerOptions{Level: level}))
	return log, f, nil
}
