package sfubench

import (
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	// A command name with a space and a parenthesis, as /proc allows.
	line := "4242 (confab (x) y) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 75 0 0 20 0 9 0 100 0 0"
	got, err := parseStat(line)
	if err != nil {
		t.Fatal(err)
	}
	if want := 3250 * time.Millisecond; got != want {
		t.Fatalf("got %v, want %v (325 ticks)", got, want)
	}
	for _, bad := range []string{"", "1 (x) S 1 2", "1 (x) S 1 2 3 4 5 6 7 8 9 10 u 12"} {
		if _, err := parseStat(bad); err == nil {
			t.Errorf("parseStat(%q) accepted", bad)
		}
	}
}

func TestCPUTimeOfSelfGrows(t *testing.T) {
	before, err := cpuTime(0)
	if err != nil {
		t.Fatal(err)
	}
	x := 0
	for start := time.Now(); time.Since(start) < 150*time.Millisecond; {
		x++ // burn CPU so the tick counter moves
	}
	after, err := cpuTime(0)
	if err != nil {
		t.Fatal(err)
	}
	if after <= before {
		t.Fatalf("CPU time did not grow after 150 ms of spinning (%v -> %v, %d spins)", before, after, x)
	}
}

func TestParseCoreBusy(t *testing.T) {
	stat := "cpu  900 0 300 5000 10 0 5 0 0 0\n" +
		"cpu0 400 0 100 2500 5 0 3 0 0 0\n" +
		"cpu1 500 1 200 2500 5 2 2 1 0 0\n" +
		"intr 12345\n"
	got, err := parseCoreBusy(stat, 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := 706 * 10 * time.Millisecond; got != want { // 500+1+200+2+2+1 ticks
		t.Fatalf("core 1 busy %v, want %v", got, want)
	}
	if _, err := parseCoreBusy(stat, 2); err == nil {
		t.Error("core 2 does not exist but was found")
	}
	if _, err := parseCoreBusy("cpu0 1 2 x 4 5 6 7 8 9\n", 0); err == nil {
		t.Error("a malformed line was accepted")
	}
	if _, err := coreBusy(0); err != nil {
		t.Errorf("reading this machine's core 0: %v", err)
	}
}
