//go:build !unix

package store

// lockMigrations takes no lock where flock(2) is not available: two
// processes migrating one new SQLite file at once may still collide there
// (one of them fails; run it again).
func lockMigrations(string) (func(), error) { return func() {}, nil }
