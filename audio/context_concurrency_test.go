package audio

import (
	"sync"
	"testing"
)

// TestPulseConcurrentOpenAndList opens devices and lists them from several
// goroutines at once on one context, as a hot-plug watcher polling while a
// microphone and a speaker are (re)opened does. miniaudio's PulseAudio
// backend runs both on the context's one main loop, which aborts the
// process ("m->state == STATE_PASSIVE") when two goroutines iterate it.
func TestPulseConcurrentOpenAndList(t *testing.T) {
	_, actx := pulseContext(t)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				switch (g + i) % 3 {
				case 0:
					c, err := OpenCapture(actx, "")
					if err != nil {
						t.Error(err)
						return
					}
					c.Close()
				case 1:
					p, err := OpenPlayback(actx, "")
					if err != nil {
						t.Error(err)
						return
					}
					p.Close()
				default:
					if _, err := actx.Devices(KindPlayback); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}
