package config

import (
	"os"
	"path/filepath"
)

// DefaultPath is the config file's path: $XDG_CONFIG_HOME/confab/config.toml
// (or the platform's equivalent).
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "confab", "config.toml"), nil
}

// DefaultLogPath is the log file's path: $XDG_STATE_HOME/confab/confab.log,
// falling back to ~/.local/state as the XDG base directory spec says.
func DefaultLogPath() (string, error) {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "confab", "confab.log"), nil
}

// DefaultDataDir is where confab keeps data it makes for itself (the
// development TLS certificate): $XDG_DATA_HOME/confab, falling back to
// ~/.local/share/confab as the XDG base directory spec says.
func DefaultDataDir() (string, error) {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "confab"), nil
}
