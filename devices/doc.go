// Package devices finds the audio devices a call can use and formats them
// for the `confab devices` command. The hot-plug watcher and the
// selection and fallback policy come later (issue 4).
package devices
