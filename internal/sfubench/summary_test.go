package sfubench

import "testing"

func TestSummarize(t *testing.T) {
	opt := Options{}.withDefaults()
	step := func(fwd, cpu, loss, other float64) Step {
		return Step{ForwardedPPS: fwd, ServerCPU: cpu, Loss: loss, ServerCoreOther: other, LoadgenCoreOther: -1, Participants: int(fwd / 1000), Publishers: 10, SentPPS: 500}
	}
	t.Run("saturated by cpu", func(t *testing.T) {
		r := Result{Saturated: true, Steps: []Step{step(10000, 0.2, 0, 0), step(30000, 0.5, 0, 0), step(60000, 0.97, 0, 0)}}
		r.summarize(opt)
		if r.At.ForwardedPPS != 60000 || r.PPSPerCore < 61855 || r.PPSPerCore > 61856 {
			t.Fatalf("at %v pps, %v per core; want the last step, 60000/0.97", r.At.ForwardedPPS, r.PPSPerCore)
		}
		if r.Half.ForwardedPPS != 30000 {
			t.Fatalf("half load at %v pps, want the 30000 step", r.Half.ForwardedPPS)
		}
	})
	t.Run("unsaturated skips lossy and contended steps", func(t *testing.T) {
		r := Result{Steps: []Step{step(10000, 0.2, 0, 0), step(20000, 0.4, 0, 0.05), step(30000, 0.5, 0, 0.4), step(40000, 0.6, 0.05, 0)}}
		r.summarize(opt)
		if r.At.ForwardedPPS != 20000 || r.PPSPerCore != 50000 {
			t.Fatalf("at %v pps, %v per core; want the 20000 step (the last clean one), 50000 per core", r.At.ForwardedPPS, r.PPSPerCore)
		}
		if r.Half.ForwardedPPS != 20000 {
			t.Fatalf("half load at %v pps, want 20000 (closest clean step to 25000)", r.Half.ForwardedPPS)
		}
	})
	t.Run("every step contended", func(t *testing.T) {
		r := Result{Steps: []Step{step(10000, 0.2, 0, 0.3), step(20000, 0.4, 0, 0.3), step(30000, 0.5, 0.2, 0.3)}}
		r.summarize(opt)
		if r.At.ForwardedPPS != 20000 || r.Half != nil {
			t.Fatalf("at %v pps, half %v; want the last lossless step and no half-load latency", r.At.ForwardedPPS, r.Half)
		}
	})
	t.Run("top-n largest room held", func(t *testing.T) {
		behind := step(25000, 0.8, 0, 0)
		behind.SentPPS = 400 // the load generator fell behind: not held
		r := Result{TopN: 3, Saturated: true, Steps: []Step{step(10000, 0.3, 0, 0), step(20000, 0.7, 0, 0), behind, step(30000, 0.99, 0, 0)}}
		r.summarize(opt)
		if r.LargestRoom != 20 {
			t.Fatalf("largest room %d, want 20 (the last step below the CPU limit)", r.LargestRoom)
		}
	})
}
