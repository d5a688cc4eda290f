package tui

import (
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/signal"
)

// Model is the call view, a tea.Model. Build it with New. Like every Bubble
// Tea model it is a value: Update returns the next model, and only the
// returned one may be used afterwards.
type Model struct {
	engine Engine
	events <-chan call.Event
	keys   KeyMap
	styles Styles
	help   help.Model
	clock  func() time.Time

	room          string
	width, height int

	// now is the clock's time at the last tick or event; the view renders
	// from it so that rendering itself never reads a clock.
	now   time.Time
	state call.ConnState
	timer callTimer

	people roster
	log    eventLog
	// words turns events into the log's sentences (see logEvent).
	words   *plainView
	notices notices

	// micOK and micName describe the local microphone once a media-device
	// event said it works; noMic once one said it does not.
	micOK   bool
	micName string
	noMic   bool
	// selfStream is whether the engine reported the local stream published
	// (a stream-added carrying the local user's id).
	selfStream bool

	// selected is the id of the remote participant + and - act on, ""
	// for none; selVolume is that participant's volume as last set or read.
	selected  string
	selVolume int
	// hint is a one-off answer to the last key (a volume key with nobody
	// selected); the next key clears it.
	hint string
	// renaming is whether the name input is open on the footer.
	renaming bool
	input    textinput.Model

	// focus is the pane the arrows act on.
	focus pane
	// side is the open side pane, sideNone for none (see panes.go).
	side sideKind
	// rooms is the room list pane (r). The App owns the list across
	// calls and lends it here; without an App it says it is not
	// connected.
	rooms roomsPane
	// devices is the devices pane's state (devicespane.go).
	devices devicesPane
	// stats is the stats pane's state, kept while it is closed.
	stats statsPane
	// logScroll is how many lines the event log is scrolled up from the
	// newest; 0 follows new lines.
	logScroll int

	// ptt is the push-to-talk key's state.
	ptt pushToTalk
	// confirmLeave is whether the leave key was pressed once and the
	// footer asks to press it again.
	confirmLeave bool

	// mouse is whether clicks and the wheel are on (Options.Mouse).
	mouse bool

	quitting bool
}

// New returns the call view for an engine. It subscribes to the engine's
// events (Engine.Events is called here, once) and reads the current mute
// state; nothing else happens until the program runs Init.
func New(e Engine, opts Options) Model {
	opts = opts.withDefaults(e)
	styles := NewStyles(opts.NoColor)
	h := help.New()
	h.Styles = styles.Help
	now := opts.Clock()
	rooms := newRoomsPane(false, styles)
	rooms.current = e.Room()
	m := Model{
		rooms:  rooms,
		engine: e,
		events: e.Events(),
		keys:   opts.Keys,
		styles: styles,
		help:   h,
		clock:  opts.Clock,
		room:   opts.Room,
		width:  opts.Width,
		height: opts.Height,
		mouse:  opts.Mouse,
		now:    now,
		state:  call.StateConnecting,
		words:  newLogWords(e, opts.Room, opts.UserName),
		people: roster{self: participant{
			id:    e.UserID(),
			name:  opts.UserName,
			muted: e.MicMuted(),
		}},
	}
	// The devices known from the start, so one unplugged before the pane
	// first opens is listed as gone.
	m.refreshDevices()
	return m
}

// Init starts reading events and polling levels.
func (m Model) Init() tea.Cmd {
	return tea.Batch(waitEvent(m.events), tick(m.events))
}

// Update handles keys, window size, engine events and level ticks. Events
// and ticks re-arm their command, so exactly one read of each is pending.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		// Without a terminal (output to a pipe) the program reports
		// 0x0; the size assumed until a real one arrives stays.
		if msg.Width > 0 && msg.Height > 0 {
			m.width, m.height = msg.Width, msg.Height
		}
	case tea.KeyboardEnhancementsMsg:
		m.ptt.releases = msg.SupportsEventTypes()
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.MouseMsg:
		return m.handleMouse(msg), nil
	case tea.KeyReleaseMsg:
		if key.Matches(msg, m.keys.PushToTalk) {
			m.now = m.clock()
			m.pushToTalkRelease()
		}
	case pttCheckMsg:
		m.now = m.clock()
		m.pushToTalkCheck()
	case tickMsg:
		if m.stale(msg.from) {
			return m, nil // the previous call's tick: let it stop
		}
		m.now = m.clock()
		m.pollLevels()
		m.devicesTick()
		return m, tick(m.events)
	case eventMsg:
		if m.stale(msg.from) {
			return m, nil
		}
		m.now = m.clock()
		m.handleEvent(msg.ev)
		m.devicesEvent(msg.ev)
		m.logEvent(msg.ev)
		return m, waitEvent(m.events)
	case statsMsg:
		return m, m.stats.update(msg, m.side == sideStats, m.engine, m.people.name)
	case eventsClosedMsg:
		if m.stale(msg.from) {
			return m, nil
		}
		m.quitting = true
		return m, tea.Quit
	}
	return m, nil
}

// handleKey runs the action bound to a key press. After a first press of
// the leave key, only a second one leaves; any other key cancels.
func (m Model) handleKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.renaming && !key.Matches(k, m.keys.Interrupt) {
		return m.renameKey(k)
	}
	confirming := m.confirmLeave
	m.confirmLeave = false
	m.hint = ""
	if !confirming && m.focus == paneSide && m.side != sideNone && !key.Matches(k, m.keys.Interrupt) {
		if next, cmd, handled := m.sideKey(k); handled {
			return next, cmd
		}
	}
	switch {
	case key.Matches(k, m.keys.Interrupt), confirming && key.Matches(k, m.keys.Leave):
		// A second q before the program stops must not send a second leave.
		if !m.quitting {
			m.engine.Leave()
			m.quitting = true
		}
		return m, tea.Quit
	case confirming:
		// The key only cancels: acting on it too would surprise someone
		// who pressed it to back out.
	case key.Matches(k, m.keys.Leave):
		m.confirmLeave = !m.quitting
	case key.Matches(k, m.keys.Help):
		m.help.ShowAll = !m.help.ShowAll
	case key.Matches(k, m.keys.PushToTalk):
		m.now = m.clock()
		return m, m.pushToTalkPress()
	case key.Matches(k, m.keys.NextPane):
		m.nextPane()
	case key.Matches(k, m.keys.Rooms):
		return m, m.toggleSide(sideRooms)
	case key.Matches(k, m.keys.Stats):
		return m, m.toggleSide(sideStats)
	case m.isPaneKey(k):
		m.closeSide()
	case key.Matches(k, m.keys.SelectUp):
		m.moveInPane(-1)
	case key.Matches(k, m.keys.SelectDown):
		m.moveInPane(1)
	case key.Matches(k, m.keys.VolumeUp):
		m.changeVolume(volumeStep)
	case key.Matches(k, m.keys.VolumeDown):
		m.changeVolume(-volumeStep)
	case key.Matches(k, m.keys.Rename):
		return m, m.startRename()
	case key.Matches(k, m.keys.Devices):
		return m, m.openDevices()
	case m.side == sideDevices && key.Matches(k, m.keys.TestTone):
		m.testTone()
	case key.Matches(k, m.keys.NextMic):
		m.engine.CycleMicrophone()
	case key.Matches(k, m.keys.NextSpeaker):
		m.engine.CycleSpeaker()
	case key.Matches(k, m.keys.Mute):
		muted := !m.people.self.muted
		m.ptt.held = false // the user took the microphone back
		m.engine.SetMicMuted(muted)
		m.now = m.clock()
		if muted != m.people.self.muted {
			m.setMuted(m.people.self.id, muted)
			m.logOwnMute(muted)
		}
	}
	return m, nil
}

// handleEvent folds one engine event into the model.
func (m *Model) handleEvent(ev call.Event) {
	switch ev := ev.(type) {
	case call.PeerJoin:
		if ev.UserID == m.people.self.id {
			return
		}
		m.people.join(ev.UserID, ev.UserName, ev.Role)
	case call.PeerLeave:
		m.people.leave(ev.UserID)
		if m.selected == ev.UserID {
			m.selected = ""
		}
	case call.StreamAdded:
		m.setStream(ev.UserID, ev.Kind, true)
	case call.StreamRemoved:
		m.setStream(ev.UserID, ev.Kind, false)
	case call.FirstAudioFrame:
		m.setStream(ev.UserID, "audio", true)
	case call.MuteVideo:
		m.setCamOff(ev.UserID, true)
	case call.UnmuteVideo:
		m.setCamOff(ev.UserID, false)
	case call.NetworkQuality:
		if p := m.people.find(ev.UserID); p != nil {
			p.uplink, p.downlink = ev.Uplink, ev.Downlink
		}
	case call.MuteAudio:
		m.setMuted(ev.UserID, true)
	case call.UnmuteAudio:
		m.setMuted(ev.UserID, false)
	case call.ConnectionStateChanged:
		m.setState(ev.Cur)
	case call.MediaDevice:
		m.notices.device(ev)
		if ev.Kind == "recording" {
			m.noMic = ev.Problem != ""
			m.micOK = !m.noMic
			m.micName = sanitize(ev.DeviceName)
		}
	case call.Error:
		m.notices.error(ev)
	case call.RemoteUserNameChanged:
		if p := m.people.find(ev.UserID); p != nil {
			p.name = ev.UserName
		}
	case call.RoleChanged:
		if p := m.people.find(ev.UserID); p != nil {
			p.role = ev.Role
		}
	case call.KickedOffline:
		m.notices.ended = "You joined this room from another client, so this session ended."
	case call.ClientBanned:
		m.notices.ended = removalSentence(ev)
		if ev.Reason == signal.ReasonBanned {
			m.notices.ended = errorSentence(signal.CodeBanned, m.notices.ended)
		}
	case call.SignatureExpired:
		m.notices.ended = errorSentence(signal.CodeSignatureExpired, "your access signature expired and the call ended")
	}
}

// removalSentence says why the server removed the local user and what
// follows from it.
func removalSentence(ev call.ClientBanned) string {
	switch ev.Reason {
	case signal.ReasonRoomDismissed:
		return "The room was dismissed by an administrator."
	case signal.ReasonBanned:
		if ev.Until > 0 {
			return "An administrator banned you from this room until " + time.Unix(ev.Until, 0).Format("15:04") + "."
		}
		return "An administrator banned you from this room."
	}
	return "An administrator removed you from the room."
}

// setStream records whether a user has an audio or a video stream.
func (m *Model) setStream(userID, kind string, on bool) {
	p := m.people.find(userID)
	switch {
	case kind == "video" && p != nil:
		p.video = on
		if on {
			p.camOff = false
		}
	case kind != "audio":
	case userID == m.people.self.id:
		m.selfStream = on
	case p != nil:
		p.audio = on
		if !on {
			p.level = 0
		}
	}
}

// setCamOff records a user turning their camera off or on.
func (m *Model) setCamOff(userID string, off bool) {
	if p := m.people.find(userID); p != nil {
		p.camOff = off
	}
}

// setMuted records a mute change; the log's sentence comes from logEvent
// for events and from logOwnMute for the mute key. The engine echoes the
// local user's own changes when the server confirms them, possibly after
// the user changed it again (push-to-talk changes it twice in a second),
// so for the local user the engine's current state wins over the event.
func (m *Model) setMuted(userID string, muted bool) {
	p := m.people.find(userID)
	switch {
	case p == &m.people.self:
		p.muted = m.engine.MicMuted()
	case p != nil:
		p.muted = muted
	}
}

// setState records a connection state change and runs the timer.
func (m *Model) setState(s call.ConnState) {
	if s == m.state {
		return
	}
	m.state = s
	m.timer.stateAt(s, m.now)
}

// pollLevels reads every participant's level from the engine. The engine
// serves them from atomics, so this is cheap enough for every tick.
func (m *Model) pollLevels() {
	self := &m.people.self
	self.level = clamp(m.engine.LocalLevel(), 0, 100)
	self.heardAt(!self.muted && !m.noMic && self.level >= SpeakingLevel, m.now)
	for i := range m.people.others {
		p := &m.people.others[i]
		p.level = clamp(m.engine.Level(p.id), 0, 100)
		p.heardAt(!p.muted && p.level >= SpeakingLevel, m.now)
	}
}
