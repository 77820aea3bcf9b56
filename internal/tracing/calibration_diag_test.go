package tracing_test

import (
	"bytes"
	"context"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"regexp"
	"sort"
	"strconv"
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
			var bits float64 // how much the threshold's choice raised the posteriors
			o := synth.FEBRLOptions{Sparse: c.sparse}
			if c.link {
				left, right := synth.GenerateFEBRLLink(c.seed, 5000, o)
				d = tracing.NewDiagLink(left.Records, right.Records)
				var log bytes.Buffer
				if _, err := tracing.Link(ctx, left.Records, right.Records, 1, tracing.Options{OnModel: func(x *tracing.Model) { m = x },
					Logger: slog.New(slog.NewTextHandler(&log, nil))}); err != nil {
					t.Fatal(err)
				}
				n := len(left.Records)
				same = func(i, j int) bool { return left.Records[i].ID == right.PersonID[j-n] }
				if mm := regexp.MustCompile(`selection_bits=([0-9.]+)`).FindStringSubmatch(log.String()); mm != nil {
					bits, _ = strconv.ParseFloat(mm[1], 64)
				}
			} else {
				set := synth.GenerateFEBRL(c.seed, 1850, o)
				d = tracing.NewDiagDedupe(set.Records)
				res, err := tracing.Dedupe(ctx, set.Records, tracing.Options{})
				if err != nil {
					t.Fatal(err)
				}
				m = res.Model
				bits = res.Stats.SelectionBits
				same = func(i, j int) bool { return set.PersonID[i] == set.PersonID[j] }
			}
			// The posteriors as the model gives them, and raised by
			// the selection shift the threshold's choice found.
			for _, shift := range []float64{0, bits} {
				odds := math.Exp2(shift)
				n := make([]int, len(bands)-1)
				tp := make([]int, len(bands)-1)
				sum := make([]float64, len(bands)-1)
				d.BlockedPairs(func(i, j int) {
					p := d.Posterior(m, i, j)
					if p < 1 {
						p = p * odds / (1 - p + p*odds)
					}
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
				t.Logf("raised by %.2f bits", shift)
				t.Log("| posterior | pairs | mean posterior | one person |")
				for b := range n {
					if n[b] > 0 {
						t.Logf("| %.2f–%.2f | %d | %.3f | %.3f |", bands[b], min(bands[b+1], 1), n[b], sum[b]/float64(n[b]), float64(tp[b])/float64(n[b]))
					}
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
	set, d, m := sparseDiag102(t)
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

// TestReliabilityAllPairs is a label-aware diagnostic, run by hand
// (TRACING_CEILING=1): the reliability table of TestReliability over every
// pair of the sparse dedupe set of seed 102 (12 million), split into the
// pairs blocking brings together and the others, and the same by pattern
// of agreement for posteriors of 0.05-0.9. It says whether the
// posteriors are off for all pairs or only for those Dedupe compares.
func TestReliabilityAllPairs(t *testing.T) {
	set, d, m := sparseDiag102(t)
	bands := []float64{0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001}
	type b struct {
		n, tp, bn, btp int
		sum            float64
	}
	bs := make([]b, len(bands)-1)
	blocked := map[[2]int]bool{}
	d.BlockedPairs(func(i, j int) { blocked[[2]int{min(i, j), max(i, j)}] = true })
	sumAll, trueAll := 0.0, 0
	type pa struct {
		bn, btp, un, utp int
		bs, us           float64
	}
	pats := map[string]*pa{}
	n := len(set.Records)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			p := d.Posterior(m, i, j)
			same := set.PersonID[i] == set.PersonID[j]
			sumAll += p
			if same {
				trueAll++
			}
			if p >= 0.05 && p < 0.9 {
				k := d.Pattern(m, i, j)
				x := pats[k]
				if x == nil {
					x = &pa{}
					pats[k] = x
				}
				bl := blocked[[2]int{i, j}]
				if bl {
					x.bn++
					x.bs += p
					if same {
						x.btp++
					}
				} else {
					x.un++
					x.us += p
					if same {
						x.utp++
					}
				}
			}
			for k := range bs {
				if p >= bands[k] && p < bands[k+1] {
					bs[k].n++
					bs[k].sum += p
					if same {
						bs[k].tp++
					}
					if blocked[[2]int{i, j}] {
						bs[k].bn++
						if same {
							bs[k].btp++
						}
					}
				}
			}
		}
	}
	t.Logf("all pairs: sum of posteriors %.0f, true pairs %d, prior x pairs %.0f", sumAll, trueAll, m.Prior*float64(n)*float64(n-1)/2)
	keys := []string{}
	for k := range pats {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool { return pats[keys[a]].bn+pats[keys[a]].un > pats[keys[b]].bn+pats[keys[b]].un })
	for _, k := range keys[:25] {
		x := pats[k]
		t.Logf("%-45s blocked %5d p %.2f true %.2f | unblocked %5d p %.2f true %.2f", k, x.bn, x.bs/float64(max(x.bn, 1)), float64(x.btp)/float64(max(x.bn, 1)), x.un, x.us/float64(max(x.un, 1)), float64(x.utp)/float64(max(x.un, 1)))
	}
	for k, x := range bs {
		t.Logf("| %.2f-%.2f | all %d mean p %.3f one person %.3f | blocked %d one person %.3f | unblocked %d one person %.3f |", bands[k], bands[k+1], x.n, x.sum/float64(max(x.n, 1)), float64(x.tp)/float64(max(x.n, 1)), x.bn, float64(x.btp)/float64(max(x.bn, 1)), x.n-x.bn, float64(x.tp-x.btp)/float64(max(x.n-x.bn, 1)))
	}
}

// sparseDiag102 is the sparse dedupe set of seed 102 (1,850 people), its
// label-aware view and the model Dedupe fits on it, for the hand-run
// diagnostics (skipped unless TRACING_CEILING is set).
func sparseDiag102(t *testing.T) (synth.Set, *tracing.DiagSet, *tracing.Model) {
	t.Helper()
	if os.Getenv("TRACING_CEILING") == "" {
		t.Skip("SKIPPED: diagnostic, run with TRACING_CEILING=1")
	}
	set := synth.GenerateFEBRL(102, 1850, synth.FEBRLOptions{Sparse: true})
	d := tracing.NewDiagDedupe(set.Records)
	res, err := tracing.Dedupe(context.Background(), set.Records, tracing.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return set, d, res.Model
}
