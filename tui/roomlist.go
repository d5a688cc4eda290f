package tui

import (
	"cmp"
	"slices"
	"strings"

	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/signal"
)

// roomList is the server's live room list as the lobby reported it: the
// list at subscription time, then each change applied. The lobby's events
// may repeat what the list already shows (one that raced with the
// subscription), so they are applied as upserts and deletes, never as
// increments.
type roomList struct {
	rooms []signal.RoomInfo // in display order (see sortRooms)
}

// reset replaces the list, as after a (re)subscription.
func (l *roomList) reset(rooms []signal.RoomInfo) {
	l.rooms = l.rooms[:0]
	for _, r := range rooms {
		if r.Participants > 0 {
			l.rooms = append(l.rooms, r)
		}
	}
	sortRooms(l.rooms)
}

// apply folds one lobby event into the list and reports whether it was a
// room event at all.
func (l *roomList) apply(ev call.Event) bool {
	switch ev := ev.(type) {
	case call.RoomCreated:
		l.upsert(ev.RoomInfo)
	case call.RoomUpdated:
		l.upsert(ev.RoomInfo)
	case call.RoomDestroyed:
		l.remove(ev.Room)
	default:
		return false
	}
	sortRooms(l.rooms)
	return true
}

// upsert sets a room's count, adding the room when it is new; a count of
// zero (a room emptied) removes it.
func (l *roomList) upsert(r signal.RoomInfo) {
	if r.Participants <= 0 {
		l.remove(r.Room)
		return
	}
	if i := l.index(r.Room); i >= 0 {
		l.rooms[i] = r
		return
	}
	l.rooms = append(l.rooms, r)
}

// remove drops a room; a room not listed is ignored.
func (l *roomList) remove(room string) {
	if i := l.index(room); i >= 0 {
		l.rooms = slices.Delete(l.rooms, i, i+1)
	}
}

// index returns the position of a room, -1 when not listed.
func (l *roomList) index(room string) int {
	return slices.IndexFunc(l.rooms, func(r signal.RoomInfo) bool { return r.Room == room })
}

// matching returns the rooms whose name contains filter, ignoring case, in
// display order; an empty filter matches every room.
func (l *roomList) matching(filter string) []signal.RoomInfo {
	filter = strings.ToLower(strings.TrimSpace(filter))
	if filter == "" {
		return l.rooms
	}
	var out []signal.RoomInfo
	for _, r := range l.rooms {
		if strings.Contains(strings.ToLower(r.Room), filter) {
			out = append(out, r)
		}
	}
	return out
}

// sortRooms orders rooms the way people look for them: the busiest first
// (where the people are), then by name, so the order is the same on every
// screen and a tie never flickers.
func sortRooms(rooms []signal.RoomInfo) {
	slices.SortStableFunc(rooms, func(a, b signal.RoomInfo) int {
		if c := cmp.Compare(b.Participants, a.Participants); c != 0 {
			return c
		}
		return cmp.Compare(a.Room, b.Room)
	})
}
