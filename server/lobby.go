package server

import (
	"slices"
	"strings"
	"sync"

	"github.com/confab-rtc/confab/signal"
)

// lobby is the live room list: the rooms with their participant counts,
// kept up to date by the rooms themselves (roomevents.go), and the
// websockets subscribed to its changes. It keeps its own copy of the list
// so that a subscription reads the list and starts receiving changes in
// one step under one mutex, without taking any room's mutex: the lock
// order is room, then lobby.
type lobby struct {
	mu    sync.Mutex
	rooms map[string]signal.RoomInfo
	subs  map[*conn]struct{}
}

// listLocked returns the rooms sorted by name. The caller holds l.mu.
func (l *lobby) listLocked() []signal.RoomInfo {
	out := make([]signal.RoomInfo, 0, len(l.rooms))
	for _, info := range l.rooms {
		out = append(out, info)
	}
	slices.SortFunc(out, func(a, b signal.RoomInfo) int { return strings.Compare(a.Room, b.Room) })
	return out
}

// list returns the rooms sorted by name.
func (l *lobby) list() []signal.RoomInfo {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.listLocked()
}

// subscribe answers request id with the current list and adds c to the
// subscribers, atomically: c sees every change after the list it got.
func (l *lobby) subscribe(c *conn, id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.subs == nil {
		l.subs = map[*conn]struct{}{}
	}
	c.send(signal.Message{Type: signal.TypeRooms, ID: id, Rooms: l.listLocked()})
	l.subs[c] = struct{}{}
}

// unsubscribe forgets c; harmless if it never subscribed.
func (l *lobby) unsubscribe(c *conn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.subs, c)
}

// has reports whether c is subscribed.
func (l *lobby) has(c *conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.subs[c]
	return ok
}

// subscribers returns how many connections are subscribed.
func (l *lobby) subscribers() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.subs)
}

// update records a room's new state (typ is room-created, room-updated or
// room-destroyed) and pushes it to every subscriber. conn.send never
// blocks: a subscriber too slow to drain its queue is dropped, not waited
// for, so a lobby never holds up a room.
func (l *lobby) update(typ string, info signal.RoomInfo) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rooms == nil {
		l.rooms = map[string]signal.RoomInfo{}
	}
	if typ == signal.TypeRoomDestroyed {
		delete(l.rooms, info.Room)
	} else {
		l.rooms[info.Room] = info
	}
	m := signal.Message{Type: typ, RoomInfo: &info}
	for c := range l.subs {
		c.send(m)
	}
}
