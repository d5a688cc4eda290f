package pulsetest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Bounds on waiting for the server. Generous, because a shared 2-core CI
// machine can be slow; a healthy server answers in about 0.1 s.
const (
	readyTimeout = 10 * time.Second
	pactlTimeout = 10 * time.Second
	streamWait   = 5 * time.Second
	// termGrace is how long pulseaudio gets to exit cleanly on SIGTERM
	// (removing its socket) before it is killed.
	termGrace = 5 * time.Second
	// maxSocketPath keeps the socket under the 108-byte sun_path limit.
	maxSocketPath = 100
)

// Server is a running private PulseAudio server. Its methods are safe for
// concurrent use.
type Server struct {
	dir        string // private 0700 directory holding everything below
	runtimeDir string // XDG_RUNTIME_DIR of the server and its clients
	tmpRuntime bool   // runtimeDir was made outside dir and must be removed
	home       string
	socket     string
	clientConf string
	logPath    string
	daemon     *child
	tb         testing.TB // set by Start; used by the helpers that fail the test
	seq        atomic.Uint64

	mu       sync.Mutex
	closed   bool
	children map[*child]struct{}
	warmers  map[string]*child // sink name -> its warm-up reader
	modules  map[int]string    // module index -> sink name, for LoadNullSink'd sinks
}

// StartProcess starts a private PulseAudio server keeping its files in dir
// (created 0700 if missing), waits until it answers `pactl info`, and warms
// up its null sinks. It does not touch the process environment: pass Env()
// to child processes, or set PULSE_SERVER yourself for in-process clients.
// The caller must Close the server. It returns ErrNotInstalled (wrapped) if
// the PulseAudio programs are missing.
func StartProcess(dir string) (*Server, error) {
	if err := lookPrograms(); err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("pulsetest: %w", err)
	}
	s := &Server{
		dir:        dir,
		runtimeDir: filepath.Join(dir, "run"),
		home:       filepath.Join(dir, "home"),
		clientConf: filepath.Join(dir, "client.conf"),
		logPath:    filepath.Join(dir, "pulseaudio.log"),
		children:   map[*child]struct{}{},
		warmers:    map[string]*child{},
		modules:    map[int]string{},
	}
	if err := s.prepareDirs(); err != nil {
		s.removeTmp()
		return nil, err
	}
	if err := s.startDaemon(); err != nil {
		s.Close()
		return nil, err
	}
	for _, sink := range []string{SpeakerSink, MicFeedSink} {
		if err := s.warmUp(sink); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// lookPrograms checks that every program the server needs is installed.
func lookPrograms() error {
	for _, p := range []string{"pulseaudio", "pactl", "pacat", "parec"} {
		if _, err := exec.LookPath(p); err != nil {
			return fmt.Errorf("%w: %v", ErrNotInstalled, err)
		}
	}
	return nil
}

// prepareDirs creates the private directories and files. The runtime dir
// moves to a short temporary path when dir is so deep that the socket
// path would exceed the unix socket limit (t.TempDir of a long test name).
func (s *Server) prepareDirs() error {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("pulsetest: %w", err)
	}
	if err := os.Chmod(s.dir, 0o700); err != nil {
		return fmt.Errorf("pulsetest: %w", err)
	}
	if len(filepath.Join(s.runtimeDir, "pulse", "native")) > maxSocketPath {
		rt, err := os.MkdirTemp("", "pulsetest")
		if err != nil {
			return fmt.Errorf("pulsetest: %w", err)
		}
		s.runtimeDir, s.tmpRuntime = rt, true
	}
	s.socket = filepath.Join(s.runtimeDir, "pulse", "native")
	for _, d := range []string{s.runtimeDir, s.home} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("pulsetest: %w", err)
		}
		if err := os.Chmod(d, 0o700); err != nil {
			return fmt.Errorf("pulsetest: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(s.dir, "test.pa"), []byte(script(s.socket)), 0o600); err != nil {
		return fmt.Errorf("pulsetest: %w", err)
	}
	if err := os.WriteFile(s.clientConf, []byte(clientConf), 0o600); err != nil {
		return fmt.Errorf("pulsetest: %w", err)
	}
	return nil
}

// startDaemon runs pulseaudio in the foreground and waits until it
// answers. The daemon's stderr goes to a log file that error messages
// quote.
func (s *Server) startDaemon() error {
	log, err := os.Create(s.logPath)
	if err != nil {
		return fmt.Errorf("pulsetest: %w", err)
	}
	defer log.Close() // the child has its own copy of the descriptor
	cmd := exec.Command("pulseaudio",
		"--daemonize=no", "--exit-idle-time=-1", "--system=false",
		"--realtime=no", "--high-priority=no", "--use-pid-file=no",
		"-n", "-F", filepath.Join(s.dir, "test.pa"))
	cmd.Dir = s.dir
	cmd.Env = append(filterEnv(os.Environ(), "PULSE_SERVER", "PULSE_CLIENTCONFIG", "PULSE_RUNTIME_PATH",
		"PULSE_STATE_PATH", "PULSE_CONFIG_PATH", "XDG_RUNTIME_DIR", "HOME", "DBUS_SESSION_BUS_ADDRESS"),
		"XDG_RUNTIME_DIR="+s.runtimeDir,
		"HOME="+s.home,
		"PULSE_CLIENTCONFIG="+s.clientConf,
		// A desktop session bus must not learn about the test server.
		"DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(s.dir, "no-dbus"),
	)
	cmd.Stdout = log
	c := &child{name: "pulseaudio", cmd: cmd, stderr: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stderr = log
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pulsetest: start pulseaudio: %w", err)
	}
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	s.mu.Lock()
	s.daemon = c
	s.mu.Unlock()

	deadline := time.Now().Add(readyTimeout)
	for {
		if !c.running() {
			return fmt.Errorf("pulsetest: pulseaudio exited before answering (%v): %s", c.err, s.logTail())
		}
		if _, err := s.pactl(time.Second, "info"); err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pulsetest: pulseaudio did not answer within %v: %s", readyTimeout, s.logTail())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// logTail returns the end of the daemon's log for error messages.
func (s *Server) logTail() string {
	b, err := os.ReadFile(s.logPath)
	if err != nil {
		return err.Error()
	}
	const n = 2000
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return strings.TrimSpace(string(b))
}

// Env returns the environment variables a child process needs to use this
// server (PULSE_SERVER, XDG_RUNTIME_DIR, PULSE_CLIENTCONFIG), to append to
// os.Environ() (later entries win in exec.Cmd).
func (s *Server) Env() []string {
	return []string{
		"PULSE_SERVER=unix:" + s.socket,
		"XDG_RUNTIME_DIR=" + s.runtimeDir,
		"PULSE_CLIENTCONFIG=" + s.clientConf,
	}
}

// clientEnv is the full environment of pactl, pacat and parec.
func (s *Server) clientEnv() []string {
	return append(filterEnv(os.Environ(), "PULSE_SERVER", "XDG_RUNTIME_DIR", "PULSE_CLIENTCONFIG"), s.Env()...)
}

// Socket returns the path of the server's native-protocol unix socket.
func (s *Server) Socket() string { return s.socket }

// PID returns the process id of the pulseaudio daemon, e.g. for sampling its
// CPU use in a benchmark.
func (s *Server) PID() int { return s.daemon.cmd.Process.Pid }

// LogPath returns the file holding the daemon's log, worth reading when a
// device misbehaves.
func (s *Server) LogPath() string { return s.logPath }

// Pactl runs pactl against this server with args and returns its standard
// output. Errors carry pactl's standard error. It gives up after 10 s.
func (s *Server) Pactl(args ...string) (string, error) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return "", ErrClosed
	}
	return s.pactl(pactlTimeout, args...)
}

// pactl is Pactl with a timeout and without the closed check (Close itself
// does not need pactl, and startup polls with a short timeout).
func (s *Server) pactl(timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "pactl", args...)
	cmd.Env = s.clientEnv()
	cmd.Dir = s.dir
	cmd.SysProcAttr = sysProcAttr()
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("pulsetest: pactl %s: %w: %s", strings.Join(args, " "), err,
			strings.TrimSpace(string(stderr.Bytes())))
	}
	return string(out), nil
}

// waitStream polls `pactl list <kind>` until a stream named name shows up
// (the stream is connected and flowing), or the process c exits, or
// streamWait passes.
func (s *Server) waitStream(kind, name string, c *child) error {
	deadline := time.Now().Add(streamWait)
	needle := `media.name = "` + name + `"`
	for {
		out, err := s.pactl(pactlTimeout, "list", kind)
		if err == nil && strings.Contains(out, needle) {
			return nil
		}
		if !c.running() {
			return fmt.Errorf("pulsetest: %s", c.describe())
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pulsetest: stream %q not in pactl list %s after %v (last error: %v)", name, kind, streamWait, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// streamName returns a name unique within this server for a stream of the
// given purpose, so waitStream finds exactly the stream it started.
func (s *Server) streamName(purpose string) string {
	return fmt.Sprintf("pulsetest-%s-%d", purpose, s.seq.Add(1))
}

// Close stops every process the server started, by PID: players, recorders
// and warm-up readers first, then the daemon (SIGTERM so it removes its
// socket, SIGKILL after 5 s), and waits for all of them. Close is
// idempotent and safe to call concurrently; a Recording stopped by Close
// still returns what it captured.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	children := make([]*child, 0, len(s.children))
	for c := range s.children {
		children = append(children, c)
	}
	daemon := s.daemon
	s.mu.Unlock()

	for _, c := range children {
		c.stop(syscall.SIGKILL, 0)
	}
	if daemon != nil {
		daemon.stop(syscall.SIGTERM, termGrace)
	}
	s.removeTmp()
}

// removeTmp removes the short runtime dir made outside dir, if any.
func (s *Server) removeTmp() {
	if s.tmpRuntime {
		_ = os.RemoveAll(s.runtimeDir)
	}
}

// fail reports err through the test that started the server, or panics for
// a server from StartProcess: the helpers that use it have no error result
// (LoadNullSink, Unload), and an unnoticed device failure would make every
// later assertion misleading.
func (s *Server) fail(err error) {
	if s.tb != nil {
		s.tb.Helper()
		s.tb.Fatal(err)
	}
	panic(err)
}
