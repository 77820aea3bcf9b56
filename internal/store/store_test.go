package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestRebind(t *testing.T) {
	pg := &store.DB{Dialect: store.Postgres}
	sq := &store.DB{Dialect: store.SQLite}
	tests := []struct{ in, pg, sqlite string }{
		{"SELECT 1", "SELECT 1", "SELECT 1"},
		{"a = ? AND b = ?", "a = $1 AND b = $2", "a = ? AND b = ?"},
		{"x = '?' AND y = ?", "x = '?' AND y = $1", "x = '?' AND y = ?"},
	}
	for _, tt := range tests {
		if got := pg.Rebind(tt.in); got != tt.pg {
			t.Errorf("postgres Rebind(%q) = %q, want %q", tt.in, got, tt.pg)
		}
		if got := sq.Rebind(tt.in); got != tt.sqlite {
			t.Errorf("sqlite Rebind(%q) = %q, want %q", tt.in, got, tt.sqlite)
		}
	}
}

func TestTimeRoundTrip(t *testing.T) {
	in := time.Date(2014, 6, 1, 13, 4, 5, 123456000, time.FixedZone("CST", -6*3600))
	s := store.FormatTime(in)
	if s != "2014-06-01T19:04:05.123456Z" {
		t.Fatalf("FormatTime = %q", s)
	}
	out, err := store.ParseTime(s)
	if err != nil || !out.Equal(in) {
		t.Fatalf("ParseTime = %v, %v", out, err)
	}
}

func TestEngines(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := store.FormatTime(time.Now())
		var id int64
		err := db.QueryRow(ctx, `INSERT INTO users (email, role, password_hash, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, "a@example.org", "admin", "x", now, now).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.Exec(ctx, `INSERT INTO users (email, role, password_hash, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?)`, "a@example.org", "admin", "x", now, now)
		if !store.IsUniqueViolation(err) {
			t.Fatalf("duplicate email: got %v, want a unique violation", err)
		}

		// A failed transaction leaves nothing behind; nested WithTx joins the outer one.
		boom := errors.New("boom")
		err = db.WithTx(ctx, func(ctx context.Context) error {
			return db.WithTx(ctx, func(ctx context.Context) error {
				if _, err := db.Exec(ctx, `UPDATE users SET role = ? WHERE id = ?`, "public", id); err != nil {
					return err
				}
				return boom
			})
		})
		if !errors.Is(err, boom) {
			t.Fatalf("WithTx error = %v", err)
		}
		var role string
		if err := db.QueryRow(ctx, `SELECT role FROM users WHERE id = ?`, id).Scan(&role); err != nil || role != "admin" {
			t.Fatalf("after rollback role = %q, %v", role, err)
		}

		// The audit log refuses changes at the database level.
		if _, err := db.Exec(ctx, `INSERT INTO audit_log (id, at, actor, role, action, object_type, object_id, request_id, detail, prev_hash, hash)
			VALUES (1, ?, 'a', 'admin', 'x', 'x', '1', 'r', '', '', 'h')`, now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE audit_log SET actor = 'b'`); err == nil {
			t.Fatal("UPDATE of audit_log succeeded; want refusal")
		}
		if _, err := db.Exec(ctx, `DELETE FROM audit_log`); err == nil {
			t.Fatal("DELETE from audit_log succeeded; want refusal")
		}

		var ts store.Time
		if err := db.QueryRow(ctx, `SELECT created_at FROM users WHERE id = ?`, id).Scan(&ts); err != nil || store.FormatTime(ts.Time) != now {
			t.Fatalf("scan Time = %v, %v", ts, err)
		}
	})
}

// Two processes opening one new SQLite file at once (the server and an
// operator's command) both migrate it: one failed with "table meta
// already exists", as goose takes no lock on SQLite. Two handles in one
// process stand for them: each has its own pool and its own lock file
// descriptor.
func TestConcurrentMigrateSQLite(t *testing.T) {
	for run := range 5 {
		path := filepath.Join(t.TempDir(), store.SQLiteFile)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db, err := store.OpenSQLiteFile(t.Context(), path)
				if err != nil {
					errs[i] = err
					return
				}
				defer db.Close()
				errs[i] = db.Migrate(t.Context())
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("run %d, migration %d: %v", run, i, err)
			}
		}
	}
}
