package devices

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/confab-rtc/confab/audio"
)

// Active is a device in use; a zero ID means none.
type Active struct {
	ID   string
	Name string
}

// Manager owns a call's microphone and speaker: it opens the devices the
// user prefers, polls enumeration (reporting plugged and unplugged
// devices), watches the open devices' callbacks, and moves to another
// device when one disappears or stalls, back when the preferred one
// returns, and along with the system default for a user who follows it.
// The call reads the microphone through Source and plays through Output,
// which stay the same objects across switches, so nothing is renegotiated.
//
// One goroutine (Start's) owns the device state; SetMic, SetSpeaker and
// Cycle only record the wish and wake it, so they never wait on a device.
type Manager struct {
	cfg Config
	p   Params
	src *Source
	out *Output

	slots [2]*slot // recording, playback; owned by the polling goroutine

	mu      sync.Mutex // guards what other goroutines read or ask
	lists   [2][]audio.DeviceInfo
	active  [2]Active
	pending [2]*choice // a preference set by the user, not yet applied
	wake    chan struct{}

	closers   sync.WaitGroup // devices being closed in the background
	stop      chan struct{}
	done      chan struct{}
	startOnce sync.Once
	closeOnce sync.Once
	started   bool
}

// NewManager makes a Manager; Start opens the devices.
func NewManager(cfg Config, p Params) *Manager {
	m := &Manager{
		cfg: cfg.withDefaults(), p: p,
		src: newSource(), out: newOutput(),
		wake: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{}),
	}
	m.slots[recording] = &slot{kind: KindRecording, akind: audio.KindCapture, pref: p.Mic, prefName: p.MicName, first: true, broken: map[string]time.Time{}}
	m.slots[playback] = &slot{kind: KindPlayback, akind: audio.KindPlayback, pref: p.Speaker, prefName: p.SpeakerName, first: true, broken: map[string]time.Time{}}
	return m
}

// Source is the microphone to publish: it reads whichever capture device
// is in use and delivers silence in real time while there is none.
func (m *Manager) Source() *Source { return m.src }

// Output is the speaker for the mixer, as Output and Pacer: it plays on
// whichever device is in use and paces by its clock, or by the wall clock
// while there is none or it stalls.
func (m *Manager) Output() *Output { return m.out }

// Start opens the devices (so that the first Switch events come before it
// returns) and then polls in a goroutine until ctx ends or Close. Only the
// first Start does anything.
func (m *Manager) Start(ctx context.Context) {
	m.startOnce.Do(func() {
		m.started = true
		m.poll(time.Now())
		go func() {
			defer close(m.done)
			m.run(ctx)
		}()
	})
}

// run polls every PollInterval, and at once when the user asks for a
// device.
func (m *Manager) run(ctx context.Context) {
	t := time.NewTicker(m.cfg.PollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-m.stop:
			return
		case <-t.C:
		case <-m.wake:
		}
		m.poll(time.Now())
	}
}

// SetMic sets the user's microphone: a listed id, "default" or ""
// (follow the system default) or "none". An unknown id returns an error
// wrapping ErrUnknownDevice and changes nothing.
func (m *Manager) SetMic(id string) error { return m.set(recording, id) }

// SetSpeaker is SetMic for the speaker.
func (m *Manager) SetSpeaker(id string) error { return m.set(playback, id) }

// Set is SetMic or SetSpeaker by kind (KindRecording or KindPlayback).
func (m *Manager) Set(kind, id string) error {
	i, err := slotIndex(kind)
	if err != nil {
		return err
	}
	return m.set(i, id)
}

func slotIndex(kind string) (int, error) {
	switch kind {
	case KindRecording:
		return recording, nil
	case KindPlayback:
		return playback, nil
	}
	return 0, fmt.Errorf("devices: unknown kind %q", kind)
}

func (m *Manager) set(i int, id string) error {
	if id == "default" {
		id = PrefDefault
	}
	m.mu.Lock()
	c := &choice{id: id}
	if id != PrefDefault && id != PrefNone {
		for _, d := range m.lists[i] {
			if d.ID == id {
				c.name = d.Name
			}
		}
		if c.name == "" && !listed(m.lists[i], id) {
			m.mu.Unlock()
			return fmt.Errorf("%w: %s device %q (see 'confab devices')", ErrUnknownDevice, m.slots[i].kind, id)
		}
	}
	m.pending[i] = c
	m.mu.Unlock()
	select {
	case m.wake <- struct{}{}:
	default:
	}
	return nil
}

// Cycle switches kind to the listed device after the one in use (wrapping
// around), as the user's choice, and returns it.
func (m *Manager) Cycle(kind string) (audio.DeviceInfo, error) {
	i, err := slotIndex(kind)
	if err != nil {
		return audio.DeviceInfo{}, err
	}
	m.mu.Lock()
	list, cur := m.lists[i], m.active[i].ID
	m.mu.Unlock()
	if len(list) == 0 || len(list) == 1 && list[0].ID == cur {
		return audio.DeviceInfo{}, fmt.Errorf("%w: %s", ErrNoDevices, kind)
	}
	next := list[0]
	for j, d := range list {
		if d.ID == cur {
			next = list[(j+1)%len(list)]
		}
	}
	return next, m.set(i, next.ID)
}

// Devices returns the latest enumeration of kind.
func (m *Manager) Devices(kind string) []audio.DeviceInfo {
	i, err := slotIndex(kind)
	if err != nil {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]audio.DeviceInfo(nil), m.lists[i]...)
}

// Active returns the microphone and speaker in use (zero when none).
func (m *Manager) Active() (mic, speaker Active) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.active[recording], m.active[playback]
}

// Close stops polling, closes the devices and waits for every close in
// progress; each is bounded (audio's close never hangs), so Close returns
// within a few seconds even when a device vanished. Idempotent.
func (m *Manager) Close() error {
	m.closeOnce.Do(func() {
		close(m.stop)
		m.startOnce.Do(func() {})
		if m.started {
			<-m.done
		}
		m.src.set(nil)
		m.out.set(nil)
		for _, s := range m.slots {
			if s.cur != nil {
				m.closeAsync(s.cur.dev)
				s.cur = nil
			}
		}
		m.closers.Wait()
		m.src.Close()
	})
	return nil
}

func (m *Manager) emit(ev Event) {
	if m.p.OnEvent != nil {
		m.p.OnEvent(ev)
	}
}

// closeAsync closes a replaced device off the polling goroutine: Stop and
// Uninit of a vanished device can take until audio's close timeout, and
// neither the next poll nor the call may wait for that.
func (m *Manager) closeAsync(dev io.Closer) {
	m.closers.Add(1)
	go func() {
		defer m.closers.Done()
		_ = dev.Close()
	}()
}

func listed(list []audio.DeviceInfo, id string) bool {
	for _, d := range list {
		if d.ID == id {
			return true
		}
	}
	return false
}
