package tracing_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/tracing"
	"github.com/amparo-project/amparo/internal/tracing/synth"
)

// pairF1 is pairwise precision, recall and F1 of clusters against people,
// as ../shared/tracing/evaluate.py computes them.
func pairF1(cluster []int, person []string) (p, r, f float64) {
	type key struct {
		c int
		p string
	}
	both, byC, byP := map[key]int{}, map[int]int{}, map[string]int{}
	for i := range cluster {
		both[key{cluster[i], person[i]}]++
		byC[cluster[i]]++
		byP[person[i]]++
	}
	tp, pred, act := 0, 0, 0
	for _, n := range both {
		tp += n * (n - 1) / 2
	}
	for _, n := range byC {
		pred += n * (n - 1) / 2
	}
	for _, n := range byP {
		act += n * (n - 1) / 2
	}
	return prf(tp, pred, act)
}

func prf(tp, pred, act int) (p, r, f float64) {
	if pred > 0 {
		p = float64(tp) / float64(pred)
	}
	if act > 0 {
		r = float64(tp) / float64(act)
	}
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return p, r, f
}

// largestCluster is the number of records of the largest cluster.
func largestCluster(cluster []int) int {
	n := map[int]int{}
	most := 0
	for _, c := range cluster {
		n[c]++
		most = max(most, n[c])
	}
	return most
}

// sparseShare is the share of records with at most three fields filled.
func sparseShare(recs []tracing.Record) float64 {
	n := 0
	for _, r := range recs {
		k := 0
		for _, v := range []string{r.GivenNames, r.Surname1, r.Surname2, r.Sex, r.BirthDate, r.BirthCountry, r.BirthPlace, r.MotherName, r.FatherName} {
			if v != "" {
				k++
			}
		}
		if k <= 3 {
			n++
		}
	}
	return float64(n) / float64(max(len(recs), 1))
}

// febrlSets are the FEBRL-style sets scored, with floors for regressions:
// the F1 measured (2026-11-30, branch sparse13: threshold chosen for F1,
// sure-pair and EM splits of the anchored m, crossed surnames fixed,
// surname frequencies at every level; 2026-12-01, branch sparse: the
// veto at even odds, given names typed wrongly in sure pairs; branch
// sparse2: the candidates' posteriors raised for the threshold, Link
// declaring by an inquiry's chance, given names typed wrongly; branch
// sparse4: the held-out blocking keys of sparse sets and inquiries;
// branch sparse5: surnames and full dates typed wrongly) less
// qualityMargin. Issue 13 asks for 0.95 on the full
// sets, now reached, and 0.85 on the sparse ones, not reached (see
// NOTES.md); the floors are not targets.
// febrl-link-sparse-right is the use case (full custody records on the
// left, sparse inquiries on the right): the right side and the people of
// febrl-link-sparse, the left side full; the measure stays
// febrl-link-sparse, where both sides are sparse.
var febrlSets = []struct {
	name     string
	link     bool
	sparse   bool
	fullLeft bool
	seed     uint64
	floor    float64
}{
	{"febrl-dedupe", false, false, false, 101, 0.966 - qualityMargin},
	{"febrl-dedupe-sparse", false, true, false, 102, 0.746 - qualityMargin},
	{"febrl-link", true, false, false, 103, 0.987 - qualityMargin},
	{"febrl-link-sparse", true, true, false, 104, 0.740 - qualityMargin},
	{"febrl-link-sparse-right", true, true, true, 104, 0.880 - qualityMargin},
}

// qualityMargin is how much F1 a change may cost before the test fails
// (as in quality_test.go).
const qualityMargin = 0.015

// TestQualityFEBRL scores dedupe (about 5,000 records) and link (5,000 ×
// 5,000) on sets of the FEBRL-style generator, full and sparse.
func TestQualityFEBRL(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPED: quality test on generated FEBRL-style sets (not with -short)")
	}
	ctx := context.Background()
	for _, s := range febrlSets {
		t.Run(s.name, func(t *testing.T) {
			o := synth.FEBRLOptions{Sparse: s.sparse, FullLeft: s.fullLeft}
			seed := s.seed
			var p, r, f float64
			if s.link {
				left, right := synth.GenerateFEBRLLink(seed, 5000, o)
				ms, err := tracing.Link(ctx, left.Records, right.Records, 1, tracing.Options{Logger: slog.New(slog.NewTextHandler(logWriter{t}, nil)),
					OnModel: func(m *tracing.Model) { t.Logf("model fallback: %q", m.Fallback) }})
				if err != nil {
					t.Fatal(err)
				}
				want := map[string]string{}
				for k, rec := range right.Records {
					want[rec.ID] = right.PersonID[k]
				}
				// As the evaluator scores it: an inquiry's answer is its
				// last candidate at rank 1 (tied candidates share it).
				answer := map[string]string{}
				first := map[string]float64{}
				tied := 0
				for _, m := range ms {
					if m.Rank != 1 {
						continue
					}
					if w, ok := first[m.RightID]; !ok {
						first[m.RightID] = m.Weight
					} else if w != m.Weight {
						t.Errorf("inquiry %s: candidates of weights %.6f and %.6f both at rank 1", m.RightID, w, m.Weight)
					} else {
						tied++
					}
					answer[m.RightID] = m.LeftID
				}
				t.Logf("inquiries answered %d; candidates tied with another at rank 1: %d", len(answer), tied)
				tp := 0
				for q, l := range answer {
					if want[q] == l {
						tp++
					}
				}
				p, r, f = prf(tp, len(answer), len(right.Records))
			} else {
				set := synth.GenerateFEBRL(seed, 1850, o)
				res, err := tracing.Dedupe(ctx, set.Records, tracing.Options{})
				if err != nil {
					t.Fatal(err)
				}
				p, r, f = pairF1(res.Cluster, set.PersonID)
				// Where records say enough the posteriors are bimodal and
				// the threshold chosen for F1 must stay at 0.5.
				if !s.sparse && res.Stats.Threshold != tracing.DefaultDedupeThreshold {
					t.Errorf("threshold %.2f on the full set, want %.2f", res.Stats.Threshold, tracing.DefaultDedupeThreshold)
				}
				// The held-out keys serve sparse sets only.
				if held := res.Stats.HeldOutComparisons; (held > 0) != s.sparse {
					t.Errorf("%d comparisons by the held-out keys, sparse set %v", held, s.sparse)
				}
				t.Logf("records %d, sparse share %.2f, comparisons %d (held-out keys %d), largest block %d, model fallback %q, threshold %.2f (expected F1 %.3f), largest cluster %d",
					len(set.Records), sparseShare(set.Records), res.Stats.Comparisons, res.Stats.HeldOutComparisons, res.Stats.LargestBlock, res.Model.Fallback,
					res.Stats.Threshold, res.Stats.ExpectedF1, largestCluster(res.Cluster))
			}
			t.Logf("%s: precision=%.4f recall=%.4f f1=%.4f", s.name, p, r, f)
			if f < s.floor {
				t.Errorf("%s: F1 %.4f below %.4f", s.name, f, s.floor)
			}
		})
	}
}

// logWriter writes a run's log lines through t.
type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
