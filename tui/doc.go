// Package tui is confab's full-screen call view, a Bubble Tea v2 program.
//
// It shows the room, the local network quality up and down, the connection
// state and a call timer, one row per participant (the local user first,
// then whoever speaks, held in place for a while so rows do not jump) with
// mic and camera state, a live volume bar and network-quality bars, the state of the local
// audio stream, device and error notices, and a scrollable log of what
// happened, worded as plain mode speaks it. Keys (KeyMap, rebindable from
// the config file's [keys]) mute, push to talk, change a selected
// participant's volume, rename, switch devices, open the devices pane (d:
// devices in use, default or gone, a microphone meter, a speaker test
// chime), open the stats pane (s), list themselves (?) and leave after a
// confirmation; tab moves between the panes.
//
// App (RunApp) is the whole program around the call view: the rooms screen
// (the server's live room list, a Lobby) before the first call, and the
// rooms pane (r) in a call, where choosing a room leaves the call and
// joins that room through a Joiner without leaving the program.
//
// The engine reaches the view only through the typed events of package call,
// read one at a time by a re-armed tea.Cmd; high-rate values (levels) are
// polled on a 100 ms tick, and the open stats pane reads Engine.Stats once
// a second in a command's goroutine. Nothing here calls Program.Send, so a slow
// terminal can never stall a media goroutine, and the view never waits on
// the engine: every Engine method it calls must return at once.
package tui
