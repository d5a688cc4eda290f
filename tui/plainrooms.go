package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/signal"
)

// ErrNoRoomChosen is ChooseRoomPlain's answer when the input ended before a
// room was chosen.
var ErrNoRoomChosen = errors.New("no room was chosen")

// ChooseRoomPlain is plain mode's rooms screen, for `confab join --plain`
// without a room: it reads the server's room list out as numbered
// sentences, one a line, speaks its changes as they happen, and reads a
// line: a number picks that room of the list as last read out, a name
// picks or creates that room, an empty line reads the list again. The
// input is read a line at a time (a terminal in its ordinary line mode, a
// braille display's line mode, a script), and no more of it than the
// chosen line, so the call that follows reads the rest. It returns the
// room, or ctx's error, or ErrNoRoomChosen when the input ends. A list
// that fails is said with its code and tried again; a refusal of the
// credentials ends the choice with that error.
func ChooseRoomPlain(ctx context.Context, dial LobbyDialer, in io.Reader, out io.Writer, opts PlainOptions) (string, error) {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	w := &plainWriter{w: out, eol: "\n", clock: opts.Clock, timestamps: opts.Timestamps}
	lines := make(chan string)
	want := make(chan struct{}, 1)
	stop := make(chan struct{})
	defer startLineReader(in, want, lines, stop)()
	defer close(stop)

	c := plainChooser{w: w, want: want}
	c.more()
	for attempt := 0; ; attempt++ {
		l, err := dial(ctx)
		if err == nil {
			attempt = 0
			room, done, err := c.run(ctx, l, lines)
			l.Close()
			if done {
				return room, err
			}
			err = l.Err()
			if err == nil {
				err = signal.Errorf(signal.CodeServerLost, "the room list ended")
			}
		}
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		if refused(err) {
			w.line(lobbyProblemRefused(err))
			return "", err
		}
		d := retryDelay(attempt + 1)
		w.line(lobbyProblem(err, d))
		room, done, err := c.wait(ctx, lines, time.After(d))
		if done {
			return room, err
		}
	}
}

// refused reports whether err is the server refusing the credentials,
// which no retry fixes.
func refused(err error) bool {
	var se *signal.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code {
	case signal.CodeAuthFailed, signal.CodeUnknownApp, signal.CodeSignatureExpired, signal.CodeCTimeTooFar:
		return true
	}
	return false
}

// lobbyProblemRefused words a refused room list: its code, what happened
// and what to do, without a retry.
func lobbyProblemRefused(err error) string {
	s := lobbyProblem(err, 0)
	if i := strings.LastIndex(s, " Trying again"); i >= 0 {
		s = s[:i]
	}
	return s
}

// plainChooser keeps the list as last read out, which numbers refer to.
type plainChooser struct {
	w      *plainWriter
	want   chan<- struct{} // asks the reader for the next line
	list   roomList
	listed []string
}

// run reads the list of l out and answers the user until a room is chosen
// (done), the input ends (done, ErrNoRoomChosen), ctx ends (done), or the
// lobby's events end (not done: the caller subscribes again).
func (c *plainChooser) run(ctx context.Context, l Lobby, lines <-chan string) (string, bool, error) {
	c.list.reset(l.Rooms())
	c.readList()
	events := l.Events()
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return "", false, nil
			}
			c.change(ev)
		case line, ok := <-lines:
			if room, done, err := c.answer(line, ok); done {
				return room, true, err
			}
		case <-ctx.Done():
			return "", true, ctx.Err()
		}
	}
}

// wait answers the user while the list is down, until retry fires.
func (c *plainChooser) wait(ctx context.Context, lines <-chan string, retry <-chan time.Time) (string, bool, error) {
	for {
		select {
		case <-retry:
			return "", false, nil
		case line, ok := <-lines:
			if room, done, err := c.answer(line, ok); done {
				return room, true, err
			}
		case <-ctx.Done():
			return "", true, ctx.Err()
		}
	}
}

// readList reads the list out, numbered, and says how to choose.
func (c *plainChooser) readList() {
	c.listed = c.listed[:0]
	if len(c.list.rooms) == 0 {
		c.w.line("No rooms yet. Type a name for a new room, then Enter.")
		return
	}
	c.w.line(plural(len(c.list.rooms), "room") + ", the busiest first.")
	for i, r := range c.list.rooms {
		c.listed = append(c.listed, r.Room)
		c.w.line(fmt.Sprintf("%d: %s, %s.", i+1, sanitize(r.Room), countWords(r.Participants)))
	}
	c.w.line("Type a room's number or a name, then Enter; a new name creates that room. Enter alone reads the list again.")
}

// change applies a change of the list and says it.
func (c *plainChooser) change(ev call.Event) {
	before := map[string]int{}
	for _, r := range c.list.rooms {
		before[r.Room] = r.Participants
	}
	if !c.list.apply(ev) {
		return
	}
	switch ev := ev.(type) {
	case call.RoomCreated, call.RoomUpdated:
		var info signal.RoomInfo
		if e, ok := ev.(call.RoomCreated); ok {
			info = e.RoomInfo
		} else {
			info = ev.(call.RoomUpdated).RoomInfo
		}
		n, was := before[info.Room]
		switch {
		case info.Participants <= 0:
			c.w.line("Room " + sanitize(info.Room) + " closed: everyone left.")
		case !was:
			c.w.line("New room " + sanitize(info.Room) + ", " + countWords(info.Participants) + ".")
		case n != info.Participants:
			c.w.line(sanitize(info.Room) + " now has " + countWords(info.Participants) + ".")
		}
	case call.RoomDestroyed:
		if _, was := before[ev.Room]; was {
			c.w.line("Room " + sanitize(ev.Room) + " closed: everyone left.")
		}
	}
}

// more asks the reader for the next line.
func (c *plainChooser) more() {
	select {
	case c.want <- struct{}{}:
	default: // already asked
	}
}

// answer handles a line the user typed: ok is false when the input ended.
// Unless the line chose a room, the reader is asked for the next one.
func (c *plainChooser) answer(line string, ok bool) (string, bool, error) {
	if !ok {
		return "", true, ErrNoRoomChosen
	}
	room, done, err := c.answerLine(strings.TrimSpace(line))
	if !done {
		c.more()
	}
	return room, done, err
}

// answerLine acts on a typed line.
func (c *plainChooser) answerLine(line string) (string, bool, error) {
	if line == "" {
		c.readList()
		return "", false, nil
	}
	if n, err := strconv.Atoi(line); err == nil {
		if n < 1 || n > len(c.listed) {
			c.w.line(fmt.Sprintf("There is no room number %d; the list has %s. Enter alone reads it again.", n, plural(len(c.listed), "room")))
			return "", false, nil
		}
		return c.joining(c.listed[n-1])
	}
	if e := signal.CheckIdentity(line, "u", ""); e != nil {
		c.w.line(errorSentence(e.Code, "That is not a room name. A room's name is 1 to 64 letters, digits, - or _; type another."))
		return "", false, nil
	}
	return c.joining(line)
}

// joining says which room was chosen and returns it.
func (c *plainChooser) joining(room string) (string, bool, error) {
	if c.list.index(room) < 0 {
		c.w.line("Creating room " + sanitize(room) + ".")
	} else {
		c.w.line("Joining " + sanitize(room) + ".")
	}
	return room, true, nil
}

// startLineReader reads lines from in in the background, one each time
// want asks and a byte at a time, so that nothing after the chosen line is
// consumed, and returns the function that stops it (interrupting a
// cancellable reader and waiting). lines is closed when the input ends.
func startLineReader(in io.Reader, want <-chan struct{}, lines chan<- string, stop <-chan struct{}) func() {
	stopReading, _ := readInBackground(in, func(r io.Reader) {
		defer close(lines)
		var b [1]byte
		var line []byte
		wanted := false
		for {
			if !wanted {
				select {
				case <-want:
					wanted = true
				case <-stop:
					return
				}
			}
			n, err := r.Read(b[:])
			if n == 1 && b[0] != '\n' {
				line = append(line, b[0])
				continue
			}
			if n == 1 || (err != nil && len(line) > 0) {
				select {
				case lines <- strings.TrimRight(string(line), "\r"):
				case <-stop:
					return
				}
				line, wanted = line[:0], false
			}
			if err != nil {
				return
			}
		}
	})
	return stopReading
}
