package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// confabBin is the binary built once for all tests.
var confabBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "confab-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	confabBin = filepath.Join(dir, "confab")
	args := []string{"build", "-o", confabBin}
	if raceBuild {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "..")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building confab:", err)
		os.Exit(1)
	}
	code := m.Run()
	// The tests' own goroutines (process readers, PulseAudio) must all
	// have ended with the tests.
	if err := goleak.Find(); err != nil {
		fmt.Fprintln(os.Stderr, "leaked goroutines:", err)
		code = 1
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// env is a private configuration and state directory for one test.
type env struct {
	t      testing.TB
	dir    string
	config string
	extra  []string // environment for child processes (e.g. PulseAudio)
}

func newEnv(t testing.TB) *env {
	dir := t.TempDir()
	return &env{t: t, dir: dir, config: filepath.Join(dir, "config.toml")}
}

func (e *env) path(name string) string { return filepath.Join(e.dir, name) }

// command makes a confab command with this env's config and a log file
// named after the role.
func (e *env) command(role string, args ...string) *exec.Cmd {
	full := append([]string{args[0], "--config", e.config, "--log-file", e.path(role + ".log"), "--log-level", "debug"}, args[1:]...)
	cmd := exec.Command(confabBin, full...)
	cmd.Env = append(append(os.Environ(), "NO_COLOR=1", "GORACE=halt_on_error=1"), e.extra...)
	return cmd
}

// startServer runs `confab serve` on a free loopback port and returns its
// websocket URL. The server is stopped with SIGTERM at cleanup.
func (e *env) startServer() string {
	url, _ := e.startServerProc()
	return url
}

// startServerProc is startServer that also returns the server process, for
// tests that stop it themselves; args are more serve flags (a later
// --listen wins).
func (e *env) startServerProc(args ...string) (string, *exec.Cmd) {
	var addr string
	cmd := e.serveUntil(args, "its address", func(l string) bool {
		if _, rest, found := strings.Cut(l, "listening on "); found {
			addr, _, _ = strings.Cut(rest, " ")
			return true
		}
		return false
	})
	return "ws://" + addr, cmd
}

// serveUntil starts `confab serve --listen 127.0.0.1:0 args...` (stopped
// when the test ends) and hands each line it prints to seen until seen
// returns true; the test fails if the server exits first or 15 s pass.
// what names what seen waits for, for those failures.
func (e *env) serveUntil(args []string, what string, seen func(line string) bool) *exec.Cmd {
	t := e.t
	t.Helper()
	cmd := e.command("server", append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stop(cmd, 5*time.Second) })
	lines := make(chan string, 16)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("confab serve exited before printing %s", what)
			}
			if seen(l) {
				go func() {
					for range lines {
					}
				}()
				return cmd
			}
		case <-deadline:
			t.Fatalf("confab serve did not print %s within 15s", what)
		}
	}
}

// stop ends a process with SIGTERM, then SIGKILL after grace.
func stop(cmd *exec.Cmd, grace time.Duration) error {
	if cmd.Process == nil || cmd.ProcessState != nil {
		return nil
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(grace):
		_ = cmd.Process.Kill()
		return <-done
	}
}

// event is one JSON line of a headless client.
type event map[string]any

func (ev event) str(k string) string { s, _ := ev[k].(string); return s }

func (ev event) num(k string) float64 { f, _ := ev[k].(float64); return f }

func (ev event) time() time.Time {
	ts, _ := time.Parse(time.RFC3339Nano, ev.str("ts"))
	return ts
}

// client is a headless confab client process.
type client struct {
	t     testing.TB
	name  string
	cmd   *exec.Cmd
	stdin io.WriteCloser

	mu     sync.Mutex
	events []event
	update chan struct{}
	exited chan struct{}
	err    error
}

// startClient runs `confab join --headless ARGS...`.
func (e *env) startClient(name string, args ...string) *client {
	t := e.t
	cmd := e.command(name, append([]string{"join", "--headless"}, args...)...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	c := &client{t: t, name: name, cmd: cmd, stdin: stdin, update: make(chan struct{}, 1), exited: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			var ev event
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
				t.Errorf("%s: stdout line is not JSON: %q", name, sc.Text())
				continue
			}
			if ev.str("event") == "" || ev.str("ts") == "" {
				t.Errorf("%s: event line without event or ts: %q", name, sc.Text())
			}
			c.mu.Lock()
			c.events = append(c.events, ev)
			c.mu.Unlock()
			select {
			case c.update <- struct{}{}:
			default:
			}
		}
		c.err = cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() {
		// The reader goroutine owns cmd.Wait: stop here by signals only,
		// so two Waits never race on a client still running at cleanup.
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-c.exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-c.exited
		}
	})
	return c
}

// send writes one command line to the client's stdin.
func (c *client) send(line string) {
	if _, err := io.WriteString(c.stdin, line+"\n"); err != nil {
		c.t.Fatalf("%s: writing %q: %v", c.name, line, err)
	}
}

// waitEvent waits for the first event (from the start) matching match.
func (c *client) waitEvent(desc string, timeout time.Duration, match func(event) bool) event {
	c.t.Helper()
	deadline := time.After(timeout)
	for {
		c.mu.Lock()
		for _, ev := range c.events {
			if match(ev) {
				c.mu.Unlock()
				return ev
			}
		}
		c.mu.Unlock()
		select {
		case <-c.update:
		case <-c.exited:
			c.mu.Lock()
			for _, ev := range c.events {
				if match(ev) {
					c.mu.Unlock()
					return ev
				}
			}
			c.mu.Unlock()
			c.t.Fatalf("%s exited (%v) before %s; events: %v", c.name, c.err, desc, c.all())
		case <-deadline:
			c.t.Fatalf("%s: no %s within %s; events: %v", c.name, desc, timeout, c.all())
		}
	}
}

func (c *client) all() []event {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]event(nil), c.events...)
}

// waitExit waits for the process to end and returns its exit error.
func (c *client) waitExit(timeout time.Duration) error {
	c.t.Helper()
	select {
	case <-c.exited:
		return c.err
	case <-time.After(timeout):
		c.t.Fatalf("%s did not exit within %s", c.name, timeout)
		return nil
	}
}

func isEvent(name string, fields map[string]any) func(event) bool {
	return func(ev event) bool {
		if ev.str("event") != name {
			return false
		}
		for k, v := range fields {
			switch want := v.(type) {
			case string:
				if ev.str(k) != want {
					return false
				}
			case int:
				if ev.num(k) != float64(want) {
					return false
				}
			}
		}
		return true
	}
}
