package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWriteReplaces checks the new content and mode replace the old file
// and no temporary file is left beside it.
func TestWriteReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "new" {
		t.Fatalf("content %q, %v; want \"new\"", got, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Fatalf("directory holds %v (%v); want only key.pem", entries, err)
	}
}

// TestWriteMissingDir checks a missing directory is an error and creates
// nothing.
func TestWriteMissingDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent", "config.toml")
	if err := Write(path, []byte("x"), 0o600); err == nil {
		t.Fatal("writing into a missing directory succeeded")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("stat after a failed write: %v; want not-exist", err)
	}
}
