package audio

// Voice is the character of a synthetic speaker: the pitch of the voice
// and the size of the vocal tract, which sets where the formants sit.
type Voice struct {
	// Name is a label for logs and demos.
	Name string
	// Pitch is the mean fundamental frequency in Hz; intonation moves
	// around it by about ±15 %.
	Pitch float64
	// Formants scales the formant frequencies of an adult male vocal
	// tract (1.0); shorter tracts have higher formants (about 1.17 for a
	// woman, 1.35 for a child). 0 means 1.
	Formants float64
}

// Voices returns three clearly different voices: a low male voice around
// 110 Hz, a female voice around 210 Hz and a child-like voice around
// 300 Hz, so a demo room with three synthetic speakers is easy to tell
// apart by ear and by pitch.
func Voices() []Voice {
	return []Voice{
		{Name: "low", Pitch: 110, Formants: 1.0},
		{Name: "female", Pitch: 210, Formants: 1.17},
		{Name: "child", Pitch: 300, Formants: 1.35},
	}
}
