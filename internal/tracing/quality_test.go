package tracing

import (
	"context"
	"encoding/csv"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// sharedDir holds the labelled development sets (see its README).
var sharedDir = filepath.Join("..", "..", "..", "shared", "tracing")

func readSet(t testing.TB, path string) []Record {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("SKIPPED: labelled set %s not found (the quality test needs ../shared/tracing): %v", path, err)
	}
	defer f.Close()
	recs, err := ReadCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// readTruth reads a two-column truth file (id,person_id or right_id,left_id).
func readTruth(t testing.TB, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("SKIPPED: labelled set %s not found: %v", path, err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rows[1:] {
		out[r[0]] = r[1]
	}
	return out
}

type prf struct{ p, r, f float64 }

func (x prf) String() string { return fmt.Sprintf("precision=%.4f recall=%.4f f1=%.4f", x.p, x.r, x.f) }

func score(tp, predicted, actual int) prf {
	var x prf
	if predicted > 0 {
		x.p = float64(tp) / float64(predicted)
	}
	if actual > 0 {
		x.r = float64(tp) / float64(actual)
	}
	if x.p+x.r > 0 {
		x.f = 2 * x.p * x.r / (x.p + x.r)
	}
	return x
}

func pairsIn(groups map[string]int) int {
	n := 0
	for _, k := range groups {
		n += k * (k - 1) / 2
	}
	return n
}

// dedupeScore is pairwise precision and recall, as evaluate.py computes it.
func dedupeScore(recs []Record, truth map[string]string, res *DedupeResult) prf {
	both, byT, byP := map[string]int{}, map[string]int{}, map[string]int{}
	for i, r := range recs {
		t := truth[r.ID]
		p := res.ClusterID[res.Cluster[i]]
		both[t+"\x00"+p]++
		byT[t]++
		byP[p]++
	}
	return score(pairsIn(both), pairsIn(byP), pairsIn(byT))
}

// pairCompleteness is the share of true pairs the blocking rules compare.
func pairCompleteness(t testing.TB, recs []Record, truth map[string]string) (float64, int) {
	fs, err := prepare(context.Background(), recs, workers())
	if err != nil {
		t.Fatal(err)
	}
	bl := buildBlocks(fs, 1000)
	found := map[[2]uint32]bool{}
	n := 0
	for g := 0; g < bl.groups(); g++ {
		bl.forPairs(g, func(i, j uint32) { found[[2]uint32{min(i, j), max(i, j)}] = true; n++ })
	}
	byP := map[string][]uint32{}
	for i, r := range recs {
		byP[truth[r.ID]] = append(byP[truth[r.ID]], uint32(i))
	}
	kept, all, shown := 0, 0, 0
	for _, ms := range byP {
		for x := range ms {
			for y := x + 1; y < len(ms); y++ {
				all++
				if found[[2]uint32{min(ms[x], ms[y]), max(ms[x], ms[y])}] {
					kept++
				} else if os.Getenv("TRACING_SHOW_MISSES") != "" && shown < 20 {
					shown++
					t.Logf("blocking misses:\n  %v\n  %v", recs[ms[x]], recs[ms[y]])
				}
			}
		}
	}
	return float64(kept) / float64(all), n
}

// The figures reached on the development sets; the test fails if a change
// costs more than qualityMargin of F1. (Held-out sets made the same way
// check the result; these are the floor for regressions, not targets.)
const qualityMargin = 0.015

var qualityFloor = map[string]float64{
	"dev-dedupe":      0.977,
	"dev-dedupe-hard": 0.954,
	"dev-link":        0.982,
	"dev-link-index":  0.976,
}

// TestQualityAppIndex searches the dev-link inquiries against its records
// through an Index built as the app builds it (no trained model: hand-set
// m with u and priors from the records, see searchModel).
func TestQualityAppIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPED: quality test on the development sets (not with -short)")
	}
	dir := filepath.Join(sharedDir, "dev-link")
	left := readSet(t, filepath.Join(dir, "records.csv"))
	right := readSet(t, filepath.Join(dir, "inquiries.csv"))
	truth := readTruth(t, filepath.Join(dir, "truth.csv"))
	ix := NewIndex(left, nil)
	tp, answered, should := 0, 0, 0
	for _, r := range right {
		if truth[r.ID] != "" {
			should++
		}
		got := ix.Search(context.Background(), r, 1, DefaultLinkThreshold)
		if len(got) == 0 {
			continue
		}
		answered++
		if got[0].ID == truth[r.ID] {
			tp++
		}
	}
	s := score(tp, answered, should)
	t.Logf("dev-link through the app's index: %v", s)
	if s.f < qualityFloor["dev-link-index"]-qualityMargin {
		t.Errorf("F1 %.4f below floor %.4f", s.f, qualityFloor["dev-link-index"]-qualityMargin)
	}
}

func TestQualityDevSets(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPED: quality test on the development sets (not with -short)")
	}
	ctx := context.Background()
	for _, set := range []string{"dev-dedupe", "dev-dedupe-hard"} {
		t.Run(set, func(t *testing.T) {
			recs := readSet(t, filepath.Join(sharedDir, set, "people.csv"))
			truth := readTruth(t, filepath.Join(sharedDir, set, "truth.csv"))
			pc, pairs := pairCompleteness(t, recs, truth)
			res, err := Dedupe(ctx, recs, Options{})
			if err != nil {
				t.Fatal(err)
			}
			s := dedupeScore(recs, truth, res)
			t.Logf("%s dedupe: %v; blocking pair completeness %.4f (%d candidate pairs, %d comparisons); prior %.3g family %.3g; threshold %.2f",
				set, s, pc, pairs, res.Stats.Comparisons, res.Model.Prior, res.Model.PriorFamily, res.Stats.Threshold)
			if s.f < qualityFloor[set]-qualityMargin {
				t.Errorf("%s: F1 %.4f below floor %.4f", set, s.f, qualityFloor[set]-qualityMargin)
			}
		})
	}
	t.Run("dev-link", func(t *testing.T) {
		dir := filepath.Join(sharedDir, "dev-link")
		left := readSet(t, filepath.Join(dir, "records.csv"))
		right := readSet(t, filepath.Join(dir, "inquiries.csv"))
		truth := readTruth(t, filepath.Join(dir, "truth.csv"))
		ms, err := Link(ctx, left, right, 1, Options{Logger: testLogger(t)})
		if err != nil {
			t.Fatal(err)
		}
		// As the evaluator scores it: an inquiry's answer is its last
		// candidate at rank 1 (tied candidates share it).
		answer := map[string]string{}
		for _, m := range ms {
			if m.Rank == 1 {
				answer[m.RightID] = m.LeftID
			}
		}
		tp, answered, should := 0, len(answer), 0
		for q, l := range answer {
			if truth[q] == l {
				tp++
			}
		}
		// Completeness: the share of inquiries whose child is on record
		// for which the child is among the candidates.
		lf, _ := prepare(ctx, left, workers())
		ids := make([]string, len(left))
		for i := range left {
			ids[i] = left[i].ID
		}
		ix := buildIndex(ids, lf, DefaultModel(), searchMaxPosting, false)
		found := 0
		for _, r := range right {
			l := truth[r.ID]
			if l == "" {
				continue
			}
			should++
			q := newFeatures(&r)
			hit := false
			ix.candidates(&q, func(f *features) {})
			for _, h := range blockKeys(newKeyHasher(), &q, nil) {
				base, extra := ix.post.lookup(h)
				for _, i := range slices.Concat(base, extra) {
					if ix.ids[i] == l {
						hit = true
					}
				}
			}
			if hit {
				found++
			}
		}
		s := score(tp, answered, should)
		t.Logf("dev-link: %v; blocking keeps the child for %.4f of inquiries", s, float64(found)/float64(should))
		if s.f < qualityFloor["dev-link"]-qualityMargin {
			t.Errorf("dev-link: F1 %.4f below floor %.4f", s.f, qualityFloor["dev-link"]-qualityMargin)
		}
	})
}

// testLogger logs the stages of a run through t.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, nil))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
