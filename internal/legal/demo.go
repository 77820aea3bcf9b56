package legal

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/errs"
)

// DemoOptions size the demonstration data.
type DemoOptions struct {
	Screenings int // placed children screened
	Seed       uint64
	// LegalEmail is the demo legal account, linked to the first provider.
	LegalEmail string
	// FollowUps is how many released children get follow-up calls made
	// (all released children get their schedule).
	FollowUps int
}

// demoProviders are invented organisations (the demo's, not real ones).
var demoProviders = []ProviderInput{
	{Organisation: "Defensa Infantil (demo)", Attorneys: []string{"L. Ortega", "M. Chávez"}, Languages: []string{"Spanish", "Mam", "K'iche'"},
		States: []string{"TX"}, Counties: []string{"TX: Bexar", "TX: Harris"}, Specialties: []string{"asylum", "sijs"}, Capacity: 25},
	{Organisation: "Kids Counsel Network (demo)", Attorneys: []string{"A. Brooks"}, Languages: []string{"Spanish", "English"},
		States: []string{"CA", "AZ"}, Counties: []string{"CA: Los Angeles"}, Specialties: []string{"sijs", "t_visa", "u_visa"}, Capacity: 15},
	{Organisation: "Maya Language Legal Project (demo)", Attorneys: []string{"R. Tzul"}, Languages: []string{"Spanish", "Mam", "K'iche'", "Q'anjob'al", "Q'eqchi'"},
		States: []string{"FL", "TX"}, Counties: []string{"FL: Palm Beach"}, Specialties: []string{"asylum", "t_visa"}, Capacity: 10},
}

// SeedDemo screens placed demo children (about half flagged), records the
// demo providers, refers flagged children to their best match (some
// declined, some accepted, some left waiting), and records notices to
// appear and hearings (some missed). It acts as the context's principal
// (the operator) through the service's own methods.
func (s *Service) SeedDemo(ctx context.Context, o DemoOptions) error {
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x6c6567616c))
	for _, p := range demoProviders {
		if _, err := s.CreateProvider(ctx, p); err != nil && !errs.IsValidation(err) { // already there: a reseed
			return err
		}
	}
	if o.LegalEmail != "" {
		ps, err := s.Providers(ctx)
		if err != nil {
			return err
		}
		for _, p := range ps {
			if p.Organisation == demoProviders[0].Organisation {
				if _, err := s.LinkUser(ctx, p.ID, ProviderUser{Email: o.LegalEmail}); err != nil {
					return err
				}
			}
		}
	}
	placed, err := s.cases.Search(ctx, custody.SearchQuery{State: custody.StatePlaced, Limit: 500})
	if err != nil {
		return err
	}
	keys := make([]string, len(Questions))
	for i, q := range Questions {
		keys[i] = q.Key
	}
	for i, c := range placed {
		if i >= o.Screenings {
			break
		}
		a := map[string]Answer{}
		for _, k := range keys {
			a[k] = No
			if rng.Float64() < 0.12 {
				a[k] = Yes
			} else if rng.Float64() < 0.05 {
				a[k] = Unsure
			}
		}
		sc, err := s.SaveScreening(ctx, c.ID, ScreeningInput{Answers: a, Notes: "demo screening"})
		if err != nil {
			return fmt.Errorf("legal demo: screen case %d: %w", c.ID, err)
		}
		if len(sc.Flags) == 0 {
			continue
		}
		if err := s.demoCounsel(ctx, rng, c.ID); err != nil {
			return err
		}
		if rng.Float64() < 0.6 {
			if err := s.demoCourt(ctx, rng, c.ID); err != nil {
				return err
			}
		}
	}
	return s.demoFollowUps(ctx, rng, o.FollowUps)
}

// demoFollowUps schedules the follow-up of the demo's releases (written by
// the children seeder without the approval hook), records post-release
// services for some, and makes the calls that are due: most children are
// reached, some with a concern, some not reached until contact is lost,
// some with a wrong number; some lost children are found again later.
func (s *Service) demoFollowUps(ctx context.Context, rng *rand.Rand, n int) error {
	if n <= 0 {
		return nil
	}
	if _, err := s.ScheduleMissing(ctx); err != nil {
		return err
	}
	rel, err := s.release.Released(ctx)
	if err != nil {
		return err
	}
	for _, i := range rng.Perm(len(rel))[:min(n, len(rel))] {
		f := rel[i]
		if !f.PostReleaseServices && rng.Float64() < 0.15 {
			yes := true
			if _, err := s.release.SetPostReleaseServices(ctx, f.CaseID, f.ReleaseID, release.ServicesInput{PostReleaseServices: &yes}); err != nil {
				return fmt.Errorf("legal demo: services of case %d: %w", f.CaseID, err)
			}
		}
		if err := s.demoCalls(ctx, rng, f.CaseID); err != nil {
			return fmt.Errorf("legal demo: follow-up of case %d: %w", f.CaseID, err)
		}
	}
	return nil
}

var demoConcerns = []string{
	"demo: the child says she works most evenings and has not enrolled in school",
	"demo: the sponsor has moved and a new adult lives in the household",
	"demo: the child sounded afraid and would not talk with the sponsor present",
}

// demoCalls makes one child's due calls, each until reached or contact is
// lost; a lost child may be found again weeks later.
func (s *Service) demoCalls(ctx context.Context, rng *rand.Rand, caseID int64) error {
	now := s.now().Add(-time.Minute)
	fu, err := s.FollowUpsOf(ctx, caseID)
	if err != nil {
		return err
	}
	for _, c := range fu.Calls {
		at := c.DueAt.Add(time.Duration(rng.IntN(72)) * time.Hour)
		for !at.After(now) {
			in := AttemptInput{At: at}
			switch x := rng.Float64(); {
			case x < 0.62:
				yes, no := true, false
				in.Outcome, in.Safe, in.InSchool, in.KnowsCourtDate = CallReached, &yes, &yes, &yes
				if rng.Float64() < 0.3 {
					in.KnowsCourtDate = &no
				}
			case x < 0.70:
				in.Outcome, in.Notes = CallConcern, demoConcerns[rng.IntN(len(demoConcerns))]
			case x < 0.95:
				in.Outcome = CallNotReached
			default:
				in.Outcome = CallWrongContact
			}
			got, err := s.RecordAttempt(ctx, caseID, in)
			if err != nil {
				return err
			}
			if got.Step.Escalate && rng.Float64() < 0.5 {
				if _, err := s.CloseEscalation(ctx, got.Escalations[len(got.Escalations)-1].ID, CloseInput{Note: "demo: home visit made; the child is safe"}); err != nil {
					return err
				}
			}
			if got.ContactLost {
				// Found again weeks later, sometimes (through school or counsel).
				if again := at.AddDate(0, 0, 10+rng.IntN(40)); rng.Float64() < 0.35 && !again.After(now) {
					yes := true
					if _, err := s.RecordAttempt(ctx, caseID, AttemptInput{At: again, Outcome: CallReached, Safe: &yes, Notes: "demo: reached through the child's school"}); err != nil {
						return err
					}
					break
				}
				return nil
			}
			if got.Step.Failures == 0 {
				break // reached: this call is done
			}
			at = at.Add(time.Duration(48+rng.IntN(72)) * time.Hour) // try again in two to five days
		}
	}
	return nil
}

// demoCounsel refers a flagged child to its best match most of the time;
// some referrals are declined, some accepted, the rest left pending.
func (s *Service) demoCounsel(ctx context.Context, rng *rand.Rand, caseID int64) error {
	if rng.Float64() < 0.35 {
		return nil // waiting, never referred
	}
	ms, err := s.Matches(ctx, caseID)
	if err != nil || len(ms) == 0 {
		return err
	}
	r, err := s.Refer(ctx, caseID, ReferralInput{ProviderID: ms[0].Provider.ID})
	if errors.Is(err, errs.ErrConflict) {
		return nil // full
	}
	if err != nil {
		return err
	}
	switch x := rng.Float64(); {
	case x < 0.25:
		_, err = s.Decline(ctx, r.ID, DeclineInput{Reason: "no attorney free for this language this month (demo)"})
	case x < 0.7:
		_, err = s.Accept(ctx, r.ID)
	}
	return err
}

func (s *Service) demoCourt(ctx context.Context, rng *rand.Rand, caseID int64) error {
	nta := s.now().AddDate(0, 0, -(10 + rng.IntN(60))).Truncate(24 * time.Hour)
	if _, err := s.RecordNTA(ctx, caseID, ProceedingsInput{NTADate: nta.Format(time.DateOnly)}); err != nil {
		return err
	}
	at := nta.AddDate(0, 0, 5+rng.IntN(60)).Add(9 * time.Hour)
	in := HearingInput{At: at, Kind: HearingMaster}
	if at.Before(s.now()) {
		in.Outcome = "held"
		if rng.Float64() < 0.2 {
			in.Outcome = OutcomeMissed
		}
	}
	_, err := s.AddHearing(ctx, caseID, in)
	return err
}
