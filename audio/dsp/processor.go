package dsp

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/confab-rtc/confab/audio"
)

// backend is one native implementation; every method runs on the send
// loop's goroutine (close after the last process).
type backend interface {
	// process cleans one 10 ms captured block in place, given the 10 ms
	// of far-end reference that pairs with it.
	process(capture, ref []int16)
	close()
}

// Processor states: ProcessCapture holds the processor busy while it is in
// native code, so Close never frees the native state under it.
const (
	stateIdle int32 = iota
	stateBusy
	stateClosed
)

// Processor is an audio.Processor over one backend. WriteFrame is called
// by the mixer's goroutine and ProcessCapture by the send loop's; the two
// share only a lock-free ring. Neither blocks nor allocates.
type Processor struct {
	cfg     Config
	ref     *reference
	be      backend
	state   atomic.Int32
	blocks  atomic.Uint64
	skipped atomic.Uint64
}

var _ audio.Processor = (*Processor)(nil)

// New makes a processor for cfg; its native state is allocated here, once.
func New(cfg Config) (*Processor, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	p := &Processor{cfg: cfg, ref: newReference()}
	if !cfg.Enabled() {
		return p, nil // pass-through: no native state
	}
	switch cfg.Backend {
	case BackendSpeex:
		p.be, err = newSpeex(cfg)
	case BackendWebRTC:
		p.be, err = newWebRTC(cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("dsp %s: %w", cfg.Backend, err)
	}
	return p, nil
}

// Config is the processor's configuration with defaults filled in.
func (p *Processor) Config() Config { return p.cfg }

// WriteFrame takes a frame the speaker is about to play, the far-end
// reference of the echo canceller. It copies the frame and returns.
func (p *Processor) WriteFrame(frame []int16) {
	if p.be == nil || !p.cfg.EchoCancel {
		return
	}
	p.ref.write(frame)
}

// ProcessCapture cleans a captured frame in place. A frame that is not a
// whole number of 10 ms blocks, or one that arrives after Close, is left
// as it is (and counted by Skipped).
func (p *Processor) ProcessCapture(frame []int16) {
	if p.be == nil {
		return
	}
	if len(frame)%BlockSamples != 0 || !p.state.CompareAndSwap(stateIdle, stateBusy) {
		p.skipped.Add(1)
		return
	}
	for off := 0; off < len(frame); off += BlockSamples {
		var ref []int16
		if p.cfg.EchoCancel {
			ref = p.ref.next()
		}
		p.be.process(frame[off:off+BlockSamples], ref)
	}
	p.blocks.Add(uint64(len(frame) / BlockSamples))
	p.state.Store(stateIdle)
}

// Blocks is the number of 10 ms blocks processed so far.
func (p *Processor) Blocks() uint64 { return p.blocks.Load() }

// ReferenceGaps is the number of captured blocks processed without their
// far-end reference because the mixer delivered it late.
func (p *Processor) ReferenceGaps() uint64 { return p.ref.gaps.Load() }

// Skipped is the number of frames passed through unprocessed (bad length
// or after Close).
func (p *Processor) Skipped() uint64 { return p.skipped.Load() }

// Close frees the native state, waiting for a ProcessCapture in progress
// (at most one frame's processing) to finish. It is safe to call more
// than once and from any goroutine.
func (p *Processor) Close() error {
	for {
		switch p.state.Load() {
		case stateClosed:
			return nil
		case stateIdle:
			if p.state.CompareAndSwap(stateIdle, stateClosed) {
				if p.be != nil {
					p.be.close()
				}
				return nil
			}
		default:
			time.Sleep(time.Millisecond)
		}
	}
}
