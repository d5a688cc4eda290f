// Package sfubench measures how many audio packets a confab room server
// forwards per second on one core, and how late they arrive.
//
// A lean load generator joins rooms of real pion clients (a websocket and
// the two PeerConnections of signal/PROTOCOL.md each): publishers send
// 20 ms Opus-sized packets with the audio-level extension and their send
// time (monotonic, this process's clock) in the payload; every client
// subscribes to everything and timestamps what arrives. Run ramps the load
// step by step until the server's core is saturated or packets are lost,
// reading the server's CPU from /proc; Spawn starts `confab serve` as a
// separate process pinned to one core.
package sfubench
