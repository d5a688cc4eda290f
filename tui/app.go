package tui

import (
	"context"
	"errors"
	"sync"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/signal"
)

// Joiner leaves the call in progress, if any, and joins room, returning
// the new call's engine (already running). It runs in a tea.Cmd, so it may
// wait on the network, and it must give up when ctx ends. An error must
// come before the current call is left, so that a room that cannot be
// joined (no credentials for it) leaves the user where they were; a
// *signal.Error's code is shown with it.
type Joiner func(ctx context.Context, room string) (Engine, error)

// AppOptions configures the whole program: the rooms screen, the call view
// and switching rooms between them.
type AppOptions struct {
	// Options are the call view's options; Room is ignored (each call
	// shows its engine's room).
	Options
	// Engine is a call already joined (confab join ROOM): the program
	// starts in it. nil starts on the rooms screen.
	Engine Engine
	// Join joins a room chosen on the rooms screen or in the rooms pane.
	Join Joiner
	// Lobby subscribes to the server's room list; nil means the program
	// has none (the pane says so).
	Lobby LobbyDialer
}

// App is the whole program as a tea.Model: the rooms screen until a room
// is chosen, then the call view, whose rooms pane (r) can switch to
// another room without leaving the program. It owns the room list across
// calls and lends it to the current call's Model while that one updates
// or renders.
type App struct {
	ctx  context.Context
	opts AppOptions

	// call is the current call's view; inCall is whether there is one.
	call   Model
	inCall bool
	// leaving is the event channel of a call being left for another room:
	// its end must not end the program.
	leaving <-chan call.Event
	// listed is whether the current call was chosen from the room list: if
	// it ends by itself (refused, removed), the list comes back with why,
	// where a call the program started in ends the program.
	listed bool

	rooms   roomsPane
	lobby   Lobby
	fails   int // failed subscriptions in a row
	lobbies *lobbyKeeper

	styles        Styles
	help          help.Model
	width, height int
}

// NewApp returns the program's model. ctx bounds the joins and lobby
// subscriptions it starts.
func NewApp(ctx context.Context, opts AppOptions) App {
	opts.Room = ""
	if opts.Width <= 0 {
		opts.Width = DefaultWidth
	}
	if opts.Height <= 0 {
		opts.Height = DefaultHeight
	}
	if opts.Keys.isZero() {
		opts.Keys = DefaultKeyMap()
	}
	a := App{
		ctx: ctx, opts: opts,
		rooms:   newRoomsPane(opts.Engine == nil, NewStyles(opts.NoColor)),
		lobbies: &lobbyKeeper{},
		styles:  NewStyles(opts.NoColor),
		help:    help.New(),
		width:   opts.Width, height: opts.Height,
	}
	a.help.Styles = a.styles.Help
	if opts.Engine != nil {
		a.startCall(opts.Engine)
	} else if opts.Lobby != nil {
		a.rooms.connecting() // Init subscribes; the first frame says so
	}
	return a
}

// startCall makes e's call the current one, with the view at the
// program's size and the room list lent to it.
func (a *App) startCall(e Engine) {
	o := a.opts.Options
	o.Width, o.Height = a.width, a.height
	a.call = New(e, o)
	a.inCall = true
	a.rooms.current = e.Room()
	a.rooms.always, a.rooms.typing = false, false
	a.rooms.input.SetValue("")
	a.rooms.input.Blur()
	a.rooms.selected = ""
}

// Init starts the call's commands, and on the rooms screen the room list.
func (a App) Init() tea.Cmd {
	if a.inCall {
		return a.call.Init()
	}
	return tea.Batch(a.subscribe(), a.rooms.input.Focus())
}

// subscribe returns the command that subscribes to the room list, nil
// when the program has none.
func (a *App) subscribe() tea.Cmd {
	if a.opts.Lobby == nil {
		return nil
	}
	a.rooms.connecting()
	return dialLobby(a.ctx, a.lobbies.wrap(a.opts.Lobby))
}

// joinedMsg is the Joiner's answer for room.
type joinedMsg struct {
	room string
	eng  Engine
	err  error
}

// Update handles the room list's and the joins' messages itself and hands
// the rest to the rooms screen or the call.
func (a App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
	case lobbyDialedMsg:
		if msg.err != nil {
			a.fails++
			d := retryDelay(a.fails)
			a.rooms.failed(msg.err, d)
			return a, retryLobby(d)
		}
		a.lobby, a.fails = msg.lobby, 0
		a.rooms.live(msg.lobby)
		return a, waitLobby(msg.lobby)
	case lobbyEventMsg:
		if msg.l != a.lobby {
			return a, nil
		}
		a.rooms.list.apply(msg.ev)
		return a, waitLobby(a.lobby)
	case lobbyEndedMsg:
		if msg.l != a.lobby {
			return a, nil
		}
		a.lobby.Close()
		a.lobby = nil
		a.fails++
		d := retryDelay(a.fails)
		a.rooms.failed(msg.err, d)
		return a, retryLobby(d)
	case lobbyRetryMsg:
		return a, a.subscribe()
	case chooseRoomMsg:
		return a.join(msg.room)
	case joinedMsg:
		return a.joined(msg)
	case eventsClosedMsg:
		if a.leaving != nil && msg.from == a.leaving {
			return a, nil // the call left for another room
		}
		if a.inCall && a.listed && msg.from == a.call.events && !a.call.quitting {
			return a.backToRooms()
		}
	}
	if !a.inCall {
		return a.screenUpdate(msg)
	}
	return a.callUpdate(msg)
}

// callUpdate hands a message to the call, lending it the room list, and
// subscribes to the list the first time the rooms pane opens.
func (a App) callUpdate(msg tea.Msg) (tea.Model, tea.Cmd) {
	a.call.rooms = a.rooms
	next, cmd := a.call.Update(msg)
	a.call = next.(Model)
	a.rooms = a.call.rooms
	if a.call.side == sideRooms && a.rooms.status == lobbyIdle {
		cmd = tea.Batch(cmd, a.subscribe())
	}
	return a, cmd
}

// screenUpdate handles a message on the rooms screen: the keys edit the
// input and move through the list; ctrl+c or esc on an empty input quit.
func (a App) screenUpdate(msg tea.Msg) (tea.Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return a, nil
	}
	next, cmd, handled := a.rooms.key(k, a.opts.Keys)
	a.rooms = next
	if !handled {
		return a, tea.Quit
	}
	return a, cmd
}

// join asks the Joiner for room, unless a join is under way.
func (a App) join(room string) (tea.Model, tea.Cmd) {
	if a.rooms.joining != "" || a.opts.Join == nil {
		return a, nil
	}
	a.rooms.joining, a.rooms.joinErr = room, ""
	if a.inCall {
		a.leaving = a.call.events
	}
	ctx, join := a.ctx, a.opts.Join
	return a, func() tea.Msg {
		eng, err := join(ctx, room)
		return joinedMsg{room: room, eng: eng, err: err}
	}
}

// joined switches to the new call, or shows why the room could not be
// joined (the current call, if any, goes on).
func (a App) joined(msg joinedMsg) (tea.Model, tea.Cmd) {
	a.rooms.joining = ""
	if msg.err != nil {
		a.leaving = nil
		a.rooms.joinErr = joinProblem(msg.room, msg.err)
		return a, nil
	}
	a.startCall(msg.eng)
	a.listed = true
	return a, a.call.Init()
}

// backToRooms shows the rooms screen again after a call chosen from the
// list ended by itself, saying why.
func (a App) backToRooms() (tea.Model, tea.Cmd) {
	why := "The call in " + sanitize(a.call.room) + " ended."
	n := a.call.notices
	switch {
	case n.ended != "":
		why = n.ended
	case len(n.errors) > 0:
		why = n.errors[len(n.errors)-1]
	}
	a.inCall, a.listed = false, false
	a.rooms.current = ""
	a.rooms.always, a.rooms.typing = true, true
	a.rooms.joinErr = why
	cmd := a.rooms.input.Focus()
	if a.rooms.status == lobbyIdle {
		cmd = tea.Batch(cmd, a.subscribe())
	}
	return a, cmd
}

// joinProblem words a failed join with its code.
func joinProblem(room string, err error) string {
	var se *signal.Error
	if errors.As(err, &se) {
		return errorSentence(se.Code, se.Message)
	}
	return errorSentence(signal.CodeInternal, "cannot join "+room+": "+err.Error())
}

// View renders the call, or the rooms screen.
func (a App) View() tea.View {
	if a.inCall {
		a.call.rooms = a.rooms
		return a.call.View()
	}
	v := tea.NewView(a.screen())
	v.AltScreen = true
	v.WindowTitle = "confab · rooms"
	return v
}

// lobbyKeeper remembers every lobby subscribed, so that one whose
// subscription completes as the program ends is still closed.
type lobbyKeeper struct {
	mu     sync.Mutex
	open   []Lobby
	closed bool
}

// wrap returns dial, recording what it opens.
func (k *lobbyKeeper) wrap(dial LobbyDialer) LobbyDialer {
	return func(ctx context.Context) (Lobby, error) {
		l, err := dial(ctx)
		if err != nil {
			return nil, err
		}
		k.mu.Lock()
		defer k.mu.Unlock()
		if k.closed {
			l.Close()
			return nil, context.Canceled
		}
		k.open = append(k.open, l)
		return l, nil
	}
}

// close closes every lobby, and any opened later.
func (k *lobbyKeeper) close() {
	k.mu.Lock()
	open := k.open
	k.open, k.closed = nil, true
	k.mu.Unlock()
	for _, l := range open {
		l.Close()
	}
}

// RunApp runs the program full screen until the user leaves the call or
// quits the rooms screen, the call it started in ends by itself, or ctx
// ends (which is no error). A call chosen from the room list that ends by
// itself (refused, removed) brings the rooms screen back with the reason. Switching rooms happens inside it; the caller owns
// the engines the Joiner returned and ends the last one.
func RunApp(ctx context.Context, opts AppOptions) error {
	_, err := runApp(ctx, opts)
	return err
}

// runApp is RunApp with extra program options for tests, which read the
// final model.
func runApp(ctx context.Context, opts AppOptions, extra ...tea.ProgramOption) (tea.Model, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	app := NewApp(ctx, opts)
	defer app.lobbies.close()
	return runModel(ctx, app, opts.Options, extra...)
}
