package dsp

import "testing"

// numbered is a reference block whose samples all carry its number, so a
// test can see which block next paired with a capture block.
func numbered(n int) []int16 {
	b := make([]int16, BlockSamples)
	for i := range b {
		b[i] = int16(n)
	}
	return b
}

// TestReferenceAlignment: reference and capture advance in lockstep; a
// late mixer pauses the reference until the margin, one block larger, is
// queued again, so the same jitter does not pause it twice; a mixer that
// runs far ahead is cut back to the margin.
func TestReferenceAlignment(t *testing.T) {
	r := newReference()
	written := 0
	write := func(k int) {
		for range k {
			written++
			r.write(numbered(written))
		}
	}
	next := func() int16 { return r.next()[0] }

	if got := next(); got != 0 {
		t.Fatalf("before any reference: block %d, want silence", got)
	}
	write(2) // one mixer frame: primed
	if a, b := next(), next(); a != 1 || b != 2 {
		t.Fatalf("lockstep: blocks %d %d, want 1 2", a, b)
	}
	// The mixer is late once: silence until three blocks are queued.
	if got := next(); got != 0 {
		t.Fatalf("late mixer: block %d, want silence", got)
	}
	write(2)
	if got := next(); got != 0 {
		t.Fatalf("re-priming with 2 of 3 blocks queued: block %d, want silence", got)
	}
	write(2)
	for want := 3; want <= 4; want++ {
		if got := next(); int(got) != want {
			t.Fatalf("after re-priming: block %d, want %d", got, want)
		}
	}
	// Now a frame's jitter is absorbed: the mixer writes after the first
	// of two reads and nothing pauses.
	for range 10 {
		a := next()
		write(2)
		b := next()
		if a == 0 || b != a+1 {
			t.Fatalf("jitter not absorbed: blocks %d %d", a, b)
		}
	}
	if got := r.gaps.Load(); got != 1 {
		t.Errorf("gaps = %d, want 1", got)
	}
	// A mixer that runs far ahead is cut back to the margin.
	write(20)
	if got, want := int(next()), written-r.margin/BlockSamples+1; got != want {
		t.Fatalf("after running ahead: block %d, want %d", got, want)
	}
}
