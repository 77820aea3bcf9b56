package tracing_test

import (
	"context"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/amparo-project/amparo/internal/tracing"
	"github.com/amparo-project/amparo/internal/tracing/synth"
)

// TestReliability is a label-aware diagnostic, run by hand
// (TRACING_CEILING=1): among the pairs blocking brings together, by bands
// of the posterior the fitted model gives, the share that are one person
// (a reliability table: calibrated posteriors have shares inside their
// band).
func TestReliability(t *testing.T) {
	if os.Getenv("TRACING_CEILING") == "" {
		t.Skip("SKIPPED: diagnostic, run with TRACING_CEILING=1")
	}
	ctx := context.Background()
	bands := []float64{0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001}
	for _, c := range []struct {
		name         string
		link, sparse bool
		seed         uint64
	}{
		{"febrl dedupe 101", false, false, 101},
		{"sparse dedupe 102", false, true, 102},
		{"febrl link 103", true, false, 103},
		{"sparse link 104", true, true, 104},
	} {
		t.Run(c.name, func(t *testing.T) {
			var d *tracing.DiagSet
			var m *tracing.Model
			var same func(i, j int) bool
			o := synth.FEBRLOptions{Sparse: c.sparse}
			if c.link {
				left, right := synth.GenerateFEBRLLink(c.seed, 5000, o)
				d = tracing.NewDiagLink(left.Records, right.Records)
				if _, err := tracing.Link(ctx, left.Records, right.Records, 1, tracing.Options{OnModel: func(x *tracing.Model) { m = x }}); err != nil {
					t.Fatal(err)
				}
				n := len(left.Records)
				same = func(i, j int) bool { return left.Records[i].ID == right.PersonID[j-n] }
			} else {
				set := synth.GenerateFEBRL(c.seed, 1850, o)
				d = tracing.NewDiagDedupe(set.Records)
				res, err := tracing.Dedupe(ctx, set.Records, tracing.Options{})
				if err != nil {
					t.Fatal(err)
				}
				m = res.Model
				same = func(i, j int) bool { return set.PersonID[i] == set.PersonID[j] }
			}
			n := make([]int, len(bands)-1)
			tp := make([]int, len(bands)-1)
			sum := make([]float64, len(bands)-1)
			d.BlockedPairs(func(i, j int) {
				p := d.Posterior(m, i, j)
				for b := range n {
					if p >= bands[b] && p < bands[b+1] {
						n[b]++
						sum[b] += p
						if same(i, j) {
							tp[b]++
						}
					}
				}
			})
			t.Log("| posterior | pairs | mean posterior | one person |")
			for b := range n {
				if n[b] > 0 {
					t.Logf("| %.2f–%.2f | %d | %.3f | %.3f |", bands[b], min(bands[b+1], 1), n[b], sum[b]/float64(n[b]), float64(tp[b])/float64(n[b]))
				}
			}
		})
	}
}

// TestFittedAgainstTrue is a label-aware diagnostic, run by hand
// (TRACING_CEILING=1): on the sparse dedupe set of seed 102, m and u of
// the names' and the date's levels as fitted, beside their shares among
// the true pairs and among random pairs of two people (the true shares
// count the missing level; the fitted ones leave it out).
func TestFittedAgainstTrue(t *testing.T) {
	if os.Getenv("TRACING_CEILING") == "" {
		t.Skip("SKIPPED: diagnostic, run with TRACING_CEILING=1")
	}
	set := synth.GenerateFEBRL(102, 1850, synth.FEBRLOptions{Sparse: true})
	d := tracing.NewDiagDedupe(set.Records)
	res, err := tracing.Dedupe(context.Background(), set.Records, tracing.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Model
	by := map[string][]int{}
	for i, p := range set.PersonID {
		by[p] = append(by[p], i)
	}
	mc := map[string]map[int]float64{}
	uc := map[string]map[int]float64{}
	nm, nu := 0.0, 0.0
	add := func(c map[string]map[int]float64, l map[string]int) {
		for f, v := range l {
			if c[f] == nil {
				c[f] = map[int]float64{}
			}
			c[f][v]++
		}
	}
	for _, rs := range by {
		for x := range rs {
			for y := x + 1; y < len(rs); y++ {
				add(mc, d.Levels(m, rs[x], rs[y]))
				nm++
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for k := 0; k < 200000; k++ {
		i, j := r.IntN(len(set.Records)), r.IntN(len(set.Records))
		if set.PersonID[i] == set.PersonID[j] {
			continue
		}
		add(uc, d.Levels(m, i, j))
		nu++
	}
	for _, f := range m.Fields {
		if f.Name != "given_names" && f.Name != "surname1" && f.Name != "surname2" && f.Name != "birth_date" {
			continue
		}
		for l, lv := range f.Levels {
			tm, tu := mc[f.Name][l]/nm, uc[f.Name][l]/nu
			if tm == 0 && lv.M < 0.005 {
				continue
			}
			t.Logf("%-12s %-18s model m %.4f u %.5f | true m %.4f u %.5f", f.Name, lv.Name, lv.M, lv.U, tm, tu)
		}
	}
	t.Logf("prior %.6f (x n-1 = %.2f)", m.Prior, m.Prior*float64(len(set.Records)-1))
}
