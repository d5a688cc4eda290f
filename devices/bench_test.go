package devices

import (
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/pulsetest"
	"github.com/gen2brain/malgo"
)

// BenchmarkManagerPollPulse is the cost of one round of the policy loop
// on a real PulseAudio with a microphone and a speaker open: both
// enumerations, the diff and the watchdog. The Manager runs it every
// 250 ms for the whole call.
func BenchmarkManagerPollPulse(b *testing.B) {
	pulsetest.Start(b)
	actx, err := audio.NewContext(malgo.BackendPulseaudio)
	if err != nil {
		b.Fatal(err)
	}
	defer actx.Close()
	m := NewManager(Config{}, Params{Lister: actx, Opener: ContextOpener{Context: actx}})
	defer m.Close()
	now := time.Now()
	m.poll(now)
	if mic, spk := m.Active(); mic.ID == "" || spk.ID == "" {
		b.Fatalf("devices not open: %+v %+v", mic, spk)
	}
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(time.Millisecond) // the devices keep calling back: no stall
		m.poll(now)
	}
}
