package dsp

import (
	"errors"
	"sync"
	"testing"

	"github.com/confab-rtc/confab/audio"
)

func TestUnknownBackend(t *testing.T) {
	if _, err := New(Config{Backend: "nope", EchoCancel: true}); !errors.Is(err, ErrBackend) {
		t.Fatalf("New(nope) = %v, want ErrBackend", err)
	}
}

// TestNoAllocation: the per-frame path, on both goroutines' sides,
// allocates nothing, for every backend and combination of stages.
func TestNoAllocation(t *testing.T) {
	far := farSpeech()[:audio.FrameSamples]
	mic := nearSpeech()[:audio.FrameSamples]
	frame := make([]int16, audio.FrameSamples)
	for _, be := range backends {
		for _, cfg := range []Config{
			{Backend: be, EchoCancel: true},
			{Backend: be, NoiseSuppress: true},
			{Backend: be, GainControl: true},
			DefaultConfig(),
		} {
			cfg.Backend = be
			p := newProcessor(t, cfg)
			allocs := testing.AllocsPerRun(200, func() {
				p.WriteFrame(far)
				copy(frame, mic)
				p.ProcessCapture(frame)
			})
			if allocs != 0 {
				t.Errorf("%+v: %.1f allocations per frame, want 0", cfg, allocs)
			}
		}
	}
}

// TestConcurrentUseAndClose: the mixer's goroutine and the send loop's
// use the processor at once (run with -race), Close waits for a frame in
// progress, later frames pass through untouched, and Close may repeat.
func TestConcurrentUseAndClose(t *testing.T) {
	for _, be := range backends {
		t.Run(be, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Backend = be
			p, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			far := farSpeech()
			var wg sync.WaitGroup
			stop := make(chan struct{})
			wg.Add(2)
			go func() { // the mixer
				defer wg.Done()
				for off := 0; ; off = (off + audio.FrameSamples) % (len(far) - audio.FrameSamples) {
					select {
					case <-stop:
						return
					default:
					}
					p.WriteFrame(far[off : off+audio.FrameSamples])
				}
			}()
			go func() { // the send loop
				defer wg.Done()
				frame := make([]int16, audio.FrameSamples)
				for {
					select {
					case <-stop:
						return
					default:
					}
					copy(frame, far)
					p.ProcessCapture(frame)
				}
			}()
			for p.Blocks() < 200 {
				audioYield()
			}
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			close(stop)
			wg.Wait()
			if err := p.Close(); err != nil {
				t.Fatalf("second Close: %v", err)
			}
			frame := append([]int16(nil), far[:audio.FrameSamples]...)
			p.ProcessCapture(frame)
			for i := range frame {
				if frame[i] != far[i] {
					t.Fatalf("a frame after Close was changed at sample %d", i)
				}
			}
			if p.Skipped() == 0 {
				t.Error("frames after Close are not counted as skipped")
			}
		})
	}
}

// TestOddFrameLength: a frame that is not whole 10 ms blocks is left alone
// rather than half processed.
func TestOddFrameLength(t *testing.T) {
	p := newProcessor(t, DefaultConfig())
	frame := append([]int16(nil), nearSpeech()[:700]...)
	want := append([]int16(nil), frame...)
	p.ProcessCapture(frame)
	for i := range frame {
		if frame[i] != want[i] {
			t.Fatalf("sample %d changed", i)
		}
	}
	if p.Skipped() != 1 {
		t.Errorf("Skipped = %d, want 1", p.Skipped())
	}
}
