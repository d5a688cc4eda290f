// Package netcut cuts a network path for real, in process, so tests can
// drop everything a client sends and receives and then restore it: a TCP
// relay for the signaling websocket (Relay) and a pion transport.Net whose
// UDP sockets go deaf and mute on command (Net). What the test asserts is
// what happens to the real sockets, timers and protocols above them.
package netcut
