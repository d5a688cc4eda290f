package audio

import (
	"slices"
	"sync"
	"testing"
)

func seq(from, n int) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(from + i)
	}
	return s
}

func TestRing(t *testing.T) {
	type op struct {
		write     []int16 // written when non-nil
		read      int     // samples read when write is nil
		wantN     int
		wantRead  []int16
		wantLen   int
		overruns  uint64
		underruns uint64
	}
	tests := []struct {
		name string
		cap  int
		ops  []op
	}{
		{"fifo order", 8, []op{
			{write: seq(1, 3), wantN: 3, wantLen: 3},
			{read: 3, wantN: 3, wantRead: seq(1, 3), wantLen: 0},
		}},
		{"wraparound keeps order", 5, []op{
			{write: seq(1, 3), wantN: 3, wantLen: 3},
			{read: 2, wantN: 2, wantRead: seq(1, 2), wantLen: 1},
			{write: seq(4, 4), wantN: 4, wantLen: 5},
			{read: 5, wantN: 5, wantRead: seq(3, 5), wantLen: 0},
			{write: seq(8, 5), wantN: 5, wantLen: 5},
			{read: 5, wantN: 5, wantRead: seq(8, 5), wantLen: 0},
		}},
		{"overrun drops the excess and counts it", 4, []op{
			{write: seq(1, 3), wantN: 3, wantLen: 3},
			{write: seq(4, 3), wantN: 1, wantLen: 4, overruns: 2},
			{read: 4, wantN: 4, wantRead: seq(1, 4), overruns: 2},
			{write: seq(9, 6), wantN: 4, wantLen: 4, overruns: 4},
		}},
		{"underrun delivers what is there and counts the rest", 4, []op{
			{read: 2, wantN: 0, wantRead: []int16{}, underruns: 2},
			{write: seq(1, 3), wantN: 3, wantLen: 3, underruns: 2},
			{read: 4, wantN: 3, wantRead: seq(1, 3), underruns: 3},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRing(tt.cap)
			for i, o := range tt.ops {
				var n int
				if o.write != nil {
					n = r.Write(o.write)
				} else {
					buf := make([]int16, o.read)
					n = r.Read(buf)
					if !slices.Equal(buf[:n], o.wantRead) {
						t.Errorf("op %d: read %v, want %v", i, buf[:n], o.wantRead)
					}
				}
				if n != o.wantN {
					t.Errorf("op %d: n = %d, want %d", i, n, o.wantN)
				}
				if r.Len() != o.wantLen {
					t.Errorf("op %d: Len = %d, want %d", i, r.Len(), o.wantLen)
				}
				if r.Overruns() != o.overruns || r.Underruns() != o.underruns {
					t.Errorf("op %d: overruns/underruns = %d/%d, want %d/%d", i, r.Overruns(), r.Underruns(), o.overruns, o.underruns)
				}
			}
		})
	}
}

func TestRingDiscard(t *testing.T) {
	r := NewRing(4)
	r.Write(seq(1, 4))
	if n := r.Discard(3); n != 3 {
		t.Fatalf("Discard(3) = %d", n)
	}
	if n := r.Discard(5); n != 1 {
		t.Fatalf("Discard past the end = %d, want 1", n)
	}
	r.Write(seq(7, 2))
	buf := make([]int16, 2)
	r.Read(buf)
	if !slices.Equal(buf, seq(7, 2)) || r.Underruns() != 0 {
		t.Fatalf("after discard read %v, underruns %d", buf, r.Underruns())
	}
}

// TestRingConcurrent moves a counting sequence through a small ring from
// one goroutine to another: any torn or reordered sample breaks the count.
// Run with -race it also checks the index publication.
func TestRingConcurrent(t *testing.T) {
	const total = 200000
	r := NewRing(97)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		buf := make([]int16, 13)
		next := 0
		for next < total {
			for i := range buf {
				buf[i] = int16(next + i)
			}
			n := min(len(buf), total-next)
			if r.Len()+n > r.Cap() {
				continue // back off rather than overrun
			}
			next += r.Write(buf[:n])
		}
	}()
	buf := make([]int16, 17)
	got := 0
	for got < total {
		n := min(r.Len(), len(buf))
		n = r.Read(buf[:n])
		for i := range n {
			if buf[i] != int16(got) {
				t.Fatalf("sample %d = %d", got, buf[i])
			}
			got++
		}
	}
	wg.Wait()
	if r.Overruns() != 0 || r.Underruns() != 0 {
		t.Errorf("overruns %d underruns %d, want none", r.Overruns(), r.Underruns())
	}
}

func TestRingAllocs(t *testing.T) {
	r := NewRing(4096)
	buf := make([]int16, 480)
	if a := testing.AllocsPerRun(100, func() {
		r.Write(buf)
		r.Read(buf)
	}); a != 0 {
		t.Fatalf("Write+Read allocates %v times", a)
	}
}
