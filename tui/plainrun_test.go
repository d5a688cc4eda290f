package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/confab-rtc/confab/call"
)

// lineSink is an output that hands over each complete line as written,
// end of line included, so a test can wait for the answer to each step.
type lineSink struct {
	mu    sync.Mutex
	buf   []byte
	lines chan string
}

func newLineSink() *lineSink { return &lineSink{lines: make(chan string, 64)} }

func (s *lineSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf, p...)
	for {
		i := bytes.IndexByte(s.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		s.lines <- string(s.buf[:i+1])
		s.buf = s.buf[i+1:]
	}
}

// expect waits for the next line and checks it exactly, end of line too.
func (s *lineSink) expect(t *testing.T, want string) {
	t.Helper()
	select {
	case got := <-s.lines:
		if got != want {
			t.Fatalf("line %q, want %q", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no line within 5s, want %q", want)
	}
}

// runPlainAsync runs RunPlain in the background; the returned channel
// gets its result.
func runPlainAsync(ctx context.Context, e PlainEngine, in *os.File, out *lineSink, opts PlainOptions) <-chan error {
	done := make(chan error, 1)
	go func() { done <- RunPlain(ctx, e, in, out, opts) }()
	return done
}

// waitDone waits for RunPlain to return.
func waitDone(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("RunPlain did not return within 5s")
		return nil
	}
}

// TestRunPlainLineMode drives plain mode through a pipe, as a script or a
// line-mode braille terminal would: each line's characters are keys, and
// every event and key is answered by one line.
func TestRunPlainLineMode(t *testing.T) {
	f := newPlainFake()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	out := newLineSink()
	done := runPlainAsync(context.Background(), f, r, out, PlainOptions{Room: "standup", UserName: "Alice"})

	f.events <- call.ConnectionStateChanged{Cur: call.StateConnected}
	out.expect(t, "You are connected to room standup.\n")
	f.events <- call.PeerJoin{UserID: "ada", UserName: "Ada"}
	out.expect(t, "Ada is here.\n")
	fmt.Fprint(w, "m\n")
	out.expect(t, "Muted: your microphone is off.\n")
	f.events <- call.PeerJoin{UserID: "bruno", UserName: "Bruno"}
	out.expect(t, "Bruno joined.\n")
	f.events <- call.MuteAudio{UserID: "alice"} // the echo is not spoken again
	fmt.Fprint(w, "\nw\n")
	out.expect(t, "2 other people here: 1 Ada; 2 Bruno. Your microphone is off.\n")
	fmt.Fprint(w, "q q\n")
	out.expect(t, "Press q again to leave, or any other key to stay.\n")
	out.expect(t, "Leaving the call.\n")
	f.events <- call.ConnectionStateChanged{Cur: call.StateDisconnected}
	out.expect(t, "You left the call.\n")
	f.end()
	if err := waitDone(t, done); err != nil {
		t.Fatalf("RunPlain: %v", err)
	}
	if f.leaveCount() != 1 {
		t.Errorf("Leave called %d times, want 1", f.leaveCount())
	}
}

// TestRunPlainTimestamps: --timestamps starts each line with the time.
func TestRunPlainTimestamps(t *testing.T) {
	f := newPlainFake()
	out := newLineSink()
	done := runPlainAsync(context.Background(), f, nil, out, PlainOptions{Room: "standup", Timestamps: true,
		Clock: func() time.Time { return time.Date(2025, 3, 14, 9, 5, 7, 0, time.Local) }})
	f.events <- call.PeerJoin{UserID: "ada", UserName: "Ada"}
	out.expect(t, "09:05:07 Ada joined.\n")
	f.end()
	if err := waitDone(t, done); err != nil {
		t.Fatal(err)
	}
}

// TestRunPlainContextEnds: a signal (ctx ending) is spoken, and plain mode
// waits for the call's last events; an engine that never ends is given up
// on after LeaveTimeout.
func TestRunPlainContextEnds(t *testing.T) {
	f := newPlainFake()
	out := newLineSink()
	ctx, cancel := context.WithCancel(context.Background())
	done := runPlainAsync(ctx, f, nil, out, PlainOptions{Room: "standup", LeaveTimeout: 100 * time.Millisecond})
	cancel()
	out.expect(t, "Leaving the call.\n")
	if err := waitDone(t, done); err != nil {
		t.Fatal(err)
	}
}

// panicEngine fails inside an action, as a bug would.
type panicEngine struct{ *plainFake }

func (panicEngine) SetMicMuted(bool) { panic("boom: mute failed") }

// TestRunPlainFault: an internal fault is one sentence with a code on the
// screen, never a panic trace; the trace goes to the log and the call is
// left.
func TestRunPlainFault(t *testing.T) {
	f := newPlainFake()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	var logBuf syncBuffer
	out := newLineSink()
	done := runPlainAsync(context.Background(), panicEngine{f}, r, out, PlainOptions{
		Room: "standup", Logger: slog.New(slog.NewTextHandler(&logBuf, nil)),
	})
	fmt.Fprint(w, "m\n")
	out.expect(t, "Error 90100199: Confab hit an internal fault and leaves the call; the details are in the log file. Join again; if it keeps happening, report it with the log file.\n")
	if err := waitDone(t, done); !errors.Is(err, ErrPlainFault) {
		t.Fatalf("RunPlain = %v, want ErrPlainFault", err)
	}
	select {
	case l := <-out.lines:
		t.Errorf("more output after the fault: %q", l)
	default:
	}
	if log := logBuf.String(); !strings.Contains(log, "boom: mute failed") || !strings.Contains(log, "plainkeys.go") {
		t.Errorf("the log lacks the panic and its trace:\n%s", log)
	}
	if f.leaveCount() != 1 {
		t.Errorf("Leave called %d times after the fault, want 1", f.leaveCount())
	}
}

// syncBuffer is a bytes.Buffer safe for the logger and the test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// openPTY opens a pseudo-terminal pair: what a user types is written to
// master, and plain mode reads the slave as its terminal.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { slave.Close() })
	return master, slave
}

// TestRunPlainRawTerminal runs plain mode on a real pseudo-terminal: a key
// acts without Enter, ctrl+c leaves, lines end in CR LF (raw mode does not
// add the CR), and the terminal's settings are restored afterwards.
func TestRunPlainRawTerminal(t *testing.T) {
	master, slave := openPTY(t)
	before, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if before.Lflag&unix.ICANON == 0 {
		t.Fatal("a new pseudo-terminal should start in line mode")
	}
	f := newPlainFake()
	out := newLineSink()
	done := runPlainAsync(context.Background(), f, slave, out, PlainOptions{Room: "standup"})
	f.events <- call.ConnectionStateChanged{Cur: call.StateConnected}
	out.expect(t, "You are connected to room standup.\r\n")

	during, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if during.Lflag&(unix.ICANON|unix.ECHO) != 0 {
		t.Errorf("terminal still in line mode or echoing during the call: lflag %#x", during.Lflag)
	}
	master.Write([]byte("m"))
	out.expect(t, "Muted: your microphone is off.\r\n")
	master.Write([]byte("\x1b[A")) // an arrow key is one key
	out.expect(t, "Unknown key escape sequence. Press h for help.\r\n")
	master.Write([]byte("\x03"))
	out.expect(t, "Leaving the call.\r\n")
	f.end()
	if err := waitDone(t, done); err != nil {
		t.Fatal(err)
	}
	after, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if *after != *before {
		t.Errorf("terminal not restored:\n before %+v\n after  %+v", *before, *after)
	}
}

// TestDecodeKeys checks how raw terminal input splits into keys.
func TestDecodeKeys(t *testing.T) {
	got := decodeKeys([]byte("mé\r\x03\x1b"))
	want := []plainKey{{r: 'm'}, {r: 'é'}, {name: "enter"}, ctrlC, {name: "escape"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("decodeKeys = %v, want %v", got, want)
	}
	if got := decodeKeys([]byte("\x1bOP")); len(got) != 1 || got[0].name != "escape sequence" {
		t.Errorf("F1 decoded as %v, want one escape sequence", got)
	}
}
