package aid

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestIATIExportValidates: the export of a package with a budget, a
// released tranche (a disbursement), conditions and a results framework
// validates against the official IATI 2.03 schema (testdata/iati-schema,
// from IATI/IATI-Schemas with its licence) with xmllint.
func TestIATIExportValidates(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("*** xmllint (Debian libxml2-utils) is not installed: IATI schema validation SKIPPED ***")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		tr := f.tranche(CombineAll, Condition{Kind: KindThreshold, Rule: `series("homicide_rate").latest() < 30.0`, Ref: "(a)"},
			Condition{Kind: KindCertification, Wording: "the Secretary certifies & reports <effective steps>"})
		pv, err := f.s.GetPackage(context.Background(), tr.PackageID)
		if err != nil {
			t.Fatal(err)
		}
		prog, err := f.s.AddProgram(f.aid1, pv.ID, Program{Title: "Outreach", Sector: "youth_services", Partner: "Partner A", Amount: 100, Citation: "c"})
		if err != nil {
			t.Fatal(err)
		}
		fl := func(v float64) *float64 { return &v }
		y := 2014
		if _, err := f.s.AddResult(f.aid1, prog.ID, Result{Title: "Homicide rate", Measure: "unit", BaselineYear: &y, BaselineValue: fl(31), Citation: "c",
			Periods: []ResultPeriod{{Period: "2016", Target: fl(28), Actual: fl(27), ActualCitation: "s"}, {Period: "FY2017", Target: fl(25)}}}); err != nil {
			t.Fatal(err)
		}
		tr2 := f.tranche(CombineAll, Condition{Kind: KindThreshold, Rule: `series("homicide_rate").latest() < 30.0`})
		e := f.evaluate(tr2.ID, "2016-06-01")
		d, err := f.s.ProposeDecision(f.aid1, tr2.ID, Proposal{EvaluationID: e.ID, Action: "release", Reason: "met"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ApproveDecision(f.aid2, d.ID); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := f.s.ExportIATI(context.Background(), ReportingOrg{}, &buf); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`<budget type="1" status="2">`, `<transaction-type code="3">`, `<condition type="2">`, `<baseline year="2014" value="31">`,
			`&amp; reports &lt;effective steps&gt;`, `<recipient-country code="GT">`} {
			if !strings.Contains(buf.String(), want) {
				t.Errorf("export lacks %s", want)
			}
		}
		file := filepath.Join(t.TempDir(), "export.xml")
		if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "iati-schema", "iati-activities-schema.xsd"), file).CombinedOutput()
		if err != nil {
			t.Errorf("xmllint: %v\n%s\n%s", err, out, buf.String())
		}
	})
}
