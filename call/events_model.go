package call

import "github.com/confab-rtc/confab/signal"

// The rest of the seed event model (DESIGN.md §2), from issue 3 on. Each
// type is an Event; names follow the table in DESIGN.md.

// StreamUpdated reports a change to a remote stream, e.g. its mute state.
type StreamUpdated struct {
	UserID string `json:"userId"`
	Kind   string `json:"kind"`
	Muted  bool   `json:"muted"`
}

// StreamSubscribed reports that a remote stream's media started arriving.
type StreamSubscribed struct {
	UserID string `json:"userId"`
	Kind   string `json:"kind"`
}

// MuteVideo reports a user turned their camera off.
type MuteVideo struct {
	UserID string `json:"userId"`
}

// UnmuteVideo reports a user turned their camera on.
type UnmuteVideo struct {
	UserID string `json:"userId"`
}

// RemoteUserNameChanged reports a user's new name (the local user's too).
type RemoteUserNameChanged struct {
	UserID   string `json:"userId"`
	UserName string `json:"userName"`
}

// RoleChanged reports a user switched role (signal.RoleJoiner or
// signal.RolePlayer), the local user's included.
type RoleChanged struct {
	UserID string `json:"userId"`
	Role   int    `json:"role"`
}

// NetworkQuality reports a user's network quality on the 0-6 scale of
// signal.Quality*: uplink is how their published media arrives at the
// server, downlink how the media sent to them arrives.
type NetworkQuality struct {
	UserID   string `json:"userId"`
	Uplink   int    `json:"uplink"`
	Downlink int    `json:"downlink"`
}

// VolumeIndicator reports the room's speaking levels, 0-100 each.
type VolumeIndicator struct {
	Levels []signal.Level `json:"levels"`
}

// ActiveSpeaker reports the loudest speaker changed ("" when nobody speaks).
type ActiveSpeaker struct {
	UserID string `json:"userId"`
}

// StreamInterrupted reports a subscribed stream delivered nothing for the
// detection interval.
type StreamInterrupted struct {
	UserID string `json:"userId"`
	Kind   string `json:"kind"`
}

// StreamRecovered reports an interrupted stream resumed.
type StreamRecovered struct {
	UserID string `json:"userId"`
	Kind   string `json:"kind"`
}

// MediaException reports a media condition (signal.MediaException* code)
// or, with Resumed, its end.
type MediaException struct {
	UserID  string `json:"userId"`
	Kind    string `json:"kind"`
	Code    int    `json:"code"`
	Resumed bool   `json:"resumed"`
}

// TokenWillExpire warns that the session's signature expires at CTime
// (Unix seconds). The engine renews by itself when it can.
type TokenWillExpire struct {
	CTime int64 `json:"ctime"`
}

// SignatureExpired reports the session's signature expired; the session
// ends (peer-leave reason 6 for the others).
type SignatureExpired struct{}

// ClientBanned reports the server removed the local user: kicked by an
// administrator (reason 9), banned until Until (Unix seconds, reason 5), or
// the room dismissed (reason 10). The session ends.
type ClientBanned struct {
	Reason  int    `json:"reason"`
	Message string `json:"message"`
	Until   int64  `json:"until,omitempty"`
}

// KickedOffline reports the same user joined the room from another client;
// this session ends.
type KickedOffline struct {
	Reason  int    `json:"reason"`
	Message string `json:"message"`
}

// RoomCreated reports a new room in the live room list.
type RoomCreated struct {
	signal.RoomInfo
}

// RoomDestroyed reports a room gone from the live room list.
type RoomDestroyed struct {
	signal.RoomInfo
}

// RoomUpdated reports a room's new participant count.
type RoomUpdated struct {
	signal.RoomInfo
}

// Name implements Event.
func (StreamUpdated) Name() string { return "stream-updated" }

// Name implements Event.
func (StreamSubscribed) Name() string { return "stream-subscribed" }

// Name implements Event.
func (MuteVideo) Name() string { return "mute-video" }

// Name implements Event.
func (UnmuteVideo) Name() string { return "unmute-video" }

// Name implements Event.
func (RemoteUserNameChanged) Name() string { return "remote-user-name-changed" }

// Name implements Event.
func (RoleChanged) Name() string { return "role-changed" }

// Name implements Event.
func (NetworkQuality) Name() string { return "network-quality" }

// Name implements Event.
func (VolumeIndicator) Name() string { return "volume-indicator" }

// Name implements Event.
func (ActiveSpeaker) Name() string { return "active-speaker" }

// Name implements Event.
func (StreamInterrupted) Name() string { return "stream-interrupted" }

// Name implements Event.
func (StreamRecovered) Name() string { return "stream-recovered" }

// Name implements Event.
func (MediaException) Name() string { return "media-exception" }

// Name implements Event.
func (TokenWillExpire) Name() string { return "token-will-expire" }

// Name implements Event.
func (SignatureExpired) Name() string { return "signature-expired" }

// Name implements Event.
func (ClientBanned) Name() string { return "client-banned" }

// Name implements Event.
func (KickedOffline) Name() string { return "kicked-offline" }

// Name implements Event.
func (RoomCreated) Name() string { return "room-created" }

// Name implements Event.
func (RoomDestroyed) Name() string { return "room-destroyed" }

// Name implements Event.
func (RoomUpdated) Name() string { return "room-updated" }

// DeviceChanged reports a hot-plugged audio device: Kind is "recording"
// or "playback", Action "ADD" or "REMOVE" (the seeds' onDeviceChanged).
// DeviceID is the backend's stable id, as `confab devices` lists it.
type DeviceChanged struct {
	Kind       string `json:"kind"`
	DeviceID   string `json:"deviceId"`
	DeviceName string `json:"deviceName,omitempty"`
	Action     string `json:"action"`
}

// Name implements Event.
func (DeviceChanged) Name() string { return "device-changed" }

// TrackEnded reports that the local microphone's track lost its last
// capture device while publishing (anyRTC's audio_track_end): the call
// stays up and sends silence until a microphone appears. Kind is "audio".
type TrackEnded struct {
	Kind string `json:"kind"`
}

// Name implements Event.
func (TrackEnded) Name() string { return "track-ended" }
