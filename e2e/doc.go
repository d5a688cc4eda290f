// Package e2e holds confab's end-to-end tests: they build the confab
// binary and run real servers and clients as separate processes, with real
// websockets, real WebRTC on loopback, real Opus, and (where a test says so)
// real audio devices through a private PulseAudio with virtual devices, and
// the real terminal interface inside tmux.
package e2e
