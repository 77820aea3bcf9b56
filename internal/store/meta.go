package store

import (
	"context"
	"fmt"
)

// Meta returns the value stored under key, or "" and false.
func (db *DB) Meta(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := db.QueryRow(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if IsNoRows(err) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("store: read meta %s: %w", key, err)
	}
	return v, true, nil
}

// SetMeta stores value under key.
func (db *DB) SetMeta(ctx context.Context, key, value string) error {
	_, err := db.Exec(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("store: write meta %s: %w", key, err)
	}
	return nil
}

// Backup writes a consistent copy of a live SQLite database to path,
// which must not exist. PostgreSQL has its own tools for this (pg_dump,
// base backups), which Amparo does not try to replace.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.Dialect != SQLite {
		return fmt.Errorf("store: backup: on PostgreSQL use pg_dump or your provider's backups")
	}
	if _, err := db.sql.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	return nil
}
