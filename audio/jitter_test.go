package audio

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// Fake Opus payloads for the jitter buffer's logic: a real TOC byte (SILK
// wideband, so the buffer reads the duration), a first data byte with the
// VAD flag and, when fec, the LBRR flag, and the sequence number.
func fakePacket(seq uint16, samples int, fec bool) []byte {
	config := map[int]byte{480: 8, 960: 9, 1920: 10, 2880: 11}[samples]
	data := byte(0x80)
	if fec {
		data |= 0x80 >> max(samples/960, 1)
	}
	return []byte{config << 3, data, byte(seq >> 8), byte(seq), 0xaa}
}

// Sample values the fake decoder writes, so a tick's content can be read
// back: 10000+seq for a packet, 20000+seq for FEC from packet seq, 30000
// for PLC (seq modulo 10000). All are loud alike: none is a quiet tick.
const (
	fakePacketBase = 10000
	fakeFEC        = 20000
	fakePLC        = 30000
	fakeCNG        = 31000
)

// fakeDecoder stands for Opus in the logic tests. Like libopus, it
// continues comfort noise rather than voice after a packet without voice.
type fakeDecoder struct{ quiet bool }

func fakeSeq(p []byte) int { return int(p[2])<<8 | int(p[3]) }

func fill(pcm []int16, v int) {
	for i := range pcm {
		pcm[i] = int16(v)
	}
}

func (d *fakeDecoder) Decode(p []byte, pcm []int16) (int, error) {
	n := opusPacketSamples(p)
	d.quiet = !opusVoice(p)
	if len(p) <= 2 { // DTX marker: comfort silence
		clear(pcm[:n])
		return n, nil
	}
	fill(pcm[:n], fakePacketBase+fakeSeq(p)%10000)
	return n, nil
}

func (*fakeDecoder) DecodeFEC(p []byte, pcm []int16) error {
	fill(pcm, fakeFEC+fakeSeq(p)%10000)
	return nil
}

func (d *fakeDecoder) DecodePLC(pcm []int16) error {
	if d.quiet {
		fill(pcm, fakeCNG)
	} else {
		fill(pcm, fakePLC)
	}
	return nil
}

// label names a sample: S silence, P<seq>, F<seq> (rebuilt from seq's
// FEC), L (concealed), C (comfort noise).
func label(v int16) string {
	switch {
	case v == 0:
		return "S"
	case v == fakePLC:
		return "L"
	case v == fakeCNG:
		return "C"
	case v >= fakeFEC && v < fakePLC:
		return fmt.Sprintf("F%d", int(v)-fakeFEC)
	case v >= fakePacketBase && v < fakeFEC:
		return fmt.Sprintf("P%d", int(v)-fakePacketBase)
	default:
		return fmt.Sprintf("?%d", v)
	}
}

// tickLabel names a tick by its runs at 2.5 ms resolution, skipping the
// first 2.5 ms (a dropped tick's crossfade): "P3", "S+P0", "P4+P5".
func tickLabel(out []int16) string {
	var runs []string
	for i := crossfade; i < len(out); i += 120 {
		if l := label(out[i]); len(runs) == 0 || runs[len(runs)-1] != l {
			runs = append(runs, l)
		}
	}
	return strings.Join(runs, "+")
}

// arrival is one packet reaching the receiver.
type arrival struct {
	at      time.Duration // since the start
	seq     uint16
	ts      uint32
	payload []byte
}

// jbSim runs a jitter buffer over arrivals with ticks at start+k*tick
// (times tickScale, for a receiver clock that drifts) and returns each
// tick's label.
type jbSim struct {
	tick       int
	cfg        jbConfig
	ticks      int
	phase      time.Duration // time of tick 0
	clockScale float64       // receiver tick length / nominal; 0 means 1
}

func (s jbSim) run(t testing.TB, arrivals []arrival, each func(k int, jb *jitterBuffer, out []int16)) (*jitterBuffer, *streamCounters) {
	t.Helper()
	var c streamCounters
	cfg := s.cfg
	cfg.tick = s.tick
	if cfg.minDelay == 0 {
		cfg.minDelay = 20 * time.Millisecond
	}
	if cfg.maxDelay == 0 {
		cfg.maxDelay = 400 * time.Millisecond
	}
	if cfg.startDelay == 0 {
		cfg.startDelay = cfg.minDelay
	}
	jb := newJitterBuffer(cfg, &fakeDecoder{}, &c)
	slices.SortStableFunc(arrivals, func(a, b arrival) int { return int(a.at - b.at) })
	scale := s.clockScale
	if scale == 0 {
		scale = 1
	}
	base := time.Unix(1e6, 0).UnixNano()
	out := make([]int16, s.tick)
	next := 0
	for k := range s.ticks {
		now := s.phase + time.Duration(float64(k)*float64(tsNs(int64(s.tick)))*scale)
		for ; next < len(arrivals) && arrivals[next].at <= now; next++ {
			a := arrivals[next]
			jb.insert(base+int64(a.at), a.seq, a.ts, a.payload)
		}
		jb.frame(out, base+int64(now))
		each(k, jb, out)
	}
	return jb, &c
}

// labels runs the simulation and returns the ticks' labels.
func (s jbSim) labels(t testing.TB, arrivals []arrival) ([]string, *streamCounters) {
	var got []string
	_, c := s.run(t, arrivals, func(_ int, _ *jitterBuffer, out []int16) { got = append(got, tickLabel(out)) })
	return got, c
}

// stream describes a sender: n packets of dur samples from seq0/ts0,
// each sent when its last sample is captured and arriving after a
// one-way delay of 5 ms plus delay(i); lost packets are not sent.
type stream struct {
	n      int
	dur    int
	seq0   uint16
	ts0    uint32
	noFEC  bool
	lost   []int
	delay  func(i int) time.Duration
	dup    []int
	tsSkip map[int]uint32 // extra timestamp jump before packet i (DTX)
	dtx    []int          // packets that are DTX markers
	quiet  []int          // packets without voice (VAD flag clear)
}

func (st stream) arrivals() []arrival {
	var a []arrival
	dur := time.Duration(st.dur) * time.Second / SampleRate
	ts := st.ts0
	for i := range st.n {
		ts += st.tsSkip[i]
		sendAt := time.Duration(int64(ts-st.ts0)) * time.Second / SampleRate
		if slices.Contains(st.lost, i) {
			ts += uint32(st.dur)
			continue
		}
		seq := st.seq0 + uint16(i)
		p := fakePacket(seq, st.dur, !st.noFEC)
		if slices.Contains(st.dtx, i) {
			p = p[:1]
		}
		if slices.Contains(st.quiet, i) {
			p[1] &^= 0x80
		}
		at := sendAt + dur + 5*time.Millisecond
		if st.delay != nil {
			at += st.delay(i)
		}
		a = append(a, arrival{at: at, seq: seq, ts: ts, payload: p})
		if slices.Contains(st.dup, i) {
			a = append(a, arrival{at: at + time.Millisecond, seq: seq, ts: ts, payload: p})
		}
		ts += uint32(st.dur)
	}
	return a
}

// aligned is a 20 ms simulation whose ticks fall so that playout starts
// exactly on a packet: tick k at 35 ms + k*20 ms, 10 ms after the packet
// it plays arrived (the middle of the headroom band on a clean link).
var aligned = jbSim{tick: 960, phase: 35 * time.Millisecond}

func TestJitterBuffer(t *testing.T) {
	tests := []struct {
		name   string
		sim    jbSim
		st     stream
		ticks  int
		want   string
		check  func(t *testing.T, s StreamStats)
		sender []arrival // extra arrivals
	}{
		{
			name: "in order plays every packet", sim: aligned, ticks: 6,
			st:   stream{n: 6, dur: 960, seq0: 100, ts0: 5000},
			want: "P100 P101 P102 P103 P104 P105",
			check: func(t *testing.T, s StreamStats) {
				if s.Decoded != 6 || s.PLC+s.FEC+s.Late+s.Expand+s.Accelerate+s.Underruns != 0 {
					t.Errorf("stats %+v", s)
				}
			},
		},
		{
			name: "reordered within the headroom plays in order", sim: aligned, ticks: 6,
			st: stream{n: 6, dur: 960, seq0: 100, delay: func(i int) time.Duration {
				if i == 2 {
					return 8 * time.Millisecond // after 3
				}
				return 0
			}},
			want: "P100 P101 P102 P103 P104 P105",
		},
		{
			name: "duplicates are played once", sim: aligned, ticks: 5,
			st:   stream{n: 5, dur: 960, seq0: 100, dup: []int{0, 2, 4}},
			want: "P100 P101 P102 P103 P104",
			check: func(t *testing.T, s StreamStats) {
				if s.Duplicates != 3 || s.Decoded != 5 {
					t.Errorf("stats %+v", s)
				}
			},
		},
		{
			name: "a missing packet is waited for, then rebuilt from the next one's FEC", sim: aligned, ticks: 6,
			st:   stream{n: 6, dur: 960, seq0: 100, lost: []int{2}},
			want: "P100 P101 L F103 P103 P104",
			check: func(t *testing.T, s StreamStats) {
				if s.PLC != 1 || s.ConcealedSamples != 960 || s.Underruns != 1 || s.FEC != 1 || s.FECSamples != 960 {
					t.Errorf("stats %+v", s)
				}
			},
		},
		{
			name: "without FEC data a missing packet is waited for, then concealed", sim: aligned, ticks: 6,
			st:   stream{n: 6, dur: 960, seq0: 100, lost: []int{2}, noFEC: true},
			want: "P100 P101 L L P103 P104",
		},
		{
			name: "with a packet of headroom a lost packet is rebuilt by FEC", ticks: 7,
			sim:  jbSim{tick: 960, phase: 35 * time.Millisecond, cfg: jbConfig{minDelay: 40 * time.Millisecond}},
			st:   stream{n: 8, dur: 960, seq0: 100, lost: []int{3}},
			want: "S P100 P101 P102 F104 P104 P105",
			check: func(t *testing.T, s StreamStats) {
				if s.FEC != 1 || s.FECSamples != 960 || s.PLC != 0 {
					t.Errorf("stats %+v", s)
				}
			},
		},
		{
			name: "without FEC data the lost packet is concealed", ticks: 7,
			sim:  jbSim{tick: 960, phase: 35 * time.Millisecond, cfg: jbConfig{minDelay: 40 * time.Millisecond}},
			st:   stream{n: 8, dur: 960, seq0: 100, lost: []int{3}, noFEC: true},
			want: "S P100 P101 P102 L P104 P105",
		},
		{
			name: "a burst of losses is concealed, then FEC for the last", ticks: 9,
			sim: jbSim{tick: 960, phase: 35 * time.Millisecond, cfg: jbConfig{minDelay: 40 * time.Millisecond}},
			st:  stream{n: 10, dur: 960, seq0: 100, lost: []int{2, 3, 4}},
			// Waited for one tick, then a tick overdue: concealed and
			// skipped, up to the frame FEC rebuilds.
			want: "S P100 P101 L L L F105 P105 P106",
		},
		{
			name: "a packet a tick late is waited for and played", sim: aligned, ticks: 6,
			st: stream{n: 6, dur: 960, seq0: 100, delay: func(i int) time.Duration {
				if i == 2 {
					return 20 * time.Millisecond
				}
				return 0
			}},
			want: "P100 P101 L P102 P103 P104",
			check: func(t *testing.T, s StreamStats) {
				if s.Late != 0 || s.PLC != 1 || s.Underruns != 1 || s.TargetDelay < 40*time.Millisecond {
					t.Errorf("stats %+v", s)
				}
			},
		},
		{
			name: "a packet three ticks late is rebuilt by FEC, dropped as late, and raises the target at once", sim: aligned, ticks: 6,
			st: stream{n: 6, dur: 960, seq0: 100, delay: func(i int) time.Duration {
				if i == 2 {
					return 60 * time.Millisecond
				}
				return 0
			}},
			// Waited for at tick 2, rebuilt from 103 at tick 3; when it
			// comes its 60 ms delay raises the allowance, and the buffer
			// inserts a tick at once (urgent: no quiet moment waited for).
			want: "P100 P101 L F103 P103 L",
			check: func(t *testing.T, s StreamStats) {
				if s.Late != 1 || s.FEC != 1 || s.Underruns != 1 || s.Expand != 1 || s.TargetDelay < 80*time.Millisecond {
					t.Errorf("stats %+v", s)
				}
			},
		},
		{
			name: "sequence numbers and timestamps wrap", sim: aligned, ticks: 6,
			st:   stream{n: 6, dur: 960, seq0: 65533, ts0: 1<<32 - 2*960},
			want: "P5533 P5534 P5535 P0 P1 P2", // labels are seq%10000
		},
		{
			name: "loss and reorder across the wrap", ticks: 8,
			sim: jbSim{tick: 960, phase: 35 * time.Millisecond, cfg: jbConfig{minDelay: 40 * time.Millisecond}},
			st: stream{n: 9, dur: 960, seq0: 65532, ts0: 1<<32 - 3*960, lost: []int{3}, delay: func(i int) time.Duration {
				if i == 2 {
					return 15 * time.Millisecond
				}
				return 0
			}},
			want: "S P5532 P5533 P5534 F0 P0 P1 P2",
		},
		{
			name: "a DTX pause is comfort noise, not loss, and the sender resumes on time", sim: aligned, ticks: 11,
			st:   stream{n: 6, dur: 960, seq0: 100, dtx: []int{2}, tsSkip: map[int]uint32{3: 5 * 960}},
			want: "P100 P101 S C C C C C P103 P104 P105",
			check: func(t *testing.T, s StreamStats) {
				if s.PLC+s.Expand+s.Underruns+s.Late+s.ConcealedSamples != 0 {
					t.Errorf("a pause was counted as loss: %+v", s)
				}
			},
		},
		{
			// What libopus does with DTX on when the silent packets are
			// not sent: the last packet before the gap has no voice.
			name: "a gap after a packet without voice is a pause, resumed at the target delay", sim: aligned, ticks: 26,
			st:   stream{n: 6, dur: 960, seq0: 100, quiet: []int{2}, tsSkip: map[int]uint32{3: 20 * 960}},
			want: "P100 P101 P102 C C C C C C C C C C S S S S S S S S S S P103 P104 P105",
			check: func(t *testing.T, s StreamStats) {
				if s.PLC+s.Expand+s.Underruns+s.Late+s.ConcealedSamples != 0 {
					t.Errorf("a pause was counted as loss: %+v", s)
				}
			},
		},
		{
			name: "a pause without a DTX marker is concealed 200 ms at most", sim: aligned, ticks: 26,
			st:   stream{n: 6, dur: 960, seq0: 100, tsSkip: map[int]uint32{3: 20 * 960}},
			want: "P100 P101 P102 L L L L L L L L L L S S S S S S S S S S P103 P104 P105",
		},
		{
			name: "a sender restarting its sequence is followed after three packets", sim: aligned, ticks: 10,
			st: stream{n: 3, dur: 960, seq0: 100},
			sender: func() []arrival {
				var a []arrival
				for i := range 6 {
					a = append(a, arrival{at: time.Duration(3+i)*20*time.Millisecond + 25*time.Millisecond,
						seq: 9000 + uint16(i), ts: 777777 + uint32(i*960), payload: fakePacket(9000+uint16(i), 960, true)})
				}
				return a
			}(),
			want: "P100 P101 P102 L L P9002 P9003 P9004 P9005 L",
			check: func(t *testing.T, s StreamStats) {
				if s.Dropped != 2 {
					t.Errorf("stats %+v", s)
				}
			},
		},
		{
			name: "a backlog from before playout starts is skipped", ticks: 3,
			sim:  jbSim{tick: 960, phase: 140 * time.Millisecond},
			st:   stream{n: 7, dur: 960, seq0: 100},
			want: "P105 P106 L",
			check: func(t *testing.T, s StreamStats) {
				if s.Skipped != 5 {
					t.Errorf("stats %+v", s)
				}
			},
		},
		{
			name: "10 ms ticks play 20 ms packets over two ticks", ticks: 8,
			sim:  jbSim{tick: 480, phase: 31 * time.Millisecond},
			st:   stream{n: 4, dur: 960, seq0: 7},
			want: "P7 P7 P8 P8 P9 P9 P10 P10",
		},
		{
			name: "20 ms ticks play 10 ms packets two at a time", ticks: 4,
			sim:  jbSim{tick: 960, phase: 35 * time.Millisecond},
			st:   stream{n: 8, dur: 480, seq0: 7},
			want: "P7+P8 P9+P10 P11+P12 P13+P14",
		},
		{
			name: "20 ms ticks play a 60 ms packet over three ticks", ticks: 6,
			sim:  jbSim{tick: 960, phase: 75 * time.Millisecond},
			st:   stream{n: 2, dur: 2880, seq0: 7},
			want: "P7 P7 P7 P8 P8 P8",
		},
		{
			name: "a lost 40 ms packet: waited for, concealed, its last 20 ms rebuilt by FEC", ticks: 6,
			sim:  jbSim{tick: 960, phase: 55 * time.Millisecond},
			st:   stream{n: 3, dur: 1920, seq0: 7, lost: []int{1}},
			want: "P7 P7 L L F9 P9",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sim := tt.sim
			sim.ticks = tt.ticks
			got, c := sim.labels(t, append(tt.st.arrivals(), tt.sender...))
			if len(got) > tt.ticks {
				got = got[:tt.ticks]
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("ticks\n got %s\nwant %s\nstats %+v", strings.Join(got, " "), tt.want, c.snapshot())
			}
			if tt.check != nil {
				tt.check(t, c.snapshot())
			}
		})
	}
}

// TestJitterBufferCatchesUpAfterStall stops the playout clock for 600 ms
// (a stalled mixer) while packets keep coming: when ticks resume, the
// backlog is skipped at once, not played 600 ms late.
func TestJitterBufferCatchesUpAfterStall(t *testing.T) {
	var c streamCounters
	cfg := jbConfig{tick: 960, minDelay: 20 * time.Millisecond, maxDelay: 400 * time.Millisecond, startDelay: 20 * time.Millisecond}
	jb := newJitterBuffer(cfg, &fakeDecoder{}, &c)
	out := make([]int16, 960)
	var got []string
	for k := range 100 {
		now := time.Duration(k)*20*time.Millisecond + 35*time.Millisecond
		jb.insert(int64(now-10*time.Millisecond), uint16(k), uint32(k*960), fakePacket(uint16(k), 960, true))
		if k >= 40 && k < 70 {
			continue // no tick: the mixer stalls for 600 ms
		}
		jb.frame(out, int64(now))
		got = append(got, tickLabel(out))
	}
	// Ticks resume at 70 with packets 40-69 waiting: after 100 ms (a
	// short stall's burst of late ticks must not trigger it) the backlog
	// is skipped and the stream plays at the settle headroom again.
	if got[40] != "P40" || got[46] != "P76" || got[len(got)-1] != "P99" {
		t.Errorf("after the stall: %v", got[38:])
	}
	if s := c.snapshot(); s.Skipped < 25 || s.BufferDelay > 60*time.Millisecond {
		t.Errorf("stats %+v", s)
	}

	// A stall with nothing buffered when ticks resume (the sender
	// stopped too): the buffer waits for the next packet, and plays it.
	for k := 200; k < 230; k++ {
		now := time.Duration(k)*20*time.Millisecond + 35*time.Millisecond
		jb.frame(out, int64(now))
	}
	now := 230*20*time.Millisecond + 35*time.Millisecond
	jb.insert(int64(now-10*time.Millisecond), 100, 100*960+130*960, fakePacket(100, 960, true))
	jb.frame(out, int64(now))
	if l := tickLabel(out); l != "P100" {
		t.Errorf("after an empty stall: %s", l)
	}
}

func TestJitterBufferRejectsBadPayloads(t *testing.T) {
	var c streamCounters
	jb := newJitterBuffer(jbConfig{tick: 960, minDelay: 20 * time.Millisecond, maxDelay: time.Second}, &fakeDecoder{}, &c)
	jb.insert(0, 1, 0, nil)
	jb.insert(0, 2, 0, make([]byte, maxPayload+1))
	if c.dropped.Load() != 2 || jb.count != 0 {
		t.Fatalf("dropped %d, buffered %d", c.dropped.Load(), jb.count)
	}
}

// TestJitterBufferDrift runs 10 simulated minutes (30 000 packets of 20 ms)
// from a sender whose clock is 0.1 % fast or slow, with a few ms of
// network jitter, at 20 and 10 ms ticks. The buffer must stay bounded
// and correct the drift a tick at a time: 600 ms of drift is 30 ticks of
// 20 ms (60 of 10 ms), so a handful more operations than that is the
// most a well-behaved buffer does; a storm is hundreds.
func TestJitterBufferDrift(t *testing.T) {
	t.Parallel()
	for _, tick := range []int{960, 480} {
		for _, drift := range []float64{+0.001, -0.001} {
			t.Run(fmt.Sprintf("tick=%dms/drift=%+.1f%%", tick/48, drift*100), func(t *testing.T) {
				const n = 30000
				rng := rand.New(rand.NewPCG(7, uint64(tick)))
				st := stream{n: n, dur: 960, seq0: 60000, ts0: 1<<32 - 100*960, delay: func(int) time.Duration {
					return time.Duration(rng.IntN(3000)) * time.Microsecond
				}}
				arr := st.arrivals()
				for i := range arr {
					arr[i].at = time.Duration(float64(arr[i].at) / (1 + drift)) // the sender's 20 ms are shorter or longer
				}
				sim := jbSim{tick: tick, ticks: n * 960 / tick, phase: 10 * time.Millisecond,
					cfg: jbConfig{startDelay: 40 * time.Millisecond}}
				var maxDelay, sumDelay time.Duration
				var silent int
				jb, c := sim.run(t, arr, func(k int, jb *jitterBuffer, out []int16) {
					if k < 1000 || k > sim.ticks-int(0.002*float64(sim.ticks)) {
						return // starting, or the fast sender has finished
					}
					d := time.Duration(jb.stats.bufferDelay.Load())
					maxDelay = max(maxDelay, d)
					sumDelay += d
					if l := tickLabel(out); strings.Contains(l, "S") {
						silent++
						if silent < 5 {
							t.Logf("tick %d: %s", k, l)
						}
					}
				})
				s := c.snapshot()
				ops := drift * n * 960 / float64(tick)
				if ops < 0 {
					ops = -ops
				}
				t.Logf("stats %+v, max delay %v, mean %v", s, maxDelay, sumDelay/time.Duration(sim.ticks-1000))
				if maxDelay > 80*time.Millisecond {
					t.Errorf("the delay grew to %v", maxDelay)
				}
				if jb.count > 4 {
					t.Errorf("%d packets buffered at the end", jb.count)
				}
				if silent > 0 {
					t.Errorf("%d silent ticks", silent)
				}
				corrections := float64(s.Accelerate + s.Expand + s.Underruns)
				if corrections < ops*0.8 || corrections > ops*1.5+10 {
					t.Errorf("%v corrections for %.0f ticks of drift", corrections, ops)
				}
				if s.Underruns > 10 || (drift > 0 && s.Expand > 10) || (drift < 0 && s.Accelerate > 10) {
					t.Errorf("corrections in the wrong direction or underruns: %+v", s)
				}
			})
		}
	}
}

// TestJitterBufferAdapts sends 30 s with ±30 ms of jitter on 10 % of
// packets, then 60 s on a clean link: the target must rise to cover the
// jitter within seconds, keep the late packets few, and settle back near
// the 20 ms floor.
func TestJitterBufferAdapts(t *testing.T) {
	const n = 4500 // 90 s
	rng := rand.New(rand.NewPCG(3, 4))
	st := stream{n: n, dur: 960, seq0: 1, delay: func(i int) time.Duration {
		if i < 1500 && rng.Float64() < 0.1 {
			return time.Duration(rng.IntN(30)) * time.Millisecond
		}
		return time.Duration(rng.IntN(1000)) * time.Microsecond
	}}
	sim := jbSim{tick: 960, ticks: n, phase: 10 * time.Millisecond, cfg: jbConfig{startDelay: 60 * time.Millisecond}}
	var target [n]time.Duration
	var concealedJittery uint64
	_, c := sim.run(t, st.arrivals(), func(k int, jb *jitterBuffer, _ []int16) {
		target[k] = time.Duration(jb.stats.targetDelay.Load())
		if k == 1500 {
			concealedJittery = jb.stats.concealed.Load()
		}
	})
	s := c.snapshot()
	t.Logf("target at 1 s %v, 5 s %v, 29 s %v, 35 s %v, 60 s %v, 89 s %v; stats %+v",
		target[50], target[250], target[1450], target[1750], target[3000], target[n-1], s)
	if target[250] < 30*time.Millisecond {
		t.Errorf("target %v after 5 s of ±30 ms jitter", target[250])
	}
	if r := float64(concealedJittery) / (1500 * 960); r > 0.05 {
		t.Errorf("%.1f%% concealed under jitter: the target did not cover it", 100*r)
	}
	if target[n-1] > 25*time.Millisecond {
		t.Errorf("target %v after 60 s on a clean link, want near the 20 ms floor", target[n-1])
	}
	if target[1550] < 30*time.Millisecond {
		t.Errorf("target %v 1 s after the jitter stopped: it should fall slowly", target[1550])
	}
}

// TestJitterBufferDoesNotAllocate guards the per-packet and per-tick path.
func TestJitterBufferDoesNotAllocate(t *testing.T) {
	var c streamCounters
	jb := newJitterBuffer(jbConfig{tick: 480, minDelay: 20 * time.Millisecond, maxDelay: time.Second, startDelay: 40 * time.Millisecond}, &fakeDecoder{}, &c)
	out := make([]int16, 480)
	pkts := make([][]byte, 1000)
	for i := range pkts {
		pkts[i] = fakePacket(uint16(i), 960, true)
	}
	var seq uint16
	var now int64
	if a := testing.AllocsPerRun(500, func() {
		if seq%7 != 3 {
			jb.insert(now, seq, uint32(seq)*960, pkts[seq])
		}
		seq++
		jb.frame(out, now)
		jb.frame(out, now+10e6)
		now += 20e6
	}); a != 0 {
		t.Fatalf("%v allocations per packet", a)
	}
}

// TestJitterBufferDriftSpeech plays 3 minutes of real Opus speech from a
// sender whose clock is 0.1 % off: the ticks dropped or inserted to make
// up for it must be few and fall in the pauses, where nobody hears them.
func TestJitterBufferDriftSpeech(t *testing.T) {
	const n = 9000
	speech := make([]int16, n*FrameSamples)
	newSpeechGen(5, Voices()[1]).fill(speech)
	enc, err := NewEncoder(DefaultEncoderConfig())
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1500)
	pkts := make([][]byte, n)
	for i := range pkts {
		m, err := enc.Encode(speech[i*FrameSamples:(i+1)*FrameSamples], buf)
		if err != nil {
			t.Fatal(err)
		}
		pkts[i] = slices.Clone(buf[:m])
	}
	for _, drift := range []float64{+0.001, -0.001} {
		t.Run(fmt.Sprintf("drift=%+.1f%%", drift*100), func(t *testing.T) {
			dec, err := NewDecoder()
			if err != nil {
				t.Fatal(err)
			}
			var c streamCounters
			jb := newJitterBuffer(testJB, dec, &c)
			rng := rand.New(rand.NewPCG(1, 1))
			out := make([]int16, FrameSamples)
			next := 0
			for k := range n - 50 {
				now := int64(k)*20e6 + 7e6
				for ; next < n; next++ {
					at := int64(float64((next+1)*20e6+5e6)/(1+drift)) + int64(rng.IntN(2e6))
					if at > now {
						break
					}
					jb.insert(at, uint16(next), uint32(next*FrameSamples), pkts[next])
				}
				jb.frame(out, now)
			}
			s := c.snapshot()
			ops := int(s.Accelerate + s.Expand + s.Underruns)
			t.Logf("%d drops, %d insertions, %d underruns, %d of them at a tick that was not quiet; stats %+v",
				s.Accelerate, s.Expand, s.Underruns, jb.loudOps, s)
			if ops < 7 || ops > 14 { // 180 ms of drift is 9 ticks
				t.Errorf("%d corrections for 9 ticks of drift", ops)
			}
			if jb.loudOps > ops/4 {
				t.Errorf("%d of %d corrections were not in a quiet tick", jb.loudOps, ops)
			}
		})
	}
}

// TestJitterBufferRidesOutOneStall has the network hold 10 packets for up
// to 200 ms once, on an otherwise clean link (a sender or path that
// stalled once): the stall is waited out, but one event must not raise
// the target for seconds, as a window of only the last 2.5 s would.
func TestJitterBufferRidesOutOneStall(t *testing.T) {
	st := stream{n: 1500, dur: 960, seq0: 1, delay: func(i int) time.Duration {
		if i >= 1000 && i < 1010 {
			return time.Duration(1010-i) * 20 * time.Millisecond // all arrive together
		}
		return 0
	}}
	sim := jbSim{tick: 960, ticks: 1500, phase: 10 * time.Millisecond}
	var target [1500]time.Duration
	_, c := sim.run(t, st.arrivals(), func(k int, jb *jitterBuffer, _ []int16) {
		target[k] = time.Duration(jb.stats.targetDelay.Load())
	})
	t.Logf("target before %v, 1 s after %v, 5 s after %v; stats %+v", target[990], target[1060], target[1260], c.snapshot())
	if target[1060] > 30*time.Millisecond {
		t.Errorf("target %v a second after a single stall", target[1060])
	}
}
