package devices

import (
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
)

// TestChangeSeesNewList: when a Change is reported, Devices already lists
// what it says, so a pane that refreshes on the event shows a plugged-in
// device at once and no longer lists an unplugged one.
func TestChangeSeesNewList(t *testing.T) {
	sys := &fakeSystem{fail: map[string]bool{}}
	sys.setList(audio.KindCapture, dev("mic", true))
	sys.setList(audio.KindPlayback, dev("spk", true))
	var m *Manager
	var checked int
	m = NewManager(Config{}, Params{Lister: sys, Opener: sys, OnEvent: func(ev Event) {
		c, ok := ev.(Change)
		if !ok {
			return
		}
		checked++
		if got := listed(m.Devices(c.Kind), c.DeviceID); got != (c.Action == ActionAdd) {
			t.Errorf("%s %s: Devices lists it = %v during the event", c.Action, c.DeviceID, got)
		}
	}})
	defer m.Close()
	now := time.Unix(1000, 0)
	m.poll(now)
	sys.setList(audio.KindPlayback, dev("spk", true), dev("usb", false))
	m.poll(now.Add(time.Second))
	sys.setList(audio.KindPlayback, dev("spk", true))
	m.poll(now.Add(2 * time.Second))
	if checked != 2 {
		t.Errorf("%d changes reported, want the ADD and the REMOVE", checked)
	}
}
