// Package devices finds the audio devices a call can use, formats them
// for the `confab devices` command, watches for hot-plugged devices
// (Watcher), and runs a call's microphone and speaker (Manager): the
// user's choice, LiveKit's fallback policy when a device disappears or
// stops delivering audio, and switching mid-call behind a Source and an
// Output that stay the same for the call.
//
// `confab devices test` is built here: CheckMic and CheckSpeaker measure
// a device, MicVerdict and SpeakerVerdict judge what they measured.
package devices
