package audio

import (
	"fmt"
	"runtime"
	"time"
	"unsafe"

	"github.com/gen2brain/malgo"
)

// Device settings shared by Capture and Playback.
const (
	// devicePeriod is the callback period: 10 ms, measured here to give a
	// 10 ms round trip through PulseAudio (TESTING.md).
	devicePeriod = SampleRate / 100
	// devicePeriods is the number of periods the backend buffers.
	devicePeriods = 2
	// closeTimeout bounds Close: miniaudio's Stop and Uninit can block on
	// a device that disappeared (DESIGN §5), and a call must still end.
	closeTimeout = 2 * time.Second
)

// openDevice opens a 48 kHz mono s16 device of kind with ~10 ms periods.
// The callback must follow the real-time rules: no allocation, lock,
// channel send or logging.
func openDevice(actx *Context, kind DeviceKind, id string, data malgo.DataProc) (*malgo.Device, string, error) {
	if actx == nil {
		return nil, "", fmt.Errorf("audio: open %s device: nil context", kind)
	}
	mid, name, err := actx.find(kind, id)
	if err != nil {
		return nil, "", err
	}
	cfg := malgo.DefaultDeviceConfig(kind.malgo())
	cfg.SampleRate = SampleRate
	cfg.PeriodSizeInFrames = devicePeriod
	cfg.Periods = devicePeriods
	cfg.PerformanceProfile = malgo.LowLatency
	sub := &cfg.Capture
	cfg.Pulse.StreamNameCapture = appName + " microphone"
	if kind == KindPlayback {
		sub = &cfg.Playback
		cfg.Pulse.StreamNamePlayback = appName + " speaker"
	}
	sub.Format = malgo.FormatS16
	sub.Channels = Channels
	var pin runtime.Pinner
	defer pin.Unpin()
	if mid != nil {
		// miniaudio copies the id during init; pinned, cgo accepts the
		// Go pointer inside the config.
		pin.Pin(mid)
		sub.DeviceID = unsafe.Pointer(mid)
	}
	actx.mu.RLock()
	defer actx.mu.RUnlock()
	if actx.closed {
		return nil, "", ErrClosed
	}
	actx.backend.Lock() // init queries the device on the context's main loop
	dev, err := malgo.InitDevice(actx.ctx.Context, cfg, malgo.DeviceCallbacks{Data: data})
	actx.backend.Unlock()
	if err != nil {
		return nil, "", fmt.Errorf("audio: open %s device %q: %w", kind, name, err)
	}
	actx.devices.Add(1) // under the read lock: Close cannot be waiting yet
	return dev, name, nil
}

// closeDevice stops the device before uninitialising it (Uninit hangs on a
// vanished PulseAudio device otherwise) and gives up after closeTimeout,
// abandoning the device to a goroutine rather than hanging the caller;
// the context stays alive until that goroutine is done.
func closeDevice(actx *Context, dev *malgo.Device) error {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer actx.devices.Done()
		_ = dev.Stop() // an error only means it was not running
		dev.Uninit()
	}()
	t := time.NewTimer(closeTimeout)
	defer t.Stop()
	select {
	case <-done:
		return nil
	case <-t.C:
		return ErrCloseTimeout
	}
}

// samplesOf views a device buffer as native-endian int16 samples, which
// is what miniaudio's FormatS16 delivers, without copying.
func samplesOf(b []byte) []int16 {
	if len(b) < 2 {
		return nil
	}
	return unsafe.Slice((*int16)(unsafe.Pointer(&b[0])), len(b)/2)
}
