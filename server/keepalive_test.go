package server

import (
	"testing"
	"time"
)

func TestKeepaliveAt(t *testing.T) {
	t0 := time.Unix(1000, 0)
	const interval, timeout = 10 * time.Second, 30 * time.Second
	cases := []struct {
		name           string
		silent, pinged time.Duration // how long ago the last frame / ping
		want           keepAction
	}{
		{"just spoke", 0, time.Hour, keepNothing},
		{"quiet less than the interval", 9 * time.Second, time.Hour, keepNothing},
		{"quiet one interval, never pinged", 10 * time.Second, time.Hour, keepPing},
		{"pinged recently", 15 * time.Second, 5 * time.Second, keepNothing},
		{"pinged an interval ago", 25 * time.Second, 10 * time.Second, keepPing},
		{"silent past the timeout", 30 * time.Second, time.Second, keepDrop},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := keepaliveAt(t0, t0.Add(-tc.silent), t0.Add(-tc.pinged), interval, timeout); got != tc.want {
				t.Fatalf("got %d, want %d", got, tc.want)
			}
		})
	}
}
