package e2e

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// plainClient is `confab join --plain` as a real process, fed keys a line
// at a time through a pipe (standard input is not a terminal here).
type plainClient struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr *bytes.Buffer

	mu     sync.Mutex
	lines  []string
	next   int // lines before next were already expected
	update chan struct{}
	exited chan struct{}
	err    error
}

// startPlain runs `confab join --plain ARGS...`.
func (e *env) startPlain(args ...string) *plainClient {
	t := e.t.(*testing.T)
	cmd := e.command("plain", append([]string{"join", "--plain"}, args...)...)
	p := &plainClient{t: t, cmd: cmd, stderr: &bytes.Buffer{}, update: make(chan struct{}, 1), exited: make(chan struct{})}
	var err error
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			p.mu.Unlock()
			select {
			case p.update <- struct{}{}:
			default:
			}
		}
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		// The reader goroutine owns cmd.Wait: signal the process and
		// wait for that goroutine, never call Wait a second time.
		if cmd.Process != nil {
			_ = cmd.Process.Signal(syscall.SIGTERM)
		}
		select {
		case <-p.exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-p.exited
		}
	})
	return p
}

// key types keys (a line, as a script would) into plain mode.
func (p *plainClient) key(keys string) {
	if _, err := io.WriteString(p.stdin, keys+"\n"); err != nil {
		p.t.Fatalf("plain: writing %q: %v", keys, err)
	}
}

// expect waits for the next lines to be exactly want, in order. Lines a
// real network may add at any moment (a quality change) are allowed in
// between, and nothing else.
func (p *plainClient) expect(timeout time.Duration, want ...string) {
	p.t.Helper()
	deadline := time.After(timeout)
	for _, w := range want {
		for {
			p.mu.Lock()
			var got string
			have := p.next < len(p.lines)
			if have {
				got = p.lines[p.next]
				p.next++
			}
			p.mu.Unlock()
			if have {
				if got == w {
					break
				}
				if strings.Contains(got, " network is ") {
					p.t.Logf("plain (allowed, timing-dependent): %q", got)
					continue
				}
				p.t.Fatalf("plain printed %q, want %q; all lines:\n%s", got, w, p.all())
			}
			select {
			case <-p.update:
			case <-p.exited:
				p.mu.Lock()
				more := p.next < len(p.lines)
				p.mu.Unlock()
				if !more {
					p.t.Fatalf("plain exited (%v) before printing %q; all lines:\n%s", p.err, w, p.all())
				}
			case <-deadline:
				p.t.Fatalf("plain did not print %q within %s; all lines:\n%s", w, timeout, p.all())
			}
		}
	}
}

func (p *plainClient) all() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines, "\n")
}

// TestJoinPlain runs `confab join --plain` against a real server with a
// second, headless participant, and checks what a screen reader would
// read, line by line: connecting, the other joining, muting and unmuting,
// the local mute key (which the other side must see), an unknown key,
// the other leaving, and leaving with q pressed twice. Nothing may reach
// standard error, and the process must exit 0.
func TestJoinPlain(t *testing.T) {
	e := newEnv(t)
	url := e.startServer()
	wav := e.path("alice.wav")
	writeTone(t, wav, 440)
	headless := func(id, name string) *client {
		c := e.startClient(id, "--server", url, "--user", id, "--name", name, "--mic", "none", "--speaker", "none", "room1")
		c.waitEvent("CONNECTED", 15*time.Second, isEvent("connection-state-changed", map[string]any{"cur": "CONNECTED"}))
		return c
	}

	// Bob is in the room before Alice: he is "here", not arriving.
	b := headless("bob", "Bob")
	a := e.startPlain("--server", url, "--user", "alice", "--name", "Alice", "--send", wav, "--speaker", "none", "room1")
	a.expect(20*time.Second,
		"Microphone: "+wav+".",
		"Connecting to room room1.",
		"You are connected to room room1.",
		"Bob is here.",
	)

	a.key("m")
	a.expect(5*time.Second, "Muted: your microphone is off.")
	b.waitEvent("mute-audio of alice", 10*time.Second, isEvent("mute-audio", map[string]any{"userId": "alice"}))
	a.key("w")
	a.expect(5*time.Second, "1 other person here: 1 Bob. Your microphone is off.")
	a.key("m")
	a.expect(5*time.Second, "Unmuted: your microphone is on.")
	b.waitEvent("unmute-audio of alice", 10*time.Second, isEvent("unmute-audio", map[string]any{"userId": "alice"}))
	a.key("x")
	a.expect(5*time.Second, "Unknown key x. Press h for help.")

	// Carol arrives during the call.
	c := headless("carol", "Carol")
	a.expect(10*time.Second, "Carol joined.")

	b.send("mute")
	a.expect(10*time.Second, "Bob muted their microphone.")
	b.send("unmute")
	a.expect(10*time.Second, "Bob unmuted their microphone.")

	b.send("leave")
	a.expect(10*time.Second, "Bob left.")
	c.send("leave")
	a.expect(10*time.Second, "Carol left.")
	for _, p := range []*client{b, c} {
		if err := p.waitExit(10 * time.Second); err != nil {
			t.Errorf("%s exited with %v, want status 0", p.name, err)
		}
	}

	a.key("q")
	a.expect(5*time.Second, "Press q again to leave, or any other key to stay.")
	a.key("q")
	a.expect(10*time.Second, "Leaving the call.", "You left the call.")
	select {
	case <-a.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("plain did not exit within 10s of leaving")
	}
	if a.err != nil {
		t.Errorf("plain exited with %v, want status 0", a.err)
	}
	a.mu.Lock()
	extra := a.lines[a.next:]
	a.mu.Unlock()
	if len(extra) > 0 {
		t.Errorf("lines after leaving: %q", extra)
	}
	t.Logf("plain transcript:\n%s", a.all())
	if s := a.stderr.String(); s != "" {
		t.Errorf("plain wrote to standard error (logs and traces belong in the log file):\n%s", s)
	}
}

// TestDemoPlainInTmux runs `confab demo --plain` in a real terminal
// (tmux): keys act without Enter (raw mode), the output has no escape
// sequences at all (no colour, no cursor movement), every line is a
// sentence, and after q q the shell's terminal is back in line mode with
// echo, as it was.
func TestDemoPlainInTmux(t *testing.T) {
	e := newEnv(t)
	// No NO_COLOR: plain mode must be colourless by itself.
	x := startTmux(t, e, os.Environ(), 200, 50)
	x.run("send-keys", "-t", "demo", "clear; stty -a | grep -o -- '-*icanon' ; "+
		fmt.Sprintf("%s demo --plain --mic none --speaker none --name Tester --config %s --log-file %s; echo EXIT=$?", confabBin, e.config, e.path("demo.log")), "Enter")

	x.waitScreen("the three simulated people", 30*time.Second, func(s string) bool {
		// The simulated people may be in the room before the user ("is
		// here") or join just after ("joined").
		for _, name := range []string{"Ada", "Bruno", "Chiara"} {
			if !regexp.MustCompile(`(?m)^` + name + ` (joined|is here)\.$`).MatchString(s) {
				return false
			}
		}
		return true
	})
	x.run("send-keys", "-t", "demo", "m") // no Enter: raw mode
	x.waitScreen("the mute answer", 5*time.Second, func(s string) bool {
		return strings.Contains(s, "\nMuted: your microphone is off.\n")
	})
	x.run("send-keys", "-t", "demo", "w")
	// The three, numbered in the order they joined (which varies).
	who := regexp.MustCompile(`(?m)^3 other people here: 1 (\w+)(, speaking)?; 2 (\w+)(, speaking)?; 3 (\w+)(, speaking)?\. Your microphone is off\.$`)
	x.waitScreen("the who answer", 5*time.Second, func(s string) bool {
		m := who.FindStringSubmatch(s)
		if m == nil {
			return false
		}
		got := []string{m[1], m[3], m[5]}
		sort.Strings(got)
		return strings.Join(got, " ") == "Ada Bruno Chiara"
	})
	x.run("send-keys", "-t", "demo", "q")
	x.waitScreen("the leave confirmation", 5*time.Second, func(s string) bool {
		return strings.Contains(s, "\nPress q again to leave, or any other key to stay.\n")
	})
	x.run("send-keys", "-t", "demo", "q")
	exitLine := regexp.MustCompile(`(?m)^EXIT=\d+`)
	final := x.waitScreen("the shell again with the exit status", 15*time.Second, func(s string) bool { return exitLine.MatchString(s) })
	if exitLine.FindString(final) != "EXIT=0" {
		t.Fatalf("confab demo --plain exited non-zero:\n%s", final)
	}
	if !strings.Contains(final, "\nLeaving the call.\nYou left the call.\nEXIT=0") {
		t.Errorf("the call's end is not the last thing said:\n%s", final)
	}

	// With escape sequences kept, the output of plain mode has none.
	styled := x.run("capture-pane", "-p", "-e", "-t", "demo")
	if strings.Contains(styled, "\x1b") {
		t.Errorf("plain mode wrote escape sequences:\n%q", styled)
	}
	var said []string
	in := false
	for _, l := range strings.Split(final, "\n") {
		switch {
		case strings.HasPrefix(l, "Connecting to room demo."):
			in = true
		case strings.HasPrefix(l, "EXIT="):
			in = false
		}
		if in {
			said = append(said, l)
			if !strings.HasSuffix(l, ".") {
				t.Errorf("line is not a sentence: %q", l)
			}
		}
	}
	t.Logf("said:\n%s", strings.Join(said, "\n"))

	// The terminal is as before: line mode (icanon, not -icanon) and echo.
	x.run("send-keys", "-t", "demo", "stty -a | grep -o -- '-*icanon' ; echo DONE", "Enter")
	after := x.waitScreen("stty after the call", 5*time.Second, func(s string) bool { return strings.Contains(s, "\nDONE") })
	if n := len(regexp.MustCompile(`(?m)^icanon$`).FindAllString(after, -1)); n != 2 || strings.Contains(after, "-icanon") {
		t.Errorf("the terminal was not restored to line mode:\n%s", after)
	}
}

// TestJoinPlainServerDown: a server that cannot be reached is one error
// sentence with its code and what to do, spoken once: nothing on standard
// error (a screen reader would read it twice), exit status 1.
func TestJoinPlainServerDown(t *testing.T) {
	e := newEnv(t)
	e.startServer() // creates the app credentials in the shared config
	a := e.startPlain("--server", "ws://127.0.0.1:1", "--user", "alice", "--mic", "none", "--speaker", "none", "room1")
	a.expect(20*time.Second,
		"Connecting to room room1.",
		"Error 90100016: Cannot reach the room server at ws://127.0.0.1:1: dial tcp 127.0.0.1:1: connect: connection refused. Check that the server runs and the URL is right.",
		"You are disconnected.",
	)
	select {
	case <-a.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("plain did not exit within 10s of failing")
	}
	if code := a.exitCode(); code != 1 {
		t.Errorf("exit status %d (%v), want 1", code, a.err)
	}
	if s := a.stderr.String(); s != "" {
		t.Errorf("plain wrote to standard error:\n%s", s)
	}
}

// exitCode is the process's exit status once it exited.
func (p *plainClient) exitCode() int {
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	if p.err != nil {
		return -1
	}
	return 0
}

// TestJoinPlainInterrupt: ctrl+c at a terminal in line mode (SIGINT) leaves
// the call cleanly and says so; the process exits 0 with nothing on
// standard error.
func TestJoinPlainInterrupt(t *testing.T) {
	e := newEnv(t)
	url := e.startServer()
	a := e.startPlain("--server", url, "--user", "alice", "--mic", "none", "--speaker", "none", "room1")
	a.expect(20*time.Second, "Connecting to room room1.", "You are connected to room room1.")
	if err := a.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	a.expect(10*time.Second, "Leaving the call.", "You left the call.")
	select {
	case <-a.exited:
	case <-time.After(10 * time.Second):
		t.Fatal("plain did not exit within 10s of SIGINT")
	}
	if a.err != nil {
		t.Errorf("plain exited with %v after SIGINT, want status 0", a.err)
	}
	if s := a.stderr.String(); s != "" {
		t.Errorf("plain wrote to standard error:\n%s", s)
	}
}
