package tui

import (
	"context"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/confab-rtc/confab/call"
)

// The devices of the pane's tests: a USB headset in use, the built-in
// card as the system default, a Bluetooth microphone that will be
// unplugged and an HDMI output that will be plugged in.
var (
	usbMic     = Device{ID: "alsa_input.usb", Name: "USB Audio Mic"}
	builtinMic = Device{ID: "alsa_input.pci", Name: "Built-in Audio Analog Stereo", Default: true}
	btMic      = Device{ID: "bluez_source.jabra", Name: "Jabra Evolve2 65 Headset Microphone"}
	usbSpk     = Device{ID: "alsa_output.usb", Name: "USB Audio Speaker"}
	builtinSpk = Device{ID: "alsa_output.pci", Name: "Built-in Audio Analog Stereo", Default: true}
	hdmiSpk    = Device{ID: "alsa_output.hdmi", Name: "HDMI / DisplayPort 2 Output"}
)

// startDevices is the system at the start of the call.
func startDevices() DeviceList {
	return DeviceList{
		Microphones: []Device{usbMic, builtinMic, btMic},
		Speakers:    []Device{usbSpk, builtinSpk},
		Mic:         usbMic.ID, Speaker: usbSpk.ID,
	}
}

// buildDevices is the call with the devices pane open while muted: the
// Bluetooth microphone was unplugged, an HDMI output plugged in, the
// microphone hears the user, and the cursor is on the second row.
func buildDevices(t *testing.T, w, h int, noColor bool) Model {
	m := buildCall(t, w, h, noColor)
	f := m.engine.(*fakeEngine)
	f.setDevices(startDevices())
	m.refreshDevices() // as New would have, had the fake listed them then
	m, _ = update(t, m, keyPress("m"))
	m, _ = update(t, m, keyPress("d"))
	l := startDevices()
	l.Microphones = []Device{usbMic, builtinMic}
	l.Speakers = append(l.Speakers, hdmiSpk)
	f.setDevices(l)
	m = send(t, m,
		call.DeviceChanged{Kind: "recording", DeviceID: btMic.ID, DeviceName: btMic.Name, Action: "REMOVE"},
		call.DeviceChanged{Kind: "playback", DeviceID: hdmiSpk.ID, DeviceName: hdmiSpk.Name, Action: "ADD"},
	)
	f.micLevel = 62
	m, _ = update(t, m, tickMsg{})
	m, _ = update(t, m, tea.KeyPressMsg{Code: tea.KeyDown})
	return m
}

// deviceLine returns the screen line naming a device, or "".
func deviceLine(m Model, name string) string {
	for _, l := range screen(m) {
		if strings.Contains(l, name) && (strings.Contains(l, "○") || strings.Contains(l, "●") || strings.Contains(l, "×")) {
			return l
		}
	}
	return ""
}

// TestDevicesPaneMarks: in use, default and gone read as words; the
// plug-in shows as the pane's notification line; the meter shows the
// microphone while muted and says it is not sent.
func TestDevicesPaneMarks(t *testing.T) {
	for _, w := range []int{80, 120, 200} {
		m := buildDevices(t, w, 40, true)
		for name, want := range map[string]string{
			usbMic.Name:  "in use",
			btMic.Name:   "gone",
			hdmiSpk.Name: "",
			usbSpk.Name:  "in use",
		} {
			l := deviceLine(m, strings.Fields(name)[0])
			if l == "" || want != "" && !strings.Contains(l, want) || want == "" && (strings.Contains(l, "gone") || strings.Contains(l, "in use")) {
				t.Errorf("%d columns: %s: row %q, want it marked %q", w, name, l, want)
			}
		}
		lines := screen(m)
		for _, want := range []string{"default", "Speaker plugged in: HDMI", "62 · muted, not sent", "Microphones", "Speakers"} {
			if !containsLine(lines, want) {
				t.Errorf("%d columns: the pane lacks %q:\n%s", w, want, strings.Join(lines, "\n"))
			}
		}
	}
}

// TestDevicesGoneUntilBack: a device unplugged stays listed as gone, even
// when that happened before the pane first opened, and is plain again once
// it returns; choosing it while gone says why nothing happens.
func TestDevicesGoneUntilBack(t *testing.T) {
	m, f, _ := newTestModel(120, 40, true)
	f.setDevices(startDevices())
	m.refreshDevices()
	l := startDevices()
	l.Microphones = l.Microphones[:2]
	f.setDevices(l)
	m = send(t, m, call.DeviceChanged{Kind: "recording", DeviceID: btMic.ID, DeviceName: btMic.Name, Action: "REMOVE"})
	m, _ = update(t, m, keyPress("d"))
	if row := deviceLine(m, "Jabra"); !strings.Contains(row, "gone") {
		t.Fatalf("the unplugged microphone is %q, want it listed as gone", row)
	}
	// Cursor to the Jabra (third row) and enter: nothing is switched.
	for range 2 {
		m, _ = update(t, m, tea.KeyPressMsg{Code: tea.KeyDown})
	}
	m, _ = update(t, m, tea.KeyPressMsg{Code: tea.KeyEnter})
	if len(f.chosen) != 0 {
		t.Errorf("enter on a gone device switched: %v", f.chosen)
	}
	if !containsLine(screen(m), "Jabra Evolve2 65 Headset Microphone is") || !containsLine(screen(m), "unplugged; plug it in to use it.") {
		t.Errorf("no word on why enter did nothing:\n%s", strings.Join(screen(m), "\n"))
	}
	f.setDevices(startDevices())
	m = send(t, m, call.DeviceChanged{Kind: "recording", DeviceID: btMic.ID, DeviceName: btMic.Name, Action: "ADD"})
	if row := deviceLine(m, "Jabra"); row == "" || strings.Contains(row, "gone") {
		t.Errorf("the microphone plugged in again is %q, want it listed and not gone", row)
	}
}

// TestDevicesTestTone: t plays the chime while the pane is open (only
// then: elsewhere t is free) and the pane says on which speaker.
func TestDevicesTestTone(t *testing.T) {
	m, f, _ := newTestModel(100, 30, true)
	f.setDevices(startDevices())
	m, _ = update(t, m, keyPress("t"))
	if f.tones != 0 {
		t.Fatal("t played the chime with the devices pane closed")
	}
	m, _ = update(t, m, keyPress("d"))
	m, _ = update(t, m, keyPress("t"))
	if f.tones != 1 {
		t.Fatalf("t played %d chimes, want 1", f.tones)
	}
	if !containsLine(screen(m), "Test chime playing on USB Audio Speaker.") {
		t.Errorf("the pane does not say where the chime plays:\n%s", strings.Join(screen(m), "\n"))
	}
	f.noOutput = true
	m, _ = update(t, m, keyPress("t"))
	if !containsLine(screen(m), "no speaker to test") {
		t.Errorf("a call without output does not say so:\n%s", strings.Join(screen(m), "\n"))
	}
}

// TestDevicesOff: a kind joined without (--mic none, --send) says so
// instead of offering devices the engine would refuse.
func TestDevicesOff(t *testing.T) {
	m, f, _ := newTestModel(100, 30, true)
	l := startDevices()
	l.MicOff = "this call was joined without a microphone (--mic none or --send): join again to send one"
	f.setDevices(l)
	m, _ = update(t, m, keyPress("d"))
	lines := screen(m)
	if !containsLine(lines, "joined without a microphone") || containsLine(lines, "USB Audio Mic") || containsLine(lines, "level") {
		t.Errorf("the microphones are offered though off:\n%s", strings.Join(lines, "\n"))
	}
	m, _ = update(t, m, tea.KeyPressMsg{Code: tea.KeyDown})
	m, _ = update(t, m, tea.KeyPressMsg{Code: tea.KeyEnter})
	if !slices.Equal(f.chosen, []string{"speaker:" + builtinSpk.ID}) {
		t.Errorf("chosen %v, want the second speaker (the cursor skips the microphones)", f.chosen)
	}
}

// TestRunDevicesSwitchSpeaker drives the real program: d opens the pane,
// the arrows go past the microphones to the built-in speaker, enter
// switches to it, and the pane marks it, and it alone, in use once the
// engine reports the switch.
func TestRunDevicesSwitchSpeaker(t *testing.T) {
	f := newFake()
	f.setDevices(startDevices())
	r, w := io.Pipe()
	defer w.Close()
	// The filter sees every model the program handles a message with, so
	// the test watches the pane without timing the program.
	var mu sync.Mutex
	var seen Model
	watch := func(m tea.Model, msg tea.Msg) tea.Msg {
		if mm, ok := m.(Model); ok {
			mu.Lock()
			seen = mm
			mu.Unlock()
		}
		return msg
	}
	pane := func() string {
		mu.Lock()
		defer mu.Unlock()
		if seen.engine == nil {
			return ""
		}
		return ansi.Strip(strings.Join(seen.devices.lines(seen.styles, seen.keys, 100, 30, true), "\n"))
	}
	t.Cleanup(f.end)
	done := make(chan error, 1)
	go func() {
		_, err := tea.NewProgram(New(f, Options{NoColor: true, Width: 100, Height: 30}),
			tea.WithInput(r), tea.WithOutput(io.Discard), tea.WithoutSignalHandler(),
			tea.WithContext(context.Background()), tea.WithFilter(watch)).Run()
		done <- err
	}()
	// d, then down four times (past the three microphones and the first
	// speaker), then enter.
	if _, err := io.WriteString(w, "d\x1b[B\x1b[B\x1b[B\x1b[B\r"); err != nil {
		t.Fatal(err)
	}
	inUse := regexp.MustCompile(`(?m)^. ● (.*\S) +in use`)
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := inUse.FindAllStringSubmatch(pane(), -1)
		// The first is the microphone, the second the speaker.
		if len(got) == 2 && got[1][1] == builtinSpk.Name {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the pane never marked the built-in speaker in use:\n%s", pane())
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.mu.Lock()
	chosen := slices.Clone(f.chosen)
	f.mu.Unlock()
	if !slices.Equal(chosen, []string{"speaker:" + builtinSpk.ID}) {
		t.Errorf("the engine got %v, want one switch to the built-in speaker", chosen)
	}
	if _, err := io.WriteString(w, "qq"); err != nil {
		t.Fatal(err)
	}
	waitRun(t, done)
}

func TestCutAtWord(t *testing.T) {
	for _, c := range []struct {
		in   string
		w    int
		want string
	}{
		{"USB Audio Mic", 20, "USB Audio Mic"},
		{"Jabra Evolve2 65 Headset Microphone", 33, "Jabra Evolve2 65 Headset…"},
		{"Jabra Evolve2 65 Headset Microphone", 6, "Jabra…"},
		{"alsa_output.pci-0000_00_1f.3", 10, "alsa_outp…"},
	} {
		if got := cutAtWord(c.in, c.w); got != c.want {
			t.Errorf("cutAtWord(%q, %d) = %q, want %q", c.in, c.w, got, c.want)
		}
	}
}
