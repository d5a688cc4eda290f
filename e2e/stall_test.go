package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"
)

// span is a stretch of wall-clock time.
type span struct{ from, to time.Time }

// overlaps reports whether [from, to] meets any of spans, each widened by
// before and after.
func overlaps(spans []span, from, to time.Time, before, after time.Duration) bool {
	for _, s := range spans {
		if from.Before(s.to.Add(after)) && to.After(s.from.Add(-before)) {
			return true
		}
	}
	return false
}

// stallProbe records when the test process itself was not scheduled for
// a while: the late wakeups of a 5 ms timer. On a shared 2-core machine
// every process stalls now and then; an audio gap that coincides with a
// stall of the test process is the machine's doing, not confab's, and is
// reported apart (a gap with no stall around it still fails the test).
type stallProbe struct {
	min  time.Duration
	stop chan struct{}
	done chan struct{}

	mu     sync.Mutex
	stalls []span
}

// startStallProbe starts recording stalls of at least min.
func startStallProbe(min time.Duration) *stallProbe {
	p := &stallProbe{min: min, stop: make(chan struct{}), done: make(chan struct{})}
	go p.run()
	return p
}

func (p *stallProbe) run() {
	defer close(p.done)
	const tick = 5 * time.Millisecond
	last := time.Now()
	for {
		select {
		case <-p.stop:
			return
		case <-time.After(tick):
		}
		now := time.Now()
		if now.Sub(last)-tick >= p.min {
			p.mu.Lock()
			p.stalls = append(p.stalls, span{last, now})
			p.mu.Unlock()
		}
		last = now
	}
}

// Stop ends the probe and returns the stalls it saw. It is idempotent.
func (p *stallProbe) Stop() []span {
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	<-p.done
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]span(nil), p.stalls...)
}

func TestOverlaps(t *testing.T) {
	t0 := time.Unix(100, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	spans := []span{{at(1000), at(1200)}}
	for _, tt := range []struct {
		from, to int
		want     bool
	}{
		{1100, 1150, true},  // inside
		{800, 1050, true},   // across the start
		{1300, 1400, true},  // within the 500 ms after
		{1800, 1900, false}, // long after
		{850, 880, true},    // within the 200 ms before
		{500, 700, false},   // long before
	} {
		if got := overlaps(spans, at(tt.from), at(tt.to), 200*time.Millisecond, 500*time.Millisecond); got != tt.want {
			t.Errorf("overlaps(%d-%d ms) = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestStallProbeSeesABlockedProcess(t *testing.T) {
	p := startStallProbe(50 * time.Millisecond)
	time.Sleep(20 * time.Millisecond)
	// Freeze the whole process, as a starved one is: SIGSTOP, and a
	// child that sends SIGCONT 150 ms later.
	cont := exec.Command("sh", "-c", fmt.Sprintf("sleep 0.15; kill -CONT %d", os.Getpid()))
	if err := cont.Start(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	if err := cont.Wait(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	stalls := p.Stop()
	if len(stalls) == 0 {
		t.Fatal("no stall recorded across a 150 ms stop")
	}
	if d := stalls[len(stalls)-1].to.Sub(stalls[len(stalls)-1].from); d < 140*time.Millisecond {
		t.Errorf("stall of %v recorded, want about 150 ms", d)
	}
	p.Stop()
}
