package aid

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// The IATI test files (testdata/iati, from IATI/IATI-Schemas with their
// README and licence): every should-pass file imports, every should-fail
// file is refused with a line that holds the element named, and nothing of
// a refused file is kept.

func iatiFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "iati", dir, "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files in %s: %v", dir, err)
	}
	return files
}

func importFile(ctx context.Context, s *Service, file string) (*IATIImport, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return s.ImportIATI(ctx, filepath.Base(file), f)
}

func countRows(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestIATIShouldPassAndShouldFail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for _, file := range iatiFiles(t, "should-fail") {
			t.Run("fail/"+filepath.Base(file), func(t *testing.T) {
				_, err := importFile(f.aid1, f.s, file)
				var ie *IATIError
				if !errors.As(err, &ie) || !errs.IsValidation(err) {
					t.Fatalf("want an IATIError (422), got %v", err)
				}
				src, _ := os.ReadFile(file)
				lines := strings.Split(string(src), "\n")
				if ie.Line < 1 || ie.Line > len(lines) || ie.Element == "" || !strings.Contains(lines[ie.Line-1], "<"+ie.Element) {
					t.Errorf("line %d does not hold <%s>: %v", ie.Line, ie.Element, err)
				}
				if fe := errs.Fields(err); len(fe) != 1 || fe[0].Field != "file" {
					t.Errorf("field problems = %v", fe)
				}
				if n := countRows(t, db, "aid_iati_imports"); n != 0 {
					t.Errorf("a refused file left %d import rows", n)
				}
			})
		}
		for _, file := range iatiFiles(t, "should-pass") {
			t.Run("pass/"+filepath.Base(file), func(t *testing.T) {
				res, err := importFile(f.aid1, f.s, file)
				if err != nil {
					t.Fatal(err)
				}
				src, _ := os.ReadFile(file)
				if want := strings.Count(string(src), "<iati-activity>") + strings.Count(string(src), "<iati-activity "); res.Activities != want || res.Size != int64(len(src)) || len(res.SHA256) != 64 {
					t.Errorf("import = %+v, want %d activities, %d bytes", res, want, len(src))
				}
			})
		}
	})
}

// TestIATIImportReadsTheParts: budgets, transactions, conditions and
// results come in as rows, values as written; what Amparo does not read
// is named and written back on export.
func TestIATIImportReadsTheParts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		get := func(name string) IATIActivity {
			t.Helper()
			res, err := importFile(f.aid1, f.s, filepath.Join("testdata", "iati", "should-pass", name))
			if err != nil {
				t.Fatal(err)
			}
			acts, err := f.s.ListIATIActivities(context.Background(), res.ID)
			if err != nil || len(acts) != 1 {
				t.Fatalf("activities = %v, %v", acts, err)
			}
			return acts[0]
		}
		a := get("19-budget.xml")
		if len(a.Budgets) != 3 || a.Budgets[0] != (IATIBudget{PeriodStart: "2011-01-01", PeriodEnd: "2011-12-31", Value: "1000000.99", Currency: "GBP", ValueDate: "2011-01-01"}) ||
			a.Budgets[2].Type != "X" || a.Budgets[2].Status != "1" || a.ReportingOrg != "Organisation name" || a.Title != "Xxxxxxx" {
			t.Errorf("budgets = %+v", a)
		}
		a = get("21-transaction.xml")
		if len(a.Transactions) != 6 || a.Transactions[0] != (IATITxn{Ref: "X", Type: "X", Date: "2010-07-07", Value: "100", Currency: "EUR", ValueDate: "2010-07-07"}) ||
			a.Transactions[1].Description != " X" || a.Transactions[4].Currency != "" {
			t.Errorf("transactions = %+v", a.Transactions)
		}
		a = get("18-conditions.xml")
		if len(a.Conditions) != 2 || a.Conditions[0] != (IATICondition{Attached: true, Type: "1", Narrative: "[some text here]"}) {
			t.Errorf("conditions = %+v", a.Conditions)
		}
		a = get("24-results.xml")
		var full *IATIIndicator
		for i := range a.Indicators {
			if a.Indicators[i].BaselineValue != nil {
				full = &a.Indicators[i]
				break
			}
		}
		if full == nil || *full.BaselineYear != 2008 || *full.BaselineValue != "N=35;P=55" || full.Measure != "NDP" || !*full.Ascending ||
			len(full.Periods) != 2 || *full.Periods[0].Target != "N=42;P=57" || *full.Periods[1].Actual != "N=43;P=58" || full.Periods[1].End != "2010-12-31" {
			t.Errorf("indicator = %+v", full)
		}
		a = get("country-budget-items-01-country-budget-items.xml")
		if strings.Join(a.Unmodelled, ",") != "country-budget-items" {
			t.Errorf("unmodelled = %v", a.Unmodelled)
		}
		var buf bytes.Buffer
		if err := f.s.ExportIATI(context.Background(), ReportingOrg{}, &buf); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`<country-budget-items vocabulary=`, `<budget-item code=`, `<provider-org ref="X" provider-activity-id="X">`,
			`<narrative xml:lang="fr"> X</narrative>`, `<baseline year="2008" value="N=35;P=55">`} {
			if !strings.Contains(buf.String(), want) {
				t.Errorf("export lacks %s", want)
			}
		}
	})
}

// TestIATIImportAllOrNothing: a file whose second activity is at fault is
// refused whole; a refused re-import leaves the earlier one as it was.
func TestIATIImportAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		act := func(id, value string) string {
			return `<iati-activity><iati-identifier>` + id + `</iati-identifier><reporting-org ref="XM-1" type="10"><narrative>Org</narrative></reporting-org>
<title><narrative>T</narrative></title><description><narrative>D</narrative></description><participating-org role="1"/>
<activity-status code="2"/><activity-date type="1" iso-date="2016-01-01"/>
<budget><period-start iso-date="2016-01-01"/><period-end iso-date="2016-12-31"/><value value-date="2016-01-01" currency="USD">` + value + `</value></budget>
</iati-activity>`
		}
		file := func(acts ...string) string {
			return `<?xml version="1.0"?>` + "\n" + `<iati-activities version="2.03">` + "\n" + strings.Join(acts, "\n") + "\n</iati-activities>\n"
		}
		if _, err := f.s.ImportIATI(f.aid1, "a.xml", strings.NewReader(file(act("A-1", "100")))); err != nil {
			t.Fatal(err)
		}
		_, err := f.s.ImportIATI(f.aid1, "b.xml", strings.NewReader(file(act("A-1", "200"), act("A-2", "1e5"))))
		var ie *IATIError
		if !errors.As(err, &ie) || ie.Element != "value" || ie.Line != 11 || !strings.Contains(ie.Problem, `"1e5" is not a decimal`) {
			t.Fatalf("err = %v", err)
		}
		acts, err := f.s.ListIATIActivities(context.Background(), 0)
		if err != nil || len(acts) != 1 || acts[0].Budgets[0].Value != "100" || countRows(t, db, "aid_iati_imports") != 1 {
			t.Fatalf("after a refused file: %+v, %v", acts, err)
		}
		// A republished activity replaces the earlier import.
		if _, err := f.s.ImportIATI(f.aid1, "c.xml", strings.NewReader(file(act("A-1", "300")))); err != nil {
			t.Fatal(err)
		}
		acts, _ = f.s.ListIATIActivities(context.Background(), 0)
		if len(acts) != 1 || acts[0].Budgets[0].Value != "300" {
			t.Errorf("after a re-import: %+v", acts)
		}
		if _, err := f.s.ImportIATI(auth.NewContext(context.Background(), auth.Principal{UserID: 99, Role: auth.RolePublic}), "d.xml", strings.NewReader(file(act("B", "1")))); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("public import: %v", err)
		}
	})
}

// TestIATIRefusals: faults outside the schema table, each with its line.
func TestIATIRefusals(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	for _, tt := range []struct{ name, doc, want string }{
		{"empty", ``, "line 1: no <iati-activities>"},
		{"not XML", "<iati-activities version=\"2.03\">\n<iati-activity>\n</iati-activities>", "line 3, <iati-activity>: closed by </iati-activities>"},
		{"organisation file", `<iati-organisations version="2.03"/>`, "the root element must be <iati-activities>"},
		{"no version", `<iati-activities><iati-activity/></iati-activities>`, "the attribute version is required"},
		{"no activity", `<iati-activities version="2.03"></iati-activities>`, "holds no <iati-activity>"},
		{"truncated", "<iati-activities version=\"2.03\">\n<iati-activity>", "line 2"},
		{"missing identifier", `<iati-activities version="2.03"><iati-activity></iati-activity></iati-activities>`, "a required <activity-date> is missing"},
		{"bad date", `<iati-activities version="2.03"><iati-activity><iati-identifier>A</iati-identifier><reporting-org ref="R" type="1"><narrative>R</narrative></reporting-org>
<title><narrative>T</narrative></title><description><narrative>D</narrative></description><participating-org role="1"/><activity-status code="2"/>
<activity-date type="1" iso-date="2016-13-01"/></iati-activity></iati-activities>`, `line 3, <activity-date>: attribute iso-date: "2016-13-01" is not a valid date`},
		{"second root", `<iati-activities version="2.03"></iati-activities><x/>`, "holds no <iati-activity>"},
		{"encoding not read", `<?xml version="1.0" encoding="Shift_JIS"?>` + "\n" + `<iati-activities version="2.03"/>`, `line 1: the file's encoding "Shift_JIS" is not read: save it as UTF-8`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.s.ImportIATI(f.aid1, "x.xml", strings.NewReader(tt.doc))
			if err == nil || !errs.IsValidation(err) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestIATILatin1: a file saved in ISO-8859-1 or Windows-1252, as some
// publishers' exports are, is read and its words stored in UTF-8.
func TestIATILatin1(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	for i, enc := range []string{"ISO-8859-1", "windows-1252"} {
		id := fmt.Sprintf("XM-%d", i)
		// "Educación en Olancho" with ó as the single byte 0xF3.
		doc := `<?xml version="1.0" encoding="` + enc + `"?>
<iati-activities version="2.03"><iati-activity><iati-identifier>` + id + `</iati-identifier><reporting-org ref="R" type="1"><narrative>R</narrative></reporting-org>
<title><narrative>Educaci` + "\xf3" + `n en Olancho</narrative></title><description><narrative>D</narrative></description><participating-org role="1"/><activity-status code="2"/>
<activity-date type="1" iso-date="2016-01-01"/></iati-activity></iati-activities>`
		res, err := f.s.ImportIATI(f.aid1, "latin1.xml", strings.NewReader(doc))
		if err != nil {
			t.Fatalf("%s: %v", enc, err)
		}
		acts, err := f.s.ListIATIActivities(context.Background(), res.ID)
		if err != nil || len(acts) != 1 || acts[0].Title != "Educación en Olancho" {
			t.Errorf("%s: %+v, %v", enc, acts, err)
		}
	}
}

// TestIATIRoundTrip: export → import into an empty database → export gives
// the same XML, and the parts read from the export are the package's.
func TestIATIRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		tr := f.tranche(CombineAll, Condition{Kind: KindThreshold, Rule: `series("homicide_rate").latest() < 30.0`, Ref: "(a)"},
			Condition{Kind: KindCertification, Wording: "the Secretary certifies & reports <effective steps>"})
		prog, err := f.s.AddProgram(f.aid1, tr.PackageID, Program{Title: "Outreach", Sector: "youth_services", Partner: "Partner A", Amount: 100, Citation: "c"})
		if err != nil {
			t.Fatal(err)
		}
		fl := func(v float64) *float64 { return &v }
		y := 2014
		if _, err := f.s.AddResult(f.aid1, prog.ID, Result{Title: "Homicide rate", Measure: "unit", BaselineYear: &y, BaselineValue: fl(31.5), Citation: "c",
			Periods: []ResultPeriod{{Period: "2016", Target: fl(28), Actual: fl(27), ActualCitation: "s"}, {Period: "FY2017", Target: fl(25)}}}); err != nil {
			t.Fatal(err)
		}
		e := f.evaluate(tr.ID, "2016-06-01")
		d, err := f.s.ProposeDecision(f.aid1, tr.ID, Proposal{EvaluationID: e.ID, Action: "release", Reason: "met"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ApproveDecision(f.aid2, d.ID); err != nil {
			t.Fatal(err)
		}
		var first bytes.Buffer
		if err := f.s.ExportIATI(context.Background(), ReportingOrg{}, &first); err != nil {
			t.Fatal(err)
		}

		empty := storetest.OpenSQLite(t)
		clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		s2 := New(empty, indicators.New(empty), func() time.Time { return clock })
		op := auth.OperatorContext(context.Background(), "test")
		res, err := s2.ImportIATI(op, "export.xml", bytes.NewReader(first.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		var second bytes.Buffer
		if err := s2.ExportIATI(context.Background(), ReportingOrg{}, &second); err != nil {
			t.Fatal(err)
		}
		if first.String() != second.String() {
			t.Errorf("round trip differs:\n--- first\n%s\n--- second\n%s", first.String(), second.String())
		}
		acts, err := s2.ListIATIActivities(context.Background(), res.ID)
		if err != nil || len(acts) != 1 {
			t.Fatalf("%v %v", acts, err)
		}
		a := acts[0]
		if a.Title != "Test package" || len(a.Budgets) != 1 || a.Budgets[0].Value != "1000" || a.Budgets[0].Currency != "USD" ||
			len(a.Transactions) != 1 || a.Transactions[0].Type != "3" || a.Transactions[0].Value != "250" || len(a.Conditions) != 2 ||
			len(a.Indicators) != 1 || *a.Indicators[0].BaselineValue != "31.5" || len(a.Indicators[0].Periods) != 2 || *a.Indicators[0].Periods[0].Actual != "27" {
			t.Errorf("read back = %+v", a)
		}
	})
}

// TestIATIExportWithImportsValidates: the should-pass files, imported and
// written back with Amparo's own activities, still validate.
func TestIATIExportWithImportsValidates(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("*** xmllint (Debian libxml2-utils) is not installed: IATI schema validation SKIPPED ***")
	}
	f := newFixture(t, storetest.OpenSQLite(t))
	f.tranche(CombineAll, Condition{Kind: KindThreshold, Rule: `series("homicide_rate").latest() < 30.0`})
	for _, file := range iatiFiles(t, "should-pass") {
		if _, err := importFile(f.aid1, f.s, file); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.s.ExportIATI(context.Background(), ReportingOrg{}, &buf); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "all.xml")
	if err := os.WriteFile(out, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "iati-schema", "iati-activities-schema.xsd"), out).CombinedOutput(); err != nil {
		t.Errorf("xmllint: %v\n%s", err, msg)
	}
}

// TestIATIExtensionKept: an element of a publisher's own namespace (the
// prefix declared on the root) is kept and written back, declared on its
// activity, and the export is well-formed.
func TestIATIExtensionKept(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	doc := `<iati-activities version="2.03" xmlns:usg="http://example.org/usg"><iati-activity><iati-identifier>X-1</iati-identifier>
<reporting-org ref="X" type="10"><narrative>X</narrative></reporting-org><title><narrative>T</narrative></title><description><narrative>D</narrative></description>
<participating-org role="1"/><activity-status code="2"/><activity-date type="1" iso-date="2016-01-01"/>
<usg:treasury-account code="19-1037" usg:note="a &amp; b">Economic Support Fund</usg:treasury-account></iati-activity></iati-activities>`
	res, err := f.s.ImportIATI(f.aid1, "ext.xml", strings.NewReader(doc))
	if err != nil || res.Unmodelled["usg:treasury-account"] != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	var buf bytes.Buffer
	if err := f.s.ExportIATI(context.Background(), ReportingOrg{}, &buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<iati-activity xmlns:usg="http://example.org/usg">`, `<usg:treasury-account code="19-1037" usg:note="a &amp; b">Economic Support Fund</usg:treasury-account>`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("export lacks %s:\n%s", want, buf.String())
		}
	}
	if xmllint, err := exec.LookPath("xmllint"); err == nil {
		file := filepath.Join(t.TempDir(), "ext.xml")
		_ = os.WriteFile(file, buf.Bytes(), 0o600)
		if out, err := exec.Command(xmllint, "--noout", file).CombinedOutput(); err != nil {
			t.Errorf("not well-formed: %v %s", err, out)
		}
	}
}
