// Package devices finds the audio devices a call can use, formats them
// for the `confab devices` command, and watches for hot-plugged devices
// (Watcher). The selection and fallback policy comes later (issue 4).
package devices
