package children

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
)

// Store is the children domain's data access. Every method that reads a
// child's record checks the caller's scope and writes an audit row in the
// same transaction.
type Store struct {
	DB *store.DB
	// Now is the clock; tests and the demo generator replace it.
	Now func() time.Time
}

// New returns a Store on db using the wall clock.
func New(db *store.DB) *Store { return &Store{DB: db, Now: time.Now} }

func (s *Store) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// actorName is how the timeline names who acted.
func actorName(ctx context.Context) string { return audit.ActorFrom(ctx).Email }

// OperatorRole is the audit role of command-line operators.
const OperatorRole = auth.OperatorRole

// require checks that the acting principal (an operator at the command
// line acts as admin) holds perm.
func require(ctx context.Context, perm auth.Permission) (auth.Principal, error) {
	return auth.Require(ctx, perm)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func nullBool(b *bool) any {
	if b == nil {
		return nil
	}
	return b2i(*b)
}

func joinList(l []string) string { return strings.Join(l, "|") }

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "|")
}

func ptrBool(n sql.NullInt64) *bool {
	if !n.Valid {
		return nil
	}
	b := n.Int64 != 0
	return &b
}

func ptrInt(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

func ptrString(n sql.NullString) *string {
	if !n.Valid {
		return nil
	}
	v := n.String
	return &v
}

func ptrTime(t store.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	v := t.Time
	return &v
}
