package server

// After an outage a publisher's NACK responder answers the server's NACKs
// for everything lost in it with a burst of old packets (pion keeps 1024).
// For live audio they are useless, and a subscriber's jitter buffer that
// sees many packets in a row far behind its window takes them for a
// sender that restarted, and loses its place. The forwarder drops them.

const (
	// maxStaleSeq is how far behind the newest forwarded packet a packet
	// may be and still be forwarded: a second of 20 ms packets, about the
	// jitter buffer's reorder window, so the retransmissions that can
	// still help (recent loss) pass.
	maxStaleSeq = 50
	// maxStaleRun is how many stale packets in a row make the forwarder
	// follow the sender to a new sequence number space: more than pion's
	// NACK generator asks for after any outage (its log holds 512).
	maxStaleRun = 600
)

// fresh reports whether a packet with sequence number seq should be
// forwarded, and keeps the newest one seen. Only the forwarder's run
// goroutine calls it.
func (f *forwarder) fresh(seq uint16) bool {
	d := int16(seq - f.newest)
	switch {
	case !f.seqSeen || d > 0 || f.staleRun >= maxStaleRun:
		f.seqSeen, f.newest, f.staleRun = true, seq, 0
		return true
	case d >= -maxStaleSeq:
		f.staleRun = 0
		return true
	}
	f.staleRun++
	return false
}
