package tui

import (
	"io"

	"github.com/muesli/cancelreader"
)

// readInBackground runs read in a goroutine on in, made cancellable when
// it can be, and returns the function that stops it: a cancellable reader
// (a terminal, a pipe) is interrupted and waited for; any other reader is
// left to end with the process, since a blocked read cannot be
// interrupted. err says why in could not be made cancellable.
func readInBackground(in io.Reader, read func(r io.Reader)) (stop func(), err error) {
	cr, err := cancelreader.NewReader(in)
	var r io.Reader = in
	if err == nil {
		r = cr
	} else {
		cr = nil
	}
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		read(r)
	}()
	return func() {
		if cr == nil {
			return
		}
		if cr.Cancel() {
			<-finished
		}
		cr.Close()
	}, err
}
