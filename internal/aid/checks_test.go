package aid

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestChecksAreTheServicesChecks: each form's check refuses an input with
// exactly the field problems the service method refuses it with, and
// passes what the service takes; a check stores nothing.
func TestChecksAreTheServicesChecks(t *testing.T) {
	f := newFixture(t, storetest.OpenSQLite(t))
	tr := f.tranche(CombineAll)
	cs := f.user("cso@example.org", auth.RoleCivilSociety)
	progs, err := f.s.programs(context.Background(), tr.PackageID)
	if err != nil {
		t.Fatal(err)
	}
	good := Package{Title: "P", Donor: "D", Recipient: "GTM", FiscalYear: 2016, Currency: "USD", LegalBasis: "Act", Citation: "c"}
	for _, c := range []struct {
		name           string
		check, service func() error
	}{
		{"package", func() error { return CheckPackage(Package{Recipient: "GTMX", FiscalYear: 20, Amount: ptr(-1)}) },
			func() error {
				_, err := f.s.CreatePackage(f.aid1, Package{Recipient: "GTMX", FiscalYear: 20, Amount: ptr(-1)})
				return err
			}},
		{"package passes", func() error { return CheckPackage(good) }, nil},
		{"program", func() error { return CheckProgram(Program{Sector: "x", EvidenceRating: "y"}) },
			func() error {
				_, err := f.s.AddProgram(f.aid1, tr.PackageID, Program{Sector: "x", EvidenceRating: "y"})
				return err
			}},
		{"tranche", func() error {
			return CheckTranche(Tranche{DueDate: "soon", Combination: "most", ProgramID: ptr(999)}, progs)
		},
			func() error {
				_, err := f.s.AddTranche(f.aid1, tr.PackageID, Tranche{DueDate: "soon", Combination: "most", ProgramID: ptr(999)})
				return err
			}},
		{"condition", func() error {
			return f.s.CheckCondition(f.aid1, Condition{Kind: KindPeer, Rule: `series("nope").latest() < 1.0`})
		}, func() error {
			_, err := f.s.AddCondition(f.aid1, tr.ID, Condition{Kind: KindPeer, Rule: `series("nope").latest() < 1.0`})
			return err
		}},
		{"submission", func() error {
			return CheckSubmission(Submission{Country: "G", SourceURL: "ftp://x", Document: []byte("MZ\x90")})
		},
			func() error {
				_, err := f.s.SubmitEvidence(cs, Submission{Country: "G", SourceURL: "ftp://x", Document: []byte("MZ\x90")})
				return err
			}},
		{"proposal", func() error { return CheckProposal(Proposal{Action: "keep"}) },
			func() error { _, err := f.s.ProposeDecision(f.aid1, tr.ID, Proposal{Action: "keep"}); return err }},
		{"review", func() error { return CheckReview(Review{Accept: true}) },
			func() error { _, err := f.s.ReviewEvidence(f.aid1, 1, Review{Accept: true}); return err }},
	} {
		got := c.check()
		if c.service == nil {
			if got != nil {
				t.Errorf("%s: %v", c.name, got)
			}
			continue
		}
		want := c.service()
		if len(errs.Fields(want)) == 0 || !reflect.DeepEqual(errs.Fields(got), errs.Fields(want)) {
			t.Errorf("%s: the check gives %v, the service %v", c.name, got, want)
		}
	}
	if err := f.s.CheckCondition(context.Background(), Condition{}); !errors.Is(err, errs.ErrForbidden) {
		t.Errorf("a condition checked without a user: %v", err)
	}
	var n int
	if err := f.db.QueryRow(context.Background(), `SELECT (SELECT COUNT(*) FROM aid_packages) + (SELECT COUNT(*) FROM aid_programs) + (SELECT COUNT(*) FROM aid_tranches) + (SELECT COUNT(*) FROM aid_evidence)`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 2 { // the fixture's package and tranche
		t.Errorf("%d rows after the checks, want the fixture's 2", n)
	}
}
