package server

import "testing"

func TestSpeechWindow(t *testing.T) {
	cases := []struct {
		name           string
		levels         []byte
		obs, act, loud int
	}{
		{"empty", nil, 0, 0, silentLevel},
		{"silence", []byte{127, 127, 90}, 3, 0, silentLevel},
		{"loudest active wins", []byte{30, 20, 35, 36, 127}, 5, 3, 20},
		{"voice bit ignored", []byte{0x80 | 25, 0x80 | 127}, 2, 1, 25},
		{"threshold is inclusive", []byte{35}, 1, 1, 35},
		{"0 dBov", []byte{0, 10}, 2, 2, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var w speechWindow
			for _, b := range c.levels {
				w.observe(b)
			}
			obs, act, loud := w.take()
			if obs != c.obs || act != c.act || loud != c.loud {
				t.Fatalf("got %d/%d/%d, want %d/%d/%d", obs, act, loud, c.obs, c.act, c.loud)
			}
			if obs, act, loud := w.take(); obs != 0 || act != 0 || loud != silentLevel {
				t.Fatalf("take did not reset the window: %d/%d/%d", obs, act, loud)
			}
		})
	}
}

func TestSpeechLevel(t *testing.T) {
	type window struct{ obs, act, loud int }
	full := func(level int) window { return window{20, 20, level} }
	cases := []struct {
		name    string
		windows []window
		volumes []int // after each window
		active  bool  // after the last
	}{
		// -20 dBov: smoothing takes it to 0.05, 0.075, 0.0875 of 0.1
		// linear (-26, -22.5, -21.2 dBov): all in the same eighth.
		{"steady -20 dBov stays in its eighth", []window{full(20), full(20), full(20), full(20)}, []int{62, 62, 62, 62}, true},
		// -10 dBov: -16, -12.5, -11.2 dBov cross into the next eighth.
		{"steady -10 dBov rises in eighths", []window{full(10), full(10), full(10)}, []int{75, 75, 87}, true},
		{"quieter than the threshold is silence", []window{full(40), full(50)}, []int{0, 0}, false},
		{"too little of the window active is silence", []window{{20, 7, 10}}, []int{0}, false},
		{"half active counts 6 dB quieter", []window{{20, 10, 10}, {20, 10, 10}, {20, 10, 10}}, []int{62, 75, 75}, true},
		{"stopping drops at once", []window{full(10), full(10), {20, 0, silentLevel}}, []int{75, 75, 0}, false},
		{"no packets is silence", []window{full(10), {0, 0, silentLevel}}, []int{75, 0}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var s speechLevel
			for i, w := range c.windows {
				s.update(w.obs, w.act, w.loud)
				if got := s.volume(); got != c.volumes[i] {
					t.Fatalf("window %d: volume %d, want %d (smoothed %.4f)", i, got, c.volumes[i], s.smoothed)
				}
			}
			if s.active() != c.active {
				t.Fatalf("active %v, want %v", s.active(), c.active)
			}
		})
	}
}

func TestSpeechWindowObserveDoesNotAllocate(t *testing.T) {
	var w speechWindow
	if n := testing.AllocsPerRun(1000, func() { w.observe(20) }); n != 0 {
		t.Fatalf("observe allocates %.0f times", n)
	}
}
