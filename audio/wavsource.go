package audio

import "fmt"

// NewWAVSource is a Source that plays a WAV file (any format ReadWAV
// reads, any rate and channel count: it is downmixed and resampled to mono
// 48 kHz once, here) in a loop, in real time, for demos, bots and tests.
func NewWAVSource(path string) (Source, error) {
	pcm, rate, channels, err := ReadWAV(path)
	if err != nil {
		return nil, err
	}
	mono := toMono48k(pcm, rate, channels)
	if len(mono) == 0 {
		return nil, fmt.Errorf("%s: %w: no samples", path, ErrFormat)
	}
	pos := 0
	return newPacedSource(func(frame []int16) {
		for i := range frame {
			frame[i] = mono[pos]
			pos = (pos + 1) % len(mono)
		}
	}), nil
}

// NewSilenceSource is a Source of digital silence in real time: a
// participant that publishes without a microphone.
func NewSilenceSource() Source {
	return newPacedSource(func(frame []int16) { clear(frame) })
}
