package legal

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// The matching table: how providers with open capacity are ranked for a
// flagged child. Each row adds points and says why, so that the person
// who refers sees the reasons beside the rank.

// ChildFacts is what matching knows of a child.
type ChildFacts struct {
	Reliefs   []Relief // the screening's flags
	Languages []string // as recorded on the case
	// State is the US state the child is (or will be) in: the sponsor's
	// when a sponsor is proposed, else the shelter's; StateOf says which.
	State   string
	StateOf string // "sponsor", "shelter" or ""
}

// RankRule is one row of the matching table.
type RankRule struct {
	Name  string
	Score func(c ChildFacts, p *Provider) (points float64, why string)
}

// RankRules is the matching table.
var RankRules = []RankRule{
	{"specialty", func(c ChildFacts, p *Provider) (float64, string) {
		var fit []string
		for _, r := range c.Reliefs {
			if slices.Contains(p.Specialties, string(r)) {
				fit = append(fit, string(r))
			}
		}
		if len(fit) == 0 {
			return 0, ""
		}
		return 3 * float64(len(fit)), "handles " + strings.Join(fit, ", ")
	}},
	{"language", func(c ChildFacts, p *Provider) (float64, string) {
		for _, l := range c.Languages {
			for _, pl := range p.Languages {
				if strings.EqualFold(strings.TrimSpace(l), pl) {
					return 2, "speaks " + pl
				}
			}
		}
		return 0, ""
	}},
	{"place", func(c ChildFacts, p *Provider) (float64, string) {
		if c.State == "" {
			return 0, ""
		}
		for _, st := range p.States {
			if strings.EqualFold(st, c.State) {
				return 2, fmt.Sprintf("serves %s (the %s's state)", st, c.StateOf)
			}
		}
		return 0, ""
	}},
	{"load", func(_ ChildFacts, p *Provider) (float64, string) {
		open := p.Capacity - p.Reserved
		return float64(open) / float64(p.Capacity), fmt.Sprintf("%d of %d places open", open, p.Capacity)
	}},
}

// Match is one ranked provider with the reasons for its place.
type Match struct {
	Provider *Provider `json:"provider"`
	Score    float64   `json:"score"`
	Reasons  []string  `json:"reasons"`
}

// Rank orders the providers with open capacity for a child, best first
// (higher score, then more open places, then the older provider).
func Rank(c ChildFacts, providers []*Provider) []Match {
	out := []Match{}
	for _, p := range providers {
		if p.Capacity-p.Reserved <= 0 {
			continue
		}
		m := Match{Provider: p, Reasons: []string{}}
		for _, r := range RankRules {
			pts, why := r.Score(c, p)
			m.Score += pts
			if why != "" {
				m.Reasons = append(m.Reasons, why)
			}
		}
		out = append(out, m)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if oa, ob := a.Provider.Capacity-a.Provider.Reserved, b.Provider.Capacity-b.Provider.Reserved; oa != ob {
			return oa > ob
		}
		return a.Provider.ID < b.Provider.ID
	})
	return out
}
