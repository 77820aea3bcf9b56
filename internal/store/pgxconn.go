package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// ErrNoPgxConn is returned by PgxConn when the context's transaction was
// not begun by WithConnTx on PostgreSQL.
var ErrNoPgxConn = errors.New("store: no pgx connection in this context")

// WithConnTx is WithTx for a caller that needs the driver's own connection
// inside the transaction (PostgreSQL's COPY, through PgxConn): on
// PostgreSQL the transaction is begun on one connection held for it, so
// that its statements and PgxConn's are one transaction. On SQLite, or
// inside an outer transaction, it is WithTx.
func (db *DB) WithConnTx(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if db.Dialect != Postgres || InTx(ctx) {
		return db.WithTx(ctx, fn)
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: connection: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	return db.runTx(context.WithValue(ctx, connKey{}, conn), tx, fn)
}

type connKey struct{}

// PgxConn runs f with the pgx connection of ctx's transaction (begun by
// WithConnTx on PostgreSQL): what f runs there is part of the
// transaction. Without one it returns ErrNoPgxConn.
func PgxConn(ctx context.Context, f func(*pgx.Conn) error) error {
	conn, ok := ctx.Value(connKey{}).(*sql.Conn)
	if !ok || !InTx(ctx) {
		return ErrNoPgxConn
	}
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("%w (driver connection %T)", ErrNoPgxConn, dc)
		}
		return f(c.Conn())
	})
}
