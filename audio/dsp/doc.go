// Package dsp cleans microphone audio before it is sent: acoustic echo
// cancellation (AEC), noise suppression (NS) and automatic gain control
// (AGC), each switchable, behind the audio.Processor interface.
//
// Two backends are available, chosen by Config.Backend: speexdsp, what
// Mumble uses (an MDF echo canceller whose state is attached to the
// speex preprocessor, which then also suppresses the residual echo), and
// the WebRTC audio processing module 0.3 (through a small C++ shim). Both
// work on 10 ms blocks of mono 48 kHz PCM.
//
// The far-end reference (what the speaker plays) arrives on the mixer's
// goroutine through WriteFrame and crosses to the send loop's goroutine
// through a preallocated lock-free ring; every call into the native
// libraries happens on the send loop's goroutine, in ProcessCapture, so
// neither library is ever entered from two threads at once.
package dsp
