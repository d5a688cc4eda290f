package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestLoadMissingGivesDefaults(t *testing.T) {
	cfg, err := Load(filepath.Join(t.TempDir(), "nope.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg, Default()) {
		t.Fatalf("got %+v, want defaults", cfg)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "config.toml")
	cfg := Default()
	cfg.App = App{ID: "app1", Key: "0123456789abcdef0123"}
	cfg.Client.UserName = "Zoë"
	cfg.Client.AudioProfile, cfg.Client.LowLatency = "low", true
	cfg.Client.ReconnectTimeout = "2m"
	cfg.Server.Webhooks = []string{"https://example.com/hook"}
	cfg.Server.TLSCert, cfg.Server.TLSKey = "/etc/confab/cert.pem", "/etc/confab/key.pem"
	cfg.Client.ServerURL, cfg.Client.TLSPin = "wss://example.com:7880", "sha256:"+strings.Repeat("0f", 32)
	if err := Save(path, cfg); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", st.Mode().Perm())
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, cfg) {
		t.Fatalf("got %+v, want %+v", got, cfg)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

func TestLoadRejects(t *testing.T) {
	cases := []struct{ name, body string }{
		{"unknown key", "[client]\nservr_url = \"ws://x\"\n"},
		{"bad toml", "[client\n"},
		{"bad url", "[client]\nserver_url = \"http://x\"\n"},
		{"half creds", "[app]\napp_id = \"a\"\n"},
		{"short key", "[app]\napp_id = \"a\"\napp_key = \"short\"\n"},
		{"bad listen", "[server]\nlisten = \"nohostport\"\n"},
		{"bad user id", "[client]\nuser_id = \"a b\"\n"},
		{"unknown audio profile", "[client]\naudio_profile = \"ultra\"\n"},
		{"reconnect timeout not a duration", "[client]\nreconnect_timeout = \"60\"\n"},
		{"reconnect timeout negative", "[client]\nreconnect_timeout = \"-5s\"\n"},
		{"action without keys", "[keys]\nmute = []\n"},
		{"empty key", "[keys]\nmute = [\"m\", \"\"]\n"},
		{"key not a list", "[keys]\nmute = \"m\"\n"},
		{"tls cert without key", "[server]\ntls_cert = \"c.pem\"\n"},
		{"self-signed and a cert", "[server]\ntls_cert = \"c.pem\"\ntls_key = \"k.pem\"\ntls_self_signed = true\n"},
		{"bad tls pin", "[client]\ntls_pin = \"sha1:00\"\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.toml")
			if err := os.WriteFile(path, []byte(c.body), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := Load(path); !errors.Is(err, ErrInvalid) {
				t.Fatalf("err %v, want ErrInvalid", err)
			}
		})
	}
}

// TestValidateWebhooks: server.webhooks must be http(s) URLs.
func TestValidateWebhooks(t *testing.T) {
	cfg := Default()
	cfg.Server.Webhooks = []string{"http://127.0.0.1:9000/hook", "https://example.com/x"}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"ftp://x/y", "example.com/hook", "http://"} {
		cfg.Server.Webhooks = []string{bad}
		if err := cfg.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%q: %v, want ErrInvalid", bad, err)
		}
	}
}

// TestDeviceChoiceRoundTrip: the devices chosen during a call are saved by
// id and name and read back as they were.
func TestDeviceChoiceRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	cfg := Default()
	cfg.Client.Microphone, cfg.Client.MicrophoneName = "alsa_input.usb-mic", "USB Mic"
	cfg.Client.Speaker, cfg.Client.SpeakerName = "none", ""
	if err := Save(path, cfg); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Client != cfg.Client {
		t.Errorf("read back %+v, want %+v", got.Client, cfg.Client)
	}
}

// TestKeysRoundTrip: a [keys] section loads as written and survives a save.
func TestKeysRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.toml")
	body := "[keys]\nmute = [\"x\", \"f2\"]\npush_to_talk = [\"t\"]\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"mute": {"x", "f2"}, "push_to_talk": {"t"}}
	if !reflect.DeepEqual(cfg.Keys, want) {
		t.Fatalf("keys = %v, want %v", cfg.Keys, want)
	}
	if err := Save(path, cfg); err != nil {
		t.Fatal(err)
	}
	again, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.Keys, want) {
		t.Errorf("after save, keys = %v, want %v", again.Keys, want)
	}
}
