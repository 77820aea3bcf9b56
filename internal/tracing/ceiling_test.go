package tracing_test

import (
	"context"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/tracing"
	"github.com/amparo-project/amparo/internal/tracing/synth"
)

// TestSparseCeiling is a label-aware diagnostic, run by hand
// (TRACING_CEILING=1): on the sparse FEBRL-style sets it says how many
// true pairs blocking brings together, how many agree on two fields or
// more, and how many share one name and nothing else, and how many of
// each kind the engine finds. It tells how much recall is reachable at
// all (NOTES.md, "The ceiling on sparse sets").
func TestSparseCeiling(t *testing.T) {
	if os.Getenv("TRACING_CEILING") == "" {
		t.Skip("SKIPPED: diagnostic, run with TRACING_CEILING=1")
	}
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		link   bool
		people int
		seed   uint64
	}{
		{"sparse dedupe, test seed 102", false, 1850, 102},
		{"sparse dedupe, CLI seed 3", false, 2000, 3},
		{"sparse link, test seed 104", true, 5000, 104},
		{"sparse link, CLI seed 4", true, 5000, 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			var d *tracing.DiagSet
			var pairs [][2]int
			found := map[[2]int]bool{}
			o := synth.FEBRLOptions{Sparse: true}
			if c.link {
				left, right := synth.GenerateFEBRLLink(c.seed, c.people, o)
				d = tracing.NewDiagLink(left.Records, right.Records)
				pos := map[string]int{}
				for i, r := range left.Records {
					pos[r.ID] = i
				}
				rpos := map[string]int{}
				for k, r := range right.Records {
					rpos[r.ID] = len(left.Records) + k
					pairs = append(pairs, [2]int{pos[right.PersonID[k]], len(left.Records) + k})
				}
				ms, err := tracing.Link(ctx, left.Records, right.Records, 1, tracing.Options{})
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range ms {
					found[[2]int{pos[m.LeftID], rpos[m.RightID]}] = true
				}
			} else {
				set := synth.GenerateFEBRL(c.seed, c.people, o)
				d = tracing.NewDiagDedupe(set.Records)
				by := map[string][]int{}
				for i, p := range set.PersonID {
					by[p] = append(by[p], i)
				}
				for _, rs := range by {
					for x := range rs {
						for y := x + 1; y < len(rs); y++ {
							pairs = append(pairs, [2]int{min(rs[x], rs[y]), max(rs[x], rs[y])})
						}
					}
				}
				res, err := tracing.Dedupe(ctx, set.Records, tracing.Options{})
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range pairs {
					if res.Cluster[p[0]] == res.Cluster[p[1]] {
						found[p] = true
					}
				}
			}
			type tally struct{ n, blocked, found int }
			kinds := map[string]*tally{}
			combos := map[string]*tally{}
			add := func(m map[string]*tally, k string, b, f bool) {
				x := m[k]
				if x == nil {
					x = &tally{}
					m[k] = x
				}
				x.n++
				if b {
					x.blocked++
				}
				if f {
					x.found++
				}
			}
			for _, p := range pairs {
				b, agree := d.PairFacts(p[0], p[1])
				kind := "(d) agree on no field"
				switch {
				case len(agree) >= 2:
					kind = "(b) agree on two fields or more"
				case len(agree) == 1 && (agree[0] == "given" || agree[0] == "surname"):
					kind = "(c) agree on one name only"
				case len(agree) == 1:
					kind = "(e) agree on date or place only"
				}
				add(kinds, "(a) all true pairs", b, found[p])
				add(kinds, kind, b, found[p])
				add(combos, strings.Join(agree, "+"), b, found[p])
			}
			total := float64(len(pairs))
			show := func(m map[string]*tally) {
				keys := make([]string, 0, len(m))
				for k := range m {
					keys = append(keys, k)
				}
				sort.Slice(keys, func(a, b int) bool { return m[keys[a]].n > m[keys[b]].n })
				if m[keys[0]] == kinds["(a) all true pairs"] {
					slices.Sort(keys)
				}
				for _, k := range keys {
					x := m[k]
					t.Logf("| %s | %d (%.1f%%) | %.1f%% | %.1f%% |", k, x.n, 100*float64(x.n)/total,
						100*float64(x.blocked)/float64(x.n), 100*float64(x.found)/float64(x.n))
				}
			}
			t.Logf("%s: %d true pairs", c.name, len(pairs))
			t.Log("| kind | true pairs (share) | blocked | found |")
			show(kinds)
			t.Log("| fields agreeing | true pairs (share) | blocked | found |")
			show(combos)
			if kinds["(a) all true pairs"].n != len(pairs) {
				t.Fatal("pairs miscounted")
			}
		})
	}
}
