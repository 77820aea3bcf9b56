package tracing_test

import (
	"context"
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
