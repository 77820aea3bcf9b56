// Package audit keeps the append-only, hash-chained record of who did what
// to which record. Every read and write of a child's case, every login and
// every account change goes through Log, inside the same transaction as the
// change it records.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/amparo-project/amparo/internal/store"
)

// Actor is who acts, as the audit log names them.
type Actor struct {
	Email string
	Role  string
}

type actorKey struct{}
type requestIDKey struct{}

// WithActor returns ctx acting as a. auth.NewContext calls it; commands run
// by operators use an "operator" actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or "anonymous".
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Email: "anonymous", Role: "none"}
}

// WithRequestID tags ctx with the HTTP request (or CLI run) id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id in ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// Event is what a caller records.
type Event struct {
	Action     string // e.g. "login", "login.failed", "user.create", "case.read"
	ObjectType string // e.g. "user", "case"
	ObjectID   string
	Detail     string // short, human-readable; never a child's name or other record content
	// Actor overrides the context's actor (a failed login names the email tried).
	Actor *Actor
}

// Entry is one stored row.
type Entry struct {
	ID         int64  `json:"id"`
	At         string `json:"at"`
	Actor      string `json:"actor"`
	Role       string `json:"role"`
	Action     string `json:"action"`
	ObjectType string `json:"object_type"`
	ObjectID   string `json:"object_id"`
	RequestID  string `json:"request_id"`
	Detail     string `json:"detail"`
	PrevHash   string `json:"prev_hash"`
	Hash       string `json:"hash"`
}

// hashOf is the chain's hash: SHA-256 over the row's fields and the
// previous hash, in a fixed JSON encoding (struct field order).
func hashOf(e Entry) string {
	e.Hash = ""
	b, _ := json.Marshal(e) // a struct of strings and an int cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// now is replaced in tests.
var now = time.Now

// Log appends ev. Call it inside the transaction of the change it records
// so that both commit or neither does.
func Log(ctx context.Context, db *store.DB, ev Event) error {
	actor := ActorFrom(ctx)
	if ev.Actor != nil {
		actor = *ev.Actor
	}
	return db.WithTx(ctx, func(ctx context.Context) error {
		// Bumping the head first serialises appenders: on PostgreSQL the
		// UPDATE holds the row lock until commit.
		var id int64
		var prev string
		err := db.QueryRow(ctx, `UPDATE audit_head SET last_id = last_id + 1 WHERE id = 1 RETURNING last_id, last_hash`).Scan(&id, &prev)
		if err != nil {
			return fmt.Errorf("audit: advance head: %w", err)
		}
		e := Entry{
			ID: id, At: store.FormatTime(now()), Actor: actor.Email, Role: actor.Role,
			Action: ev.Action, ObjectType: ev.ObjectType, ObjectID: ev.ObjectID,
			RequestID: RequestID(ctx), Detail: ev.Detail, PrevHash: prev,
		}
		e.Hash = hashOf(e)
		if _, err := db.Exec(ctx, `INSERT INTO audit_log (id, at, actor, role, action, object_type, object_id, request_id, detail, prev_hash, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.ID, e.At, e.Actor, e.Role, e.Action, e.ObjectType, e.ObjectID, e.RequestID, e.Detail, e.PrevHash, e.Hash); err != nil {
			return fmt.Errorf("audit: append: %w", err)
		}
		if _, err := db.Exec(ctx, `UPDATE audit_head SET last_hash = ? WHERE id = 1`, e.Hash); err != nil {
			return fmt.Errorf("audit: update head: %w", err)
		}
		return nil
	})
}

// Filter narrows List.
type Filter struct {
	Actor      string
	Action     string
	ObjectType string
	ObjectID   string
	Since      time.Time
	Until      time.Time
	BeforeID   int64 // for paging: rows with id < BeforeID
	Limit      int   // default 100, at most 1000
}

// List returns matching rows, newest first.
func List(ctx context.Context, db *store.DB, f Filter) ([]Entry, error) {
	q := `SELECT id, at, actor, role, action, object_type, object_id, request_id, detail, prev_hash, hash FROM audit_log WHERE 1=1`
	var args []any
	add := func(cond string, v any) { q += " AND " + cond; args = append(args, v) }
	if f.Actor != "" {
		add("actor = ?", f.Actor)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.ObjectType != "" {
		add("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		add("object_id = ?", f.ObjectID)
	}
	if !f.Since.IsZero() {
		add("at >= ?", store.FormatTime(f.Since))
	}
	if !f.Until.IsZero() {
		add("at < ?", store.FormatTime(f.Until))
	}
	if f.BeforeID > 0 {
		add("id < ?", f.BeforeID)
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	if f.Limit > 1000 {
		f.Limit = 1000
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Role, &e.Action, &e.ObjectType, &e.ObjectID, &e.RequestID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return nil, fmt.Errorf("audit: list: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	return out, nil
}

// BrokenError names the first row where the chain does not hold.
type BrokenError struct {
	ID     int64
	Reason string
}

func (e *BrokenError) Error() string {
	return fmt.Sprintf("audit chain broken at row %d: %s", e.ID, e.Reason)
}

// Verify walks the whole chain and returns the number of rows checked, or
// a *BrokenError naming the first bad row.
func Verify(ctx context.Context, db *store.DB) (int64, error) {
	rows, err := db.Query(ctx, `SELECT id, at, actor, role, action, object_type, object_id, request_id, detail, prev_hash, hash FROM audit_log ORDER BY id`)
	if err != nil {
		return 0, fmt.Errorf("audit: verify: %w", err)
	}
	defer rows.Close()
	var n, lastID int64
	prev := ""
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &e.Role, &e.Action, &e.ObjectType, &e.ObjectID, &e.RequestID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return n, &BrokenError{ID: lastID + 1, Reason: "unreadable row: " + err.Error()}
		}
		switch {
		case e.ID != lastID+1:
			return n, &BrokenError{ID: lastID + 1, Reason: fmt.Sprintf("row missing (next row present is %d)", e.ID)}
		case e.PrevHash != prev:
			return n, &BrokenError{ID: e.ID, Reason: "previous-hash link does not match the row before"}
		case hashOf(e) != e.Hash:
			return n, &BrokenError{ID: e.ID, Reason: "content does not match its hash"}
		}
		prev, lastID = e.Hash, e.ID
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("audit: verify: %w", err)
	}
	var headID int64
	var headHash string
	if err := db.QueryRow(ctx, `SELECT last_id, last_hash FROM audit_head WHERE id = 1`).Scan(&headID, &headHash); err != nil {
		return n, fmt.Errorf("audit: verify: read head: %w", err)
	}
	if headID != lastID || headHash != prev {
		return n, &BrokenError{ID: lastID + 1, Reason: fmt.Sprintf("the chain head (row %d) does not match the last row (%d): rows were removed or the head was edited", headID, lastID)}
	}
	return n, nil
}
