package tui

import (
	"reflect"
	"testing"

	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/signal"
)

// names of the rooms in display order, with their counts.
func listed(l roomList) []string {
	var out []string
	for _, r := range l.rooms {
		out = append(out, r.Room+":"+string(rune('0'+r.Participants)))
	}
	return out
}

func info(room string, n int) signal.RoomInfo {
	return signal.RoomInfo{Room: room, Participants: n, CreatedAt: 1700000000000}
}

func TestRoomListApply(t *testing.T) {
	tests := []struct {
		name    string
		initial []signal.RoomInfo
		events  []call.Event
		want    []string
	}{
		{
			name:    "the initial list is sorted by people, then name",
			initial: []signal.RoomInfo{info("zoo", 1), info("alpha", 1), info("standup", 3), info("demo", 4)},
			want:    []string{"demo:4", "standup:3", "alpha:1", "zoo:1"},
		},
		{
			name:    "an empty room in the initial list is not shown",
			initial: []signal.RoomInfo{info("gone", 0), info("a", 2)},
			want:    []string{"a:2"},
		},
		{
			name:    "created adds a room in its place",
			initial: []signal.RoomInfo{info("demo", 4), info("zoo", 1)},
			events:  []call.Event{call.RoomCreated{RoomInfo: info("lounge", 1)}},
			want:    []string{"demo:4", "lounge:1", "zoo:1"},
		},
		{
			name:    "created for a listed room is an upsert, not a second row",
			initial: []signal.RoomInfo{info("lounge", 2)},
			events:  []call.Event{call.RoomCreated{RoomInfo: info("lounge", 1)}},
			want:    []string{"lounge:1"},
		},
		{
			name:    "updated sets the count and moves the room",
			initial: []signal.RoomInfo{info("demo", 4), info("lounge", 1)},
			events:  []call.Event{call.RoomUpdated{RoomInfo: info("lounge", 5)}},
			want:    []string{"lounge:5", "demo:4"},
		},
		{
			name:   "updated for an unknown room adds it (it raced with the subscription)",
			events: []call.Event{call.RoomUpdated{RoomInfo: info("late", 2)}},
			want:   []string{"late:2"},
		},
		{
			name:    "updated to zero removes the room",
			initial: []signal.RoomInfo{info("a", 1), info("b", 1)},
			events:  []call.Event{call.RoomUpdated{RoomInfo: info("a", 0)}},
			want:    []string{"b:1"},
		},
		{
			name:    "destroyed removes the room; twice is harmless",
			initial: []signal.RoomInfo{info("a", 1), info("b", 3)},
			events:  []call.Event{call.RoomDestroyed{RoomInfo: info("a", 0)}, call.RoomDestroyed{RoomInfo: info("a", 0)}},
			want:    []string{"b:3"},
		},
		{
			name:    "a room can come back after it was destroyed",
			initial: []signal.RoomInfo{info("a", 1)},
			events: []call.Event{
				call.RoomDestroyed{RoomInfo: info("a", 0)},
				call.RoomCreated{RoomInfo: info("a", 1)},
				call.RoomUpdated{RoomInfo: info("a", 2)},
			},
			want: []string{"a:2"},
		},
		{
			name:    "ties keep name order whatever the arrival order",
			initial: []signal.RoomInfo{info("c", 2)},
			events:  []call.Event{call.RoomCreated{RoomInfo: info("b", 1)}, call.RoomUpdated{RoomInfo: info("b", 2)}, call.RoomCreated{RoomInfo: info("a", 2)}},
			want:    []string{"a:2", "b:2", "c:2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l roomList
			l.reset(tt.initial)
			for _, ev := range tt.events {
				if !l.apply(ev) {
					t.Fatalf("apply(%T) = false", ev)
				}
			}
			if got := listed(l); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("list = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRoomListIgnoresOtherEvents(t *testing.T) {
	var l roomList
	l.reset([]signal.RoomInfo{info("a", 1)})
	if l.apply(call.PeerJoin{UserID: "x"}) {
		t.Error("apply(PeerJoin) = true")
	}
	if got := listed(l); !reflect.DeepEqual(got, []string{"a:1"}) {
		t.Errorf("list = %v", got)
	}
}

func TestRoomListMatching(t *testing.T) {
	var l roomList
	l.reset([]signal.RoomInfo{info("Lounge", 1), info("demo", 4), info("blog", 2)})
	var got []string
	for _, r := range l.matching(" LO ") {
		got = append(got, r.Room)
	}
	if want := []string{"blog", "Lounge"}; !reflect.DeepEqual(got, want) {
		t.Errorf("matching(LO) = %v, want %v (case-insensitive, display order)", got, want)
	}
	if n := len(l.matching("")); n != 3 {
		t.Errorf("matching(\"\") has %d rooms, want 3", n)
	}
}

// TestRoomsPaneTyping checks the input's effect on the items and the
// selection: a filter selects the room it names exactly, a name not
// listed becomes the create item, and a bad name is refused with its code.
func TestRoomsPaneTyping(t *testing.T) {
	p := newRoomsPane(true, NewStyles(true))
	p.status = lobbyLive
	p.list.reset([]signal.RoomInfo{info("demo", 4), info("lounge", 1), info("lobby-2", 2)})
	km := DefaultKeyMap()
	typeText := func(s string) {
		for _, r := range s {
			p, _, _ = p.key(keyPress(string(r)), km)
		}
	}
	typeText("lo")
	if room, _ := p.choose(); room != "lobby-2" {
		t.Errorf("after lo, enter joins %q, want lobby-2 (the first match)", room)
	}
	typeText("unge")
	if room, _ := p.choose(); room != "lounge" {
		t.Errorf("after lounge, enter joins %q, want lounge", room)
	}
	typeText("2")
	items := p.items()
	if len(items) != 1 || items[0].key != newItem || items[0].room != "lounge2" {
		t.Fatalf("items after lounge2 = %+v, want the create item only", items)
	}
	if room, _ := p.choose(); room != "lounge2" {
		t.Errorf("enter joins %q, want lounge2 (created)", room)
	}
	typeText("!")
	if room, problem := p.choose(); room != "" || problem == "" || !containsAll(problem, "Error 91000009", "64") {
		t.Errorf("choose on lounge2! = %q, %q; want a refusal with code 91000009", room, problem)
	}
	p, _, _ = p.key(escKey(), km)
	if p.input.Value() != "" || len(p.items()) != 3 {
		t.Errorf("esc left %q and %d items, want an empty input and the whole list", p.input.Value(), len(p.items()))
	}
	if _, _, handled := p.key(escKey(), km); handled {
		t.Error("esc on an empty input was handled; the rooms screen must let it quit")
	}
}

// TestRoomsPaneSelectionFollowsRoom checks that the selection stays on
// the same room when counts reorder the list, and falls back to the first
// when the room vanishes.
func TestRoomsPaneSelectionFollowsRoom(t *testing.T) {
	p := newRoomsPane(false, NewStyles(true))
	p.list.reset([]signal.RoomInfo{info("a", 3), info("b", 2), info("c", 1)})
	p.move(1)
	p.move(1)
	if room, _ := p.choose(); room != "c" {
		t.Fatalf("two downs select %q, want c", room)
	}
	p.list.apply(call.RoomUpdated{RoomInfo: info("c", 9)})
	if room, _ := p.choose(); room != "c" {
		t.Errorf("after c moved to the top, the selection is %q, want c", room)
	}
	p.list.apply(call.RoomDestroyed{RoomInfo: info("c", 0)})
	if room, _ := p.choose(); room != "a" {
		t.Errorf("after c vanished, the selection is %q, want a (the first)", room)
	}
	p.move(-1)
	if room, _ := p.choose(); room != "a" {
		t.Errorf("up from the first selects %q, want a (no wrap)", room)
	}
}
