// Package conv holds the small conversions between Go values and the
// columns of the children domain's tables that custody, facilities,
// release and the demo seeder share.
package conv

import (
	"database/sql"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/store"
)

// B2I stores a bool as 0 or 1 (both engines).
func B2I(b bool) int {
	if b {
		return 1
	}
	return 0
}

// NullBool stores an unknown (nil) bool as NULL.
func NullBool(b *bool) any {
	if b == nil {
		return nil
	}
	return B2I(*b)
}

// JoinList stores a list as one "|"-separated column.
func JoinList(l []string) string { return strings.Join(l, "|") }

// SplitList reads a list stored by JoinList.
func SplitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "|")
}

// CleanList trims the items, drops empty ones and case-insensitive
// duplicates.
func CleanList(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" || seen[strings.ToLower(s)] {
			continue
		}
		seen[strings.ToLower(s)] = true
		out = append(out, s)
	}
	return out
}

// PtrBool reads a nullable 0/1 column.
func PtrBool(n sql.NullInt64) *bool {
	if !n.Valid {
		return nil
	}
	b := n.Int64 != 0
	return &b
}

// PtrInt reads a nullable integer column.
func PtrInt(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

// PtrString reads a nullable text column.
func PtrString(n sql.NullString) *string {
	if !n.Valid {
		return nil
	}
	v := n.String
	return &v
}

// PtrTime reads a nullable time column.
func PtrTime(t store.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	v := t.Time
	return &v
}

// Placeholders returns "?,?,…" for n values and the ids as arguments.
func Placeholders(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?,", len(ids)), ","), args
}
