package sfubench

import (
	"testing"
	"time"
)

func TestBucketsAreMonotonicAndTight(t *testing.T) {
	prev := -1
	for us := uint64(0); us < 1<<22; us += 1 + us/97 {
		b := bucketOf(us)
		if b < prev {
			t.Fatalf("bucketOf(%d) = %d after %d", us, b, prev)
		}
		prev = b
		low := bucketLow(b)
		if low > us {
			t.Fatalf("bucketLow(%d) = %d above the value %d", b, low, us)
		}
		if float64(us-low) > 0.04*float64(us)+1 {
			t.Fatalf("value %d lands in bucket %d starting at %d: more than 4%% off", us, b, low)
		}
	}
}

func TestQuantiles(t *testing.T) {
	var h histogram
	for i := 1; i <= 1000; i++ {
		h.add(time.Duration(i) * 10 * time.Microsecond) // 10 µs .. 10 ms
	}
	h.add(-time.Second)
	s := h.snapshot()
	if s.count() != 1001 {
		t.Fatalf("count %d, want 1001", s.count())
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 5 * time.Millisecond}, {0.99, 9900 * time.Microsecond}} {
		got := s.quantile(c.q)
		if got > c.want || got < c.want*96/100 {
			t.Errorf("quantile(%v) = %v, want within 4%% below %v", c.q, got, c.want)
		}
	}
	if s.quantile(0) != 0 {
		t.Errorf("quantile(0) = %v, want 0 (the negative sample)", s.quantile(0))
	}
	var empty hist
	if empty.quantile(0.5) != 0 {
		t.Error("an empty histogram has no quantile")
	}
	d := s.minus(&s)
	if d.count() != 0 {
		t.Error("s - s is not empty")
	}
}
