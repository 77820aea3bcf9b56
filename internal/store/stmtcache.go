package store

import (
	"container/list"
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps SQLite's prepared statements, so that a query is parsed
// once per connection rather than at every call: under load, parsing was
// a fifth of the server's CPU, most of it inside a write transaction,
// where it made every other writer wait. PostgreSQL needs none: pgx caches
// the statements it prepares on each connection.
//
// It is bounded (least recently used out), because some queries are built
// from their input (an IN list, a search's words).
type stmtCache struct {
	mu    sync.Mutex
	max   int
	byKey map[string]*list.Element
	lru   *list.List // of *cachedStmt, most recent first
}

type cachedStmt struct {
	query   string
	stmt    *sql.Stmt
	users   int  // callers between get and release; under stmtCache.mu
	evicted bool // out of the cache: closed by the last user
}

// stmtCacheSize is how many distinct statements are kept: Amparo runs a
// few hundred distinct queries; each kept one costs a prepared statement
// on each connection that ran it.
const stmtCacheSize = 400

func newStmtCache(max int) *stmtCache {
	return &stmtCache{max: max, byKey: map[string]*list.Element{}, lru: list.New()}
}

// get returns the statement prepared for query on pool, preparing it the
// first time. database/sql prepares it again on each connection that runs
// it, and keeps it there. The caller calls release once it has started
// the statement (rows still open keep it alive in database/sql).
func (c *stmtCache) get(ctx context.Context, pool *sql.DB, query string) (*cachedStmt, error) {
	c.mu.Lock()
	if e, ok := c.byKey[query]; ok {
		c.lru.MoveToFront(e)
		cs := e.Value.(*cachedStmt)
		cs.users++
		c.mu.Unlock()
		return cs, nil
	}
	c.mu.Unlock()
	// Prepared outside the lock: it may wait for a connection.
	st, err := pool.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[query]; ok { // prepared meanwhile by another caller
		st.Close()
		c.lru.MoveToFront(e)
		cs := e.Value.(*cachedStmt)
		cs.users++
		return cs, nil
	}
	cs := &cachedStmt{query: query, stmt: st, users: 1}
	c.byKey[query] = c.lru.PushFront(cs)
	for c.lru.Len() > c.max {
		old := c.lru.Remove(c.lru.Back()).(*cachedStmt)
		delete(c.byKey, old.query)
		old.evicted = true
		if old.users == 0 {
			old.stmt.Close()
		}
	}
	return cs, nil
}

// release ends one use of cs; an evicted statement is closed by its last
// user, never under another's feet.
func (c *stmtCache) release(cs *cachedStmt) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cs.users--
	if cs.evicted && cs.users == 0 {
		cs.stmt.Close()
	}
}

// close closes every kept statement.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for e := c.lru.Front(); e != nil; e = e.Next() {
		cs := e.Value.(*cachedStmt)
		cs.evicted = true
		if cs.users == 0 {
			cs.stmt.Close()
		}
	}
	c.byKey = map[string]*list.Element{}
	c.lru.Init()
}
