package sfubench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Serve is a `confab serve` process started for a benchmark: pinned to one
// core with GOMAXPROCS=1, on a free loopback port, with fresh app
// credentials and its configuration and log in a temporary directory.
type Serve struct {
	// URL is its websocket URL; AppID and AppKey sign joins.
	URL, AppID, AppKey string
	// PID is the server process (taskset execs it, so this is the server
	// itself and its /proc/<pid>/stat is the server's CPU).
	PID int
	// Args is the command line it was started with.
	Args []string

	cmd    *exec.Cmd
	dir    string
	stderr bytes.Buffer
	exited chan struct{}
	once   sync.Once
}

// SpawnOptions configure Spawn.
type SpawnOptions struct {
	// Exe is the confab binary.
	Exe string
	// CPU is the core the server is pinned to.
	CPU int
	// Extra are more serve flags (e.g. --top-n 3).
	Extra []string
}

// Spawn starts the server and waits until it answers /healthz. The caller
// must Close it.
func Spawn(ctx context.Context, o SpawnOptions) (*Serve, error) {
	taskset, err := exec.LookPath("taskset")
	if err != nil {
		return nil, errors.New("sfubench: taskset (util-linux) is needed to pin the server to one core")
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "confab-bench-")
	if err != nil {
		return nil, err
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	s := &Serve{
		URL: "ws://" + addr + "/v1/ws", AppID: "app-bench", AppKey: hex.EncodeToString(key), dir: dir,
	}
	s.Args = append([]string{taskset, "-c", strconv.Itoa(o.CPU), o.Exe, "serve",
		"--listen", addr, "--app-id", s.AppID, "--app-key", s.AppKey,
		"--config", filepath.Join(dir, "config.toml"), "--log-file", filepath.Join(dir, "serve.log"), "--log-level", "warn",
	}, o.Extra...)
	s.cmd = exec.Command(s.Args[0], s.Args[1:]...)
	s.cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	s.cmd.Stderr = &s.stderr
	s.cmd.Dir = dir
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.PID = s.cmd.Process.Pid
	s.exited = make(chan struct{})
	go func() {
		_ = s.cmd.Wait() // a SIGTERM exit is the normal end
		close(s.exited)
	}()
	if err := waitHealthy(ctx, "http://"+addr+"/healthz", s.exited); err != nil {
		s.Close()
		return nil, fmt.Errorf("sfubench: the server did not start: %w (stderr: %s)", err, strings.TrimSpace(s.stderr.String()))
	}
	return s, nil
}

// freePort asks the kernel for a free loopback TCP port. Another process
// could take it before the server binds it; the server then fails to
// start and Spawn says so.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitHealthy polls url until it answers 200, the process exits, or 10 s
// pass.
func waitHealthy(ctx context.Context, url string, exited <-chan struct{}) error {
	deadline := time.Now().Add(10 * time.Second)
	client := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-exited:
			return errors.New("it exited")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return errors.New("no healthy answer within 10s")
}

// Close stops the server (SIGTERM, then SIGKILL after 5 s), waits for it
// and removes its directory. Idempotent.
func (s *Serve) Close() {
	s.once.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(5 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
		os.RemoveAll(s.dir)
	})
}

// HasFlag reports whether `confab serve --help` of exe lists flag (e.g.
// "--top-n"), for options other parts of confab may not have yet.
func HasFlag(exe, flag string) bool {
	out, err := exec.Command(exe, "serve", "--help").CombinedOutput()
	if err != nil {
		return false
	}
	for _, f := range strings.Fields(string(out)) {
		if strings.TrimSuffix(f, ",") == flag {
			return true
		}
	}
	return false
}
