package devices

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
)

// fakeDevice is a started device whose callbacks the test moves by hand.
// As a Capturer it returns frames filled with its mark, as a Player it
// counts the frames written.
type fakeDevice struct {
	open      string // the id it was opened with
	mark      int16
	callbacks atomic.Uint64
	closed    atomic.Bool
	written   atomic.Int64
}

func (d *fakeDevice) ReadFrame(ctx context.Context, frame []int16) error {
	if d.closed.Load() {
		return audio.ErrClosed
	}
	for i := range frame {
		frame[i] = d.mark
	}
	return nil
}
func (d *fakeDevice) Close() error                  { d.closed.Store(true); return nil }
func (d *fakeDevice) Callbacks() uint64             { return d.callbacks.Load() }
func (d *fakeDevice) DeviceName() string            { return d.open }
func (d *fakeDevice) WriteFrame([]int16)            { d.written.Add(1) }
func (d *fakeDevice) Due(time.Time) bool            { return true }
func (d *fakeDevice) NextDue(t time.Time) time.Time { return t }

// fakeSystem is a Lister and Opener over scripted device lists.
type fakeSystem struct {
	mu      sync.Mutex
	lists   [2][]audio.DeviceInfo
	fail    map[string]bool // ids whose open fails
	opened  []*fakeDevice
	listErr bool
}

func (f *fakeSystem) Devices(kind audio.DeviceKind) ([]audio.DeviceInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.listErr {
		return nil, errors.New("backend hiccup")
	}
	return slices.Clone(f.lists[kind]), nil
}

func (f *fakeSystem) setList(kind audio.DeviceKind, devs ...audio.DeviceInfo) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists[kind] = devs
}

func (f *fakeSystem) openDev(id string) (*fakeDevice, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail[id] {
		return nil, fmt.Errorf("open %q: %w", id, audio.ErrDeviceNotFound)
	}
	d := &fakeDevice{open: id, mark: int16(len(f.opened) + 1)}
	f.opened = append(f.opened, d)
	return d, nil
}

func (f *fakeSystem) OpenCapture(id string) (Capturer, error) {
	d, err := f.openDev(id)
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (f *fakeSystem) OpenPlayback(id string) (Player, error) {
	d, err := f.openDev(id)
	if err != nil {
		return nil, err
	}
	return d, nil
}

// last is the device opened last.
func (f *fakeSystem) last() *fakeDevice {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.opened[len(f.opened)-1]
}

// recorder collects a Manager's events.
type recorder struct {
	mu  sync.Mutex
	evs []Event
}

func (r *recorder) add(ev Event) { r.mu.Lock(); r.evs = append(r.evs, ev); r.mu.Unlock() }

// take returns and forgets the events so far.
func (r *recorder) take() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	evs := r.evs
	r.evs = nil
	return evs
}

func dev(id string, def bool) audio.DeviceInfo {
	return audio.DeviceInfo{ID: id, Name: "Name of " + id, Default: def}
}

// TestManagerPolicy drives the policy with a fake system and a fake clock:
// default-follow, explicit choice, override only while missing, switch
// back, the stall watchdog, no device left, and bad ids.
func TestManagerPolicy(t *testing.T) {
	sys := &fakeSystem{fail: map[string]bool{}}
	sys.setList(audio.KindCapture, dev("mic_a", true), dev("mic_b", false))
	sys.setList(audio.KindPlayback, dev("spk", true))
	rec := &recorder{}
	m := NewManager(Config{}, Params{Lister: sys, Opener: sys, OnEvent: rec.add})
	defer m.Close()
	now := time.Unix(1000, 0)
	step := func(d time.Duration) []Event {
		now = now.Add(d)
		// Every real device calls back all the time; the test stalls one
		// by not moving it.
		m.poll(now)
		return rec.take()
	}
	moveAll := func(except *fakeDevice) {
		sys.mu.Lock()
		defer sys.mu.Unlock()
		for _, d := range sys.opened {
			if d != except && !d.closed.Load() {
				d.callbacks.Add(1)
			}
		}
	}
	micSwitch := func(from, to, reason string) Switch {
		s := Switch{Kind: KindRecording, FromID: from, ToID: to, Reason: reason}
		if from != "" {
			s.FromName = "Name of " + from
		}
		if to != "" {
			s.ToName = "Name of " + to
		}
		return s
	}
	expect := func(step string, got []Event, want ...Event) {
		t.Helper()
		if !slices.EqualFunc(got, want, func(a, b Event) bool { return fmt.Sprint(a) == fmt.Sprint(b) }) {
			t.Fatalf("%s: events\n got %+v\nwant %+v", step, got, want)
		}
	}
	activeMic := func() string { a, _ := m.Active(); return a.ID }

	// Start: follows the default, opened as "" so the sound server routes.
	expect("start", step(0),
		micSwitch("", "mic_a", ReasonStart),
		Switch{Kind: KindPlayback, ToID: "spk", ToName: "Name of spk", Reason: ReasonStart})
	first := sys.last()
	if sys.opened[0].open != "" || activeMic() != "mic_a" {
		t.Fatalf("default mic opened as %q, active %q", sys.opened[0].open, activeMic())
	}

	// The system default moves to mic_b: a default user follows it.
	moveAll(nil)
	sys.setList(audio.KindCapture, dev("mic_a", false), dev("mic_b", true))
	expect("default moved", step(250*time.Millisecond), micSwitch("mic_a", "mic_b", ReasonDefaultChanged))
	m.closers.Wait()
	if !sys.opened[0].closed.Load() {
		t.Error("the replaced microphone was not closed")
	}
	_ = first

	// An explicit choice of mic_a, while the default stays mic_b.
	if err := m.SetMic("mic_a"); err != nil {
		t.Fatal(err)
	}
	expect("user choice", step(10*time.Millisecond), micSwitch("mic_b", "mic_a", ReasonUser))
	if d := sys.last(); d.open != "mic_a" {
		t.Fatalf("explicit mic opened as %q, want by id", d.open)
	}
	// The default moving again does not override an explicit choice.
	moveAll(nil)
	sys.setList(audio.KindCapture, dev("mic_a", true), dev("mic_b", false))
	expect("default moved under explicit", step(250*time.Millisecond))
	sys.setList(audio.KindCapture, dev("mic_a", false), dev("mic_b", true))
	moveAll(nil)
	expect("default moved back under explicit", step(250*time.Millisecond))

	// Unplugged: fall back to the default; plugged again: switch back.
	sys.setList(audio.KindCapture, dev("mic_b", true))
	expect("unplug", step(250*time.Millisecond),
		Change{Kind: KindRecording, DeviceID: "mic_a", DeviceName: "Name of mic_a", Action: ActionRemove},
		micSwitch("mic_a", "mic_b", ReasonFallback))
	moveAll(nil)
	sys.setList(audio.KindCapture, dev("mic_b", true), dev("mic_a", false))
	expect("replug", step(250*time.Millisecond),
		Change{Kind: KindRecording, DeviceID: "mic_a", DeviceName: "Name of mic_a", Action: ActionAdd},
		micSwitch("mic_b", "mic_a", ReasonRestored))

	// The watchdog: mic_a stops calling back. Before its first callback it
	// has StartGrace; after that StallTimeout.
	a := sys.last()
	moveAll(nil)
	expect("moving", step(250*time.Millisecond))
	for range 4 { // 1 s without callbacks: not yet over the limit
		moveAll(a)
		expect("stalling", step(250*time.Millisecond))
	}
	moveAll(a)
	expect("stalled", step(250*time.Millisecond),
		Failure{Kind: KindRecording, DeviceID: "mic_a", Err: ErrStalled},
		micSwitch("mic_a", "mic_b", ReasonFallback))
	m.closers.Wait()
	if !a.closed.Load() {
		t.Error("the stalled microphone was not closed")
	}
	// Still listed but broken: not chosen again until RetryAfter ...
	moveAll(nil)
	expect("broken stays out", step(5*time.Second))
	moveAll(nil)
	expect("retry", step(5*time.Second), micSwitch("mic_b", "mic_a", ReasonRestored))

	// No microphone left at all: Lost once, silence; one comes back.
	sys.setList(audio.KindCapture)
	expect("all gone", step(250*time.Millisecond),
		Change{Kind: KindRecording, DeviceID: "mic_b", DeviceName: "Name of mic_b", Action: ActionRemove},
		Change{Kind: KindRecording, DeviceID: "mic_a", DeviceName: "Name of mic_a", Action: ActionRemove},
		Lost{Kind: KindRecording, LastID: "mic_a"})
	expect("still none", step(250*time.Millisecond))
	if activeMic() != "" {
		t.Errorf("active mic %q with none listed", activeMic())
	}
	sys.setList(audio.KindCapture, dev("mic_b", true))
	expect("one back", step(250*time.Millisecond),
		Change{Kind: KindRecording, DeviceID: "mic_b", DeviceName: "Name of mic_b", Action: ActionAdd},
		micSwitch("mic_a", "mic_b", ReasonRestored))

	// A failed enumeration changes nothing.
	sys.mu.Lock()
	sys.listErr = true
	sys.mu.Unlock()
	moveAll(nil)
	expect("enumeration fails", step(250*time.Millisecond))
	sys.mu.Lock()
	sys.listErr = false
	sys.mu.Unlock()

	// Unknown ids are refused; "none" turns the mic off without Lost.
	if err := m.SetMic("nope"); !errors.Is(err, ErrUnknownDevice) {
		t.Errorf("SetMic(nope) = %v, want ErrUnknownDevice", err)
	}
	if err := m.SetMic("none"); err != nil {
		t.Fatal(err)
	}
	expect("none", step(10*time.Millisecond), micSwitch("mic_b", "", ReasonUser))
	if err := m.SetMic("default"); err != nil {
		t.Fatal(err)
	}
	expect("default again", step(10*time.Millisecond), micSwitch("mic_b", "mic_b", ReasonUser))

	// A device that will not open is skipped for the next one.
	sys.mu.Lock()
	sys.fail["mic_c"] = true
	sys.mu.Unlock()
	sys.setList(audio.KindCapture, dev("mic_b", true), dev("mic_c", false))
	step(250 * time.Millisecond)
	if err := m.SetMic("mic_c"); err != nil {
		t.Fatal(err)
	}
	evs := step(10 * time.Millisecond)
	if len(evs) != 1 || fmt.Sprint(evs[0]) != fmt.Sprint(Failure{Kind: KindRecording, DeviceID: "mic_c", Err: fmt.Errorf("open %q: %w", "mic_c", audio.ErrDeviceNotFound)}) {
		t.Errorf("failed open: events %+v", evs)
	}
	if activeMic() != "mic_b" {
		t.Errorf("after a failed open the mic is %q, want mic_b kept", activeMic())
	}
}

func TestChoose(t *testing.T) {
	a, b, c := dev("a", false), dev("b", true), dev("c", false)
	all := func(string) bool { return true }
	tests := []struct {
		name      string
		pref      string
		prefName  string
		list      []audio.DeviceInfo
		usable    func(string) bool
		want      target
		preferred bool
		ok        bool
	}{
		{"default", "", "", []audio.DeviceInfo{a, b, c}, all, target{"b", "", "Name of b"}, false, true},
		{"explicit present", "c", "", []audio.DeviceInfo{a, b, c}, all, target{"c", "c", "Name of c"}, true, true},
		{"explicit missing falls back to default", "x", "", []audio.DeviceInfo{a, b, c}, all, target{"b", "", "Name of b"}, false, true},
		{"explicit missing, found by its name", "x", "Name of c", []audio.DeviceInfo{a, b, c}, all, target{"c", "c", "Name of c"}, true, true},
		{"the id wins over the name", "a", "Name of c", []audio.DeviceInfo{a, b, c}, all, target{"a", "a", "Name of a"}, true, true},
		{"default ignores a name", "", "Name of c", []audio.DeviceInfo{a, b, c}, all, target{"b", "", "Name of b"}, false, true},
		{"no default: first", "x", "", []audio.DeviceInfo{a, c}, all, target{"a", "a", "Name of a"}, false, true},
		{"broken default: first usable by id", "", "", []audio.DeviceInfo{a, b, c}, func(id string) bool { return id != "b" && id != "a" }, target{"c", "c", "Name of c"}, false, true},
		{"broken preferred", "c", "", []audio.DeviceInfo{a, b, c}, func(id string) bool { return id != "c" }, target{"b", "", "Name of b"}, false, true},
		{"none wanted", "none", "", []audio.DeviceInfo{a, b}, all, target{}, false, false},
		{"nothing listed", "", "", nil, all, target{}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, preferred, ok := choose(tt.pref, tt.prefName, tt.list, tt.usable)
			if got != tt.want || preferred != tt.preferred || ok != tt.ok {
				t.Errorf("choose = %+v, %v, %v; want %+v, %v, %v", got, preferred, ok, tt.want, tt.preferred, tt.ok)
			}
		})
	}
}

// TestManagerFindsMovedDevice: a saved choice whose id is gone but whose
// name is listed (the same headset on another USB port) is still the
// user's device, at start and when it comes back.
func TestManagerFindsMovedDevice(t *testing.T) {
	sys := &fakeSystem{fail: map[string]bool{}}
	headset := audio.DeviceInfo{ID: "usb-port2", Name: "USB Headset"}
	sys.setList(audio.KindCapture, dev("builtin", true))
	sys.setList(audio.KindPlayback, dev("spk", true), headset)
	rec := &recorder{}
	m := NewManager(Config{}, Params{Lister: sys, Opener: sys, OnEvent: rec.add,
		Speaker: "usb-port1", SpeakerName: "USB Headset"})
	defer m.Close()
	now := time.Unix(1000, 0)
	m.poll(now)
	if _, spk := m.Active(); spk.ID != "usb-port2" {
		t.Fatalf("speaker %q, want the headset found by its name", spk.ID)
	}
	if d := sys.last(); d.open != "usb-port2" {
		t.Errorf("opened as %q", d.open)
	}
	var reasons []string
	for _, ev := range rec.take() {
		if s, ok := ev.(Switch); ok && s.Kind == KindPlayback {
			reasons = append(reasons, s.Reason)
		}
	}
	if !slices.Equal(reasons, []string{ReasonStart}) {
		t.Errorf("speaker switches %v, want [start]", reasons)
	}
	// Unplugged and back on yet another port.
	sys.setList(audio.KindPlayback, dev("spk", true))
	m.poll(now.Add(250 * time.Millisecond))
	sys.setList(audio.KindPlayback, dev("spk", true), audio.DeviceInfo{ID: "usb-port3", Name: "USB Headset"})
	rec.take()
	m.poll(now.Add(500 * time.Millisecond))
	evs := rec.take()
	if len(evs) != 2 || fmt.Sprint(evs[1]) != fmt.Sprint(Switch{Kind: KindPlayback, FromID: "spk", FromName: "Name of spk", ToID: "usb-port3", ToName: "USB Headset", Reason: ReasonRestored}) {
		t.Errorf("back on another port: %+v", evs)
	}
}
