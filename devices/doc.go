// Package devices finds the audio devices a call can use, formats them
// for the `confab devices` command, and runs a call's microphone and
// speaker (Manager): hot-plug detection by polling enumeration (Diff), the
// user's choice, LiveKit's fallback policy when a device disappears or
// stops delivering audio, and switching mid-call behind a Source and an
// Output that stay the same for the call.
package devices
