package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/BurntSushi/toml"

	"github.com/confab-rtc/confab/internal/atomicfile"
)

// Load reads the file at path over the defaults. A missing file is not an
// error: it yields the defaults. Unknown keys are an error, so that a typo
// does not silently do nothing.
func Load(path string) (Config, error) {
	cfg := Default()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return cfg, nil
	}
	if err != nil {
		return cfg, err
	}
	return Parse(data, path)
}

// Parse reads a configuration file's contents over the defaults and
// validates the result; name (the file's path) prefixes every error.
// Unknown keys are an error, as in Load.
func Parse(data []byte, name string) (Config, error) {
	cfg := Default()
	md, err := toml.Decode(string(data), &cfg)
	if err != nil {
		return cfg, fmt.Errorf("%w: %s: %v", ErrInvalid, name, err)
	}
	if undec := md.Undecoded(); len(undec) > 0 {
		return cfg, fmt.Errorf("%w: %s: unknown key %q", ErrInvalid, name, undec[0].String())
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("%s: %w", name, err)
	}
	return cfg, nil
}

// Save writes cfg to path atomically with mode 0600 (it holds the app key):
// a temporary file in the same directory is written, synced and renamed over
// the old one, and the directory is synced, so a crash leaves either the old
// file or the new one, never a torn one.
func Save(path string, cfg Config) error {
	data, err := encode(cfg)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return atomicfile.Write(path, data, 0o600)
}

// encode is what Save writes: a comment line and cfg as TOML, after
// checking cfg is valid (a file Load would refuse is never written).
func encode(cfg Config) ([]byte, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString("# confab configuration. Flags and environment override it.\n")
	if err := toml.NewEncoder(&buf).Encode(cfg); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
