package store_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestConcurrentWritersAllCommit: 50 writers at once, each a
// read-modify-write transaction, on both engines: none fails (before the
// write gate, SQLite's busy handler let some wait seconds and the busy
// timeout fail a few), and no increment is lost.
func TestConcurrentWritersAllCommit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.SetMeta(ctx, "counter", "0"); err != nil {
			t.Fatal(err)
		}
		const writers, each = 50, 10
		var wg sync.WaitGroup
		errc := make(chan error, writers*each)
		for range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					errc <- db.WithTx(ctx, func(ctx context.Context) error {
						var v string
						// FOR UPDATE on PostgreSQL; SQLite's transaction
						// already holds the write lock.
						q := `SELECT value FROM meta WHERE key = 'counter'`
						if db.Dialect == store.Postgres {
							q += ` FOR UPDATE`
						}
						if err := db.QueryRow(ctx, q).Scan(&v); err != nil {
							return err
						}
						n, _ := strconv.Atoi(v)
						_, err := db.Exec(ctx, `UPDATE meta SET value = ? WHERE key = 'counter'`, strconv.Itoa(n+1))
						return err
					})
				}
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatal(err)
			}
		}
		v, _, err := db.Meta(ctx, "counter")
		if err != nil {
			t.Fatal(err)
		}
		if v != strconv.Itoa(writers*each) {
			t.Fatalf("counter = %s, want %d", v, writers*each)
		}
		if db.Dialect == store.SQLite {
			if st := db.WriterStats(); st.Writes < writers*each {
				t.Fatalf("write gate counted %d writes, want at least %d", st.Writes, writers*each)
			}
		}
	})
}

// TestWriteGateWaitEndsWithContext: a writer waiting behind a long
// transaction gives up when its request is cancelled, rather than keep
// its place in the queue, and changes nothing.
func TestWriteGateWaitEndsWithContext(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	holding, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.WithTx(ctx, func(ctx context.Context) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	wctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	err := db.WithTx(wctx, func(ctx context.Context) error {
		_, err := db.Exec(ctx, `INSERT INTO meta (key, value) VALUES ('waited', 'yes')`)
		return err
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting writer: err = %v, want the context's deadline", err)
	}
	// A lone statement outside a transaction waits at the gate too.
	if _, err := db.Exec(wctx, `INSERT INTO meta (key, value) VALUES ('waited', 'yes')`); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("lone statement: err = %v, want the context's deadline", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, ok, err := db.Meta(ctx, "waited"); err != nil || ok {
		t.Fatalf("the refused writes stored something (ok=%v, err=%v)", ok, err)
	}
}

// TestStatementCacheBounded: more distinct queries than the cache keeps
// all run, repeatedly, in and out of transactions; statements evicted while
// another caller uses them keep working for that caller.
func TestStatementCacheBounded(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				// 1000 distinct texts per goroutine: far more than the
				// cache keeps, so evictions happen under use.
				q := fmt.Sprintf(`SELECT %d + ? /* %d */`, i, g)
				var n int
				err := db.WithTx(ctx, func(ctx context.Context) error {
					rows, err := db.Query(ctx, q, 1)
					if err != nil {
						return err
					}
					defer rows.Close()
					for rows.Next() {
						if err := rows.Scan(&n); err != nil {
							return err
						}
					}
					return rows.Err()
				})
				if err != nil {
					t.Error(err)
					return
				}
				if n != i+1 {
					t.Errorf("%s = %d, want %d", q, n, i+1)
					return
				}
				if err := db.QueryRow(ctx, q, 2).Scan(&n); err != nil || n != i+2 {
					t.Errorf("%s outside a transaction = %d, %v", q, n, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// Statements that act when prepared or change the schema are not cached:
// an index dropped and built again inside a transaction, twice (as the
// indicators' bulk import does), and a table created in a transaction and
// used there before it commits, which another connection cannot see.
func TestStatementCacheLeavesDDLAlone(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	if _, err := db.Exec(ctx, `CREATE TABLE t (a INTEGER)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `CREATE INDEX t_a ON t (a)`); err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		err := db.WithTx(ctx, func(ctx context.Context) error {
			if _, err := db.Exec(ctx, `DROP INDEX t_a`); err != nil {
				return err
			}
			if _, err := db.Exec(ctx, `INSERT INTO t (a) VALUES (?)`, round); err != nil {
				return err
			}
			if _, err := db.Exec(ctx, `PRAGMA cache_size = -2000`); err != nil {
				return err
			}
			_, err := db.Exec(ctx, `CREATE INDEX t_a ON t (a)`)
			return err
		})
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
	err := db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := db.Exec(ctx, `CREATE TABLE fresh (b INTEGER)`); err != nil {
			return err
		}
		if _, err := db.Exec(ctx, `INSERT INTO fresh (b) VALUES (?)`, 7); err != nil {
			return err
		}
		var b int
		if err := db.QueryRow(ctx, `SELECT b FROM fresh`).Scan(&b); err != nil || b != 7 {
			return fmt.Errorf("read back %d: %v", b, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
