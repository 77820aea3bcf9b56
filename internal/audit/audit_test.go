package audit_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func actorCtx() context.Context {
	ctx := audit.WithActor(context.Background(), audit.Actor{Email: "ana@example.org", Role: "caseworker"})
	return audit.WithRequestID(ctx, "req-1")
}

func TestChainConcurrentAppends(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := actorCtx()
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				errs <- audit.Log(ctx, db, audit.Event{Action: "case.read", ObjectType: "case", ObjectID: fmt.Sprint(i)})
			}(i)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		n, err := audit.Verify(ctx, db)
		if err != nil || n != 40 {
			t.Fatalf("Verify = %d, %v; want 40 intact rows", n, err)
		}
		entries, err := audit.List(ctx, db, audit.Filter{Actor: "ana@example.org", Limit: 5})
		if err != nil || len(entries) != 5 || entries[0].ID != 40 || entries[0].RequestID != "req-1" || entries[0].Role != "caseworker" {
			t.Fatalf("List = %+v, %v", entries, err)
		}
	})
}

func TestLogRollsBackWithItsTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := actorCtx()
		boom := errors.New("boom")
		err := db.WithTx(ctx, func(ctx context.Context) error {
			if err := audit.Log(ctx, db, audit.Event{Action: "case.update", ObjectType: "case", ObjectID: "1"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if err := audit.Log(ctx, db, audit.Event{Action: "case.read", ObjectType: "case", ObjectID: "1"}); err != nil {
			t.Fatal(err)
		}
		if n, err := audit.Verify(ctx, db); err != nil || n != 1 {
			t.Fatalf("Verify = %d, %v; want one intact row (the rolled-back one left no trace)", n, err)
		}
	})
}

// TestVerifyFindsTampering edits rows behind the triggers' back (as someone
// with the database file would) and expects Verify to name the row.
func TestVerifyFindsTampering(t *testing.T) {
	tests := []struct {
		name   string
		sql    string
		wantID int64
	}{
		{"actor changed", `UPDATE audit_log SET actor = 'someone@else.org' WHERE id = 3`, 3},
		{"detail changed", `UPDATE audit_log SET detail = 'x' WHERE id = 2`, 2},
		{"time changed", `UPDATE audit_log SET at = '2020-01-01T00:00:00.000000Z' WHERE id = 4`, 4},
		{"hash recomputed elsewhere", `UPDATE audit_log SET hash = 'abc' WHERE id = 1`, 1},
		{"row removed", `DELETE FROM audit_log WHERE id = 3`, 3},
		{"last row removed", `DELETE FROM audit_log WHERE id = 5`, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := storetest.OpenSQLite(t)
			ctx := actorCtx()
			for i := 1; i <= 5; i++ {
				if err := audit.Log(ctx, db, audit.Event{Action: "case.read", ObjectType: "case", ObjectID: fmt.Sprint(i), Detail: "d"}); err != nil {
					t.Fatal(err)
				}
			}
			for _, q := range []string{`DROP TRIGGER audit_log_no_update`, `DROP TRIGGER audit_log_no_delete`, tt.sql} {
				if _, err := db.Exec(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			_, err := audit.Verify(ctx, db)
			var broken *audit.BrokenError
			if !errors.As(err, &broken) || broken.ID != tt.wantID {
				t.Fatalf("Verify error = %v, want broken at row %d", err, tt.wantID)
			}
		})
	}
}
