package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// domainOfMigration names the domain that owns the tables a migration
// creates, by the migration's number (see migrate.go).
func domainOfMigration(file string) string {
	n, err := strconv.Atoi(strings.SplitN(file, "_", 2)[0])
	if err != nil {
		return ""
	}
	switch n / 100 {
	case 0:
		return "foundation"
	case 1:
		return "children"
	case 2:
		return "tracing"
	case 3:
		return "indicators"
	case 4:
		return "aid"
	case 5:
		return "legal"
	}
	return ""
}

// domainPackages are the packages (paths from the module root, a trailing
// slash for a tree) that may name each domain's tables in SQL.
var domainPackages = map[string][]string{
	"foundation": {"internal/auth/", "internal/audit/", "internal/store/"},
	"children":   {"internal/children/"},
	"tracing":    {"internal/tracing/"},
	"indicators": {"internal/indicators/"},
	"aid":        {"internal/aid/"},
	"legal":      {"internal/legal/"},
}

func packageOwns(domain, pkg string) bool {
	for _, p := range domainPackages[domain] {
		if pkg == strings.TrimSuffix(p, "/") || (strings.HasSuffix(p, "/") && strings.HasPrefix(pkg, p)) {
			return true
		}
	}
	return false
}

var (
	createTable = regexp.MustCompile(`(?i)CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)`)
	// SQL keywords are written in capitals throughout, which keeps prose
	// ("read from cases") from counting as SQL.
	namesTable = regexp.MustCompile(`\b(?:FROM|JOIN|INTO|UPDATE|TABLE|EXISTS)\s+([a-z_][a-z0-9_]*)`)
)

// tableOwners reads every migration's CREATE TABLE.
func tableOwners(t *testing.T) map[string]string {
	t.Helper()
	owners := map[string]string{}
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		domain := domainOfMigration(e.Name())
		if domain == "" {
			t.Errorf("migration %s: its number names no domain (see migrate.go)", e.Name())
			continue
		}
		b, err := fs.ReadFile(migrationFiles, "migrations/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range createTable.FindAllStringSubmatch(string(b), -1) {
			owners[strings.ToLower(m[1])] = domain
		}
	}
	return owners
}

// sqlViolations lists, for the Go files (tests excluded) under root, each
// string literal that names in SQL a table whose domain does not own the
// file's package.
func sqlViolations(t *testing.T, root string, owners map[string]string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		pkg := filepath.ToSlash(filepath.Dir(rel))
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			for _, m := range namesTable.FindAllStringSubmatch(s, -1) {
				domain, known := owners[m[1]]
				if known && !packageOwns(domain, pkg) {
					out = append(out, rel+": names "+m[1]+" ("+domain+"'s table) in SQL")
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// TestTableOwnership keeps domains apart: a package names in SQL only the
// tables its own domain's migrations create; it reaches another domain's
// data through that domain's exported API.
func TestTableOwnership(t *testing.T) {
	owners := tableOwners(t)
	for _, want := range []string{"users", "cases", "tracing_requests", "ind_values"} {
		if owners[want] == "" {
			t.Fatalf("no migration creates %s: the ownership map is not being read", want)
		}
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found at %s: %v", root, err)
	}
	for _, v := range sqlViolations(t, root, owners) {
		t.Error(v)
	}
}

// TestTableOwnershipCatches checks the check on a package made for it.
func TestTableOwnershipCatches(t *testing.T) {
	root := t.TempDir()
	write := func(rel, src string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("internal/tracing/requests/x.go", "package requests\nconst q = `SELECT id FROM cases WHERE id > ?`\nconst own = \"SELECT 1 FROM tracing_requests\"\nconst prose = \"read from cases\"\n")
	write("internal/children/custody/y.go", "package custody\nconst q = \"UPDATE cases SET state = ?\"\n")
	write("internal/children/custody/y_test.go", "package custody\nconst q = \"SELECT 1 FROM users\"\n")
	write("internal/web/z.go", "package web\nconst q = \"INSERT INTO ind_values (x) VALUES (?)\"\n")
	owners := map[string]string{"cases": "children", "tracing_requests": "tracing", "ind_values": "indicators", "users": "foundation"}
	got := strings.Join(sqlViolations(t, root, owners), "\n")
	want := "internal/tracing/requests/x.go: names cases (children's table) in SQL\ninternal/web/z.go: names ind_values (indicators's table) in SQL"
	if got != want {
		t.Errorf("violations:\n%s\nwant:\n%s", got, want)
	}
}
