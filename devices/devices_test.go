package devices

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/pulsetest"
	"github.com/gen2brain/malgo"
)

var (
	testMics     = []audio.DeviceInfo{{ID: "virtual_mic", Name: "Virtual_Mic", Default: true}}
	testSpeakers = []audio.DeviceInfo{
		{ID: "spk_a", Name: "Virtual_Speaker_A", Default: true},
		{ID: "alsa_output.usb-headset", Name: "USB Headset Analog Stereo"},
	}
)

func TestWriteTable(t *testing.T) {
	tests := []struct {
		name           string
		mics, speakers []audio.DeviceInfo
		want           string
	}{
		{"devices", testMics, testSpeakers, "" +
			"Microphones:\n" +
			"  * virtual_mic  Virtual_Mic\n" +
			"Speakers:\n" +
			"  * spk_a                    Virtual_Speaker_A\n" +
			"    alsa_output.usb-headset  USB Headset Analog Stereo\n"},
		{"none", nil, nil, "" +
			"Microphones:\n" +
			"    (none)\n" +
			"Speakers:\n" +
			"    (none)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteTable(&b, tt.mics, tt.speakers); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), tt.want)
			}
		})
	}
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, testMics, testSpeakers); err != nil {
		t.Fatal(err)
	}
	var got map[string][]map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b.String())
	}
	want := map[string][]map[string]any{
		"microphones": {{"id": "virtual_mic", "name": "Virtual_Mic", "default": true}},
		"speakers": {
			{"id": "spk_a", "name": "Virtual_Speaker_A", "default": true},
			{"id": "alsa_output.usb-headset", "name": "USB Headset Analog Stereo", "default": false},
		},
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if !bytes.Equal(gj, wj) {
		t.Errorf("got %s\nwant %s", gj, wj)
	}

	b.Reset()
	WriteJSON(&b, nil, nil)
	if s := strings.Join(strings.Fields(b.String()), ""); s != `{"microphones":[],"speakers":[]}` {
		t.Errorf("no devices: %s", b.String())
	}
}

func TestListNullBackend(t *testing.T) {
	actx, err := audio.NewContext(audio.BackendNull)
	if err != nil {
		t.Skip(err)
	}
	mics, speakers, err := List(actx)
	if err != nil || len(mics) != 1 || len(speakers) != 1 {
		t.Fatalf("List = %v, %v, %v", mics, speakers, err)
	}
	actx.Close()
	if _, _, err := List(actx); !errors.Is(err, audio.ErrClosed) {
		t.Fatalf("List after Close = %v", err)
	}
}

func TestListPulse(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PulseAudio")
	}
	pulsetest.Start(t)
	actx, err := audio.NewContext(malgo.BackendPulseaudio)
	if err != nil {
		t.Fatal(err)
	}
	defer actx.Close()
	mics, speakers, err := List(actx)
	if err != nil {
		t.Fatal(err)
	}
	ids := func(ds []audio.DeviceInfo) []string {
		var s []string
		for _, d := range ds {
			s = append(s, d.ID)
		}
		slices.Sort(s)
		return s
	}
	if got := ids(mics); !slices.Equal(got, []string{"virtual_mic"}) {
		t.Errorf("microphones %v, want only virtual_mic (no monitors)", got)
	}
	if got := ids(speakers); !slices.Equal(got, []string{"mic_feed", "spk_a"}) {
		t.Errorf("speakers %v", got)
	}
	var b bytes.Buffer
	WriteTable(&b, mics, speakers)
	if !strings.Contains(b.String(), "  * virtual_mic  Virtual_Mic\n") {
		t.Errorf("table:\n%s", b.String())
	}
}
