package e2e

import (
	"testing"
	"time"

	"github.com/confab-rtc/confab/internal/pulsetest"
)

// TestHotPlugDuringCall plugs a headset (a null sink) into a private
// PulseAudio while `confab join --headless --mic none` is in a call, then
// unplugs it: the client prints device-changed ADD and REMOVE lines.
func TestHotPlugDuringCall(t *testing.T) {
	pa := pulsetest.Start(t)
	e := newEnv(t)
	e.extra = pa.Env()
	url := e.startServer()

	c := e.startClient("carol", "--server", url, "--user", "carol", "--mic", "none", "room1")
	c.waitEvent("the speaker opened", 15*time.Second, func(ev event) bool {
		return ev.str("event") == "media-device" && ev.str("kind") == "playback" && ev.str("problem") == ""
	})
	c.waitEvent("CONNECTED", 15*time.Second, isEvent("connection-state-changed", map[string]any{"cur": "CONNECTED"}))
	// The watcher's baseline poll runs as the call starts; a device
	// plugged before it would be part of the baseline, not an ADD. A
	// second covers a slow machine (the poll takes under a millisecond).
	time.Sleep(time.Second)

	idx := pa.LoadNullSink("usb_headset", "USB_Headset")
	c.waitEvent("device-changed ADD", 5*time.Second, isEvent("device-changed",
		map[string]any{"kind": "playback", "deviceId": "usb_headset", "deviceName": "USB_Headset", "action": "ADD"}))
	pa.Unload(idx)
	c.waitEvent("device-changed REMOVE", 5*time.Second, isEvent("device-changed",
		map[string]any{"kind": "playback", "deviceId": "usb_headset", "action": "REMOVE"}))

	c.send("leave")
	if err := c.waitExit(10 * time.Second); err != nil {
		t.Errorf("carol exited with %v", err)
	}
	for _, ev := range c.all() {
		if ev.str("event") == "device-changed" && ev.str("deviceId") != "usb_headset" {
			t.Errorf("unexpected device change %v", ev)
		}
	}
}
