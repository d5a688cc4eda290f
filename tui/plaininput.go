package tui

import (
	"bufio"
	"io"
	"unicode/utf8"
)

// readRawKeys reads a terminal in raw mode and sends each key press on
// keys, until r fails (EOF, or the reader is cancelled). An escape
// sequence (arrow, function key) arrives in one read and is one key.
func readRawKeys(r io.Reader, keys chan<- plainKey, stop <-chan struct{}) {
	defer close(keys)
	buf := make([]byte, 64)
	for {
		n, err := r.Read(buf)
		for _, k := range decodeKeys(buf[:n]) {
			if !sendKey(keys, k, stop) {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// decodeKeys splits the bytes of one raw read into key presses.
func decodeKeys(b []byte) []plainKey {
	var out []plainKey
	for len(b) > 0 {
		switch {
		case b[0] == 0x1b && len(b) > 1:
			// The rest of the read is the sequence of one special key.
			return append(out, plainKey{name: "escape sequence"})
		case b[0] == 0x1b:
			out = append(out, plainKey{name: "escape"})
		case b[0] == 0x03:
			out = append(out, ctrlC)
		case b[0] == '\r' || b[0] == '\n':
			out = append(out, plainKey{name: "enter"})
		default:
			r, n := utf8.DecodeRune(b)
			out = append(out, plainKey{r: r})
			b = b[n:]
			continue
		}
		b = b[1:]
	}
	return out
}

// readLineKeys reads commands a line at a time, for standard input that is
// not a terminal (a pipe, a script, a braille terminal's line mode): each
// character of a line is one key, blank lines are ignored.
func readLineKeys(r io.Reader, keys chan<- plainKey, stop <-chan struct{}) {
	defer close(keys)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		for _, c := range sc.Text() {
			if c == ' ' || c == '\t' || c == '\r' {
				continue
			}
			if !sendKey(keys, plainKey{r: c}, stop) {
				return
			}
		}
	}
}

// sendKey delivers a key, or reports false once plain mode stopped.
func sendKey(keys chan<- plainKey, k plainKey, stop <-chan struct{}) bool {
	select {
	case keys <- k:
		return true
	case <-stop:
		return false
	}
}
