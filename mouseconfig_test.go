package main

import (
	"testing"

	"github.com/confab-rtc/confab/config"
)

// TestMouseFromConfig: the mouse is off unless --mouse or [client] mouse
// turns it on.
func TestMouseFromConfig(t *testing.T) {
	for _, c := range []struct {
		name   string
		config bool
		args   []string
		want   bool
	}{
		{"default off", false, nil, false},
		{"flag", false, []string{"--mouse"}, true},
		{"config", true, nil, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.Client.Mouse = c.config
			if o := resolveClient(t, cfg, c.args); o.mouse != c.want {
				t.Errorf("mouse = %v, want %v", o.mouse, c.want)
			}
		})
	}
}
