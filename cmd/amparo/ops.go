package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/store"
)

func init() {
	register(&command{name: "migrate", summary: "apply database migrations", run: runMigrate})
	register(&command{name: "audit", summary: "verify the audit log's hash chain", run: runAudit})
	register(&command{name: "backup", summary: "write a consistent snapshot of the SQLite database", run: runBackup})
}

func runMigrate(ctx context.Context, args []string) error {
	fs := newFlagSet("migrate", "[--data DIR] [--database-url URL] [--status]")
	sf := addStoreFlags(fs)
	status := fs.Bool("status", false, "list migrations and whether each is applied, after applying")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if *status {
		lines, err := db.MigrationStatus(ctx)
		if err != nil {
			return err
		}
		for _, l := range lines {
			fmt.Fprintln(stdout, l)
		}
	}
	fmt.Fprintf(stdout, "database is up to date (%s)\n", describeDB(db))
	return nil
}

func runAudit(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(os.Stderr, "Usage: amparo audit verify [--data DIR] [--database-url URL]\n\nExits 0 when the audit chain is intact, 1 naming the first bad row otherwise.")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return usagef("expected 'audit verify'")
	}
	fs := newFlagSet("audit verify", "[--data DIR] [--database-url URL]")
	sf := addStoreFlags(fs)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	db, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := audit.Verify(ctx, db)
	var broken *audit.BrokenError
	if errors.As(err, &broken) {
		return fmt.Errorf("FAILED: %w (%d rows before it are intact)", err, n)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "audit chain intact: %d rows\n", n)
	return nil
}

func runBackup(ctx context.Context, args []string) error {
	fs := newFlagSet("backup", "--out FILE [--data DIR]")
	sf := addStoreFlags(fs)
	out := fs.String("out", "", "file to write (must not exist); restore by putting it as amparo.db in a data directory")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out is required")
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("%s already exists; refusing to overwrite a backup", *out)
	}
	// Opening creates a missing database: a mistyped --data would then
	// be "backed up" as an empty one, reported as written.
	if sf.url == "" {
		if _, err := os.Stat(filepath.Join(sf.data, store.SQLiteFile)); err != nil {
			return fmt.Errorf("no database in %s to back up (--data names the data directory holding %s)", sf.data, store.SQLiteFile)
		}
	}
	db, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s\n", *out)
	return nil
}
