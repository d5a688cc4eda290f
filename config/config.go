// Package config loads, validates and saves confab's TOML configuration file.
// The file lives in the XDG config dir; command-line flags override it.
package config

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/url"
	"slices"
	"time"

	"github.com/confab-rtc/confab/signal"
)

// Config is everything confab keeps between runs. The zero value is not
// valid; start from Default.
type Config struct {
	// App holds the application credentials. The server checks joins
	// against them; a client that has them signs its own joins.
	App App `toml:"app"`
	// Server configures `confab serve`.
	Server Server `toml:"server"`
	// Client configures `confab join` and `confab demo`.
	Client Client `toml:"client"`
	// Keys rebinds the call view's keys: an action's name (mute,
	// push_to_talk, help, leave...) to the keys that run it, as in
	// mute = ["m", "x"]. The call view checks the names and refuses a key
	// bound twice (tui.KeyMap.Rebind); Validate checks only that every
	// action has keys, since config does not import tui.
	Keys map[string][]string `toml:"keys,omitempty"`
}

// App is an application id and its secret key.
type App struct {
	ID  string `toml:"app_id"`
	Key string `toml:"app_key"`
}

// Server holds the room server's settings.
type Server struct {
	// Listen is the host:port the server binds.
	Listen string `toml:"listen"`
	// Webhooks are http(s) URLs the server POSTs room and user events to
	// (signal/PROTOCOL.md §16).
	Webhooks []string `toml:"webhooks,omitempty"`
	// TLSCert and TLSKey are PEM files that make the server serve
	// https:// and wss://; set both or neither.
	TLSCert string `toml:"tls_cert,omitempty"`
	TLSKey  string `toml:"tls_key,omitempty"`
	// TLSSelfSigned serves TLS with a development certificate made once
	// and kept in the data dir; the server prints its fingerprint for
	// clients to pin (client.tls_pin).
	TLSSelfSigned bool `toml:"tls_self_signed,omitempty"`
}

// Client holds the client's settings.
type Client struct {
	// ServerURL is the room server's websocket URL (ws:// or wss://).
	ServerURL string `toml:"server_url"`
	// TLSPin trusts a wss:// server by its certificate's SHA-256
	// fingerprint ("sha256:" and 64 hex digits, as confab serve
	// --tls-self-signed prints it) instead of the system's authorities.
	TLSPin string `toml:"tls_pin,omitempty"`
	// UserID is the user id to join with; empty means derived from the name.
	UserID string `toml:"user_id"`
	// UserName is the name shown to others.
	UserName string `toml:"user_name"`
	// Microphone and Speaker are stable device ids; empty means the
	// system default, "none" means no device. A choice made during a
	// call (a key or a command) is saved here; an automatic fallback is not.
	Microphone string `toml:"microphone"`
	Speaker    string `toml:"speaker"`
	// MicrophoneName and SpeakerName are the chosen devices' names when
	// they were chosen, so a person reading the file knows what the ids
	// are.
	MicrophoneName string `toml:"microphone_name,omitempty"`
	SpeakerName    string `toml:"speaker_name,omitempty"`
	// AudioProfile is the send side's audio profile: low, standard or
	// high (DESIGN.md §2); empty means standard.
	AudioProfile string `toml:"audio_profile,omitempty"`
	// LowLatency sends and plays 10 ms frames instead of 20 ms.
	LowLatency bool `toml:"low_latency,omitempty"`
	// Plain makes join and demo use the accessible plain mode, as --plain
	// does, so a screen-reader user sets it once; --plain=false or
	// --headless still choose otherwise.
	Plain bool `toml:"plain,omitempty"`
	// Mouse turns on the call view's mouse (click to select or focus,
	// wheel to scroll the log), as --mouse does; off, the terminal keeps
	// selecting text with the mouse.
	Mouse bool `toml:"mouse,omitempty"`
	// ReconnectTimeout is how long join and demo try to get back into a
	// call whose connection was lost before giving up, as a Go duration
	// ("60s", "2m"); empty means 60 s.
	ReconnectTimeout string `toml:"reconnect_timeout,omitempty"`
}

// DefaultListen is where `confab serve` listens unless told otherwise.
const DefaultListen = "127.0.0.1:7880"

// Default returns the configuration used where the file says nothing.
func Default() Config {
	return Config{
		Server: Server{Listen: DefaultListen},
		Client: Client{ServerURL: "ws://" + DefaultListen},
	}
}

// ErrInvalid is wrapped by every validation error.
var ErrInvalid = errors.New("invalid configuration")

// Validate checks every field and returns the first problem, wrapping
// ErrInvalid.
func (c Config) Validate() error {
	if (c.App.ID == "") != (c.App.Key == "") {
		return fmt.Errorf("%w: app_id and app_key must be set together", ErrInvalid)
	}
	if c.App.ID != "" && !signal.ValidID(c.App.ID) {
		return fmt.Errorf("%w: app_id %q must be 1-64 characters of A-Z, a-z, 0-9, _ or -", ErrInvalid, c.App.ID)
	}
	if c.App.Key != "" && len(c.App.Key) < 16 {
		return fmt.Errorf("%w: app_key must be at least 16 characters", ErrInvalid)
	}
	if _, _, err := net.SplitHostPort(c.Server.Listen); err != nil {
		return fmt.Errorf("%w: server.listen %q: %v", ErrInvalid, c.Server.Listen, err)
	}
	for _, w := range c.Server.Webhooks {
		if u, err := url.Parse(w); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%w: server.webhooks: %q must be an http or https URL", ErrInvalid, w)
		}
	}
	if (c.Server.TLSCert == "") != (c.Server.TLSKey == "") {
		return fmt.Errorf("%w: server.tls_cert and server.tls_key must be set together", ErrInvalid)
	}
	if c.Server.TLSSelfSigned && c.Server.TLSCert != "" {
		return fmt.Errorf("%w: server.tls_self_signed and server.tls_cert exclude each other", ErrInvalid)
	}
	if c.Client.TLSPin != "" {
		if _, err := signal.ParseFingerprint(c.Client.TLSPin); err != nil {
			return fmt.Errorf("%w: client.tls_pin: %v", ErrInvalid, err)
		}
	}
	if err := CheckServerURL(c.Client.ServerURL); err != nil {
		return fmt.Errorf("%w: client.server_url: %v", ErrInvalid, err)
	}
	if c.Client.UserID != "" && !signal.ValidID(c.Client.UserID) {
		return fmt.Errorf("%w: client.user_id %q must be 1-64 characters of A-Z, a-z, 0-9, _ or -", ErrInvalid, c.Client.UserID)
	}
	switch c.Client.AudioProfile {
	case "", "low", "standard", "high": // audio.ProfileNames; config does not import audio
	default:
		return fmt.Errorf("%w: client.audio_profile %q must be low, standard or high", ErrInvalid, c.Client.AudioProfile)
	}
	if err := signal.CheckIdentity("r", "u", c.Client.UserName); err != nil {
		return fmt.Errorf("%w: client.user_name: %s", ErrInvalid, err.Message)
	}
	if t := c.Client.ReconnectTimeout; t != "" {
		if d, err := time.ParseDuration(t); err != nil || d <= 0 {
			return fmt.Errorf("%w: client.reconnect_timeout %q must be a positive duration such as \"60s\"", ErrInvalid, t)
		}
	}
	for _, action := range slices.Sorted(maps.Keys(c.Keys)) {
		keys := c.Keys[action]
		if len(keys) == 0 || slices.Contains(keys, "") {
			return fmt.Errorf("%w: keys.%s must list at least one key, none empty", ErrInvalid, action)
		}
	}
	return nil
}

// CheckServerURL reports whether s is a usable ws:// or wss:// URL.
func CheckServerURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if u.Scheme != "ws" && u.Scheme != "wss" {
		return fmt.Errorf("%q: the scheme must be ws or wss", s)
	}
	if u.Host == "" {
		return fmt.Errorf("%q has no host", s)
	}
	return nil
}
