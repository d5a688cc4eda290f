package audio

import (
	"context"
	"time"
)

// Source delivers audio to send: each ReadFrame fills frame with the next
// len(frame) samples (normally FrameSamples, 20 ms) of mono 48 kHz PCM,
// waiting until they exist in real time, so a sender loop that reads and
// sends needs no clock of its own. ReadFrame returns ctx's error when ctx
// ends first and ErrClosed after Close. *Capture implements it, as do
// NewWAVSource, NewSilenceSource and NewSpeechSource.
type Source interface {
	ReadFrame(ctx context.Context, frame []int16) error
	Close() error
}

// Output receives the mixer's frames. WriteFrame must not block and must
// not keep frame after it returns (the mixer reuses it): implementations
// copy into their own buffer. *Playback and *WAVWriter implement it.
type Output interface {
	WriteFrame(frame []int16)
}

// Pacer tells the mixer when to produce the next frame: Due reports
// whether a frame is due at now and, when it is, counts it as produced.
// *ClockPacer follows the wall clock; *Playback follows the sound card,
// which is the clock that must not drift from what is played.
type Pacer interface {
	Due(now time.Time) bool
}

// nextDuer is a Pacer that can tell when it will next be due, so Mixer.Run
// sleeps until then rather than polling.
type nextDuer interface {
	NextDue(now time.Time) time.Time
}

// frameSizer is a Pacer whose pace depends on the mixer's frame size;
// Mixer.Run sets it before it starts.
type frameSizer interface {
	SetFrameSamples(n int)
}

// Processor cleans microphone audio before it is metered and encoded:
// echo cancellation, noise suppression, automatic gain control. The
// engine calls ProcessCapture from its send loop with each captured frame
// (a whole number of 10 ms blocks), and the mixer writes every frame it
// plays through WriteFrame, which is the far-end reference the echo
// canceller subtracts. Both run on different goroutines; neither may
// block. Close releases the processor after the call.
type Processor interface {
	Output
	ProcessCapture(frame []int16)
	Close() error
}
