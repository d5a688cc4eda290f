package signal

// Message types of the full event model (DESIGN.md §2, seeds/), added for
// issue 3. Requests are named after the seed SDKs' API methods; server
// notifications after the seed events. PROTOCOL.md §9 lists their fields.
const (
	// TypeChangeUserName asks to change the sender's userName (request:
	// userName; reply ok). The room is told with TypeUserNameChanged.
	TypeChangeUserName = "changeUserName"
	// TypeSwitchRole asks to switch between RoleJoiner and RolePlayer
	// (request: role, signature, ctime — a fresh signature; reply ok). The
	// room is told with TypeRoleChanged.
	TypeSwitchRole = "switchRole"
	// TypeRenewSignature extends the session with a fresh signature
	// (request: signature, ctime; reply ok).
	TypeRenewSignature = "renewSignature"
	// TypeSubscribeRooms subscribes the connection to the live room list
	// (request: appId, userId, signature, ctime signed for room
	// LobbyRoom; reply TypeRooms with the current list). Changes follow as
	// TypeRoomCreated, TypeRoomDestroyed and TypeRoomUpdated.
	TypeSubscribeRooms = "subscribeRooms"
	// TypeRooms answers TypeSubscribeRooms with Rooms.
	TypeRooms = "rooms"

	// TypeUserNameChanged notifies a rename: userId, userName.
	TypeUserNameChanged = "user-name-changed"
	// TypeRoleChanged notifies a role switch: userId, role.
	TypeRoleChanged = "role-changed"
	// TypeStreamUpdated notifies a change to a stream: stream.
	TypeStreamUpdated = "stream-updated"
	// TypeVolumeIndicator carries the smoothed levels of the room's
	// speakers: levels. Sent only on change, at most every 200 ms.
	TypeVolumeIndicator = "volume-indicator"
	// TypeActiveSpeaker names the loudest speaker when it changes: userId
	// (empty when nobody speaks).
	TypeActiveSpeaker = "active-speaker"
	// TypeNetworkQuality carries one user's network quality: userId,
	// uplink, downlink (0-6, QualityUnknown..QualityDown). Every 2 s.
	TypeNetworkQuality = "network-quality"
	// TypeStreamInterrupted notifies that a subscribed stream delivered
	// nothing for the detection interval: userId, kind.
	TypeStreamInterrupted = "stream-interrupted"
	// TypeStreamRecovered notifies that an interrupted stream resumed:
	// userId, kind.
	TypeStreamRecovered = "stream-recovered"
	// TypeMediaException reports a media condition and its end: userId,
	// kind, code (MediaException* codes), resumed.
	TypeMediaException = "media-exception"
	// TypeTokenWillExpire warns that the session's signature expires at
	// ctime; the client should send TypeRenewSignature.
	TypeTokenWillExpire = "token-will-expire"
	// TypeSignatureExpired tells the client its signature expired; a
	// peer-leave about itself with ReasonSignatureExpired follows.
	TypeSignatureExpired = "signature-expired"
	// TypeKicked tells the client it was removed: reason (ReasonBanned for
	// a newer session of the same user or a ban, ReasonRemoved for a kick,
	// ReasonRoomDismissed), message, and until (Unix seconds) for a ban.
	TypeKicked = "kicked"
	// TypeRoomCreated notifies lobby subscribers of a new room: room.
	TypeRoomCreated = "room-created"
	// TypeRoomDestroyed notifies lobby subscribers that a room ended: room.
	TypeRoomDestroyed = "room-destroyed"
	// TypeRoomUpdated notifies lobby subscribers of a room's new
	// participant count: room.
	TypeRoomUpdated = "room-updated"
)

// LobbyRoom is the room name a lobby signature (TypeSubscribeRooms and
// GET /v1/rooms) is made for: it is not a valid room id, so a lobby
// signature can never be used to join a room.
const LobbyRoom = "*"

// Network quality scores, SparkRTC's and anyRTC's 0-6 scale.
const (
	// QualityUnknown: not measured yet.
	QualityUnknown = 0
	// QualityExcellent: no measurable impairment.
	QualityExcellent = 1
	// QualityGood: almost as good; bitrate slightly lower.
	QualityGood = 2
	// QualityPoor: unsatisfactory but smooth.
	QualityPoor = 3
	// QualityBad: barely smooth.
	QualityBad = 4
	// QualityVeryBad: very poor.
	QualityVeryBad = 5
	// QualityDown: disconnected; media stopped.
	QualityDown = 6
)

// Media exception codes of media-exception (anyRTC's exception events).
const (
	// MediaExceptionSendBitrateLow: the sender's outgoing audio bitrate is
	// too low (anyRTC 1002 SEND_AUDIO_BITRATE_TOO_LOW).
	MediaExceptionSendBitrateLow = 1002
	// MediaExceptionRecvBitrateLow: the received audio bitrate is too low
	// (anyRTC 1004 RECV_AUDIO_BITRATE_TOO_LOW).
	MediaExceptionRecvBitrateLow = 1004
)

// Level is one user's speaking level in a volume-indicator: 0-100.
type Level struct {
	UserID string `json:"userId"`
	Volume int    `json:"volume"`
}

// RoomInfo describes a room in the live room list.
type RoomInfo struct {
	Room         string `json:"room"`
	Participants int    `json:"participants"`
	// CreatedAt is when the room was created, Unix milliseconds.
	CreatedAt int64 `json:"createdAt"`
}
