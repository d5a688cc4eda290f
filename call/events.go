package call

import (
	"encoding/json"
	"time"
)

// Event is one thing that happened in a call, delivered in order on the
// engine's event channel. The set is closed: every implementation is in
// this file, named after the event of DESIGN.md §2 it implements.
type Event interface {
	// Name is the event's name as in DESIGN.md §2 ("peer-join", ...).
	Name() string
}

// ConnState is the state of the engine's connection to the room.
type ConnState string

// Connection states, as the seed SDKs name them.
const (
	StateDisconnected ConnState = "DISCONNECTED"
	StateConnecting   ConnState = "CONNECTING"
	StateConnected    ConnState = "CONNECTED"
	StateReconnecting ConnState = "RECONNECTING"
)

// PeerJoin reports a remote user in the room: sent for everyone already
// there when the local user joins, and for each later arrival.
type PeerJoin struct {
	UserID   string `json:"userId"`
	UserName string `json:"userName"`
	Role     int    `json:"role"`
}

// PeerLeave reports a remote user gone, with the SparkRTC leave reason.
type PeerLeave struct {
	UserID string `json:"userId"`
	Reason int    `json:"reason"`
}

// StreamAdded reports a remote user's new stream.
type StreamAdded struct {
	UserID string `json:"userId"`
	Kind   string `json:"kind"`
}

// StreamRemoved reports a remote user's stream ended.
type StreamRemoved struct {
	UserID string `json:"userId"`
	Kind   string `json:"kind"`
}

// MuteAudio reports a user (remote, or the local user, whose UserID is
// then the engine's own) muted their microphone.
type MuteAudio struct {
	UserID string `json:"userId"`
}

// UnmuteAudio reports a user unmuted their microphone.
type UnmuteAudio struct {
	UserID string `json:"userId"`
}

// ConnectionStateChanged reports a transition of the connection state.
type ConnectionStateChanged struct {
	Prev ConnState `json:"prev"`
	Cur  ConnState `json:"cur"`
}

// FirstAudioFrame reports that the first audio of a remote user was
// decoded and played.
type FirstAudioFrame struct {
	UserID string `json:"userId"`
}

// MediaDevice reports the local devices the call runs with, and why one is
// missing. The TUI shows Problem as the reason the call is receive-only or
// silent. It is sent again whenever the device in use changes mid-call,
// with Reason saying why: "user" (the user switched), "fallback" (the
// device in use or the preferred one is missing), "restored" (the
// preferred device, or any device, is back) or "default-changed" (the
// system default moved); empty for the devices the call started with.
type MediaDevice struct {
	Kind       string `json:"kind"` // "recording" or "playback"
	DeviceID   string `json:"deviceId,omitempty"`
	DeviceName string `json:"deviceName,omitempty"`
	Reason     string `json:"reason,omitempty"`
	Problem    string `json:"problem,omitempty"`
	Code       int    `json:"code,omitempty"`
}

// Error reports a failure with its code and a sentence saying what to do.
type Error struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// Name implements Event.
func (PeerJoin) Name() string { return "peer-join" }

// Name implements Event.
func (PeerLeave) Name() string { return "peer-leave" }

// Name implements Event.
func (StreamAdded) Name() string { return "stream-added" }

// Name implements Event.
func (StreamRemoved) Name() string { return "stream-removed" }

// Name implements Event.
func (MuteAudio) Name() string { return "mute-audio" }

// Name implements Event.
func (UnmuteAudio) Name() string { return "unmute-audio" }

// Name implements Event.
func (ConnectionStateChanged) Name() string { return "connection-state-changed" }

// Name implements Event.
func (FirstAudioFrame) Name() string { return "first-audio-frame" }

// Name implements Event.
func (MediaDevice) Name() string { return "media-device" }

// Name implements Event.
func (Error) Name() string { return "error" }

// MarshalEvent renders an event as one JSON object with an "event" field
// holding its name and a "ts" field (RFC 3339, milliseconds) beside the
// event's own fields: the line format of headless mode.
func MarshalEvent(e Event, at time.Time) ([]byte, error) {
	fields, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(fields, &m); err != nil {
		return nil, err
	}
	m["event"], _ = json.Marshal(e.Name())
	m["ts"], _ = json.Marshal(at.UTC().Format("2006-01-02T15:04:05.000Z07:00"))
	return json.Marshal(m)
}
