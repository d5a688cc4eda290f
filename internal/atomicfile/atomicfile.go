// Package atomicfile replaces a file's content so that a reader, or the
// file after a crash, sees either the old content or the new one, never a
// torn one. The configuration file and the self-signed TLS key pair are
// written this way.
package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
)

// Write writes data to path with the given mode. It writes a temporary file
// in the same directory (so the rename below never crosses file systems),
// syncs it, renames it over path and then syncs the directory, so the new
// name survives a crash too. The directory must exist. On an error path is
// left as it was and the temporary file is removed.
func Write(path string, data []byte, mode os.FileMode) error {
	dir, base := filepath.Dir(path), filepath.Base(path)
	ext := filepath.Ext(base)
	// The temporary name is hidden and tells which file it would become:
	// config.toml is written through .config-*.toml.
	tmp, err := os.CreateTemp(dir, "."+strings.TrimSuffix(base, ext)+"-*"+ext)
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
