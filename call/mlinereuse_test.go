package call

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/pion/transport/v4/test"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/server"
	"github.com/confab-rtc/confab/signal"
)

// TestNewcomersHeardOnLongFreedMLines: the server hands a newcomer's track
// an m-line freed by someone who left, and a freed m-line stays inactive
// in every offer until it is taken. Here both m-lines of the listener's
// subscribe connection are offered inactive twice or more (p1 leaves, then
// p2 leaves, then p3 and p4 come) before p3 and p4 take them; the listener
// must hear both. pion stops a transceiver's receiver on every inactive
// offer, and the receiver it puts in place on the first one stays stopped
// on the second: a track later offered on that m-line was never read, so
// the newcomer was silent to the listener and its packets piled up in a
// buffer nobody drained (found by the soak as a slow memory growth).
func TestNewcomersHeardOnLongFreedMLines(t *testing.T) {
	t.Cleanup(test.CheckRoutines(t))
	_, url := startServer(t, server.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	l := engineFor(url, "l", signal.RoleJoiner, time.Hour, Params{Outputs: []audio.Output{&recorder{}}})
	lEv := collect(l)
	lRun := make(chan error, 1)
	go func() { lRun <- l.Run(ctx) }()
	defer func() {
		l.Leave()
		<-lRun
		<-lEv.done
		l.Close()
	}()

	type sender struct {
		e    *Engine
		run  chan error
		done chan struct{}
	}
	start := func(id string, freq float64) *sender {
		e := engineFor(url, id, signal.RoleJoiner, time.Hour, Params{Source: toneSource(t, freq, 48000)})
		s := &sender{e: e, run: make(chan error, 1), done: collect(e).done}
		go func() { s.run <- e.Run(ctx) }()
		return s
	}
	leave := func(id string, s *sender) {
		t.Helper()
		s.e.Leave()
		if err := <-s.run; !errors.Is(err, ErrLeft) {
			t.Errorf("%s: Run returned %v, want ErrLeft", id, err)
		}
		<-s.done
		s.e.Close()
		// The track ends at the listener when pion applies the offer
		// that frees its m-line: only then is it offered inactive.
		waitStats(t, l, id+"'s stream to end", func(s CallStats) bool {
			return !slices.ContainsFunc(s.Remote, func(r RemoteStreamStats) bool { return r.UserID == id })
		})
	}
	heard := func(ids ...string) {
		t.Helper()
		for _, id := range ids {
			lEv.wait(t, "first audio from "+id, func(e Event) bool { f, ok := e.(FirstAudioFrame); return ok && f.UserID == id })
		}
		waitStats(t, l, "packets from "+ids[0]+" and the others", func(s CallStats) bool {
			for _, id := range ids {
				if !slices.ContainsFunc(s.Remote, func(r RemoteStreamStats) bool { return r.UserID == id && r.PacketsReceived > 25 }) {
					return false
				}
			}
			return true
		})
	}

	p1, p2 := start("p1", 500), start("p2", 700)
	heard("p1", "p2")
	leave("p1", p1) // p1's m-line offered inactive
	leave("p2", p2) // p1's again, and p2's
	p3 := start("p3", 900)
	heard("p3") // on one of the freed m-lines
	p4 := start("p4", 1100)
	heard("p3", "p4") // on the other, offered inactive at least twice
	leave("p3", p3)
	leave("p4", p4)
}
