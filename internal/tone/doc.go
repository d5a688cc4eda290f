// Package tone makes and measures test signals: sines, chirps and noise in,
// dominant frequency, level, tone energy and delay out.
//
// It exists so that tests and benchmarks can assert what a listener would
// notice ("the 1 kHz tone arrived", "this is not my own voice", "the click
// came back 23 ms later") instead of comparing samples bit for bit, which no
// real audio path (resampling, codecs, mixing, concealment) preserves.
//
// All signals are mono int16 PCM. Generators produce 48 kHz audio (the rate
// confab uses everywhere); analysers take the rate as a parameter.
package tone
