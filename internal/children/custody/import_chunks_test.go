package custody

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// chunkCSV is a header and n valid rows, row i (0-based) on line i+2 with
// the surname "<prefix><i>".
func chunkCSV(prefix string, n int) []string {
	lines := []string{"given_names,surname1,encountered_at"}
	for i := range n {
		lines = append(lines, fmt.Sprintf("Ana,%s%d,2026-03-01T09:00Z", prefix, i))
	}
	return lines
}

func join(lines []string) string { return strings.Join(lines, "\n") + "\n" }

// countChunkCases counts the imported cases named Chunk<i>, and fails on
// one imported twice.
func countChunkCases(t *testing.T, db *store.DB) int {
	t.Helper()
	var n, distinct int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*), COUNT(DISTINCT surname1) FROM cases WHERE surname1 LIKE 'Chunk%'`).Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n != distinct {
		t.Fatalf("%d cases for %d names: a row was imported twice", n, distinct)
	}
	return n
}

// Issue 15: a large import held the write lock for minutes. A file larger
// than a chunk commits chunk by chunk; one that stops part way keeps its
// committed chunks and says where to resume; resuming imports every other
// row exactly once. A file of at most one chunk stays all or nothing.
func TestImportChunks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		const chunk = 10

		t.Run("exactly one chunk is one transaction", func(t *testing.T) {
			lines := chunkCSV("One", chunk)
			res, err := f.s.ImportCasesWith(admin, strings.NewReader(join(lines)), ImportOptions{ChunkRows: chunk})
			if err != nil || res.Imported != chunk || res.Chunks != 1 || res.ResumeFrom != 0 {
				t.Fatalf("%+v %v", res, err)
			}
			// A bad line within the first chunk: nothing is imported.
			lines[5] = `Ana,"One4,2026-03-01T09:00Z`
			res, err = f.s.ImportCasesWith(admin, strings.NewReader(join(lines)), ImportOptions{ChunkRows: chunk})
			if err != nil || res.Imported != 0 || res.Chunks != 0 || res.ResumeFrom != 0 || !strings.HasSuffix(res.Aborted, "nothing was imported") {
				t.Fatalf("%+v %v", res, err)
			}
		})

		// 35 rows (lines 2-36) with a quote left open on line 33 (row
		// 31): three full chunks (rows 0-29, lines 2-31) commit; the
		// fourth starts with row 30 on line 32 and meets the bad line, so
		// it rolls back and the import resumes from line 32.
		lines := chunkCSV("Chunk", 35)
		bad := append([]string{}, lines...)
		bad[32] = `Ana,"Chunk31,2026-03-01T09:00Z`
		var committed []int
		res, err := f.s.ImportCasesWith(admin, strings.NewReader(join(bad)), ImportOptions{ChunkRows: chunk,
			Committed: func(imported, resume int) { committed = append(committed, imported, resume) }})
		if err != nil {
			t.Fatal(err)
		}
		before := countChunkCases(t, db)
		if res.Chunks != 3 || res.Imported != 30 || res.ResumeFrom != 32 || !strings.Contains(res.Aborted, "from line 32") {
			t.Fatalf("stopped import: %+v", res)
		}
		if before != 30 {
			t.Fatalf("stored %d cases, the result says %d", before, res.Imported)
		}
		if fmt.Sprint(committed) != "[10 12 20 22 30 32]" {
			t.Errorf("commit reports %v", committed)
		}

		// Fixed, the file is imported again from the line given: the rows
		// after it are imported, none twice.
		res, err = f.s.ImportCasesWith(admin, strings.NewReader(join(lines)), ImportOptions{ChunkRows: chunk, ResumeFrom: res.ResumeFrom})
		if err != nil || res.Imported != 5 || res.Aborted != "" || res.Chunks != 1 {
			t.Fatalf("resumed import: %+v %v", res, err)
		}
		if n := countChunkCases(t, db); n != 35 {
			t.Fatalf("after resuming: %d cases, want 35", n)
		}

		// Each chunk has its audit row; the chain holds.
		entries, err := audit.List(admin, db, audit.Filter{Action: "case.import", Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		chunks := 0
		for _, e := range entries {
			if strings.HasPrefix(e.Detail, "chunk ") {
				chunks++
			}
		}
		if chunks != 3 {
			t.Errorf("%d chunk audit rows, want 3: %+v", chunks, entries)
		}
		if _, err := audit.Verify(context.Background(), db); err != nil {
			t.Fatal(err)
		}
	})
}

// A failure that is not the file's (here the request's end) after some
// chunks have committed is an *ImportStoppedError saying what stays and
// where to resume.
func TestImportStoppedError(t *testing.T) {
	db := storetest.OpenSQLite(t)
	f := newFixture(t, db)
	admin, _ := f.user("admin@example.org", auth.RoleAdmin)
	ctx, cancel := context.WithCancel(admin)
	defer cancel()
	res, err := f.s.ImportCasesWith(ctx, strings.NewReader(join(chunkCSV("Chunk", 25))), ImportOptions{ChunkRows: 10,
		Committed: func(imported, resume int) {
			if imported == 10 {
				cancel() // the second chunk fails
			}
		}})
	var stopped *ImportStoppedError
	if !errors.As(err, &stopped) || stopped.Imported != 10 || stopped.ResumeFrom != 12 || res != nil {
		t.Fatalf("got %+v, %v", res, err)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("the cause is lost: %v", err)
	}
	if n := countChunkCases(t, db); n != 10 {
		t.Fatalf("%d cases stored, want the first chunk's 10", n)
	}
}
