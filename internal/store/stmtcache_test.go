package store

import "testing"

func TestCacheable(t *testing.T) {
	for q, want := range map[string]bool{
		"SELECT 1":                       true,
		"  select * from t":              true,
		"\n\t\tINSERT INTO t VALUES (1)": true,
		"UPDATE t SET a = 1":             true,
		"DELETE FROM t":                  true,
		"WITH x AS (SELECT 1) SELECT *":  true,
		"(SELECT 1) UNION (SELECT 2)":    true,
		"SELECT\t1":                      true,
		"PRAGMA cache_size = -2000":      false,
		"CREATE INDEX i ON t (a)":        false,
		"DROP INDEX i":                   false,
		"SAVEPOINT s":                    false,
		"ROLLBACK TO SAVEPOINT s":        false,
		"VACUUM INTO '/tmp/x'":           false,
		"":                               false,
		"SELECTED":                       false,
	} {
		if got := cacheable(q); got != want {
			t.Errorf("cacheable(%q) = %v, want %v", q, got, want)
		}
	}
}
