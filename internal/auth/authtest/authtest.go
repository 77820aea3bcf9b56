// Package authtest makes accounts for other packages' tests quickly: a row
// in users with a placeholder hash (no password can sign in with it), and
// a context acting as the account.
package authtest

import (
	"context"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
)

// User creates the account email with role (or, if it exists, gives it
// role) and returns a context acting as it, and its id. Hashing a real
// password would cost tens of milliseconds per account.
func User(tb testing.TB, db *store.DB, email string, role auth.Role) (context.Context, int64) {
	tb.Helper()
	var id int64
	ts := store.FormatTime(time.Now())
	if err := db.QueryRow(context.Background(), `INSERT INTO users (email, role, password_hash, created_at, updated_at) VALUES (?, ?, 'x', ?, ?)
		ON CONFLICT (email) DO UPDATE SET role = excluded.role RETURNING id`, email, string(role), ts, ts).Scan(&id); err != nil {
		tb.Fatalf("authtest: user %s: %v", email, err)
	}
	return auth.NewContext(context.Background(), auth.Principal{UserID: id, Email: email, Role: role}), id
}
