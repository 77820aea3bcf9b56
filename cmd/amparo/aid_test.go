package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/aid"
	"github.com/amparo-project/amparo/internal/indicators"
)

// TestAidEvaluateCommand: an operator evaluates a package of the demo
// data on the real indicators, as text and as JSON.
func TestAidEvaluateCommand(t *testing.T) {
	ctx := operatorContext(context.Background())
	dir := t.TempDir()
	data := []string{"--data", dir}
	fs := newFlagSet("t", "")
	sf := addStoreFlags(fs)
	if err := parseFlags(fs, data); err != nil {
		t.Fatal(err)
	}
	db, err := sf.open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ind := indicators.New(db)
	if _, err := ind.ImportBuiltin(ctx, nil); err != nil {
		t.Fatal(err)
	}
	svc := aid.New(db, ind, nil)
	if err := svc.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	pkgs, err := svc.ListPackages(ctx, "GTM")
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	var id string
	for _, p := range pkgs {
		if p.FiscalYear == 2016 {
			id = strconv.FormatInt(p.ID, 10)
		}
	}
	var out bytes.Buffer
	if err := aidEvaluate(ctx, append([]string{"--package", id, "--as-of", "2016-09-30"}, data...), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "7045(a)(3)(B)(vii)") || !strings.Contains(out.String(), "cicig_operating") {
		t.Errorf("evaluate output:\n%s", out.String())
	}
	out.Reset()
	if err := aidEvaluate(ctx, append([]string{"--package", id, "--json"}, data...), &out); err != nil {
		t.Fatal(err)
	}
	var evs []aid.Evaluation
	if err := json.Unmarshal(out.Bytes(), &evs); err != nil || len(evs) != 2 {
		t.Errorf("JSON: %v, %d evaluations", err, len(evs))
	}
	xmlFile := filepath.Join(dir, "iati.xml")
	if err := aidExportIATI(ctx, append([]string{"--out", xmlFile}, data...)); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(xmlFile); err != nil || !bytes.Contains(b, []byte(`<iati-activities version="2.03"`)) || !bytes.Contains(b, []byte("7045(a)(3)(B)(vii)")) {
		t.Errorf("export-iati: %v", err)
	}
	// The export imports into another database; a should-fail file is
	// refused with its line and element, and nothing is kept.
	data2 := []string{"--data", t.TempDir()}
	out.Reset()
	if err := aidImportIATI(ctx, append([]string{"--file", xmlFile}, data2...), &out); err != nil || !strings.Contains(out.String(), "activities") {
		t.Errorf("import-iati: %v\n%s", err, out.String())
	}
	bad := filepath.Join("..", "..", "internal", "aid", "testdata", "iati", "should-fail", "budget-12-non-decimal-value.xml")
	err = aidImportIATI(ctx, append([]string{"--file", bad}, data2...), &out)
	if err == nil || !strings.Contains(err.Error(), `line 22, <value>: "eryr" is not a decimal number; nothing was imported`) {
		t.Errorf("import-iati of a bad file: %v", err)
	}
	if err := aidEvaluate(ctx, data, &out); err == nil {
		t.Errorf("no --package: accepted")
	}
}
