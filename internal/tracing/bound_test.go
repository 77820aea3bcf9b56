package tracing_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/amparo-project/amparo/internal/tracing"
	"github.com/amparo-project/amparo/internal/tracing/synth"
)

// TestSparseBound is a label-aware diagnostic, run by hand
// (TRACING_CEILING=1): an empirical upper estimate of F1 on the sparse
// FEBRL-style sets. A supervised classifier, a lookup table of P(same
// person | cell) estimated from labelled sets of other seeds, is scored on
// the test sets (dedupe 102 / CLI 3, link 104 / CLI 4 with both sides
// sparse and with the left side full). Cells are the comparison levels
// the engine computes (given name, both surnames, date, place), then also
// what each side lacks and the frequency band of the agreeing names, then
// also finer facts the levels lose (edit distances, year, month and day
// apart, a name in the other box, finer frequency), or instead how many
// records of the set share the two fields the pair agrees on (namesakes);
// each finer cell backs off to the coarser one when training saw it
// little. Trained and scored
// once on the pairs our blocking brings together and once on all pairs
// (training on all true pairs, the blocked pairs and a weighted sample of
// the others). NOTES.md, "How high the sparse sets can go".
func TestSparseBound(t *testing.T) {
	if testing.Short() || os.Getenv("TRACING_CEILING") == "" {
		t.Skip("SKIPPED: diagnostic, run with TRACING_CEILING=1")
	}
	t.Run("dedupe", func(t *testing.T) {
		var seeds []uint64
		for s := uint64(201); s < 201+boundSeeds(); s++ {
			seeds = append(seeds, s)
		}
		blk, all := trainBound(seeds, func(seed uint64) *boundSet { return dedupeBoundSet(seed, 1850) }, 0.1)
		for _, c := range []struct {
			name   string
			seed   uint64
			people int
		}{{"sparse dedupe, test seed 102", 102, 1850}, {"sparse dedupe, CLI seed 3", 3, 2000}} {
			evalDedupeBound(t, c.name, dedupeBoundSet(c.seed, c.people), blk, all)
		}
	})
	for _, fullLeft := range []bool{false, true} {
		kind := "sparse link"
		if fullLeft {
			kind = "use case link (left full)"
		}
		t.Run(kind, func(t *testing.T) {
			var seeds []uint64
			for s := uint64(211); s < 211+boundSeeds()/2; s++ {
				seeds = append(seeds, s)
			}
			blk, all := trainBound(seeds, func(seed uint64) *boundSet { return linkBoundSet(seed, fullLeft) }, 0.05)
			for _, c := range []struct {
				name string
				seed uint64
			}{{kind + ", test seed 104", 104}, {kind + ", CLI seed 4", 4}} {
				evalLinkBound(t, c.name, linkBoundSet(c.seed, fullLeft), fullLeft, blk, all)
			}
		})
	}
}

// boundSeeds is how many labelled dedupe sets train the tables (half as
// many link sets, each of 5,000 × 5,000): 10, or TRACING_BOUND_SEEDS to
// see whether more training moves the estimate.
func boundSeeds() uint64 {
	if n, err := strconv.Atoi(os.Getenv("TRACING_BOUND_SEEDS")); err == nil && n >= 2 {
		return uint64(n)
	}
	return 10
}

// boundSet is a labelled set read for the bound: its pairs (all of them,
// or those blocking brings together) and whether each is one person.
type boundSet struct {
	d       *tracing.DiagSet
	v       *tracing.BoundView
	blocked [][2]int
	isBlk   map[[2]int]bool
	nTrue   int
	// pairs calls fn for every pair of the set (dedupe: i < j; link: left
	// i, right j), from rows lo to hi of the first index.
	rows  int
	pairs func(lo, hi int, fn func(i, j int))
	same  func(i, j int) bool
	recs  []tracing.Record // dedupe: the records
	truth []string         // dedupe: person of each record
	left  []tracing.Record // link
	right []tracing.Record
	nLeft int
	want  []int // link: the left record of each inquiry
}

func dedupeBoundSet(seed uint64, people int) *boundSet {
	set := synth.GenerateFEBRL(seed, people, synth.FEBRLOptions{Sparse: true})
	d := tracing.NewDiagDedupe(set.Records)
	b := &boundSet{d: d, v: tracing.NewBoundView(d, true), isBlk: map[[2]int]bool{}, recs: set.Records, truth: set.PersonID}
	n := len(set.Records)
	b.rows = n
	b.same = func(i, j int) bool { return set.PersonID[i] == set.PersonID[j] }
	b.pairs = func(lo, hi int, fn func(i, j int)) {
		for i := lo; i < hi; i++ {
			for j := i + 1; j < n; j++ {
				fn(i, j)
			}
		}
	}
	d.BlockedPairs(func(i, j int) {
		p := [2]int{min(i, j), max(i, j)}
		b.blocked = append(b.blocked, p)
		b.isBlk[p] = true
	})
	slices.SortFunc(b.blocked, func(x, y [2]int) int { return x[0]*n + x[1] - y[0]*n - y[1] })
	by := map[string]int{}
	for _, p := range set.PersonID {
		by[p]++
	}
	for _, k := range by {
		b.nTrue += k * (k - 1) / 2
	}
	return b
}

func linkBoundSet(seed uint64, fullLeft bool) *boundSet {
	left, right := synth.GenerateFEBRLLink(seed, 5000, synth.FEBRLOptions{Sparse: true, FullLeft: fullLeft})
	d := tracing.NewDiagLink(left.Records, right.Records)
	nl := len(left.Records)
	pos := map[string]int{}
	for i, r := range left.Records {
		pos[r.ID] = i
	}
	want := make([]int, len(right.Records))
	for k := range right.Records {
		want[k] = pos[right.PersonID[k]]
	}
	b := &boundSet{d: d, v: tracing.NewBoundView(d, false), isBlk: map[[2]int]bool{}, left: left.Records, right: right.Records, nLeft: nl, want: want}
	b.rows = nl
	b.nTrue = len(right.Records)
	b.same = func(i, j int) bool { return want[j-nl] == i }
	b.pairs = func(lo, hi int, fn func(i, j int)) {
		for i := lo; i < hi; i++ {
			for k := range right.Records {
				fn(i, nl+k)
			}
		}
	}
	d.BlockedPairs(func(i, j int) {
		p := [2]int{min(i, j), max(i, j)}
		b.blocked = append(b.blocked, p)
		b.isBlk[p] = true
	})
	slices.SortFunc(b.blocked, func(x, y [2]int) int { return (x[0]-y[0])*1_000_000 + x[1] - y[1] })
	return b
}

// boundTable is P(same | cell) at each granularity: the counts of one
// person and of all pairs (weighted) in each cell.
type boundTable struct {
	cells  [tracing.NCells]map[uint64][2]float64
	pos, n float64
}

func newBoundTable() *boundTable {
	t := &boundTable{}
	for c := range t.cells {
		t.cells[c] = map[uint64][2]float64{}
	}
	return t
}

func (t *boundTable) add(k [tracing.NCells]uint64, same bool, w float64) {
	s := 0.0
	if same {
		s = w
	}
	t.pos += s
	t.n += w
	for c := range k {
		x := t.cells[c][k[c]]
		t.cells[c][k[c]] = [2]float64{x[0] + s, x[1] + w}
	}
}

func (t *boundTable) merge(o *boundTable) {
	t.pos += o.pos
	t.n += o.n
	for c := range t.cells {
		for k, y := range o.cells[c] {
			x := t.cells[c][k]
			t.cells[c][k] = [2]float64{x[0] + y[0], x[1] + y[1]}
		}
	}
}

// boundPrior is the pseudo-count with which a cell backs off to its
// coarser cell (to the base rate at the coarsest).
const boundPrior = 2.0

// prob is P(same | cell) at granularity g, shrunk to its parent cell
// (tracing.CellParent).
func (t *boundTable) prob(k [tracing.NCells]uint64, g int) float64 {
	p := t.pos / t.n
	if parent := tracing.CellParent[g]; parent >= 0 {
		p = t.prob(k, parent)
	}
	x := t.cells[g][k[g]]
	return (x[0] + boundPrior*p) / (x[1] + boundPrior)
}

// trainBound fills two tables from the sets of seeds: one from the pairs
// blocking brings together, one from all pairs (every true pair and every
// blocked pair with weight 1, the others sampled at rate, weighted
// 1/rate). Two sets at a time.
func trainBound(seeds []uint64, mk func(uint64) *boundSet, rate float64) (blk, all *boundTable) {
	blk, all = newBoundTable(), newBoundTable()
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for _, seed := range seeds {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			b := mk(seed)
			tb, ta := newBoundTable(), newBoundTable()
			for _, p := range b.blocked {
				k := b.v.Cells(p[0], p[1])
				s := b.same(p[0], p[1])
				tb.add(k, s, 1)
				ta.add(k, s, 1)
			}
			r := rand.New(rand.NewPCG(seed, 0xb0))
			b.pairs(0, b.rows, func(i, j int) {
				s := b.same(i, j)
				if !s && r.Float64() >= rate {
					return
				}
				if b.isBlk[[2]int{i, j}] {
					return
				}
				if s {
					ta.add(b.v.Cells(i, j), true, 1)
				} else {
					ta.add(b.v.Cells(i, j), false, 1/rate)
				}
			})
			mu.Lock()
			blk.merge(tb)
			all.merge(ta)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return blk, all
}

// boundBins is the resolution of the pairwise threshold sweep.
const boundBins = 1000

// scored is what one way of scoring a set's pairs gives: a histogram of
// the probabilities of true and false pairs, the pairs scored at
// edgeMin or above (dedupe), each inquiry's best (link).
type scored struct {
	hist  [boundBins + 1][2]float64
	edges []boundEdge
	// link: best probability of each inquiry, how many left records
	// share it, whether the true one is among them.
	best   []float64
	nBest  []int
	trueAt []bool
	// link: the sum of the odds of every left record scored for the
	// inquiry, to weigh its best against the others.
	sumOdds []float64
	// local, when set, receives clusteredBest's best F1 of correlation
	// clustering (correlationClusters from the average linkage).
	local *result
}

type boundEdge struct {
	i, j int
	p    float64
}

const edgeMin = 0.02

func newScored(nRight int) *scored {
	s := &scored{best: make([]float64, nRight), nBest: make([]int, nRight), trueAt: make([]bool, nRight), sumOdds: make([]float64, nRight)}
	for k := range s.best {
		s.best[k] = -1
	}
	return s
}

func (s *scored) add(i, j, k int, p float64, same bool) {
	b := min(int(p*boundBins), boundBins)
	if same {
		s.hist[b][0]++
	} else {
		s.hist[b][1]++
	}
	if p >= edgeMin && k < 0 {
		s.edges = append(s.edges, boundEdge{i, j, p})
	}
	if k >= 0 {
		s.sumOdds[k] += p / (1 - p)
		switch {
		case p > s.best[k]:
			s.best[k], s.nBest[k], s.trueAt[k] = p, 1, same
		case p == s.best[k]:
			s.nBest[k]++
			s.trueAt[k] = s.trueAt[k] || same
		}
	}
}

func (s *scored) merge(o *scored) {
	for b := range s.hist {
		s.hist[b][0] += o.hist[b][0]
		s.hist[b][1] += o.hist[b][1]
	}
	s.edges = append(s.edges, o.edges...)
	for k := range s.best {
		s.sumOdds[k] += o.sumOdds[k]
		switch {
		case o.best[k] > s.best[k]:
			s.best[k], s.nBest[k], s.trueAt[k] = o.best[k], o.nBest[k], o.trueAt[k]
		case o.best[k] == s.best[k]:
			s.nBest[k] += o.nBest[k]
			s.trueAt[k] = s.trueAt[k] || o.trueAt[k]
		}
	}
}

// result is a best F1 over thresholds with its precision, recall and
// threshold.
type result struct{ p, r, f, t float64 }

func (x result) String() string {
	if x.f == 0 {
		return "—"
	}
	if x.t == 0 {
		return fmt.Sprintf("**%.4f** (%.3f / %.3f)", x.f, x.p, x.r)
	}
	return fmt.Sprintf("**%.4f** (%.3f / %.3f) at %.2f", x.f, x.p, x.r, x.t)
}

func bestOf(x, y result) result {
	if y.f > x.f {
		return y
	}
	return x
}

// pairwiseBest is the best F1 over thresholds of declaring every pair
// scored at the threshold or above, against all nTrue true pairs.
func (s *scored) pairwiseBest(nTrue int) result {
	var best result
	tp, decl := 0.0, 0.0
	for b := boundBins; b >= 1; b-- {
		tp += s.hist[b][0]
		decl += s.hist[b][1] + s.hist[b][0]
		p, r, f := prfF(tp, decl, float64(nTrue))
		best = bestOf(best, result{p, r, f, float64(b) / boundBins})
	}
	return best
}

// rankOneBest is the best F1 over thresholds of declaring each inquiry's
// best candidate when it scores at the threshold or above; ties are
// broken at random (the expected true positives).
func (s *scored) rankOneBest(nTrue int) result {
	return s.rankOne(nTrue, func(k int) float64 { return s.best[k] })
}

// chanceBest is rankOneBest with each inquiry's best weighed against its
// other candidates: its odds over the sum of the odds of every left
// record scored, the chance that it is the one when each inquiry has one
// match (as these sets have; Link's own declaring weighs candidates
// against each other likewise, branch sparse2).
func (s *scored) chanceBest(nTrue int) result {
	return s.rankOne(nTrue, func(k int) float64 {
		if s.sumOdds[k] == 0 {
			return 0
		}
		return s.best[k] / (1 - s.best[k]) / s.sumOdds[k]
	})
}

func (s *scored) rankOne(nTrue int, score func(k int) float64) result {
	var tpAt, declAt [boundBins + 1]float64
	for k := range s.best {
		if s.best[k] < 0 {
			continue
		}
		p := score(k)
		b := min(int(p*boundBins), boundBins)
		declAt[b]++
		if s.trueAt[k] {
			tpAt[b] += 1 / float64(s.nBest[k])
		}
	}
	var best result
	tp, decl := 0.0, 0.0
	for b := boundBins; b >= 1; b-- {
		tp += tpAt[b]
		decl += declAt[b]
		p, r, f := prfF(tp, decl, float64(nTrue))
		best = bestOf(best, result{p, r, f, float64(b) / boundBins})
	}
	return best
}

func prfF(tp, pred, act float64) (p, r, f float64) {
	if pred > 0 {
		p = tp / pred
	}
	if act > 0 {
		r = tp / act
	}
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return p, r, f
}

// boundThresholds are the thresholds the clusterings are tried at.
var boundThresholds = []float64{0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95}

// clusteredBest is the best F1 (as evaluate.py scores clusters) over
// thresholds of (1) connected components of the edges at the threshold
// and (2) the average-linkage joining of cluster (dedupe.go: edges
// strongest first, two clusters joined only if the mean probability of
// their pairs, scored by prob, is at the threshold, at most
// tracing.MaxCluster records; without the veto and the date rule, which
// are the product model's).
func (s *scored) clusteredBest(truth []string, prob func(i, j int) float64) (cc, avg result, avgClusters []int) {
	edges := slices.Clone(s.edges)
	slices.SortFunc(edges, func(a, b boundEdge) int {
		switch {
		case a.p > b.p:
			return -1
		case a.p < b.p:
			return 1
		}
		return a.i*len(truth) + a.j - b.i*len(truth) - b.j
	})
	n := len(truth)
	for _, th := range boundThresholds {
		u := newUnionFind(n)
		for _, e := range edges {
			if e.p < th {
				break
			}
			u.join(e.i, e.j)
		}
		cl := make([]int, n)
		for i := range cl {
			cl[i] = u.find(i)
		}
		p, r, f := pairF1(cl, truth)
		cc = bestOf(cc, result{p, r, f, th})

		parent := newUnionFind(n)
		members := map[int][]int{}
		get := func(r int) []int {
			if m, ok := members[r]; ok {
				return m
			}
			return []int{r}
		}
		for _, e := range edges {
			if e.p < th {
				break
			}
			ra, rb := parent.find(e.i), parent.find(e.j)
			if ra == rb {
				continue
			}
			A, B := get(ra), get(rb)
			if len(A)+len(B) > tracing.MaxCluster {
				continue
			}
			if len(A) > 1 || len(B) > 1 {
				sum := 0.0
				for _, a := range A {
					for _, b := range B {
						sum += prob(a, b)
					}
				}
				if sum/float64(len(A)*len(B)) < th {
					continue
				}
			}
			parent[rb] = ra
			members[ra] = append(A[:len(A):len(A)], B...)
			delete(members, rb)
		}
		for i := range cl {
			cl[i] = parent.find(i)
		}
		p, r, f = pairF1(cl, truth)
		if f > avg.f {
			avg, avgClusters = result{p, r, f, th}, cl
		}
		if s.local != nil {
			local := correlationClusters(cl, edges, th, prob)
			p, r, f = pairF1(local, truth)
			*s.local = bestOf(*s.local, result{p, r, f, th})
		}
	}
	return cc, avg, avgClusters
}

// correlationClusters improves start by local search on the correlation
// clustering objective: the sum, over pairs in one cluster, of the
// log-odds of a match less those of the threshold th (the most likely
// partition when pairs are independent). Each record in turn moves to the
// cluster of a neighbour (an edge), or alone, when that raises the sum;
// passes until none moves (at most 20). A collective step beyond
// average linkage, to see how much joint decisions add.
func correlationClusters(start []int, edges []boundEdge, th float64, prob func(i, j int) float64) []int {
	n := len(start)
	cl := slices.Clone(start)
	members := map[int]map[int]bool{}
	for i, c := range cl {
		if members[c] == nil {
			members[c] = map[int]bool{}
		}
		members[c][i] = true
	}
	adj := make([][]int, n)
	for _, e := range edges {
		if e.p < th/4 {
			break
		}
		adj[e.i] = append(adj[e.i], e.j)
		adj[e.j] = append(adj[e.j], e.i)
	}
	logit := func(p float64) float64 {
		p = min(max(p, 1e-9), 1-1e-9)
		return math.Log(p / (1 - p))
	}
	bias := logit(th)
	gain := func(i, c int) float64 {
		g := 0.0
		for j := range members[c] {
			if j != i {
				g += logit(prob(min(i, j), max(i, j))) - bias
			}
		}
		return g
	}
	next := n // fresh cluster numbers
	for pass := 0; pass < 20; pass++ {
		moved := 0
		for i := 0; i < n; i++ {
			if len(adj[i]) == 0 {
				continue
			}
			cur := cl[i]
			stay := gain(i, cur)
			best, bestC := 0.0, -1 // alone
			if len(members[cur]) == 1 {
				best, bestC = stay, cur
			}
			seen := map[int]bool{cur: true}
			for _, j := range adj[i] {
				c := cl[j]
				if seen[c] || len(members[c]) >= tracing.MaxCluster {
					continue
				}
				seen[c] = true
				if g := gain(i, c); g > best {
					best, bestC = g, c
				}
			}
			if bestC == cur || best <= stay+1e-9 {
				continue
			}
			if bestC < 0 {
				bestC = next
				next++
				members[bestC] = map[int]bool{}
			}
			delete(members[cur], i)
			members[bestC][i] = true
			cl[i] = bestC
			moved++
		}
		if moved == 0 {
			break
		}
	}
	return cl
}

// scoreBound scores the set's blocked pairs with blk and all its pairs
// with all, at each granularity, two workers over the rows.
func scoreBound(b *boundSet, blk, all *boundTable, nRight int, rightOf func(j int) int) (sb, sa [tracing.NCells]*scored) {
	for g := range sb {
		sb[g], sa[g] = newScored(nRight), newScored(nRight)
	}
	for _, p := range b.blocked {
		k := b.v.Cells(p[0], p[1])
		s := b.same(p[0], p[1])
		for g := range sb {
			sb[g].add(p[0], p[1], rightOf(p[1]), blk.prob(k, g), s)
		}
	}
	const workers = 2
	var parts [workers][tracing.NCells]*scored
	var wg sync.WaitGroup
	for w := range workers {
		for g := range parts[w] {
			parts[w][g] = newScored(nRight)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for lo := w * 64; lo < b.rows; lo += workers * 64 {
				b.pairs(lo, min(lo+64, b.rows), func(i, j int) {
					k := b.v.Cells(i, j)
					s := b.same(i, j)
					for g := range parts[w] {
						parts[w][g].add(i, j, rightOf(j), all.prob(k, g), s)
					}
				})
			}
		}()
	}
	wg.Wait()
	for w := range parts {
		for g := range sa {
			sa[g].merge(parts[w][g])
		}
	}
	return sb, sa
}

var cellNames = [tracing.NCells]string{"levels only", "cells (levels, lacks, name band)", "cells + rich features", "cells + namesakes in the set"}

func evalDedupeBound(t *testing.T, name string, b *boundSet, blk, all *boundTable) {
	res, err := tracing.Dedupe(context.Background(), b.recs, tracing.Options{})
	if err != nil {
		t.Fatal(err)
	}
	prod := newScored(0)
	for _, p := range b.blocked {
		prod.add(p[0], p[1], -1, b.d.Posterior(res.Model, p[0], p[1]), b.same(p[0], p[1]))
	}
	pp, pr, pf := pairF1(res.Cluster, b.truth)
	pcc, _, _ := prod.clusteredBest(b.truth, func(i, j int) float64 { return b.d.Posterior(res.Model, i, j) })
	t.Logf("%s: %d records, %d true pairs, %d blocked pairs (%d true)", name, len(b.recs), b.nTrue, len(b.blocked), countTrue(b))
	t.Log("| set | method | pairwise best F1 (P / R) at t | connected components best F1 | average linkage (cluster's rule) best F1 |")
	t.Logf("| %s | our product (its threshold %.2f; clustered = its output) | %s | %s | %s |", name, res.Stats.Threshold,
		prod.pairwiseBest(b.nTrue), pcc, result{pp, pr, pf, res.Stats.Threshold})
	nRight := 0
	sb, sa := scoreBound(b, blk, all, nRight, func(int) int { return -1 })
	for _, x := range []struct {
		what string
		s    [tracing.NCells]*scored
		tab  *boundTable
	}{{"supervised on our blocking", sb, blk}, {"supervised on all pairs", sa, all}} {
		for g := range x.s {
			var local result
			if x.tab == all && g == tracing.CellRich {
				x.s[g].local = &local
			}
			cc, avg, cl := x.s[g].clusteredBest(b.truth, func(i, j int) float64 { return x.tab.prob(b.v.Cells(i, j), g) })
			t.Logf("| %s | %s, %s | %s | %s | %s |", name, x.what, cellNames[g], x.s[g].pairwiseBest(b.nTrue), cc, avg)
			if x.tab == all && g == tracing.CellRich {
				t.Logf("%s: supervised on all pairs, rich, correlation clustering (local search from the average linkage): %s", name, local)
				boundFoundByFields(t, b, res.Cluster, cl)
			}
		}
	}
}

// boundFoundByFields logs, by the fields a true pair agrees on
// (DiagSet.PairFacts), the share of true pairs the product and the
// bound's clusters put together.
func boundFoundByFields(t *testing.T, b *boundSet, product, bound []int) {
	type tally struct{ n, prod, bound, falseProd, falseBound int }
	by := map[string]*tally{}
	// of is the tally of the fields pair (i, j) agrees on.
	of := func(i, j int) *tally {
		_, agree := b.d.PairFacts(i, j)
		k := strings.Join(agree, "+")
		if k == "" {
			k = "(none)"
		}
		c := by[k]
		if c == nil {
			c = &tally{}
			by[k] = c
		}
		return c
	}
	people := map[string][]int{}
	for i, p := range b.truth {
		people[p] = append(people[p], i)
	}
	for _, rs := range people {
		for x := range rs {
			for y := x + 1; y < len(rs); y++ {
				i, j := min(rs[x], rs[y]), max(rs[x], rs[y])
				c := of(i, j)
				c.n++
				if product[i] == product[j] {
					c.prod++
				}
				if bound[i] == bound[j] {
					c.bound++
				}
			}
		}
	}
	// False pairs declared, by the fields they agree on.
	for w, cl := range [][]int{product, bound} {
		members := map[int][]int{}
		for i, c := range cl {
			members[c] = append(members[c], i)
		}
		for _, ms := range members {
			for x := range ms {
				for y := x + 1; y < len(ms); y++ {
					i, j := min(ms[x], ms[y]), max(ms[x], ms[y])
					if b.truth[i] == b.truth[j] {
						continue
					}
					c := of(i, j)
					if w == 0 {
						c.falseProd++
					} else {
						c.falseBound++
					}
				}
			}
		}
	}
	keys := make([]string, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y string) int { return by[y].n - by[x].n })
	t.Log("| fields a pair agrees on | true pairs (share) | product: found, false pairs declared | bound (all pairs, rich, average linkage): found, false pairs declared |")
	for _, k := range keys {
		c := by[k]
		t.Logf("| %s | %d (%.1f %%) | %.1f %%, %d | %.1f %%, %d |", k, c.n, 100*float64(c.n)/float64(b.nTrue),
			100*float64(c.prod)/float64(max(c.n, 1)), c.falseProd, 100*float64(c.bound)/float64(max(c.n, 1)), c.falseBound)
	}
}

func countTrue(b *boundSet) int {
	n := 0
	for _, p := range b.blocked {
		if b.same(p[0], p[1]) {
			n++
		}
	}
	return n
}

func evalLinkBound(t *testing.T, name string, b *boundSet, fullLeft bool, blk, all *boundTable) {
	ctx := context.Background()
	var model *tracing.Model
	ms, err := tracing.Link(ctx, b.left, b.right, 1, tracing.Options{OnModel: func(m *tracing.Model) { model = m }})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for k, r := range b.right {
		want[r.ID] = b.left[b.want[k]].ID
	}
	tp := 0
	for _, m := range ms {
		if m.Rank == 1 && want[m.RightID] == m.LeftID {
			tp++
		}
	}
	pp, pr, pf := prf(tp, len(ms), len(b.right))
	// The product's rank-1 with a threshold chosen with the labels.
	low, err := tracing.Link(ctx, b.left, b.right, 1, tracing.Options{Threshold: 0.0001})
	if err != nil {
		t.Fatal(err)
	}
	rpos := map[string]int{}
	for k, r := range b.right {
		rpos[r.ID] = k
	}
	prodRank := newScored(len(b.right))
	for _, m := range low {
		k := rpos[m.RightID]
		prodRank.best[k], prodRank.nBest[k], prodRank.trueAt[k] = m.Probability, 1, want[m.RightID] == m.LeftID
	}
	prod := newScored(0)
	if model != nil {
		for _, p := range b.blocked {
			prod.add(p[0], p[1], -1, b.d.Posterior(model, p[0], p[1]), b.same(p[0], p[1]))
		}
	}
	t.Logf("%s: %d × %d, %d blocked pairs (%d true)", name, len(b.left), len(b.right), len(b.blocked), countTrue(b))
	t.Log("| set | method | pairwise best F1 (P / R) at t | rank-1 best F1 (P / R) at t | rank-1 by its chance among the inquiry's candidates |")
	t.Logf("| %s | our product (its output: %s) | %s | %s | (its output) |", name, result{pp, pr, pf, 0}, prod.pairwiseBest(b.nTrue), prodRank.rankOneBest(b.nTrue))
	sb, sa := scoreBound(b, blk, all, len(b.right), func(j int) int { return j - b.nLeft })
	for _, x := range []struct {
		what string
		s    [tracing.NCells]*scored
	}{{"supervised on our blocking", sb}, {"supervised on all pairs", sa}} {
		for g := range x.s {
			t.Logf("| %s | %s, %s | %s | %s | %s |", name, x.what, cellNames[g], x.s[g].pairwiseBest(b.nTrue), x.s[g].rankOneBest(b.nTrue), x.s[g].chanceBest(b.nTrue))
		}
	}
}
