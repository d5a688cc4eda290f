package devices

import (
	"context"
	"sync"
	"time"

	"github.com/confab-rtc/confab/audio"
)

// Change actions and kinds, as the device-changed event carries them
// (DESIGN §2: the seed SDKs' onDeviceChanged).
const (
	// ActionAdd says a device appeared.
	ActionAdd = "ADD"
	// ActionRemove says a device disappeared.
	ActionRemove = "REMOVE"
	// KindRecording is a microphone.
	KindRecording = "recording"
	// KindPlayback is a speaker or headset.
	KindPlayback = "playback"
)

// DefaultPollInterval is how often a Watcher enumerates devices when the
// caller does not say. A poll costs well under a millisecond (DESIGN §5).
const DefaultPollInterval = 500 * time.Millisecond

// MaxPollInterval is the longest interval a Watcher accepts: issue 4
// wants a device change noticed within a second.
const MaxPollInterval = time.Second

// Change is one device that appeared or disappeared.
type Change struct {
	Kind       string // KindRecording or KindPlayback
	DeviceID   string
	DeviceName string
	Action     string // ActionAdd or ActionRemove
}

// Lister enumerates devices; *audio.Context is one. Monitor sources are
// already left out of its capture list.
type Lister interface {
	Devices(kind audio.DeviceKind) ([]audio.DeviceInfo, error)
}

// Diff returns what changed from prev to next, diffing by device id:
// first the removed devices in prev's order (named as prev knew them),
// then the added ones in next's order. A renamed device with the same id
// is no change: the id is what configuration stores.
func Diff(kind string, prev, next []audio.DeviceInfo) []Change {
	nextIDs := make(map[string]bool, len(next))
	for _, d := range next {
		nextIDs[d.ID] = true
	}
	prevIDs := make(map[string]bool, len(prev))
	var out []Change
	for _, d := range prev {
		prevIDs[d.ID] = true
		if !nextIDs[d.ID] {
			out = append(out, Change{Kind: kind, DeviceID: d.ID, DeviceName: d.Name, Action: ActionRemove})
		}
	}
	for _, d := range next {
		if !prevIDs[d.ID] {
			prevIDs[d.ID] = true // a duplicated id is one device
			out = append(out, Change{Kind: kind, DeviceID: d.ID, DeviceName: d.Name, Action: ActionAdd})
		}
	}
	return out
}

// Watcher detects hot-plugged devices by polling enumeration and diffing
// by id: miniaudio reports no added/removed events and malgo has no hook
// for device notifications (DESIGN §5). The first poll is the baseline and
// reports nothing.
type Watcher struct {
	lister   Lister
	interval time.Duration
	onChange func(Change)

	stop      chan struct{} // closed by Close
	closeOnce sync.Once
	startOnce sync.Once
	done      chan struct{} // closed when the goroutine of Start ends
	started   bool
}

// NewWatcher watches lister's devices every interval (DefaultPollInterval
// when zero or less, at most MaxPollInterval) and calls onChange, from the
// watcher's goroutine, for each change. onChange must not block for long:
// it delays the next poll.
func NewWatcher(lister Lister, interval time.Duration, onChange func(Change)) *Watcher {
	if interval <= 0 {
		interval = DefaultPollInterval
	}
	if interval > MaxPollInterval {
		interval = MaxPollInterval
	}
	return &Watcher{
		lister: lister, interval: interval, onChange: onChange,
		stop: make(chan struct{}), done: make(chan struct{}),
	}
}

// Interval is the polling interval in effect.
func (w *Watcher) Interval() time.Duration { return w.interval }

// Start runs Run in a goroutine the watcher owns and returns at once.
// Close stops it and waits for it. Only the first Start does anything.
func (w *Watcher) Start(ctx context.Context) {
	w.startOnce.Do(func() {
		w.started = true
		go func() {
			defer close(w.done)
			w.Run(ctx)
		}()
	})
}

// Run polls until ctx ends or Close is called, and returns nil then. An
// enumeration that fails is skipped (the last good list stays the
// reference), so a transient backend error does not report every device
// as removed and then added again.
func (w *Watcher) Run(ctx context.Context) error {
	kinds := [...]struct {
		kind audio.DeviceKind
		name string
	}{{audio.KindCapture, KindRecording}, {audio.KindPlayback, KindPlayback}}
	var last [len(kinds)][]audio.DeviceInfo
	var known [len(kinds)]bool
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for {
		for i, k := range kinds {
			devs, err := w.lister.Devices(k.kind)
			if err != nil {
				continue
			}
			if known[i] {
				for _, c := range Diff(k.name, last[i], devs) {
					w.onChange(c)
				}
			}
			last[i], known[i] = devs, true
		}
		select {
		case <-ctx.Done():
			return nil
		case <-w.stop:
			return nil
		case <-t.C:
		}
	}
}

// Close stops the watcher and, when it was started with Start, waits for
// its goroutine, so no onChange call happens after Close returns. Close
// is idempotent.
func (w *Watcher) Close() error {
	w.closeOnce.Do(func() { close(w.stop) })
	w.startOnce.Do(func() {}) // a Start after Close does nothing
	if w.started {
		<-w.done
	}
	return nil
}
