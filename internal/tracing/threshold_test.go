package tracing

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/amparo-project/amparo/internal/identity"
)

// TestF1Threshold checks the threshold chosen for F1 on samples of known
// posteriors: with F* the best expected F1, the chosen threshold is about
// F*/2, within its bounds, and stays at 0.5 when lowering it gains little.
func TestF1Threshold(t *testing.T) {
	// sample builds posteriors: n of each value.
	sample := func(pn ...float64) *posteriorSample {
		var s posteriorSample
		for k := 0; k < len(pn); k += 2 {
			for i := 0; i < int(pn[k+1]); i++ {
				s.add(pn[k])
			}
		}
		return &s
	}
	for _, c := range []struct {
		name    string
		s       *posteriorSample
		scale   float64
		matches float64
		lo, hi  float64 // the threshold expected, inclusive
	}{
		{"bimodal: records that say enough", sample(0.99, 1000, 0.01, 100000, 0.45, 5, 0.3, 5), 1, 0, 0.5, 0.5},
		{"no sample", &posteriorSample{}, 1, 0, 0.5, 0.5},
		// 1,000 sure pairs, 2,000 at 0.35 and 3,000 matches never seen:
		// F at 0.5 is 2·990/(1000+6690) = 0.26, at 0.35 it is
		// 2·1690/(3000+6690) = 0.35: F*/2 is under 0.35, so 0.35 is in.
		{"sparse: many pairs at 0.35", sample(0.99, 1000, 0.35, 2000, 0.01, 1000), 1, 6700, 0.3, 0.35},
		// Pairs at 0.1 are below the bound: never declared.
		{"below the bound", sample(0.99, 100, 0.1, 10000), 1, 0, 0.5, 0.5},
		// The sample stands for ten times as many pairs; the result is
		// the same as the sample's own.
		{"scaled sample", sample(0.99, 100, 0.35, 200, 0.01, 100), 10, 6700, 0.3, 0.35},
		// A gain under autoMinGain keeps 0.5: five pairs at 0.4 among
		// a thousand sure ones.
		{"too little to gain", sample(0.99, 1000, 0.4, 5), 1, 0, 0.5, 0.5},
		// Very low F1: the threshold goes to its bound, not below.
		{"bounded", sample(0.2, 1000, 0.15, 1000, 0.9, 10), 1, 10000, 0.2, 0.2},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, f := f1Threshold(c.s, c.scale, c.matches, 1)
			if got < c.lo-1e-9 || got > c.hi+1e-9 {
				t.Errorf("threshold %.2f (expected F1 %.3f), want %.2f–%.2f", got, f, c.lo, c.hi)
			}
			if f < 0 || f > 1 {
				t.Errorf("expected F1 %.3f out of [0, 1]", f)
			}
		})
	}
}

// TestFallbackKeepsHalf: the calibrated defaults a failed fit falls back to
// were set on other data, so their posteriors do not choose this set's
// threshold (dedupe and link keep 0.5); the same model, taken as fitted,
// does choose one where most records lack a field, and keeps 0.5 in
// Dedupe where most give a given name, a surname and a date.
func TestFallbackKeepsHalf(t *testing.T) {
	given := []string{"Juan", "José", "María", "Ana", "Luis", "Rosa"}
	surnames := []string{"García", "López", "Pérez", "Cruz", "Reyes", "Mejía", "Flores", "Castillo"}
	var recs []Record
	for i := 0; i < 3000; i++ {
		// Namesakes on purpose: few names, dates from one year, two
		// records in three without one.
		p := identity.Person{GivenNames: given[i%len(given)], Surname1: surnames[(i/7)%len(surnames)],
			BirthDate: fmt.Sprintf("2010-%02d-%02d", 1+i%12, 1+(i/12)%28)}
		if i%3 != 0 {
			p.BirthDate = ""
		}
		recs = append(recs, Record{ID: strconv.Itoa(i), Person: p})
	}
	fs, err := prepare(context.Background(), recs, 1)
	if err != nil {
		t.Fatal(err)
	}
	bl := buildBlocks(fs, 300)
	m := calibratedDefault(fs, len(fs)-1)
	if _, f, _, _ := dedupeThreshold(bl, fs, m, len(fs)); f <= 0 {
		t.Fatalf("taken as fitted, the model chose no threshold (expected F1 %v)", f)
	}
	full := make([]features, len(fs))
	copy(full, fs)
	for i := range full {
		full[i].dob = fs[0].dob // every record with a date: all say3
	}
	if th, f, _, _ := dedupeThreshold(buildBlocks(full, 300), full, m, len(full)); th != autoMaxThreshold || f != 0 {
		t.Errorf("dedupe of records that say enough: threshold %.2f (expected F1 %v), want 0.5 unchosen", th, f)
	}
	m.Fallback = "fitted 28.5 other records per person"
	if th, f, _, _ := dedupeThreshold(bl, fs, m, len(fs)); th != autoMaxThreshold || f != 0 {
		t.Errorf("dedupe with a fallback model: threshold %.2f (expected F1 %v), want 0.5 unchosen", th, f)
	}
	ix := NewIndex(recs[:500], m)
	if th, f, _, _ := linkThreshold(context.Background(), ix, fs[:100], m); th != autoMaxThreshold || f != 0 {
		t.Errorf("link with a fallback model: threshold %.2f (expected F1 %v), want 0.5 unchosen", th, f)
	}
}

// TestSelectionShift checks the odds by which the posteriors of the pairs
// blocking selects are raised: none when their sum agrees with the
// matches the fit found among them (within priorGuardRatio), enough to
// make it so otherwise, within maxSelectionBits; and that raised odds
// lower the threshold chosen for F1.
func TestSelectionShift(t *testing.T) {
	sample := func() *posteriorSample {
		var s posteriorSample
		for i := 0; i < 1000; i++ {
			s.add(0.99)
		}
		for i := 0; i < 2000; i++ {
			s.add(0.3)
		}
		for i := 0; i < 20000; i++ {
			s.add(0.01)
		}
		return &s
	}
	sum := sample().sum(1) // 990 + 600 + 200
	if math.Abs(sum-1790) > 0.01 {
		t.Fatalf("sum %.3f, want 1790", sum)
	}
	for _, c := range []struct {
		name            string
		matches         float64
		wantBitsAtLeast float64
		wantBitsAtMost  float64
	}{
		{"not estimated", 0, 0, 0},
		{"agrees within the ratio", 1790 * 1.2, 0, 0},
		{"fewer than the sum", 1000, 0, 0},
		{"a deficit", 2400, 0.3, maxSelectionBits},
		{"beyond the bound", 1e6, maxSelectionBits, maxSelectionBits},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := sample()
			odds := selectionShift(s, 1, c.matches)
			bits := math.Log2(odds)
			if bits < c.wantBitsAtLeast-1e-9 || bits > c.wantBitsAtMost+1e-9 {
				t.Errorf("shift %.3f bits, want %.2f–%.2f", bits, c.wantBitsAtLeast, c.wantBitsAtMost)
			}
			if bits > 0 && bits < maxSelectionBits-1e-6 && math.Abs(s.sum(odds)-c.matches) > 1 {
				t.Errorf("raised sum %.1f, want the matches %.1f", s.sum(odds), c.matches)
			}
		})
	}
	// 1,000 sure pairs and 2,000 at 0.25, 2,400 matches: as they are,
	// the pairs at 0.25 are not worth declaring (F1 0.58 at 0.5, 0.55 at
	// 0.25); raised to the matches, they are one person more often and
	// the threshold falls to take them.
	at25 := func() *posteriorSample {
		var s posteriorSample
		for i := 0; i < 1000; i++ {
			s.add(0.99)
		}
		for i := 0; i < 2000; i++ {
			s.add(0.25)
		}
		return &s
	}
	plain, _ := f1Threshold(at25(), 1, 2400, 1)
	raised, _ := f1Threshold(at25(), 1, 2400, selectionShift(at25(), 1, 2400))
	if plain != autoMaxThreshold || raised > 0.25+1e-9 {
		t.Errorf("threshold %.2f with raised posteriors, %.2f without: want 0.25 or under, and 0.5", raised, plain)
	}
}

// TestJudgeInquiries checks the chance an inquiry's candidate is its
// child: a lone candidate is judged above its posterior when most
// inquiries are on record, two namesakes of equal weight share it, the
// share of inquiries on record follows their evidence, and decide keeps
// the candidates whose chance is at the threshold.
func TestJudgeInquiries(t *testing.T) {
	var qs []inquiry
	// 800 inquiries with one strong candidate (r 100), 100 with two
	// equal namesakes (r 5 each), 100 with nothing (r 0.001).
	for i := 0; i < 800; i++ {
		qs = append(qs, inquiry{best: 0.6, rBest: 100, rSum: 100})
	}
	for i := 0; i < 100; i++ {
		qs = append(qs, inquiry{best: 0.3, rBest: 5, rSum: 10})
	}
	for i := 0; i < 100; i++ {
		qs = append(qs, inquiry{best: 0.0001, rBest: 0.001, rSum: 0.001})
	}
	pi := judgeInquiries(qs, 1)
	if pi < 0.85 || pi > 0.92 {
		t.Errorf("share on record %.3f, want about 0.9 (900 inquiries with evidence of 1,000)", pi)
	}
	j := &inquiryJudge{pi: pi, odds: 1, perPair: 1}
	if c := j.chance(100, 100); c < 0.99 {
		t.Errorf("lone strong candidate: chance %.3f, want above 0.99 (its posterior 0.6)", c)
	}
	if c := j.chance(5, 10); c < 0.45 || c > 0.5 {
		t.Errorf("one of two equal namesakes: chance %.3f, want just under a half", c)
	}
	if r := (&inquiryJudge{pi: pi, odds: 2, perPair: 1}).chance(5, 10); r <= j.chance(5, 10) {
		t.Errorf("raised: %.3f, not above %.3f", r, j.chance(5, 10))
	}
	// Hits of weight log2(r) with perPair 1: two equal namesakes are
	// both under 0.5, a lone one is declared.
	if got := j.decide([]hit{{i: 1, w: math.Log2(5)}, {i: 2, w: math.Log2(5)}}, 1, 0.5); len(got) != 0 {
		t.Errorf("two equal namesakes: %d declared, want none", len(got))
	}
	if got := j.decide([]hit{{i: 1, w: math.Log2(5)}}, 1, 0.5); len(got) != 1 {
		t.Errorf("a lone candidate of odds 5: %d declared, want it", len(got))
	}
	// An inquiry as decide weighs its hits: the odds of the first (the
	// best) and of all of them.
	q := inquiryOf([]hit{{i: 1, w: math.Log2(8)}, {i: 2, w: math.Log2(2)}}, DefaultModel(), 1)
	if q.rBest != 8 || q.rSum != 10 {
		t.Errorf("inquiryOf: best odds %v and sum %v, want 8 and 10", q.rBest, q.rSum)
	}
	if q := inquiryOf(nil, DefaultModel(), 1); q.rSum != 0 || q.rBest != 0 {
		t.Errorf("inquiryOf with no hits: %+v, want nothing", q)
	}
}

// TestTiedFirst: the hits (best first) that weigh exactly as much as the
// best, which Link declares together at rank 1.
func TestTiedFirst(t *testing.T) {
	for _, tt := range []struct {
		name string
		w    []float64
		want int
	}{
		{"no hits", nil, 0},
		{"one", []float64{3}, 1},
		{"a clear best", []float64{5, 3, 3}, 1},
		{"two tied", []float64{4, 4, 1}, 2},
		{"all tied", []float64{2, 2, 2}, 3},
		{"close is not tied", []float64{4, 3.9999}, 1},
	} {
		hits := make([]hit, len(tt.w))
		for i, w := range tt.w {
			hits[i] = hit{i: uint32(i), w: w}
		}
		if got := tiedFirst(hits); got != tt.want {
			t.Errorf("%s: %d tied, want %d", tt.name, got, tt.want)
		}
	}
}

// TestChainGuarded checks the rule that raises a threshold chosen for F1
// where the clusters made at it chain namesakes: the lowest threshold on
// the grid from the chosen one up at which the pairs inside the clusters
// are one person at least chainGuardRatio as often as the decisions the
// threshold was chosen on, 0.5 where none below holds.
func TestChainGuarded(t *testing.T) {
	// rising: the clusters' pairs at t against the decisions' as the
	// 202,352-row sparse set measured them (0.83 at 0.21, 0.91 at 0.30),
	// in a line.
	rising := func(t float64) float64 { return 0.83 + (t-0.21)*0.08/0.09 }
	for _, c := range []struct {
		name  string
		t0    float64
		ratio func(float64) float64
		want  float64
	}{
		{"holds at the chosen threshold", 0.21, func(float64) float64 { return 0.95 }, 0.21},
		{"holds just at the ratio", 0.22, func(float64) float64 { return chainGuardRatio }, 0.22},
		{"chains below 0.29", 0.21, rising, 0.29},
		{"a step", 0.20, func(t float64) float64 {
			if t < 0.355 {
				return 0.7
			}
			return 0.97
		}, 0.36},
		{"holds nowhere below 0.5", 0.20, func(float64) float64 { return 0.5 }, autoMaxThreshold},
		{"already 0.5", autoMaxThreshold, func(float64) float64 { return 0.1 }, autoMaxThreshold},
	} {
		t.Run(c.name, func(t *testing.T) {
			asked := 0
			got := chainGuarded(c.t0, func(t float64) float64 { asked++; return c.ratio(t) })
			if math.Abs(got-c.want) > 1e-9 {
				t.Errorf("threshold %.3f, want %.2f", got, c.want)
			}
			if asked > 6 {
				t.Errorf("ratio asked %d times, want the grid bisected (6 at most)", asked)
			}
		})
	}
}

// TestChainPrecision checks the two sides chainGuarded compares: the
// decisions' precision at a threshold (their posteriors, odds raised,
// at or above it) and the clusters' (every pair of records sharing a
// cluster scored, compared by blocking or not; lone records add none).
func TestChainPrecision(t *testing.T) {
	var s posteriorSample
	for _, p := range []float64{0.9, 0.6, 0.3, 0.01} {
		s.add(p)
	}
	if got := s.precisionAt(0.5, 1); math.Abs(got-0.75) > 1e-6 {
		t.Errorf("precision at 0.5: %.4f, want 0.75", got)
	}
	if got, want := s.precisionAt(0.3, 2), (shifted(0.9, 2)+shifted(0.6, 2)+shifted(0.3, 2))/3; math.Abs(got-want) > 1e-6 {
		t.Errorf("precision at 0.3, odds doubled: %.4f, want %.4f", got, want)
	}
	if got := s.precisionAt(0.95, 1); got != 1 {
		t.Errorf("precision where none is declared: %.4f, want 1", got)
	}

	recs := []Record{
		{ID: "a", Person: identity.Person{GivenNames: "María", Surname1: "López", BirthDate: "2010-03-04"}},
		{ID: "b", Person: identity.Person{GivenNames: "María", Surname1: "López", BirthDate: "2010"}},
		{ID: "c", Person: identity.Person{GivenNames: "María", Surname1: "López", BirthDate: "2014-11-20"}},
		{ID: "d", Person: identity.Person{GivenNames: "Juan", Surname1: "Cruz"}},
	}
	fs, err := prepare(context.Background(), recs, 1)
	if err != nil {
		t.Fatal(err)
	}
	m := calibratedDefault(fs, 1000)
	p := func(i, j int) float64 { return m.probability(m.score(&fs[i], &fs[j])) }
	w := func(a, b int32) float64 { return m.score(&fs[a], &fs[b]) }
	// a, b and c in one cluster (b bridging two dates), d alone.
	got := clusterPrecision([]int32{0, 0, 0, 3}, m, 1, w)
	want := (p(0, 1) + p(0, 2) + p(1, 2)) / 3
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("cluster precision %.4f, want %.4f (the mean of its three pairs)", got, want)
	}
	if p(0, 2) >= p(0, 1) {
		t.Errorf("the pair of disagreeing dates (%.4f) is not below the bridged pair (%.4f): the case does not test chaining", p(0, 2), p(0, 1))
	}
	if got := clusterPrecision([]int32{0, 1, 2, 3}, m, 1, w); got != 1 {
		t.Errorf("cluster precision of lone records %.4f, want 1", got)
	}
}
