package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"testing/fstest"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Migrations are numbered by domain so that work on one domain never
// renumbers another's: 00001-00099 foundation (accounts, audit),
// 00100-00199 children, 00200-00299 tracing, 00300-00399 indicators,
// 00400-00499 aid.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationName says whether a file applies to dialect d and under which
// name. Nearly every migration is shared; the rare one that cannot be
// (triggers) comes as NAME.sqlite.sql and NAME.postgres.sql.
func migrationName(file string, d Dialect) (string, bool) {
	base, ok := strings.CutSuffix(file, ".sql")
	if !ok {
		return "", false
	}
	for _, other := range []Dialect{SQLite, Postgres} {
		if stem, ok := strings.CutSuffix(base, "."+other.String()); ok {
			return stem + ".sql", other == d
		}
	}
	return file, true
}

// migrationsFor renders the migrations for one dialect. fstest.MapFS is a
// plain in-memory fs.FS; it is used here for its simplicity, not for tests.
func migrationsFor(d Dialect) (fs.FS, error) {
	out := fstest.MapFS{}
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		name, ok := migrationName(e.Name(), d)
		if !ok {
			continue
		}
		b, err := fs.ReadFile(migrationFiles, "migrations/"+e.Name())
		if err != nil {
			return nil, err
		}
		out[name] = &fstest.MapFile{Data: []byte(d.expand(string(b))), Mode: 0o444}
	}
	return out, nil
}

func (db *DB) provider(sqldb *sql.DB) (*goose.Provider, error) {
	fsys, err := migrationsFor(db.Dialect)
	if err != nil {
		return nil, fmt.Errorf("store: read migrations: %w", err)
	}
	dialect := goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithAllowOutofOrder(true)}
	if db.Dialect == Postgres {
		dialect = goose.DialectPostgres
		// Several servers may start at once against one database: only
		// one of them migrates.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, fmt.Errorf("store: migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, sqldb, fsys, opts...)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return p, nil
}

// Migrate applies every migration not yet applied.
func (db *DB) Migrate(ctx context.Context) error {
	sqldb := db.sql
	if db.migrateURL != "" {
		// A pool of its own, without the requests' statement timeout.
		m, err := sql.Open("pgx", db.migrateURL)
		if err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		defer m.Close()
		sqldb = m
	}
	if db.Dialect == SQLite && db.Path != "" {
		unlock, err := lockMigrations(db.Path)
		if err != nil {
			return err
		}
		defer unlock()
	}
	p, err := db.provider(sqldb)
	if err != nil {
		return err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	for _, r := range results {
		slog.InfoContext(ctx, "migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
	}
	return nil
}

// MigrationStatus lists each migration and whether it is applied.
func (db *DB) MigrationStatus(ctx context.Context) ([]string, error) {
	p, err := db.provider(db.sql)
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: migration status: %w", err)
	}
	var out []string
	for _, s := range st {
		out = append(out, fmt.Sprintf("%05d %-40s %s", s.Source.Version, s.Source.Path, s.State))
	}
	return out, nil
}
