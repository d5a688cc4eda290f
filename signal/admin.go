package signal

// Administration and the HTTP API (PROTOCOL.md §15).
const (
	// AdminRoom is the room name an administrator's signature is made for
	// (the Bearer token of /v1/admin/*). It is not a valid room id and
	// differs from LobbyRoom, so neither a room signature nor a lobby
	// signature grants administration.
	AdminRoom = "!admin"

	// CodeBanned: the user is banned from the room until the time in the
	// error's message (anyRTC 10008, the user is banned).
	CodeBanned = 10008

	// CloseRemoved is the websocket close code of a session an
	// administrator removed (kick, ban or dismiss); a kicked message
	// precedes it.
	CloseRemoved = 4001
)
