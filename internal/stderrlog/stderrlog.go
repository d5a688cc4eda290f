// Package stderrlog points the process's standard error at the log file
// while a full-screen interface owns the terminal.
//
// Go code here never writes to standard error while the interface runs,
// but C libraries linked through cgo do: PulseAudio, miniaudio and libopus
// print warnings straight to file descriptor 2, and each such line would
// tear the screen. Replacing os.Stderr would not reach them; only moving
// descriptor 2 itself does.
package stderrlog

import (
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// Redirect makes file descriptor 2 refer to f until restore is called,
// which puts the original standard error back (it is safe to call more
// than once). Anything written to standard error meanwhile, by Go or by
// C, lands in f.
func Redirect(f *os.File) (restore func() error, err error) {
	saved, err := unix.Dup(unix.Stderr)
	if err != nil {
		return nil, err
	}
	unix.CloseOnExec(saved)
	if err := unix.Dup2(int(f.Fd()), unix.Stderr); err != nil {
		unix.Close(saved)
		return nil, err
	}
	var once sync.Once
	return func() error {
		once.Do(func() {
			err = unix.Dup2(saved, unix.Stderr)
			unix.Close(saved)
		})
		return err
	}, nil
}
