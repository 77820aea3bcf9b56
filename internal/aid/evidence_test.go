package aid

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestEvidence: documents are typed by their content, size-limited and
// stored with their SHA-256; civil-society organisations submit; someone
// other than the submitter accepts or rejects, with a reason; the public
// sees accepted items only, without the submitter's address.
func TestEvidence(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		cso := f.user("cso@example.org", auth.RoleCivilSociety)
		pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
		sub := Submission{Country: "gtm", Stance: "contradicts", Title: "Prosecutors removed", Summary: "Counter-evidence to the certification.", DocName: "report.pdf", Document: pdf}

		for _, c := range []struct {
			name  string
			edit  func(*Submission)
			field string
		}{
			{"html named .pdf", func(s *Submission) { s.Document = []byte("<html><body>x</body></html>") }, "document"},
			{"too large", func(s *Submission) {
				s.Document = append(append([]byte{}, pdf...), bytes.Repeat([]byte("x"), MaxDocumentBytes)...)
			}, "document"},
			{"no stance", func(s *Submission) { s.Stance = "" }, "stance"},
		} {
			t.Run(c.name, func(t *testing.T) {
				s := sub
				c.edit(&s)
				_, err := f.s.SubmitEvidence(cso, s)
				if fe := errs.Fields(err); len(fe) == 0 || fe[0].Field != c.field {
					t.Errorf("SubmitEvidence: %v, want a problem with %s", err, c.field)
				}
			})
		}
		pub := f.user("pub@example.org", auth.RolePublic)
		if _, err := f.s.SubmitEvidence(pub, sub); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("public submission: %v, want forbidden", err)
		}
		e, err := f.s.SubmitEvidence(cso, sub)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(pdf)
		if e.DocType != "application/pdf" || e.DocSHA256 != hex.EncodeToString(sum[:]) || e.DocSize != int64(len(pdf)) || e.Status != "submitted" {
			t.Errorf("stored %+v", e)
		}
		if list, _ := f.s.ListEvidence(context.Background(), EvidenceFilter{Country: "GTM"}); len(list) != 0 {
			t.Errorf("the public sees %d items before review", len(list))
		}
		if _, _, err := f.s.EvidenceDocument(context.Background(), e.ID); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("document before review: %v, want not found", err)
		}
		if mine, _ := f.s.ListEvidence(cso, EvidenceFilter{Mine: true}); len(mine) != 1 || mine[0].Submitter != "cso@example.org" {
			t.Errorf("own submissions %+v", mine)
		}
		if _, err := f.s.ReviewEvidence(cso, e.ID, Review{Accept: true, Reason: "mine"}); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("review by a civil-society account: %v, want forbidden", err)
		}
		// An officer's own submission is reviewed by another officer.
		own, err := f.s.SubmitEvidence(f.aid1, Submission{Country: "GTM", Stance: "supports", Title: "t", Summary: "s"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ReviewEvidence(f.aid1, own.ID, Review{Accept: true, Reason: "ok"}); !errors.Is(err, ErrOwnEvidence) {
			t.Errorf("review of one's own evidence: %v, want ErrOwnEvidence", err)
		}
		if _, err := f.s.ReviewEvidence(f.aid1, e.ID, Review{Accept: true}); !errs.IsValidation(err) {
			t.Errorf("review without a reason: %v, want 422", err)
		}
		got, err := f.s.ReviewEvidence(f.aid1, e.ID, Review{Accept: true, Reason: "document checked against the court record"})
		if err != nil || got.Status != "accepted" {
			t.Fatalf("review: %v %+v", err, got)
		}
		if _, err := f.s.ReviewEvidence(f.aid2, e.ID, Review{Accept: false, Reason: "x"}); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("second review: %v, want conflict", err)
		}
		list, err := f.s.ListEvidence(context.Background(), EvidenceFilter{Country: "GTM"})
		if err != nil || len(list) != 1 || list[0].Submitter != "" {
			t.Errorf("public list %v %+v", err, list)
		}
		_, doc, err := f.s.EvidenceDocument(context.Background(), e.ID)
		if err != nil || !bytes.Equal(doc, pdf) {
			t.Errorf("document: %v", err)
		}
	})
}

// TestResultsFramework: a program's indicators with baseline, targets and
// actuals per period; an actual needs its source; on-target follows the
// indicator's direction.
func TestResultsFramework(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		p, err := f.s.CreatePackage(f.aid1, Package{Title: "P", Donor: "D", Recipient: "SLV", FiscalYear: 2016, Currency: "USD", LegalBasis: "L", Citation: "c"})
		if err != nil {
			t.Fatal(err)
		}
		prog, err := f.s.AddProgram(f.aid1, p.ID, Program{Title: "Outreach centres", Sector: "youth_services", Partner: "X", Amount: 100, Citation: "c"})
		if err != nil {
			t.Fatal(err)
		}
		fl := func(v float64) *float64 { return &v }
		y := 2014
		bad := Result{Title: "Homicides", Measure: "unit", SeriesCode: "murders", Citation: "c", Periods: []ResultPeriod{{Period: "2016-01", Actual: fl(1)}}}
		_, err = f.s.AddResult(f.aid1, prog.ID, bad)
		if fe := errs.Fields(err); len(fe) != 3 {
			t.Errorf("bad result: %v, want 3 problems (series, period, actual without source)", err)
		}
		r, err := f.s.AddResult(f.aid1, prog.ID, Result{Title: "Homicide rate", Measure: "unit", SeriesCode: "homicide_rate", BaselineYear: &y, BaselineValue: fl(31),
			Citation: "c", Periods: []ResultPeriod{{Period: "2016", Target: fl(28), Actual: fl(27), ActualCitation: "s"}, {Period: "2017", Target: fl(25), Actual: fl(26), ActualCitation: "s"}, {Period: "2018", Target: fl(22)}}})
		if err != nil {
			t.Fatal(err)
		}
		if r.Periods[0].OnTarget == nil || !*r.Periods[0].OnTarget || *r.Periods[1].OnTarget || r.Periods[2].OnTarget != nil {
			t.Errorf("on target: %+v", r.Periods)
		}
		pv, err := f.s.GetPackage(context.Background(), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(pv.Programs[0].Results) != 1 || len(pv.Programs[0].Results[0].Periods) != 3 || *pv.Programs[0].Results[0].BaselineValue != 31 {
			t.Errorf("package view results %+v", pv.Programs[0].Results)
		}
	})
}
