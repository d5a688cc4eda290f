package audio

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/confab-rtc/confab/internal/tone"
)

// collector is an Output that keeps everything written to it.
type collector struct {
	mu  sync.Mutex
	pcm []int16
}

func (c *collector) WriteFrame(f []int16) {
	c.mu.Lock()
	c.pcm = append(c.pcm, f...)
	c.mu.Unlock()
}

func (c *collector) samples() []int16 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.pcm)
}

// testJB is the jitter buffer tuning of a default mixer.
var testJB = jbConfig{tick: FrameSamples, minDelay: defaultMinDelay, maxDelay: defaultMaxDelay, startDelay: defaultStartDelay}

// simT is tick i's time on a simulated clock; arriveT is 10 ms before it,
// when the packet for tick i arrives in these tests.
func simT(i int) time.Time { return time.Unix(2000, 0).Add(time.Duration(i) * FrameDuration) }

func arriveT(i int) time.Time { return simT(i).Add(-10 * time.Millisecond) }

// tonePackets encodes a tone of n frames at amplitude amp.
func tonePackets(t testing.TB, freq, amp float64, n int) [][]byte {
	t.Helper()
	enc, err := NewEncoder(DefaultEncoderConfig())
	if err != nil {
		t.Fatal(err)
	}
	sig := tone.Sine(freq, amp, n*FrameSamples)
	buf := make([]byte, 1500)
	pkts := make([][]byte, n)
	for i := range pkts {
		m, err := enc.Encode(sig[i*FrameSamples:(i+1)*FrameSamples], buf)
		if err != nil {
			t.Fatal(err)
		}
		pkts[i] = slices.Clone(buf[:m])
	}
	return pkts
}

// TestStreamInOrderIsBitExact feeds a stream in order, one packet per
// frame: what comes out must be exactly what a plain decoder makes of the
// same packets, one frame of jitter delay later.
func TestStreamInOrderIsBitExact(t *testing.T) {
	pkts := tonePackets(t, 440, 0.5, 100)
	ref, _ := NewDecoder()
	var want []int16
	frame := make([]int16, FrameSamples)
	for _, p := range pkts {
		ref.Decode(p, frame)
		want = append(want, frame...)
	}
	s, err := newStream("a", testJB)
	if err != nil {
		t.Fatal(err)
	}
	var got []int16
	for i, p := range pkts {
		s.PushAt(arriveT(i), uint16(60000+i), uint32(i*FrameSamples), p)
		active, first := s.frame(frame, simT(i))
		if active != (i > 0) || first != (i == 1) {
			t.Fatalf("frame %d: active %v first %v", i, active, first)
		}
		got = append(got, frame...)
	}
	if !slices.Equal(got[FrameSamples:], want[:len(want)-FrameSamples]) {
		t.Fatal("stream output differs from a plain decode of the same packets")
	}
	if st := s.Stats(); st.Decoded != 99 || st.FEC+st.PLC+st.Late+st.Dropped+st.Skipped != 0 {
		t.Fatalf("stats %+v", st)
	}
	if l := s.Level(); l < 80 {
		t.Fatalf("level %d for a -9 dBov tone", l)
	}
}

// TestStreamRecoversFromLossAndReorder pushes 10 s of a tone with 5 %
// loss, 10 % of packets one or two frames late and some duplicates: the
// output must stay the tone, at its level, with no gap.
func TestStreamRecoversFromLossAndReorder(t *testing.T) {
	const n = 500
	pkts := tonePackets(t, 1000, 0.5, n)
	rng := rand.New(rand.NewPCG(1, 2))
	arrivals := map[int][]int{}
	for i := range n {
		switch r := rng.Float64(); {
		case r < 0.05: // lost
		case r < 0.15:
			at := i + 1 + rng.IntN(2)
			arrivals[at] = append(arrivals[at], i)
		case r < 0.17:
			arrivals[i] = append(arrivals[i], i, i)
		default:
			arrivals[i] = append(arrivals[i], i)
		}
	}
	s, _ := newStream("a", testJB)
	frame := make([]int16, FrameSamples)
	var out []int16
	for tick := range n {
		for _, i := range arrivals[tick] {
			s.PushAt(arriveT(tick), uint16(65000+i), uint32(i*FrameSamples), pkts[i])
		}
		s.frame(frame, simT(tick))
		out = append(out, frame...)
	}
	st := s.Stats()
	// A steady tone is not voice to SILK, which then sends no FEC data:
	// losses here are concealed (TestJitterBuffer covers FEC, and the
	// loss benchmark measures it on speech).
	if st.PLC == 0 || st.Duplicates == 0 || st.Late == 0 {
		t.Fatalf("the test did not exercise loss, lateness and duplicates: %+v", st)
	}
	body := out[5*FrameSamples:]
	want := tone.RMS(tone.Sine(1000, 0.5, 4800))
	if f := tone.FractionDominant(body, SampleRate, 100*time.Millisecond, 1000, 10, want/2); f < 0.97 {
		t.Errorf("only %.0f%% of 100 ms windows are the tone at level (stats %+v)", 100*f, st)
	}
	for i, w := range tone.Windows(body, SampleRate, 20*time.Millisecond) {
		if r := tone.RMS(w); r < want/4 {
			t.Fatalf("gap at frame %d: RMS %.0f (stats %+v)", i+5, r, st)
		}
	}
	t.Logf("stats %+v", st)
}

// TestStreamSilenceAfterSenderStops checks concealment ends: a sender that
// stops is silent after 200 ms, and is heard again when it resumes.
func TestStreamSilenceAfterSenderStops(t *testing.T) {
	pkts := tonePackets(t, 1000, 0.5, 100)
	s, _ := newStream("a", testJB)
	frame := make([]int16, FrameSamples)
	var rms []float64
	var active []bool
	for tick := range 100 {
		if tick < 30 || tick >= 70 {
			s.PushAt(arriveT(tick), uint16(tick), uint32(tick*FrameSamples), pkts[tick])
		}
		a, _ := s.frame(frame, simT(tick))
		rms = append(rms, tone.RMS(frame))
		active = append(active, a)
	}
	// The sender resumes at tick 70, 10 ms before which its packet
	// arrives: inside the band on a clean link, so it plays at once.
	for tick := 31 + int(maxConceal/FrameDuration); tick < 70; tick++ {
		if active[tick] || rms[tick] != 0 {
			t.Fatalf("frame %d: active %v RMS %.0f, want silence 200 ms after the sender stopped", tick, active[tick], rms[tick])
		}
	}
	for tick := 75; tick < 100; tick++ {
		if rms[tick] < 5000 {
			t.Fatalf("frame %d: RMS %.0f after the sender resumed", tick, rms[tick])
		}
	}
}

func TestStreamPushDoesNotAllocate(t *testing.T) {
	s, _ := newStream("a", testJB)
	pkts := tonePackets(t, 500, 0.3, 10)
	frame := make([]int16, FrameSamples)
	var seq uint16
	if a := testing.AllocsPerRun(200, func() {
		s.Push(seq, uint32(seq)*FrameSamples, pkts[seq%10])
		seq++
		s.frame(frame, time.Now())
	}); a != 0 {
		t.Fatalf("Push + frame allocate %v times per packet", a)
	}
}

func TestSoftLimit(t *testing.T) {
	tests := []struct {
		in   float32
		want int16
	}{
		{0, 0},
		{1000, 1000},
		{-1000, -1000},
		{24575, 24575}, // just under the knee: exact
		{-24575, -24575},
		{32768, 30815}, // one full-scale speaker: bent down a little
		{-32768, -30815},
		{65534, 32767}, // two full-scale speakers: compressed, not wrapped
		{-65536, -32767},
		{1e9, 32767},
		{-1e9, -32768},
	}
	for _, tt := range tests {
		if got := softLimit(tt.in); got != tt.want {
			t.Errorf("softLimit(%v) = %d, want %d", tt.in, got, tt.want)
		}
	}
	prev := softLimit(0)
	for x := float32(0); x < 200000; x += 37 {
		if v := softLimit(x); v < prev {
			t.Fatalf("not monotonic at %v", x)
		} else {
			prev = v
		}
	}
}

func TestMixerSumsStreams(t *testing.T) {
	var firsts []string
	m := NewMixer(MixerConfig{OnFirstFrame: func(id string) { firsts = append(firsts, id) }})
	out := &collector{}
	m.AddOutput(out)
	low, err := m.AddStream("low")
	if err != nil {
		t.Fatal(err)
	}
	high, _ := m.AddStream("high")
	if _, err := m.AddStream("low"); !errors.Is(err, ErrStreamExists) {
		t.Fatalf("duplicate AddStream: %v", err)
	}
	lowPkts := tonePackets(t, 500, 0.3, 60)
	highPkts := tonePackets(t, 1300, 0.3, 60)
	for i := range 60 {
		low.PushAt(arriveT(i), uint16(i), uint32(i*FrameSamples), lowPkts[i])
		high.PushAt(arriveT(i), uint16(9000+i), uint32(i*FrameSamples), highPkts[i])
		m.mixFrameAt(simT(i))
	}
	if !slices.Equal(firsts, []string{"high", "low"}) {
		t.Fatalf("OnFirstFrame calls %v, want each stream once", firsts)
	}
	mix := out.samples()
	if len(mix) != 60*FrameSamples {
		t.Fatalf("%d samples written, want 60 frames", len(mix))
	}
	tail := mix[20*FrameSamples:]
	for _, f := range []float64{500, 1300} {
		if c := tone.Contains(tail, SampleRate, f); c < 0.4 || c > 0.6 {
			t.Errorf("%v Hz is %.2f of the mix, want half", f, c)
		}
	}
	if r, want := tone.RMS(tail), tone.RMS(tone.Sine(500, 0.3*1.4142, 4800)); r < 0.9*want || r > 1.1*want {
		t.Errorf("mix RMS %.0f, want the sum of two tones' power %.0f", r, want)
	}
	if l := m.Level("low"); l < 70 || l > 85 {
		t.Errorf("Level(low) = %d for a -13 dBov tone", l)
	}
	if m.Level("nobody") != 0 {
		t.Error("Level of an unknown stream is not 0")
	}

	// Without "high" only the low tone is left; without the output nothing
	// is written.
	m.RemoveStream("high")
	m.RemoveStream("high")
	for i := 60; i < 80; i++ {
		low.PushAt(arriveT(i), uint16(i), uint32(i*FrameSamples), lowPkts[i%60])
		high.PushAt(arriveT(i), uint16(9000+i), uint32(i*FrameSamples), highPkts[i%60])
		m.mixFrameAt(simT(i))
	}
	mix = out.samples()
	if c := tone.Contains(mix[len(mix)-10*FrameSamples:], SampleRate, 1300); c > 0.01 {
		t.Errorf("removed stream still mixed (%.2f)", c)
	}
	m.RemoveOutput(out)
	m.mixFrameAt(simT(80))
	if n := len(out.samples()); n != len(mix) {
		t.Errorf("removed output still written")
	}
}

func TestMixerFrameDoesNotAllocate(t *testing.T) {
	m := NewMixer(MixerConfig{OnFirstFrame: func(string) {}})
	m.AddOutput(&discard{})
	pkts := tonePackets(t, 500, 0.3, 10)
	a, _ := m.AddStream("a")
	b, _ := m.AddStream("b")
	var seq uint16
	if n := testing.AllocsPerRun(200, func() {
		a.PushAt(arriveT(int(seq)), seq, uint32(seq)*FrameSamples, pkts[seq%10])
		b.PushAt(arriveT(int(seq)), seq, uint32(seq)*FrameSamples, pkts[seq%10])
		m.mixFrameAt(simT(int(seq)))
		seq++
	}); n != 0 {
		t.Fatalf("mixing allocates %v times per frame", n)
	}
}

type discard struct{}

func (discard) WriteFrame([]int16) {}

// TestMixerRunRealTime runs the mixer on the wall clock while a goroutine
// sends packets every 20 ms like a network would: the mix must be the
// clean tone.
func TestMixerRunRealTime(t *testing.T) {
	m := NewMixer(MixerConfig{})
	out := &collector{}
	m.AddOutput(out)
	st, _ := m.AddStream("a")
	pkts := tonePackets(t, 1000, 0.5, 50)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, NewClockPacer(time.Now())) }()
	time.Sleep(5 * time.Millisecond)
	if err := m.Run(ctx, NewClockPacer(time.Now())); !errors.Is(err, ErrRunning) {
		t.Fatalf("second Run: %v", err)
	}
	start := time.Now()
	for i, p := range pkts {
		time.Sleep(time.Until(start.Add(time.Duration(i) * FrameDuration)))
		st.Push(uint16(i), uint32(i*FrameSamples), p)
	}
	time.Sleep(100 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v", err)
	}
	mix := out.samples()
	frames := len(mix) / FrameSamples
	if frames < 45 || frames > 70 {
		t.Fatalf("%d frames in %v, want one per 20 ms", frames, time.Since(start))
	}
	want := tone.RMS(tone.Sine(1000, 0.5, 4800))
	// On a loaded machine a frame may be concealed; the tone must hold.
	if f := tone.FractionDominant(mix, SampleRate, 100*time.Millisecond, 1000, 10, want/2); f < 0.7 {
		t.Errorf("%.0f%% of 100 ms windows are the tone (stats %+v)", 100*f, st.Stats())
	}
}
