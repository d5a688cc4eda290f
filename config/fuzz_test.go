package config

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzParse feeds the configuration parser arbitrary files, as a person
// editing one by hand may write them. Parse must never panic and must
// refuse with ErrInvalid; a file it accepts is valid, Save can write it,
// and what Save writes reads back to the same configuration (the encoding
// is a fixed point), so a device choice saved mid-call never corrupts the
// file or loses a setting.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		"[app]\napp_id = \"app1\"\napp_key = \"0123456789abcdef0123\"\n",
		"[server]\nlisten = \"0.0.0.0:7880\"\nwebhooks = [\"https://example.com/h\"]\n",
		"[client]\nserver_url = \"wss://example.com:7880\"\nuser_name = \"Zoë\"\nmicrophone = \"alsa_input.usb\"\naudio_profile = \"high\"\nlow_latency = true\nplain = true\n",
		"[keys]\nmute = [\"m\", \"ctrl+m\"]\npush_to_talk = [\"space\"]\n",
		"[client\n",
		"[client]\nservr_url = \"ws://x\"\n",
		"[[client]]\n",
		"client = 1\n",
		"[keys]\nmute = \"m\"\n",
		"[client]\nuser_name = \"\\uD800\"\n",
		"a.b.c.d = 1979-05-27T07:32:00Z\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse(data, "fuzz.toml")
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("refused without ErrInvalid: %v", err)
			}
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("accepted an invalid configuration: %v", err)
		}
		once, err := encode(cfg)
		if err != nil {
			t.Fatalf("Save could not write what Load accepted: %v", err)
		}
		back, err := Parse(once, "saved.toml")
		if err != nil {
			t.Fatalf("what Save wrote does not load: %v\n%s", err, once)
		}
		twice, err := encode(back)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(once, twice) {
			t.Fatalf("a save and load changed the configuration:\n%s\n---\n%s", once, twice)
		}
	})
}
