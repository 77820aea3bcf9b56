package aid

import (
	"context"
	"fmt"
	"sort"

	"github.com/amparo-project/amparo/internal/indicators"
)

// Money is the amounts of one currency.
type Money struct {
	Currency string `json:"currency"`
	Pledged  int64  `json:"pledged"`
	Held     int64  `json:"held"`     // in tranches still pending or releasable
	Released int64  `json:"released"` // tranches released by an approved decision
	Withheld int64  `json:"withheld"` // tranches withheld by an approved decision, or lapsed
	// Evidence-based: programs whose intervention model a clearinghouse
	// rated effective or promising; Unrated: no rating on record.
	EvidenceBased int64 `json:"evidence_based"`
	Unrated       int64 `json:"unrated"`
	// Unstated counts packages and tranches whose amount the public record
	// does not state: they are in no sum above.
	Unstated int `json:"unstated"`
}

// TrancheCard is a tranche on the scorecard: its latest evaluation (with
// every condition and the values it used) and its decisions.
type TrancheCard struct {
	Tranche
	Evaluation *Evaluation `json:"evaluation"` // nil when never evaluated
	Decisions  []Decision  `json:"decisions"`
	// Disagrees: released although a condition measured on the data was
	// not met in its latest evaluation (where certification and data part).
	Disagrees bool `json:"disagrees"`
}

// PackageCard is a package on the scorecard.
type PackageCard struct {
	Package
	Programs []Program     `json:"programs"`
	Tranches []TrancheCard `json:"tranches"`
}

// Scorecard is one recipient country's aid: packages, tranches and the
// status of their conditions, money by currency, the sources of every
// value the conditions rest on, and the facts on record.
type Scorecard struct {
	Country  string              `json:"country"`
	Name     string              `json:"name"`
	Money    []Money             `json:"money"`
	Counts   map[string]int      `json:"condition_counts"` // latest evaluations: met, not_met, insufficient_evidence
	Packages []PackageCard       `json:"packages"`
	Sources  []indicators.Source `json:"sources"`
	Facts    []Fact              `json:"facts"`
	Evidence []Evidence          `json:"evidence"` // accepted items, without submitters' addresses
}

// ScorecardIndex is every recipient country's scorecard. Public.
func (s *Service) ScorecardIndex(ctx context.Context) ([]Scorecard, error) {
	pkgs, err := s.ListPackages(ctx, "")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var countries []string
	for _, p := range pkgs {
		if !seen[p.Recipient] {
			seen[p.Recipient] = true
			countries = append(countries, p.Recipient)
		}
	}
	sort.Strings(countries)
	out := []Scorecard{}
	for _, c := range countries {
		sc, err := s.CountryScorecard(ctx, c)
		if err != nil {
			return nil, err
		}
		out = append(out, *sc)
	}
	return out, nil
}

// measured reports whether a condition kind is judged on indicator data.
func measured(kind string) bool { return kindNeedsSeries[kind] }

// CountryScorecard is one recipient's scorecard. Public.
func (s *Service) CountryScorecard(ctx context.Context, country string) (*Scorecard, error) {
	pkgs, err := s.ListPackages(ctx, country)
	if err != nil {
		return nil, err
	}
	sc := &Scorecard{Country: country, Name: indicators.CountryName(country), Money: []Money{}, Counts: map[string]int{Met: 0, NotMet: 0, Insufficient: 0},
		Packages: []PackageCard{}, Sources: []indicators.Source{}}
	money := map[string]*Money{}
	used := map[string]bool{}
	for _, p := range pkgs {
		m := money[p.Currency]
		if m == nil {
			m = &Money{Currency: p.Currency}
			money[p.Currency] = m
		}
		if p.Amount == nil {
			m.Unstated++
		} else {
			m.Pledged += *p.Amount
		}
		pv, err := s.GetPackage(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		for _, pr := range pv.Programs {
			switch pr.EvidenceRating {
			case "effective", "promising":
				m.EvidenceBased += pr.Amount
			case "":
				m.Unrated += pr.Amount
			}
		}
		card := PackageCard{Package: p, Programs: pv.Programs, Tranches: []TrancheCard{}}
		for _, t := range pv.Tranches {
			tc, err := s.trancheCard(ctx, t)
			if err != nil {
				return nil, err
			}
			var a int64
			if t.Amount == nil {
				m.Unstated++
			} else {
				a = *t.Amount
			}
			switch t.State {
			case StateReleased:
				m.Released += a
			case StateWithheld, StateLapsed:
				m.Withheld += a
			default:
				m.Held += a
			}
			if tc.Evaluation != nil {
				for _, r := range tc.Evaluation.Results {
					sc.Counts[r.Status]++
					for _, in := range r.Inputs {
						for _, d := range in.Data {
							if d.Source != "" {
								used[d.Source] = true
							}
						}
					}
				}
			}
			card.Tranches = append(card.Tranches, *tc)
		}
		sc.Packages = append(sc.Packages, card)
	}
	for _, m := range money {
		sc.Money = append(sc.Money, *m)
	}
	sort.Slice(sc.Money, func(i, j int) bool { return sc.Money[i].Currency < sc.Money[j].Currency })
	if len(used) > 0 {
		all, err := s.ind.ListSources(ctx)
		if err != nil {
			return nil, err
		}
		for _, src := range all {
			if used[src.Key] {
				sc.Sources = append(sc.Sources, src)
			}
		}
	}
	if sc.Facts, err = s.ListFacts(ctx, country); err != nil {
		return nil, err
	}
	if sc.Evidence, err = s.evidence(ctx, EvidenceFilter{Country: country, Status: "accepted"}, false, 0); err != nil {
		return nil, err
	}
	return sc, nil
}

func (s *Service) trancheCard(ctx context.Context, t Tranche) (*TrancheCard, error) {
	tc := &TrancheCard{Tranche: t}
	evs, err := s.ListEvaluations(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	if len(evs) > 0 {
		if tc.Evaluation, err = s.GetEvaluation(ctx, evs[0].ID); err != nil {
			return nil, err
		}
	}
	if tc.Decisions, err = s.ListDecisions(ctx, t.ID); err != nil {
		return nil, err
	}
	if t.State == StateReleased && tc.Evaluation != nil {
		for _, r := range tc.Evaluation.Results {
			if measured(r.Kind) && r.Status == NotMet {
				tc.Disagrees = true
			}
		}
	}
	return tc, nil
}

// YearMoney is one fiscal year's money of one currency, for the chart of
// money over time: by the fiscal year of the package.
type YearMoney struct {
	FiscalYear int    `json:"fiscal_year"`
	Currency   string `json:"currency"`
	Pledged    int64  `json:"pledged"`
	Released   int64  `json:"released"`
	Withheld   int64  `json:"withheld"`
}

// ByYear sums a scorecard's stated amounts by package fiscal year and
// currency, in year order.
func (sc *Scorecard) ByYear() []YearMoney {
	idx := map[string]int{}
	out := []YearMoney{}
	for _, p := range sc.Packages {
		k := fmt.Sprintf("%d %s", p.FiscalYear, p.Currency)
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, YearMoney{FiscalYear: p.FiscalYear, Currency: p.Currency})
		}
		if p.Amount != nil {
			out[i].Pledged += *p.Amount
		}
		for _, t := range p.Tranches {
			if t.Amount == nil {
				continue
			}
			switch t.State {
			case StateReleased:
				out[i].Released += *t.Amount
			case StateWithheld, StateLapsed:
				out[i].Withheld += *t.Amount
			}
		}
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].FiscalYear != out[b].FiscalYear {
			return out[a].FiscalYear < out[b].FiscalYear
		}
		return out[a].Currency < out[b].Currency
	})
	return out
}
