package signal

// Version is the protocol version this package speaks. A client sends it in
// its join; the server refuses a join with a different major version.
const Version = 1

// Message types. Requests go from client to server and each gets exactly one
// reply carrying the request's ID: the reply type for success or TypeError.
// Notifications carry no ID.
const (
	// TypeJoin asks to join a room (client -> server); the reply is TypeJoined.
	TypeJoin = "join"
	// TypeJoined answers a join with the session and the peers already there.
	TypeJoined = "joined"
	// TypeLeave leaves the room (client -> server); the reply is TypeOK.
	TypeLeave = "leave"
	// TypeOffer carries an SDP offer: client -> server for the publish
	// connection, server -> client for the subscribe connection.
	TypeOffer = "offer"
	// TypeAnswer carries an SDP answer to a TypeOffer, in the other direction.
	TypeAnswer = "answer"
	// TypeMute tells the server the sender muted or unmuted its audio
	// (client -> server, reply TypeOK); the server relays it to the room as
	// TypeMuteChanged.
	TypeMute = "mute"
	// TypeOK is the reply to a request that has no other result.
	TypeOK = "ok"
	// TypeError is the reply to a failed request, or a notification of a
	// fatal condition when it has no ID.
	TypeError = "error"
	// TypePing asks the other side to answer TypePong; either side may send it.
	TypePing = "ping"
	// TypePong answers TypePing.
	TypePong = "pong"

	// TypePeerJoin notifies that a user joined the room.
	TypePeerJoin = "peer-join"
	// TypePeerLeave notifies that a user left the room, with Reason.
	TypePeerLeave = "peer-leave"
	// TypeStreamAdded notifies that a user started publishing a stream.
	TypeStreamAdded = "stream-added"
	// TypeStreamRemoved notifies that a user's stream ended.
	TypeStreamRemoved = "stream-removed"
	// TypeMuteChanged notifies that a user's stream was muted or unmuted.
	TypeMuteChanged = "mute-changed"
)

// Publish connection names. PC says which of a client's two peer
// connections an offer or answer belongs to.
const (
	// PCPublish is the connection the client offers and sends media on.
	PCPublish = "publish"
	// PCSubscribe is the connection the server offers and sends media on.
	PCSubscribe = "subscribe"
)

// Roles, numbered as in the seed SDKs.
const (
	// RoleJoiner publishes and receives.
	RoleJoiner = 0
	// RolePlayer only receives.
	RolePlayer = 2
)

// Media kinds of a stream.
const (
	// KindAudio is an audio stream.
	KindAudio = "audio"
	// KindVideo is a video stream.
	KindVideo = "video"
)

// Message is the one message struct of the protocol. Which fields are set
// depends on Type; PROTOCOL.md lists them per type. Unknown fields are
// ignored so that newer peers can add some.
type Message struct {
	Type string `json:"type"`
	// ID ties a reply to its request. The client chooses it.
	ID string `json:"id,omitempty"`

	// Join.
	Version   int    `json:"version,omitempty"`
	AppID     string `json:"appId,omitempty"`
	Signature string `json:"signature,omitempty"`
	CTime     int64  `json:"ctime,omitempty"`
	Platform  string `json:"platform,omitempty"`

	// Identity, in join and in notifications about a user.
	Room     string `json:"room,omitempty"`
	UserID   string `json:"userId,omitempty"`
	UserName string `json:"userName,omitempty"`
	Role     int    `json:"role"`

	// Joined: this session's id and who is already in the room.
	SessionID string `json:"sessionId,omitempty"`
	// Joined and resume: the secret that resumes the session on a new
	// websocket (PROTOCOL.md §5.8).
	ResumeToken string `json:"resumeToken,omitempty"`
	Peers       []Peer `json:"peers,omitempty"`

	// Offer and answer.
	PC  string `json:"pc,omitempty"`
	SDP string `json:"sdp,omitempty"`

	// Streams and mute state.
	Stream *Stream `json:"stream,omitempty"`
	Kind   string  `json:"kind,omitempty"`
	Muted  bool    `json:"muted,omitempty"`

	// Peer-leave.
	Reason int `json:"reason,omitempty"`

	// Error, media-exception, kicked.
	Code    int    `json:"code,omitempty"`
	Message string `json:"message,omitempty"`

	// Volume-indicator.
	Levels []Level `json:"levels,omitempty"`
	// Network-quality, 0-6.
	Uplink   int `json:"uplink,omitempty"`
	Downlink int `json:"downlink,omitempty"`
	// Media-exception: the condition ended.
	Resumed bool `json:"resumed,omitempty"`
	// Kicked: a ban lasts until this time, Unix seconds.
	Until int64 `json:"until,omitempty"`
	// Rooms, room-created/-destroyed/-updated.
	Rooms    []RoomInfo `json:"rooms,omitempty"`
	RoomInfo *RoomInfo  `json:"roomInfo,omitempty"`
}

// Peer describes a user in a room, as listed in TypeJoined.
type Peer struct {
	UserID   string   `json:"userId"`
	UserName string   `json:"userName,omitempty"`
	Role     int      `json:"role"`
	Streams  []Stream `json:"streams,omitempty"`
}

// Stream describes one published media stream of a user. StreamID is the
// media stream id the subscriber sees on the track (the publisher's userId),
// TrackID the track id within it.
type Stream struct {
	UserID   string `json:"userId"`
	Kind     string `json:"kind"`
	StreamID string `json:"streamId"`
	TrackID  string `json:"trackId"`
	Codec    string `json:"codec,omitempty"`
	Muted    bool   `json:"muted,omitempty"`
}
