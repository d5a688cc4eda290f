package tui

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
)

// namedBinding is a binding with the name the config file's [keys] section
// calls it by.
type namedBinding struct {
	name    string
	binding *key.Binding
}

// all returns every binding with its config name, in help order. Interrupt
// is named too, so a rebinding that steals ctrl+c is refused, but it cannot
// itself be rebound: ctrl+c must always leave.
func (k *KeyMap) all() []namedBinding {
	return []namedBinding{
		{"mute", &k.Mute},
		{"push_to_talk", &k.PushToTalk},
		{"next_pane", &k.NextPane},
		{"select_up", &k.SelectUp},
		{"select_down", &k.SelectDown},
		{"volume_up", &k.VolumeUp},
		{"volume_down", &k.VolumeDown},
		{"rename", &k.Rename},
		{"next_mic", &k.NextMic},
		{"next_speaker", &k.NextSpeaker},
		{"devices", &k.Devices},
		{"test_tone", &k.TestTone},
		{"stats", &k.Stats},
		{"close_pane", &k.ClosePane},
		{"choose", &k.Choose},
		{"rooms", &k.Rooms},
		{"find_room", &k.RoomFilter},
		{"help", &k.Help},
		{"leave", &k.Leave},
		{"interrupt", &k.Interrupt},
	}
}

// KeyNames returns the names Rebind accepts, sorted.
func KeyNames() []string {
	var k KeyMap
	var names []string
	for _, b := range k.all() {
		if b.name != "interrupt" {
			names = append(names, b.name)
		}
	}
	sort.Strings(names)
	return names
}

// Rebind replaces the keys of the named bindings, as the config file's
// [keys] section gives them (mute = ["m", "x"]), and returns the new map.
// Key names are Bubble Tea's: "a", "space", "ctrl+x", "f1", "tab". The
// help shows the new keys. It refuses, naming the culprit, an unknown
// name, an empty list, a key with spaces in it, and a key bound to two
// actions (which would make one of them unreachable); k is then unchanged.
func (k KeyMap) Rebind(keys map[string][]string) (KeyMap, error) {
	names := make([]string, 0, len(keys))
	for name := range keys {
		names = append(names, name)
	}
	sort.Strings(names) // the first error is the same on every run
	out := k
	bindings := out.all()
	for _, name := range names {
		i := slices.IndexFunc(bindings, func(b namedBinding) bool { return b.name == name })
		if i < 0 || name == "interrupt" {
			return k, fmt.Errorf("keys: unknown action %q (known: %s)", name, strings.Join(KeyNames(), ", "))
		}
		ks := keys[name]
		if len(ks) == 0 {
			return k, fmt.Errorf("keys: %s has no key; remove the line to keep the default", name)
		}
		for _, s := range ks {
			if s == "" || strings.ContainsAny(s, " \t\n") {
				return k, fmt.Errorf("keys: %s: %q is not a key name (write \"space\" for the space bar)", name, s)
			}
		}
		b := bindings[i].binding
		b.SetKeys(ks...)
		b.SetHelp(strings.Join(ks, "/"), b.Help().Desc)
	}
	owner := map[string]string{}
	for _, b := range bindings {
		for _, s := range b.binding.Keys() {
			if prev, ok := owner[s]; ok {
				return k, fmt.Errorf("keys: %q is bound to both %s and %s", s, prev, b.name)
			}
			owner[s] = b.name
		}
	}
	return out, nil
}
