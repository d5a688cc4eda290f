package call

import (
	"testing"
	"time"
)

func TestDeviceChangedJSONLine(t *testing.T) {
	at := time.Date(2026, 11, 21, 23, 0, 0, 0, time.UTC)
	line, err := MarshalEvent(DeviceChanged{Kind: "playback", DeviceID: "usb_headset", DeviceName: "USB_Headset", Action: "ADD"}, at)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"action":"ADD","deviceId":"usb_headset","deviceName":"USB_Headset","event":"device-changed","kind":"playback","ts":"2026-11-21T23:00:00.000Z"}`
	if string(line) != want {
		t.Errorf("got  %s\nwant %s", line, want)
	}
}

func TestTrackEndedJSONLine(t *testing.T) {
	at := time.Date(2026, 11, 21, 23, 0, 0, 0, time.UTC)
	line, err := MarshalEvent(TrackEnded{Kind: "audio"}, at)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"event":"track-ended","kind":"audio","ts":"2026-11-21T23:00:00.000Z"}`; string(line) != want {
		t.Errorf("got %s, want %s", line, want)
	}
	line, err = MarshalEvent(MediaDevice{Kind: "recording", DeviceID: "mic2", DeviceName: "Mic 2", Reason: "fallback"}, at)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"deviceId":"mic2","deviceName":"Mic 2","event":"media-device","kind":"recording","reason":"fallback","ts":"2026-11-21T23:00:00.000Z"}`; string(line) != want {
		t.Errorf("got %s, want %s", line, want)
	}
}
