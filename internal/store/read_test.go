package store_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"

	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestReadBesideWriter: a read through Read runs while a writer holds the
// write gate, and sees what was committed before that writer.
func TestReadBesideWriter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.SetMeta(ctx, "k", "before"); err != nil {
			t.Fatal(err)
		}
		holding, release := make(chan struct{}), make(chan struct{})
		done := make(chan error, 1)
		go func() {
			done <- db.WithTx(ctx, func(ctx context.Context) error {
				_, err := db.Exec(ctx, `UPDATE meta SET value = 'during' WHERE key = 'k'`)
				close(holding)
				<-release
				return err
			})
		}()
		<-holding
		var v string
		err := db.Read(ctx, func(ctx context.Context) error {
			return db.QueryRow(ctx, `SELECT value FROM meta WHERE key = 'k'`).Scan(&v)
		})
		close(release)
		if err != nil || v != "before" {
			t.Fatalf("read beside the writer: %q, %v; want the committed value", v, err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

// TestReadBounded: on SQLite no more than GOMAXPROCS reads run at once;
// a read waiting for its turn leaves when its context ends, without
// running; inside a transaction a read needs no turn.
func TestReadBounded(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	limit := runtime.GOMAXPROCS(0)
	var mu sync.Mutex
	running, most := 0, 0
	var wg sync.WaitGroup
	for range 4 * limit {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = db.Read(ctx, func(ctx context.Context) error {
				mu.Lock()
				running++
				most = max(most, running)
				mu.Unlock()
				var n int
				err := db.QueryRow(ctx, `SELECT COUNT(*) FROM meta`).Scan(&n)
				mu.Lock()
				running--
				mu.Unlock()
				return err
			})
		}()
	}
	wg.Wait()
	if most > limit {
		t.Fatalf("%d reads ran at once, want at most %d", most, limit)
	}

	// Fill every turn, then ask for one more with a cancelled context.
	started, release := make(chan struct{}), make(chan struct{})
	for range limit {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = db.Read(ctx, func(ctx context.Context) error {
				started <- struct{}{}
				<-release
				return nil
			})
		}()
	}
	for range limit {
		<-started
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	ran := false
	if err := db.Read(cctx, func(context.Context) error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
		t.Errorf("read with every turn taken and its context ended: err %v, ran %v", err, ran)
	}
	err := db.WithTx(ctx, func(ctx context.Context) error {
		return db.Read(ctx, func(context.Context) error { ran = true; return nil })
	})
	if err != nil || !ran {
		t.Errorf("read inside a transaction with every turn taken: err %v, ran %v", err, ran)
	}
	close(release)
	wg.Wait()
}
