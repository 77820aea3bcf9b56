package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestChildrenCommands(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	csvPath := filepath.Join(dir, "cases.csv")
	csv := "given_names,surname1,sex,birth_date,nationality,encountered_at\n" +
		"Ana,Tiul,F,2012-01-01,Guatemala,2026-01-10T08:00Z\n" +
		"Bad,Row,X,2012-01-01,Honduras,2026-01-10T08:00Z\n" +
		"Luis,Pérez,M,2013-05-05,Mexico,2026-01-10T09:00-06:00\n"
	if err := os.WriteFile(csvPath, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	errorsPath := filepath.Join(dir, "errors.csv")
	out, stderr, code := amparo(t, "", "import", "cases", "--file", csvPath, "--errors", errorsPath, "--data", data)
	if code != 0 || !strings.Contains(out, "2 cases imported, 1 rows rejected") || !strings.Contains(out, "line 3: sex:") {
		t.Fatalf("import: code %d\n%s\n%s", code, out, stderr)
	}
	report, err := os.ReadFile(errorsPath)
	if err != nil || !strings.Contains(string(report), "3,sex,") {
		t.Errorf("error report %q %v", report, err)
	}
	if _, _, code := amparo(t, "", "import", "parcels", "--file", csvPath, "--data", data); code != 2 {
		t.Errorf("unknown import kind: exit %d, want 2", code)
	}

	out, stderr, code = amparo(t, "", "facilities", "add", "--name", "Casa Prueba", "--type", "shelter", "--tz", "America/Chicago",
		"--beds", "F:13-17:5,M:0-12:3", "--data", data)
	if code != 0 || !strings.Contains(out, "Casa Prueba") {
		t.Fatalf("facilities add: %d %s %s", code, out, stderr)
	}
	if _, stderr, code := amparo(t, "", "users", "add", "--email", "cw@example.org", "--role", "caseworker", "--data", data); code != 0 {
		t.Fatalf("users add: %s", stderr)
	}
	out, stderr, code = amparo(t, "", "facilities", "assign", "--email", "cw@example.org", "--facility", "Casa Prueba", "--data", data)
	if code != 0 || !strings.Contains(out, "assigned") {
		t.Fatalf("assign: %d %s %s", code, out, stderr)
	}
	out, _, code = amparo(t, "", "facilities", "list", "--data", data)
	if code != 0 || !strings.Contains(out, "Casa Prueba") || !strings.Contains(out, "8") {
		t.Errorf("list: %s", out)
	}
}

func TestDemoCommand(t *testing.T) {
	data := t.TempDir()
	out, stderr, code := amparo(t, "", "demo", "--data", data)
	if code != 0 || !strings.Contains(out, "caseworker@demo.amparo.example") {
		t.Fatalf("demo: %d\n%s\n%s", code, out, stderr)
	}
	out, _, code = amparo(t, "", "facilities", "list", "--data", data)
	if code != 0 || strings.Count(out, "\n") != 21 { // header and 20 facilities
		t.Errorf("demo facilities:\n%s", out)
	}
}

// Issue 15: an open quote made `amparo import cases` print a stack trace.
func TestImportCasesBadQuote(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "cases.csv")
	csv := "given_names,surname1,encountered_at\nAna,Tiul,2026-01-10T08:00Z\nLuis,\"Pérez,2026-01-10T08:00Z\n"
	if err := os.WriteFile(csvPath, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := amparo(t, "", "import", "cases", "--file", csvPath, "--data", filepath.Join(dir, "data"))
	if code != 1 || strings.Contains(stderr, "panic") || !strings.Contains(stderr, "line 3") || !strings.Contains(stderr, "nothing was imported") {
		t.Errorf("code %d\n%s\n%s", code, out, stderr)
	}
}

// A report path that cannot be written, a missing file and a directory
// are refused with one line naming the path, and nothing is imported: the
// report's path was tried only after the rows had been committed.
func TestImportCasesRefusedPaths(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	csvPath := filepath.Join(dir, "cases.csv")
	if err := os.WriteFile(csvPath, []byte("given_names,surname1,encountered_at\nAna,Tiul,2026-01-10T08:00Z\nBad,Row,never\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "cases", "--file", csvPath, "--errors", filepath.Join(dir, "no", "such", "dir", "e.csv")}, "write error report: open " + dir},
		{[]string{"import", "cases", "--file", csvPath, "--errors", dir}, "is a directory"},
		{[]string{"import", "cases", "--file", filepath.Join(dir, "missing.csv")}, "open " + filepath.Join(dir, "missing.csv") + ": no such file"},
		{[]string{"import", "cases", "--file", dir}, dir + " is a directory, not a file"},
		{[]string{"indicators", "import", "--file", dir}, dir + " is a directory, not a file"},
		{[]string{"legal", "providers", "import", "--file", dir}, dir + " is a directory, not a file"},
		{[]string{"aid", "import-iati", "--file", dir}, dir + " is a directory, not a file"},
	} {
		_, stderr, code := amparo(t, "", append(c.args, "--data", data)...)
		if code != 1 || !strings.Contains(stderr, c.want) || strings.Count(stderr, "open ") > 1 || strings.Contains(stderr, "goroutine") {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 and %q", c.args, code, stderr, c.want)
		}
	}
	db, err := (&storeFlags{data: data}).open(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(t.Context(), `SELECT COUNT(*) FROM cases`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d cases stored by refused imports (%v)", n, err)
	}
}
