package audio

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/confab-rtc/confab/internal/tone"
)

// tonePacketsOf encodes a tone into n packets of packetSamples each (Opus
// takes 2.5 to 60 ms per call).
func tonePacketsOf(t testing.TB, freq, amp float64, packetSamples, n int) [][]byte {
	t.Helper()
	enc, err := NewEncoder(DefaultEncoderConfig())
	if err != nil {
		t.Fatal(err)
	}
	sig := tone.Sine(freq, amp, n*packetSamples)
	buf := make([]byte, 1500)
	pkts := make([][]byte, n)
	for i := range pkts {
		m, err := enc.Encode(sig[i*packetSamples:(i+1)*packetSamples], buf)
		if err != nil {
			t.Fatal(err)
		}
		pkts[i] = slices.Clone(buf[:m])
	}
	return pkts
}

// TestMixerFrameSizes plays 3 s of a 1 kHz tone through a mixer whose tick
// differs from the sender's packet duration, with packets arriving on
// the sender's schedule and ticks on the mixer's: the mix must be the
// tone at its level in every 10 ms, with no gap and nothing else in it.
func TestMixerFrameSizes(t *testing.T) {
	tests := []struct{ tick, packet int }{
		{480, 960},
		{480, 480},
		{960, 480},
		{960, 960},
		{960, 1920},
		{960, 2880},
		{480, 2880},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("tick=%dms/packet=%dms", tt.tick/48, tt.packet/48), func(t *testing.T) {
			const total = 3 * SampleRate
			pkts := tonePacketsOf(t, 1000, 0.5, tt.packet, total/tt.packet)
			m := NewMixer(MixerConfig{FrameSamples: tt.tick})
			if m.FrameSamples() != tt.tick {
				t.Fatalf("FrameSamples() = %d", m.FrameSamples())
			}
			out := &collector{}
			m.AddOutput(out)
			st, _ := m.AddStream("a")
			start := time.Unix(1000, 0)
			next := 0 // next packet to push
			for s := 0; s < total; s += tt.tick {
				now := start.Add(time.Duration(s) * time.Second / SampleRate)
				// A packet leaves the sender when its last sample was
				// captured and arrives 3 ms later.
				for next < len(pkts) && (next+1)*tt.packet*int(time.Second/SampleRate)+int(3*time.Millisecond) <= int(now.Sub(start)) {
					at := start.Add(time.Duration((next+1)*tt.packet)*time.Second/SampleRate + 3*time.Millisecond)
					st.PushAt(at, uint16(40000+next), uint32(4e9)+uint32(next*tt.packet), pkts[next])
					next++
				}
				m.mixFrameAt(now)
			}
			mix := out.samples()
			if len(mix) != total {
				t.Fatalf("%d samples mixed, want %d", len(mix), total)
			}
			body := mix[SampleRate/2 : total-SampleRate/4]
			want := tone.RMS(tone.Sine(1000, 0.5, 4800))
			if f := tone.FractionDominant(body, SampleRate, 100*time.Millisecond, 1000, 5, want*0.8); f < 1 {
				t.Errorf("only %.0f%% of 100 ms windows are the tone at level (stats %+v)", 100*f, st.Stats())
			}
			for i, w := range tone.Windows(body, SampleRate, 10*time.Millisecond) {
				if r := tone.RMS(w); r < want*0.8 || r > want*1.2 {
					t.Fatalf("10 ms window %d: RMS %.0f, want %.0f (stats %+v)", i, r, want, st.Stats())
				}
			}
			if c := tone.Contains(body, SampleRate, 1000); c < 0.98 {
				t.Errorf("the tone is %.3f of the output: something else is mixed in", c)
			}
			if s := st.Stats(); s.PLC+s.FEC+s.Late+s.Dropped != 0 {
				t.Errorf("a clean stream was concealed: %+v", s)
			}
		})
	}
}

// TestPlaybackFrameSamples checks the speaker asks for two frames of the
// mixer's size: 20 ms queued with 10 ms ticks.
func TestPlaybackFrameSamples(t *testing.T) {
	for _, n := range []int{480, 960} {
		p := newPlayback()
		p.SetFrameSamples(n)
		frame := make([]int16, n)
		var frames int
		for p.Due(time.Time{}) && frames < 10 {
			p.WriteFrame(frame)
			frames++
		}
		if frames != 2 || p.ring.Len() != 2*n {
			t.Errorf("frame %d: %d frames queued before it stopped asking, want 2", n, frames)
		}
	}
}

// TestClockPacerFrameSamples checks a ClockPacer set to 10 ms frames asks
// for 100 a second.
func TestClockPacerFrameSamples(t *testing.T) {
	start := time.Unix(0, 0)
	p := NewClockPacer(start)
	p.SetFrameSamples(480)
	n := 0
	for ms := 0; ms < 1000; ms++ {
		for p.Due(start.Add(time.Duration(ms) * time.Millisecond)) {
			n++
		}
	}
	if n != 100 {
		t.Fatalf("%d frames due in a second, want 100", n)
	}
}
