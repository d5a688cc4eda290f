package audio

// SpeechSamples returns the first n samples that NewSpeechSource with the
// same seed and voice delivers, computed at once rather than in real time,
// so offline measurements (echo paths, noise suppression, codecs) can run
// seconds of speech through a component in milliseconds.
func SpeechSamples(seed int64, voice Voice, n int) []int16 {
	out := make([]int16, max(n, 0))
	newSpeechGen(seed, voice).fill(out)
	return out
}
