package devices

import (
	"io"
	"time"

	"github.com/confab-rtc/confab/audio"
)

// Slot indexes.
const (
	recording = 0
	playback  = 1
)

// slot is one kind of device and what the Manager knows about it.
type slot struct {
	kind     string
	akind    audio.DeviceKind
	pref     string
	prefName string // the preferred device's name when chosen
	list     []audio.DeviceInfo
	listed   bool // list holds a good enumeration
	cur      *opened
	last     Active // the device used before cur (or before none was left)
	first    bool   // nothing was opened yet
	lost     bool   // Lost was reported and no device came since
	broken   map[string]time.Time
}

// choice is a preference the user set.
type choice struct {
	id, name string
}

// opened is a device the slot opened, with its watchdog state.
type opened struct {
	target
	dev       io.Closer
	callbacks func() uint64
	count     uint64
	moved     time.Time // when count last changed (or the device opened)
	everMoved bool
}

// poll is one round of the policy loop: apply what the user asked,
// enumerate, report plugged and unplugged devices, run the watchdog and
// move each kind to the device the policy chooses. Time is a parameter so
// tests drive the watchdog without sleeping.
func (m *Manager) poll(now time.Time) {
	m.mu.Lock()
	pending := m.pending
	m.pending = [2]*choice{}
	m.mu.Unlock()
	for i, s := range m.slots {
		userAsked := pending[i] != nil
		if userAsked {
			s.pref, s.prefName = pending[i].id, pending[i].name
		}
		m.pollSlot(i, s, now, userAsked)
	}
}

func (m *Manager) pollSlot(i int, s *slot, now time.Time, userAsked bool) {
	if devs, err := m.p.Lister.Devices(s.akind); err == nil {
		// A failed enumeration keeps the last good list, so a transient
		// backend error does not look like every device unplugged.
		var changes []Change
		if s.listed {
			changes = Diff(s.kind, s.list, devs)
		}
		s.list, s.listed = devs, true
		m.mu.Lock()
		m.lists[i] = devs
		m.mu.Unlock()
		// After the list is stored: whoever reacts to a change by asking
		// for Devices (the devices pane) must see the device in it.
		for _, c := range changes {
			if c.Action == ActionRemove {
				delete(s.broken, c.DeviceID) // a re-plugged device gets a fresh chance
			}
			m.emit(c)
		}
	}
	for id, at := range s.broken {
		if now.Sub(at) >= m.cfg.RetryAfter {
			delete(s.broken, id)
		}
	}

	curGone := false
	if c := s.cur; c != nil {
		switch {
		case !listed(s.list, c.id):
			curGone = true
		case m.stalled(c, now):
			curGone = true
			s.broken[c.id] = now
			m.emit(Failure{Kind: s.kind, DeviceID: c.id, Err: ErrStalled})
		}
		if curGone {
			m.drop(i, s)
		}
	}

	usable := func(id string) bool { _, bad := s.broken[id]; return !bad }
	for range len(s.list) + 1 {
		t, preferred, ok := choose(s.pref, s.prefName, s.list, usable)
		if !ok {
			if s.cur != nil { // the user chose no device
				m.drop(i, s)
				m.emit(Switch{Kind: s.kind, FromID: s.last.ID, FromName: s.last.Name, Reason: ReasonUser})
			}
			if s.pref != PrefNone && !s.lost {
				s.lost = true
				m.emit(Lost{Kind: s.kind, LastID: s.last.ID})
			}
			break
		}
		if s.cur != nil && s.cur.target == t {
			break
		}
		reason := switchReason(s.pref, preferred, userAsked, s.first, curGone)
		if s.lost && !userAsked {
			reason = ReasonRestored
		}
		if err := m.open(i, s, t, reason, now); err != nil {
			s.broken[t.id] = now
			m.emit(Failure{Kind: s.kind, DeviceID: t.id, Err: err})
			userAsked, curGone = false, true // what follows stands in for it
			continue
		}
		break
	}
	s.first = false

	var a Active
	if s.cur != nil {
		a = Active{ID: s.cur.id, Name: s.cur.name}
	}
	m.mu.Lock()
	m.active[i] = a
	m.mu.Unlock()
}

// stalled is the watchdog: a started device whose callback count has not
// moved for StallTimeout (StartGrace before its first callback) is gone,
// whatever enumeration says (DESIGN §5).
func (m *Manager) stalled(c *opened, now time.Time) bool {
	if n := c.callbacks(); n != c.count {
		c.count, c.moved, c.everMoved = n, now, true
		return false
	}
	limit := m.cfg.StallTimeout
	if !c.everMoved {
		limit = m.cfg.StartGrace
	}
	return now.Sub(c.moved) > limit
}

// open opens t, makes it the device in use, closes the one it replaces in
// the background (after the new one runs, so the audio gap stays short)
// and reports the switch.
func (m *Manager) open(i int, s *slot, t target, reason string, now time.Time) error {
	var dev io.Closer
	var callbacks func() uint64
	if i == recording {
		c, err := m.p.Opener.OpenCapture(t.open)
		if err != nil {
			return err
		}
		dev, callbacks = c, c.Callbacks
		m.src.set(c)
	} else {
		p, err := m.p.Opener.OpenPlayback(t.open)
		if err != nil {
			return err
		}
		dev, callbacks = p, p.Callbacks
		if s.cur == nil {
			m.out.set(p)
		} else {
			// The old speaker still works (a lost one was dropped before):
			// it plays out what it has queued while the new one starts.
			oldSlot := m.out.handOver(p)
			oldDev := s.cur.dev
			s.cur.dev = closerFunc(func() error {
				m.overlap()
				m.out.release(oldSlot)
				return oldDev.Close()
			})
		}
	}
	from := s.last
	if old := s.cur; old != nil {
		from = Active{ID: old.id, Name: old.name}
		m.closeAsync(old.dev)
	}
	s.cur = &opened{target: t, dev: dev, callbacks: callbacks, count: callbacks(), moved: now}
	s.last, s.lost = Active{ID: t.id, Name: t.name}, false
	m.emit(Switch{Kind: s.kind, FromID: from.ID, FromName: from.Name, ToID: t.id, ToName: t.name, Reason: reason})
	return nil
}

// drop stops using the slot's device and closes it in the background.
func (m *Manager) drop(i int, s *slot) {
	if i == recording {
		m.src.set(nil)
	} else {
		m.out.set(nil)
	}
	s.last = Active{ID: s.cur.id, Name: s.cur.name}
	m.closeAsync(s.cur.dev)
	s.cur = nil
}

// speakerOverlap is how long a speaker switched away from keeps playing:
// its queue (two mixer frames) and device buffer (two periods) are about
// 60 ms, and PulseAudio holds a little more.
const speakerOverlap = 100 * time.Millisecond

// overlap waits speakerOverlap, or less when the Manager closes.
func (m *Manager) overlap() {
	t := time.NewTimer(speakerOverlap)
	defer t.Stop()
	select {
	case <-t.C:
	case <-m.stop:
	}
}

// closerFunc is a function as an io.Closer.
type closerFunc func() error

// Close calls f.
func (f closerFunc) Close() error { return f() }
