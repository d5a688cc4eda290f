package server

import (
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/tone"
	"github.com/confab-rtc/confab/signal"
)

// TestRealOpusThroughSFU sends a 1 kHz tone, Opus-encoded by confab's own
// encoder with its RFC 6464 level, through the server: the listener decodes
// a 1 kHz tone and reads the level the sender measured.
func TestRealOpusThroughSFU(t *testing.T) {
	guard(t)
	_, url := startServer(t, Config{})

	const freq = 1000
	dec, err := audio.NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu       sync.Mutex
		heard    []int16
		levels   = map[byte]int{}
		lastSeq  uint16
		received int
	)
	pcm := make([]int16, audio.FrameSamples)
	listen := func(from string, levelID uint8, p *rtp.Packet) {
		if from != "alice" {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if received > 0 && p.SequenceNumber != lastSeq+1 {
			heard = heard[:0] // a gap or reorder: start the measurement over
		}
		lastSeq = p.SequenceNumber
		received++
		n, err := dec.Decode(p.Payload, pcm)
		if err != nil {
			t.Errorf("decoding a forwarded packet: %v", err)
			return
		}
		heard = append(heard, pcm[:n]...)
		if l := p.Header.GetExtension(levelID); len(l) == 1 {
			levels[l[0]&0x7f]++
		}
	}
	bob := dial(t, url, clientOpts{onPacket: listen})
	bob.join("r", "bob", signal.RolePlayer)

	enc, err := audio.NewEncoder(audio.DefaultEncoderConfig())
	if err != nil {
		t.Fatal(err)
	}
	sine := tone.Sine(freq, 0.25, 48000) // one second, loops without a click
	wantLevel := audio.LevelDBov(sine[:audio.FrameSamples])
	pos := 0
	out := make([]byte, 1500)
	next := func() ([]byte, byte) {
		frame := sine[pos : pos+audio.FrameSamples]
		pos = (pos + audio.FrameSamples) % len(sine)
		n, err := enc.Encode(frame, out)
		if err != nil {
			t.Errorf("encoding: %v", err)
			return nil, 127
		}
		return out[:n], audio.LevelDBov(frame)
	}
	alice := dial(t, url, clientOpts{})
	alice.join("r", "alice", signal.RoleJoiner)
	alice.publishWith("alice", "mic", 0, next)

	eventually(t, "a second of decoded audio at bob", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(heard) >= 48000
	})
	mu.Lock()
	defer mu.Unlock()
	// Skip the decoder's first 100 ms of ramp-up.
	got := tone.FractionDominant(heard[4800:], 48000, 100*time.Millisecond, freq, 10, 1000)
	if got < 0.9 {
		t.Fatalf("%.0f%% of 100 ms windows at bob are a %d Hz tone, want at least 90%%", 100*got, freq)
	}
	if levels[wantLevel] < received/2 {
		t.Fatalf("levels at bob %v over %d packets, want mostly %d (-dBov of the tone)", levels, received, wantLevel)
	}
}
