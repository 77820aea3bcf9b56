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
