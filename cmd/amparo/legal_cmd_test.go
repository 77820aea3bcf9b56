package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLegalProvidersImport: "amparo legal providers import" reports each
// rejected row with its line and imports the others; "amparo import
// providers" still works; a missing or unknown subcommand is a usage error.
func TestLegalProvidersImport(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.csv", "organisation,languages,states,specialties,capacity\nDefensa Niñez,Spanish;Mam,TX,asylum;sijs,12\nBad State,Spanish,Texas,asylum,3\n")
	out, stderr, code := amparo(t, "", "legal", "providers", "import", "--file", a, "--data", data)
	if code != 0 || !strings.Contains(out, "1 providers imported, 1 rows rejected") || !strings.Contains(out, "line 3: states:") {
		t.Fatalf("legal providers import: %d\n%s\n%s", code, out, stderr)
	}
	b := write("b.csv", "organisation,languages,states,specialties,capacity\nKids Counsel,Spanish,CA,t_visa,5\n")
	if out, stderr, code = amparo(t, "", "import", "providers", "--file", b, "--data", data); code != 0 || !strings.Contains(out, "1 providers imported, 0 rows rejected") {
		t.Fatalf("import providers alias: %d\n%s\n%s", code, out, stderr)
	}
	if _, _, code = amparo(t, "", "legal", "providers", "import", "--data", data); code != 2 {
		t.Errorf("no --file: exit %d, want 2", code)
	}
	if _, _, code = amparo(t, "", "legal"); code != 2 {
		t.Errorf("no subcommand: exit %d, want 2", code)
	}
	if _, _, code = amparo(t, "", "legal", "lawyers"); code != 2 {
		t.Errorf("unknown subcommand: exit %d, want 2", code)
	}
	if out, stderr, code = amparo(t, "", "legal", "followups", "schedule", "--data", data); code != 0 || !strings.Contains(out, "0 released children scheduled") {
		t.Fatalf("followups schedule: %d\n%s\n%s", code, out, stderr)
	}
}
