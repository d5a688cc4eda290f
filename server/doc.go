// Package server is confab's room server: websocket signaling on /v1/ws as
// specified by signal/PROTOCOL.md, access control with the app signature,
// rooms that exist while someone is in them, and a selective forwarding
// unit (SFU) that sends every participant's audio to everyone else in the
// room.
//
// Each client has two PeerConnections with the server so that offers never
// glare: on the publish connection the client offers and sends, on the
// subscribe connection the server offers and sends. Every published track
// is read by one goroutine and written to one shared
// webrtc.TrackLocalStaticRTP that is attached to every other participant's
// subscribe connection; the RFC 6464 audio-level header extension travels
// with each packet and its latest value is kept per publisher.
//
// Concurrency: each websocket has one reader (the HTTP handler goroutine)
// and one writer goroutine draining a bounded queue, so no call ever blocks
// on a slow client; a client whose queue overflows is dropped. Room state is
// guarded by one mutex per room that is never held while waiting on the
// network. Each participant's subscribe connection is owned by one
// negotiator goroutine, which keeps at most one offer outstanding.
package server
