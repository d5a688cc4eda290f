package audio

import (
	"fmt"

	"gopkg.in/hraban/opus.v2"
)

// Decoder turns Opus packets back into mono 48 kHz PCM and conceals lost
// ones. It is not safe for concurrent use; the mixer owns one per stream.
type Decoder struct {
	dec *opus.Decoder
}

// NewDecoder makes a mono 48 kHz Opus decoder.
func NewDecoder() (*Decoder, error) {
	dec, err := opus.NewDecoder(SampleRate, Channels)
	if err != nil {
		return nil, fmt.Errorf("audio: opus decoder: %w", err)
	}
	return &Decoder{dec: dec}, nil
}

// Decode decodes one packet into pcm and returns the number of samples it
// produced (FrameSamples for confab's own packets). pcm must have room for
// the packet's duration.
func (d *Decoder) Decode(payload []byte, pcm []int16) (int, error) {
	// libopus writes up to cap(pcm): never let it past len.
	return d.dec.Decode(payload, pcm[:len(pcm):len(pcm)])
}

// DecodeFEC reconstructs the frame before payload's from the redundancy
// payload carries, or conceals it when payload has none. len(pcm) must be
// exactly the missing duration (FrameSamples).
func (d *Decoder) DecodeFEC(payload []byte, pcm []int16) error {
	return d.dec.DecodeFEC(payload, pcm[:len(pcm):len(pcm)])
}

// DecodePLC fills pcm (exactly the missing duration) with a continuation
// of the previous audio, for a packet that is lost with nothing to recover
// it from.
func (d *Decoder) DecodePLC(pcm []int16) error {
	return d.dec.DecodePLC(pcm[:len(pcm):len(pcm)])
}
