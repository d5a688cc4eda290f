package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/confab-rtc/confab/config"
)

// resolveClient parses args with the flags join and demo share and
// resolves them against cfg, as join does before it connects.
func resolveClient(t *testing.T, cfg config.Config, args []string) *clientOptions {
	t.Helper()
	o := &clientOptions{}
	cmd := &cobra.Command{Use: "join"}
	addClientFlags(cmd, o)
	if err := cmd.ParseFlags(args); err != nil {
		t.Fatal(err)
	}
	o.room, o.userName, o.appID, o.appKey = "standup", "Ann", "app", "key"
	if err := o.resolve(cfg); err != nil {
		t.Fatal(err)
	}
	return o
}

// TestPlainFromConfig: [client] plain = true makes plain mode the default,
// and the command line still wins: --plain=false, or --headless.
func TestPlainFromConfig(t *testing.T) {
	for _, c := range []struct {
		name   string
		config bool
		args   []string
		want   bool
	}{
		{"neither", false, nil, false},
		{"flag alone", false, []string{"--plain"}, true},
		{"config alone", true, nil, true},
		{"--plain=false wins", true, []string{"--plain=false"}, false},
		{"--headless wins", true, []string{"--headless"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.Client.Plain = c.config
			if o := resolveClient(t, cfg, c.args); o.plain != c.want {
				t.Errorf("plain = %v, want %v", o.plain, c.want)
			}
		})
	}
}

// TestKeysFromConfig: the configuration's [keys] reach the call view's key
// map, and a bad one stops the command before it connects, saying why.
func TestKeysFromConfig(t *testing.T) {
	resolve := func(keys map[string][]string) (*clientOptions, error) {
		cfg := config.Default()
		cfg.Keys = keys
		o := &clientOptions{room: "standup", userName: "Ann", appID: "app", appKey: "key"}
		return o, o.resolve(cfg)
	}
	o, err := resolve(map[string][]string{"mute": {"x"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := o.keys.Mute.Keys(); !slices.Equal(got, []string{"x"}) {
		t.Errorf("mute keys = %v, want [x]", got)
	}
	if got := o.keys.Leave.Keys(); !slices.Equal(got, []string{"q"}) {
		t.Errorf("leave keys = %v, want the default [q]", got)
	}
	if _, err := resolve(map[string][]string{"mute": {"q"}}); err == nil || !strings.Contains(err.Error(), `"q" is bound to both mute and leave`) {
		t.Errorf("a key bound twice: err %v", err)
	}
}
