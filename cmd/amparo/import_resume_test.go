package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/store"
)

// Issue 15 follow-up: `amparo import cases` had no way to go on from the
// line a stopped import gave. --resume-from N skips the rows before line
// N; a negative one is a usage error (exit 2) and imports nothing.
func TestImportCasesResumeFrom(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	csvPath := filepath.Join(dir, "cases.csv")
	csv := "given_names,surname1,sex,encountered_at\n" +
		"Ana,Skipped,F,2026-01-10T08:00Z\n" + // line 2
		"Bad,Row,X,2026-01-10T08:00Z\n" + // line 3: rejected if read
		"Luis,Kept,M,2026-01-10T09:00Z\n" + // line 4
		"Rosa,Kept,F,2026-01-10T10:00Z\n" // line 5
	if err := os.WriteFile(csvPath, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, stderr, code := amparo(t, "", "import", "cases", "--file", csvPath, "--resume-from", "-1", "--data", data); code != 2 || !strings.Contains(stderr, "--resume-from") {
		t.Fatalf("--resume-from -1: exit %d\n%s\n%s", code, out, stderr)
	}
	out, stderr, code := amparo(t, "", "import", "cases", "--file", csvPath, "--resume-from", "4", "--data", data)
	if code != 0 || !strings.Contains(out, "2 cases imported, 0 rows rejected") {
		t.Fatalf("--resume-from 4: exit %d\n%s\n%s", code, out, stderr)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(ctx, `SELECT surname1 FROM cases ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "Kept,Kept" {
		t.Fatalf("stored %v, want the rows of lines 4 and 5", got)
	}
}

// A large file that stops at a bad line keeps its committed chunks and
// says the command to go on with; run on the fixed file, it imports the
// rest and no row twice.
func TestImportCasesStoppedThenResumed(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	csvPath := filepath.Join(dir, "cases.csv")
	head := "given_names,surname1,encountered_at\n" + strings.Repeat("Ana,Chunk,2026-01-10T08:00Z\n", 5000) // lines 2-5001
	if err := os.WriteFile(csvPath, []byte(head+"Luis,\"Open,2026-01-10T08:00Z\nRosa,Tail,2026-01-10T08:00Z\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := amparo(t, "", "import", "cases", "--file", csvPath, "--data", data)
	if code != 1 || !strings.Contains(stderr, "--resume-from 5002") {
		t.Fatalf("bad line after a chunk: exit %d\n%s\n%s", code, out, stderr)
	}
	if err := os.WriteFile(csvPath, []byte(head+"Luis,Fixed,2026-01-10T08:00Z\nRosa,Tail,2026-01-10T08:00Z\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, stderr, code = amparo(t, "", "import", "cases", "--file", csvPath, "--resume-from", "5002", "--data", data)
	if code != 0 || !strings.Contains(out, "2 cases imported, 0 rows rejected") {
		t.Fatalf("resumed: exit %d\n%s\n%s", code, out, stderr)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var chunk, fixed, tail int
	if err := db.QueryRow(ctx, `SELECT SUM(CASE WHEN surname1 = 'Chunk' THEN 1 ELSE 0 END), SUM(CASE WHEN surname1 = 'Fixed' THEN 1 ELSE 0 END),
		SUM(CASE WHEN surname1 = 'Tail' THEN 1 ELSE 0 END) FROM cases`).Scan(&chunk, &fixed, &tail); err != nil {
		t.Fatal(err)
	}
	if chunk != 5000 || fixed != 1 || tail != 1 {
		t.Fatalf("stored %d Chunk, %d Fixed, %d Tail; want 5000, 1, 1", chunk, fixed, tail)
	}
}
