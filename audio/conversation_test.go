package audio

import (
	"math"
	"testing"
)

// TestConversationTakesTurns checks that a three-voice conversation
// sounds like a meeting: mostly one voice at a time, everyone gets to
// talk, overlaps are brief, and there are pauses.
func TestConversationTakesTurns(t *testing.T) {
	const voices, seconds = 3, 90
	floor := newFloorSchedule(7, voices)
	gens := make([]*speechGen, voices)
	for i := range gens {
		gens[i] = newSpeechGenOnFloor(int64(i+1), Voices()[i], floor, i)
	}
	const win = SampleRate / 10 // 100 ms
	frame := make([]int16, win)
	var one, several, none int
	talked := make([]int, voices)
	for w := 0; w < seconds*10; w++ {
		loud := 0
		for i, g := range gens {
			g.fill(frame)
			var sum float64
			for _, v := range frame {
				sum += float64(v) * float64(v)
			}
			if math.Sqrt(sum/float64(len(frame))) > 300 {
				loud++
				talked[i]++
			}
		}
		switch loud {
		case 0:
			none++
		case 1:
			one++
		default:
			several++
		}
	}
	total := float64(seconds * 10)
	t.Logf("one voice %.0f%%, several %.0f%%, silence %.0f%%, per voice %v windows", 100*float64(one)/total, 100*float64(several)/total, 100*float64(none)/total, talked)
	if float64(one)/total < 0.6 {
		t.Errorf("one voice at a time only %.0f%% of the time, want >= 60%%", 100*float64(one)/total)
	}
	if float64(several)/total > 0.15 {
		t.Errorf("voices overlap %.0f%% of the time, want <= 15%%", 100*float64(several)/total)
	}
	if none == 0 {
		t.Error("no pauses between turns")
	}
	for i, n := range talked {
		if float64(n)/total < 0.15 {
			t.Errorf("voice %d talks only %.0f%% of the time", i, 100*float64(n)/total)
		}
	}
}

func TestFloorSchedulePhases(t *testing.T) {
	f := newFloorSchedule(1, 2)
	for who := range f.talks {
		spans := f.talks[who]
		for i := 1; i < len(spans); i++ {
			if spans[i].start < spans[i-1].end {
				t.Fatalf("speaker %d: spans %v and %v overlap", who, spans[i-1], spans[i])
			}
		}
	}
	first := f.talks[0][0]
	cases := []struct {
		t         int
		talking   bool
		remaining int
	}{
		{first.start - 10, false, 10},
		{first.start, true, first.end - first.start},
		{first.end - 1, true, 1},
		{first.start + f.length, true, first.end - first.start}, // the schedule repeats
	}
	for _, c := range cases {
		talking, rem := f.phaseAt(0, c.t)
		if talking != c.talking || rem != c.remaining {
			t.Errorf("phaseAt(0, %d) = %v, %d; want %v, %d", c.t, talking, rem, c.talking, c.remaining)
		}
	}
	if talking, rem := newFloorSchedule(1, 0).phaseAt(0, 5); talking || rem <= 0 {
		t.Errorf("empty schedule: %v, %d", talking, rem)
	}
}
