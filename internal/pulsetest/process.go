package pulsetest

import (
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// child is one process the server started. Its Wait runs in a goroutine
// from the start, so the process is reaped as soon as it exits and a stop
// never races with a second Wait.
type child struct {
	name   string
	cmd    *exec.Cmd
	stderr *lockedBuffer
	done   chan struct{}
	err    error // set before done is closed
}

// running reports whether the process has not exited yet.
func (c *child) running() bool {
	select {
	case <-c.done:
		return false
	default:
		return true
	}
}

// stop sends sig to the process by its PID and waits up to grace for it to
// exit, then kills it. It returns once the process is reaped.
func (c *child) stop(sig syscall.Signal, grace time.Duration) {
	if c.running() {
		_ = c.cmd.Process.Signal(sig)
	}
	select {
	case <-c.done:
		return
	case <-time.After(grace):
	}
	_ = c.cmd.Process.Kill()
	<-c.done
}

// describe names the process and appends what it wrote to stderr, for
// error messages.
func (c *child) describe() string {
	msg := fmt.Sprintf("%s (pid %d)", c.name, c.cmd.Process.Pid)
	if !c.running() {
		msg += fmt.Sprintf(" exited: %v", c.err)
	}
	if out := bytes.TrimSpace(c.stderr.Bytes()); len(out) > 0 {
		msg += ": " + string(out)
	}
	return msg
}

// spawn starts path with args in the server's client environment and
// tracks it so Close can stop it. stdin and stdout may be nil (the null
// device).
func (s *Server) spawn(name, path string, args []string, stdin io.Reader, stdout io.Writer) (*child, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	cmd := exec.Command(path, args...)
	cmd.Env = s.clientEnv()
	cmd.Dir = s.dir
	cmd.Stdin = stdin
	cmd.Stdout = stdout
	c := &child{name: name, cmd: cmd, stderr: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stderr = c.stderr
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("pulsetest: start %s: %w", name, err)
	}
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	s.children[c] = struct{}{}
	return c, nil
}

// reap stops a tracked child (SIGKILL: clients hold no state worth a clean
// exit) and forgets it.
func (s *Server) reap(c *child) {
	c.stop(syscall.SIGKILL, 0)
	s.mu.Lock()
	delete(s.children, c)
	s.mu.Unlock()
}

// lockedBuffer is a bytes.Buffer safe for the exec copy goroutine writing
// while a test reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// Bytes returns a copy of everything written so far.
func (b *lockedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

// filterEnv returns env without the variables named in drop.
func filterEnv(env []string, drop ...string) []string {
	out := make([]string, 0, len(env))
next:
	for _, kv := range env {
		for _, d := range drop {
			if len(kv) > len(d) && kv[:len(d)] == d && kv[len(d)] == '=' {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}
