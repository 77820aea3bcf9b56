//go:build unix

package store

import (
	"fmt"
	"os"
	"syscall"
)

// lockMigrations holds an exclusive lock on a file beside the SQLite
// database while it is migrated, so that two processes starting on one
// new data directory at once (the server and an operator's command) do not
// both apply the same migration: goose takes no lock on SQLite, and the
// second failed with "table ... already exists". The lock is on a file of
// its own: closing a descriptor of the database file itself would drop
// SQLite's own locks. It returns the function that releases it.
func lockMigrations(dbPath string) (func(), error) {
	f, err := os.OpenFile(dbPath+"-migrate.lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: migration lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("store: migration lock: %w", err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
