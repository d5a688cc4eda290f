package audio

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestClockPacer(t *testing.T) {
	t0 := time.Unix(1000, 0)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	tests := []struct {
		name  string
		calls []time.Time
		want  []bool
	}{
		{"first frame due at start", []time.Time{ms(-1), ms(0), ms(0)}, []bool{false, true, false}},
		{"one frame per 20 ms", []time.Time{ms(0), ms(19), ms(20), ms(39), ms(41), ms(59), ms(60)}, []bool{true, false, true, false, true, false, true}},
		{"catches up a short stall", []time.Time{ms(0), ms(100), ms(100), ms(100), ms(100), ms(100), ms(100)}, []bool{true, true, true, true, true, true, false}},
		{"skips a long stall", []time.Time{ms(0), ms(5000), ms(5000), ms(5019), ms(5020)}, []bool{true, true, false, false, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewClockPacer(t0)
			for i, now := range tt.calls {
				if got := p.Due(now); got != tt.want[i] {
					t.Fatalf("call %d at %v: Due = %v, want %v", i, now.Sub(t0), got, tt.want[i])
				}
			}
		})
	}
}

func TestSilenceSourcePacing(t *testing.T) {
	src := NewSilenceSource()
	frame := make([]int16, FrameSamples)
	frame[0] = 7
	start := time.Now()
	for range 10 {
		if err := src.ReadFrame(context.Background(), frame); err != nil {
			t.Fatal(err)
		}
	}
	// A lower bound only: a busy machine may be slower, never faster.
	if d := time.Since(start); d < 190*time.Millisecond {
		t.Fatalf("10 frames in %v, want real time (200 ms)", d)
	}
	if frame[0] != 0 {
		t.Fatal("silence is not silent")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	src.ReadFrame(context.Background(), frame) // keep the clock ahead
	if err := src.ReadFrame(ctx, frame); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled ReadFrame = %v", err)
	}
	go func() { time.Sleep(5 * time.Millisecond); src.Close() }()
	for {
		err := src.ReadFrame(context.Background(), frame)
		if errors.Is(err, ErrClosed) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
}
