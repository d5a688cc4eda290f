package signal

import "time"

// Session resumption (PROTOCOL.md §5.8): a client whose websocket dropped
// opens a new one and resumes its session instead of joining again, so the
// room sees no leave and its PeerConnections stay up.
const (
	// TypeResume asks to resume a session on a new websocket (client ->
	// server, request: sessionId, resumeToken; reply TypeResumed). It is
	// the first request on a connection that has not joined.
	TypeResume = "resume"
	// TypeResumed answers TypeResume with the session's identity and the
	// room as it is now (peers with their streams), like TypeJoined.
	TypeResumed = "resumed"
)

// CodeResumeFailed: the session cannot be resumed: the server does not
// know it (it ended, its grace period passed, or the server restarted) or
// the resume token does not match. The client should join again.
const CodeResumeFailed = 91000021

// DefaultResumeGrace is how long a server keeps the session of a client
// whose websocket dropped, waiting for a resume, before the room sees it
// leave with ReasonReconnectTimeout.
const DefaultResumeGrace = 15 * time.Second

// CloseResumed closes an older websocket of a session that was resumed on
// a newer one (the older one was half-open: its client had already given
// it up).
const CloseResumed = 4002
