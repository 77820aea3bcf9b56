package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// Issue 15: a query kept its PostgreSQL backend busy after the client had
// gone. A cancelled context stops it at once, and every connection of the
// pool has a statement timeout.
func TestQueryCancelledReturnsPromptly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		slow := `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) SELECT COUNT(*) FROM n`
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		var n int64
		err := db.QueryRow(ctx, slow).Scan(&n)
		if err == nil {
			t.Fatal("a slow query outlived its context")
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("the cancelled query returned after %s", d)
		}
		// The pool still works.
		if err := db.QueryRow(context.Background(), `SELECT 1`).Scan(&n); err != nil {
			t.Fatal(err)
		}
	})
}

func TestPostgresStatementTimeout(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		if e.Name != "postgres" {
			continue
		}
		u := storetest.NewPostgresDatabase(t)
		ctx := context.Background()
		for _, tc := range []struct {
			cfg  time.Duration
			want string
		}{{0, "30s"}, {250 * time.Millisecond, "250ms"}} {
			db, err := store.Open(ctx, store.Config{DatabaseURL: u, StatementTimeout: tc.cfg})
			if err != nil {
				t.Fatal(err)
			}
			var got string
			if err := db.QueryRow(ctx, `SHOW statement_timeout`).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("StatementTimeout %s: statement_timeout is %s, want %s", tc.cfg, got, tc.want)
			}
			if tc.cfg > 0 {
				start := time.Now()
				_, err := db.Exec(ctx, `SELECT pg_sleep(5)`)
				if err == nil || time.Since(start) > 3*time.Second {
					t.Errorf("pg_sleep(5) under a 250 ms timeout: %v after %s", err, time.Since(start))
				}
				if errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("stopped by the context, not the server: %v", err)
				}
			}
			db.Close()
		}
	}
}

// Migrations are not bound by the requests' statement timeout: an index
// built on a large table may take longer.
func TestPostgresMigrateWithoutStatementTimeout(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		if e.Name != "postgres" {
			continue
		}
		ctx := context.Background()
		db, err := store.Open(ctx, store.Config{DatabaseURL: storetest.NewPostgresDatabase(t), StatementTimeout: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("migrate under a 1 ms request timeout: %v", err)
		}
	}
}
