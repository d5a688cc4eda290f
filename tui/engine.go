package tui

import "github.com/confab-rtc/confab/call"

// Engine is what the call view needs from a call: its events, the levels to
// draw, and the actions a user can take. package main implements it with a
// call.Engine and the call's device manager; tests use a fake.
//
// Every method is called from the Bubble Tea update loop and must return
// without waiting on the network or the audio device (enqueue the action,
// read an atomic), or the whole view freezes.
type Engine interface {
	// Events returns the channel the engine delivers call events on. The
	// view calls it once; a closed channel means the call is over.
	Events() <-chan call.Event
	// Level returns the current volume of a remote user, 0-100.
	Level(userID string) int
	// LocalLevel returns the current volume of the local microphone, 0-100.
	LocalLevel() int
	// SetMicMuted mutes or unmutes the local microphone.
	SetMicMuted(muted bool)
	// MicMuted reports whether the local microphone is muted.
	MicMuted() bool
	// Leave leaves the room.
	Leave()
	// CycleMicrophone switches to the next microphone; a media-device
	// event reports the device now in use, an error event why not.
	CycleMicrophone()
	// CycleSpeaker switches to the next speaker, reported the same way.
	CycleSpeaker()
	// SetVolume sets how loud userID plays locally, 0-200 percent.
	SetVolume(userID string, percent int)
	// Volume returns how loud userID plays locally, in percent.
	Volume(userID string) int
	// SetUserName asks the server to rename the local user; the rename
	// event, or an error event, follows.
	SetUserName(name string)
	// Devices returns the microphones and speakers the call can use now
	// and the ones in use, from the device manager's last enumeration.
	Devices() DeviceList
	// ChooseMicrophone switches to the microphone id as the user's
	// choice; a media-device event reports the switch, an error event
	// why not.
	ChooseMicrophone(id string)
	// ChooseSpeaker switches to the speaker id, reported the same way.
	ChooseSpeaker(id string)
	// MicLevel returns the microphone's level before mute, 0-100, so a
	// muted user can check the microphone.
	MicLevel() int
	// PlayTestTone plays a short chime on the speaker in use, mixed with
	// the call; false when the call plays nothing.
	PlayTestTone() bool
	// Stats returns a snapshot of the call's media statistics for the
	// stats pane. It is called from a command's goroutine, not the update
	// loop (once a second while the pane is open), as it reads pion's
	// counters behind their locks; it must still not wait on the network.
	Stats() call.CallStats
	// UserID returns the local user's id.
	UserID() string
	// Room returns the id of the room the engine is in.
	Room() string
}
