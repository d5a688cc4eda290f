package audio

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gen2brain/malgo"
)

// appName is how confab's streams are labelled in the sound server
// (pavucontrol, pactl list).
const appName = "confab"

// BackendNull selects miniaudio's null backend: a silent microphone and
// a speaker that discards, on a timer, everywhere. malgo's own
// malgo.BackendNull is off by one (it names ma_backend_custom, which
// fails with "No backend"); use this one.
const BackendNull = malgo.Backend(malgo.BackendWebaudio + 2)

// DeviceKind says whether a device records or plays.
type DeviceKind int

// Device kinds. (Not Capture and Playback: those are the device types.)
const (
	// KindCapture is a microphone or other input.
	KindCapture DeviceKind = iota
	// KindPlayback is a speaker, headset or other output.
	KindPlayback
)

// String is "capture" or "playback".
func (k DeviceKind) String() string {
	if k == KindPlayback {
		return "playback"
	}
	return "capture"
}

func (k DeviceKind) malgo() malgo.DeviceType {
	if k == KindPlayback {
		return malgo.Playback
	}
	return malgo.Capture
}

// DeviceInfo describes one audio device.
type DeviceInfo struct {
	// ID is the backend's stable id for the device as text: for
	// PulseAudio the sink or source name (e.g. "alsa_output.pci-0000...",
	// "spk_a"), the same across runs and hot-plugs, so it is what
	// configuration stores and hot-plug detection diffs on. Ids that are
	// not text are written "hex:" and their bytes.
	ID string `json:"id"`
	// Name is the human-readable description.
	Name string `json:"name"`
	// Default is true for the device the system uses when none is named.
	Default bool `json:"default"`
}

// Context is a connection to the system's audio backend (PulseAudio,
// ALSA, ...), shared by the devices opened from it. Close it after them.
type Context struct {
	mu      sync.RWMutex // Close waits for Devices and Open* in progress
	ctx     *malgo.AllocatedContext
	closed  bool           // no more Devices or Open*
	devices sync.WaitGroup // open devices: the context must outlive them

	closeMu  sync.Mutex // serialises Close
	released bool       // the backend is disconnected

	// backend serialises listing and opening: miniaudio's PulseAudio
	// backend runs both on the context's single main loop, and two
	// goroutines iterating it abort the process.
	backend sync.Mutex
}

// NewContext connects to the first audio backend of backends that works,
// or to miniaudio's default order when none are given. Tests name the
// backend (malgo.BackendPulseaudio, malgo.BackendNull): with no sound
// card the default order picks ALSA and opening devices fails (DESIGN §5).
func NewContext(backends ...malgo.Backend) (*Context, error) {
	name := append([]byte(appName), 0)
	var pin runtime.Pinner
	pin.Pin(&name[0]) // miniaudio copies the name during init
	defer pin.Unpin()
	cfg := malgo.ContextConfig{}
	cfg.Pulse.PApplicationName = &name[0]
	ctx, err := malgo.InitContext(backends, cfg, nil)
	if err != nil {
		return nil, fmt.Errorf("audio: no audio backend: %w", err)
	}
	return &Context{ctx: ctx}, nil
}

// Close disconnects from the backend. Devices opened from the context
// should be closed first: Close waits up to 2 s for them and otherwise
// returns ErrCloseTimeout and leaves the backend connected, because
// tearing it down under a live device would crash; calling Close again
// after closing the devices finishes the job. Close is idempotent.
func (c *Context) Close() error {
	c.closeMu.Lock()
	defer c.closeMu.Unlock()
	if c.released {
		return nil
	}
	c.mu.Lock()
	c.closed = true // no device can be opened from here on
	c.mu.Unlock()
	done := make(chan struct{})
	go func() {
		c.devices.Wait()
		close(done)
	}()
	t := time.NewTimer(closeTimeout)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		return fmt.Errorf("%w: devices still open", ErrCloseTimeout)
	}
	c.released = true
	err := c.ctx.Uninit()
	c.ctx.Free()
	return err
}

// Devices lists the devices of a kind, in the backend's order. Monitors
// of outputs ("Monitor of ...", PulseAudio's *.monitor sources) are left
// out of the capture list: they are not microphones. A call costs well
// under a millisecond, so hot-plug detection polls it.
func (c *Context) Devices(kind DeviceKind) ([]DeviceInfo, error) {
	raw, err := c.rawDevices(kind)
	if err != nil {
		return nil, err
	}
	out := make([]DeviceInfo, 0, len(raw))
	for _, d := range raw {
		out = append(out, d.info)
	}
	return out, nil
}

// rawDevice is a listed device with the backend id needed to open it.
type rawDevice struct {
	info DeviceInfo
	id   malgo.DeviceID
}

func (c *Context) rawDevices(kind DeviceKind) ([]rawDevice, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return nil, ErrClosed
	}
	c.backend.Lock()
	infos, err := c.ctx.Devices(kind.malgo())
	c.backend.Unlock()
	if err != nil {
		return nil, fmt.Errorf("audio: listing %s devices: %w", kind, err)
	}
	out := make([]rawDevice, 0, len(infos))
	for _, d := range infos {
		info := DeviceInfo{ID: deviceIDString(d.ID), Name: d.Name(), Default: d.IsDefault != 0}
		if kind == KindCapture && isMonitor(info) {
			continue
		}
		out = append(out, rawDevice{info: info, id: d.ID})
	}
	return out, nil
}

// find resolves a device id ("" for the default) to the device to open.
// For the default it returns a nil id, so the backend follows the system
// default (PulseAudio then moves the stream when the default changes).
func (c *Context) find(kind DeviceKind, id string) (*malgo.DeviceID, string, error) {
	devs, err := c.rawDevices(kind)
	if err != nil {
		return nil, "", err
	}
	for _, d := range devs {
		if id == "" && d.info.Default {
			return nil, d.info.Name, nil
		}
		if id != "" && d.info.ID == id {
			mid := d.id
			return &mid, d.info.Name, nil
		}
	}
	if id == "" {
		return nil, "default", nil
	}
	return nil, "", fmt.Errorf("%w: %s device %q", ErrDeviceNotFound, kind, id)
}

func isMonitor(d DeviceInfo) bool {
	return strings.HasPrefix(d.Name, "Monitor of ") || strings.HasSuffix(d.ID, ".monitor")
}

// deviceIDString turns miniaudio's id union into text: backends that name
// devices (PulseAudio, ALSA, JACK) store a NUL-terminated string.
func deviceIDString(id malgo.DeviceID) string {
	b := id[:]
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if len(b) > 0 && utf8.Valid(b) && !bytes.ContainsFunc(b, func(r rune) bool { return !unicode.IsPrint(r) }) {
		return string(b)
	}
	return "hex:" + id.String()
}
