// Package call is confab's call engine: it connects to a room server over
// the signaling websocket, publishes the local audio on one PeerConnection
// and receives everyone else's on another, feeds the audio pipeline, and
// reports what happens as typed Events. One goroutine (Run) owns the
// session's state; public methods enqueue actions to it.
package call
