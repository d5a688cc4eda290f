package audio

import (
	"errors"
	"testing"
	"time"
)

// jbFuzzSentinel marks the samples just past a tick's buffer: the jitter
// buffer must never write there.
const jbFuzzSentinel = -12345

// fuzzDecoder keeps libopus's contract without its cost: a packet decodes
// to the duration its TOC says, if pcm has room for it; concealment fills
// exactly what it is given.
type fuzzDecoder struct{}

var errFuzzDecode = errors.New("fuzz decoder: cannot decode")

func (fuzzDecoder) Decode(p []byte, pcm []int16) (int, error) {
	n := opusPacketSamples(p)
	if n == 0 || n > len(pcm) {
		return 0, errFuzzDecode
	}
	fill(pcm[:n], 1000+int(p[0]))
	return n, nil
}

func (fuzzDecoder) DecodeFEC(p []byte, pcm []int16) error {
	if len(pcm) == 0 || len(pcm)%120 != 0 {
		return errFuzzDecode
	}
	fill(pcm, 2000)
	return nil
}

func (fuzzDecoder) DecodePLC(pcm []int16) error {
	if len(pcm)%120 != 0 {
		return errFuzzDecode
	}
	fill(pcm, 3000)
	return nil
}

// jbFuzzInput reads a fuzz input as a jitter buffer's life: its settings,
// then packets arriving and ticks played.
type jbFuzzInput struct{ b []byte }

func (in *jbFuzzInput) byte() byte {
	if len(in.b) == 0 {
		return 0
	}
	v := in.b[0]
	in.b = in.b[1:]
	return v
}

func (in *jbFuzzInput) bytes(n int) []byte {
	n = min(n, len(in.b))
	v := in.b[:n]
	in.b = in.b[n:]
	return v
}

// FuzzJitterBuffer pushes arbitrary packet sequences (any sequence
// numbers, timestamps, payloads and arrival times, reordered, duplicated,
// restarted, with stalls of the playout clock) through a jitter buffer and
// plays it out. Whatever arrives, the buffer must not panic, must keep its
// bookkeeping consistent (the packet count matches the full slots, the
// decoded-sample carry stays inside its array), must stay bounded (never
// more than its slots; a target delay within the configured ceiling plus
// one packet), and a tick must never write more samples than were asked
// for.
//
// The input is: tick (120-960 samples), min, start and max delay, the
// decoder (odd: real libopus, else a fake with libopus's contract), then
// operations: 0x00-0x7f a packet (sequence step int8, timestamp step
// int16 x4, payload length and bytes), 0x80-0xbf a tick after 1/8 to 8
// ticks of time, 0xc0-0xff a stall of up to 6.3 s then a tick.
func FuzzJitterBuffer(f *testing.F) {
	// steady is 20 ms voice packets in order, each followed by ticks
	// worth 20 ms of the playout clock.
	steady := func(ticks int) []byte {
		voice := []byte{9 << 3, 0x80, 1, 2, 3}
		var b []byte
		for range 30 {
			b = append(b, 0x00, 1, 0, 240, byte(len(voice)))
			b = append(b, voice...)
			for range ticks {
				b = append(b, 0x80|byte(8/ticks-1))
			}
		}
		return b
	}
	f.Add(append([]byte{7, 20, 40, 100, 0, 0, 0}, steady(1)...))
	f.Add(append([]byte{3, 10, 20, 50, 1, 0xff, 0xff}, steady(2)...))
	f.Add([]byte{8, 0, 0, 0, 0, 0x00, 5, 0, 240, 2, 0x48, 0x80, 0x00, 0xfd, 0xff, 0x10, 2, 0x4b, 0x00, 0xbf, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		in := &jbFuzzInput{b: data}
		tick := 120 * (1 + int(in.byte()%8))
		minDelay := time.Duration(in.byte()) * time.Millisecond
		startDelay := time.Duration(in.byte()) * time.Millisecond
		maxDelay := time.Duration(in.byte()) * 4 * time.Millisecond
		// As NewMixer fills them in.
		startDelay = cmpOr(startDelay, defaultStartDelay)
		minDelay = cmpOr(minDelay, defaultMinDelay)
		maxDelay = max(cmpOr(maxDelay, defaultMaxDelay), minDelay)
		var dec frameDecoder = fuzzDecoder{}
		if in.byte()&1 == 1 {
			d, err := NewDecoder()
			if err != nil {
				t.Fatal(err)
			}
			dec = d
		}
		var c streamCounters
		jb := newJitterBuffer(jbConfig{tick: tick, minDelay: minDelay, maxDelay: maxDelay, startDelay: startDelay}, dec, &c)

		buf := make([]int16, tick+64)
		now := time.Unix(1e6, 0).UnixNano()
		seq, ts := uint16(in.byte())<<8, uint32(in.byte())<<24
		for ops := 0; len(in.b) > 0 && ops < 2000; ops++ {
			op := in.byte()
			switch {
			case op < 0x80:
				seq += uint16(int8(in.byte()))
				ts += uint32(int32(int16(uint16(in.byte())<<8|uint16(in.byte()))) * 4)
				payload := in.bytes(int(in.byte()))
				jb.insert(now, seq, ts, payload)
			default:
				steps := int64(op&0x3f) + 1
				if op >= 0xc0 {
					now += steps * int64(100*time.Millisecond)
				} else {
					now += jb.tickNs() * steps / 8
				}
				for i := tick; i < len(buf); i++ {
					buf[i] = jbFuzzSentinel
				}
				jb.frame(buf[:tick], now)
				for i := tick; i < len(buf); i++ {
					if buf[i] != jbFuzzSentinel {
						t.Fatalf("op %d: a tick of %d samples wrote sample %d", ops, tick, i)
					}
				}
			}
			checkJitterBuffer(t, jb, ops)
			if d := time.Duration(c.targetDelay.Load()); d < 0 || d > maxDelay+maxPacketSamples*time.Second/SampleRate {
				t.Fatalf("op %d: target delay %v outside 0..%v plus a packet", ops, d, maxDelay)
			}
		}
	})
}

// cmpOr is cmp.Or for durations, as NewMixer applies it.
func cmpOr(v, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	return v
}

// checkJitterBuffer fails t if the buffer's bookkeeping is inconsistent.
func checkJitterBuffer(t *testing.T, jb *jitterBuffer, op int) {
	t.Helper()
	full := 0
	for i := range jb.slots {
		if s := &jb.slots[i]; s.full {
			full++
			if s.ext&(jbSlots-1) != int64(i) {
				t.Fatalf("op %d: packet %d in slot %d", op, s.ext, i)
			}
			if s.n <= 0 || s.n > maxPayload || s.dur <= 0 || s.dur > maxPacketSamples {
				t.Fatalf("op %d: slot %d holds %d bytes lasting %d samples", op, i, s.n, s.dur)
			}
		}
	}
	if full != jb.count {
		t.Fatalf("op %d: count %d but %d slots full", op, jb.count, full)
	}
	if jb.carryPos < 0 || jb.carryLen < 0 || jb.carryPos+jb.carryLen > len(jb.carry) {
		t.Fatalf("op %d: carry at %d+%d outside its %d samples", op, jb.carryPos, jb.carryLen, len(jb.carry))
	}
}

// TestJitterBufferFuzzSeedPlays: the fuzz target's steady seed really
// plays audio, so the fuzzer starts from a buffer in use, not one that
// never primes.
func TestJitterBufferFuzzSeedPlays(t *testing.T) {
	var c streamCounters
	jb := newJitterBuffer(jbConfig{tick: FrameSamples, minDelay: 20 * time.Millisecond, maxDelay: 400 * time.Millisecond, startDelay: 40 * time.Millisecond}, fuzzDecoder{}, &c)
	out := make([]int16, FrameSamples)
	now := time.Unix(1e6, 0).UnixNano()
	for i := range 30 {
		jb.insert(now, uint16(i), uint32(i*FrameSamples), []byte{9 << 3, 0x80, 1, 2, 3})
		now += jb.tickNs()
		jb.frame(out, now)
	}
	if d := c.decoded.Load(); d < 25 {
		t.Fatalf("decoded %d of 30 packets", d)
	}
}
