package legal

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/errs"
)

// DemoOptions size the demonstration data.
type DemoOptions struct {
	Screenings int // placed children screened
	Seed       uint64
	// LegalEmail is the demo legal account, linked to the first provider.
	LegalEmail string
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
