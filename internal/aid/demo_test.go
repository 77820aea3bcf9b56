package aid

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestDemoOnRealIndicators: the demonstration data loads on the real
// built-in indicators (every rule names a series they hold), every figure
// carries a citation, and the rules are evaluated: CICIG was operating at
// the end of FY2016 and was not in 2026.
func TestDemoOnRealIndicators(t *testing.T) {
	db := storetest.OpenSQLite(t)
	op := auth.OperatorContext(context.Background(), "test")
	ind := indicators.New(db)
	if _, err := ind.ImportBuiltin(op, nil); err != nil {
		t.Fatal(err)
	}
	s := New(db, ind, func() time.Time { return time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC) })
	if err := s.SeedDemo(op); err != nil {
		t.Fatal(err)
	}
	cards, err := s.ScorecardIndex(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(cards) != 4 { // GTM, HND, NT3, SLV
		t.Fatalf("%d scorecards, want 4", len(cards))
	}
	gtm, err := s.CountryScorecard(context.Background(), "GTM")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range gtm.Packages {
		if p.Citation == "" {
			t.Errorf("package %q has no citation", p.Title)
		}
	}
	if len(gtm.Sources) == 0 {
		t.Errorf("no indicator sources on the GTM scorecard")
	}
	found, certified := 0, 0
	for _, p := range gtm.Packages {
		for _, tr := range p.Tranches {
			evs, err := s.ListEvaluations(context.Background(), tr.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range evs {
				full, err := s.GetEvaluation(context.Background(), e.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range full.Results {
					if r.Rule == `fact("cicig_operating")` {
						found++
						want := map[string]string{"2016-09-30": Met, "2026-11-30": NotMet}[e.AsOf]
						if r.Status != want {
							t.Errorf("CICIG as of %s: %s, want %s", e.AsOf, r.Status, want)
						}
					}
					if r.Rule == `fact("certified_7045_a3_b")` {
						certified++
						if r.Status != Met {
							t.Errorf("GTM (a)(3)(B) certification as of %s: %s, want met (published 14 July 2016)", e.AsOf, r.Status)
						}
					}
					if r.Kind == KindTrend && r.Rule != "" && r.Status != Insufficient && len(r.Inputs) == 0 {
						t.Errorf("%s: no inputs", r.Ref)
					}
					t.Logf("%s %s %s: %s", e.AsOf, r.Ref, r.Status, r.Explanation)
				}
			}
		}
	}
	if found != 2 || certified != 2 {
		t.Errorf("CICIG evaluated %d times, the certification %d; want 2 each", found, certified)
	}
	// El Salvador's governance certification (a)(3)(B) was published on 9
	// September 2016; no migration certification (a)(3)(A) is in hand, so
	// that hurdle stays insufficient_evidence.
	slvChecked := 0
	slv, err := s.CountryScorecard(context.Background(), "SLV")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range slv.Packages {
		for _, tr := range p.Tranches {
			if tr.Evaluation == nil {
				continue
			}
			for _, r := range tr.Evaluation.Results {
				if r.Rule == `fact("certified_7045_a3_b")` && tr.Evaluation.AsOf >= "2016-09-09" {
					slvChecked++
				}
				switch {
				case r.Rule == `fact("certified_7045_a3_a")` && r.Status != Insufficient:
					t.Errorf("SLV %s as of %s: %s, want insufficient_evidence", r.Rule, tr.Evaluation.AsOf, r.Status)
				case r.Rule == `fact("certified_7045_a3_b")` && tr.Evaluation.AsOf >= "2016-09-09" && r.Status != Met:
					t.Errorf("SLV %s as of %s: %s, want met (published 9 September 2016)", r.Rule, tr.Evaluation.AsOf, r.Status)
				}
			}
		}
	}
	if slvChecked == 0 {
		t.Error("no evaluation of El Salvador's (a)(3)(B) certification after 9 September 2016 on the scorecard")
	}
	// The demo's IATI export validates against the schema.
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Log("*** xmllint not installed: demo IATI validation SKIPPED ***")
		return
	}
	var buf bytes.Buffer
	if err := s.ExportIATI(context.Background(), ReportingOrg{}, &buf); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "demo.xml")
	if err := os.WriteFile(file, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "iati-schema", "iati-activities-schema.xsd"), file).CombinedOutput(); err != nil {
		t.Errorf("xmllint on the demo export: %v\n%s", err, out)
	}
}
