package tracing

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Options tune Dedupe, Link and Train. The zero value is usable.
type Options struct {
	// Threshold is the match probability from which two records are
	// taken for one person. 0 (the default) chooses it for F1 from the
	// model's own posteriors, between 0.2 and 0.5 (f1Threshold): 0.5
	// where records say enough, lower where they say little.
	Threshold float64
	// Model, when set, is used as is; otherwise one is trained on the
	// records.
	Model *Model
	// MaxBlock is the largest group of records sharing a blocking key
	// that is compared in full (default 1000); in Dedupe, a larger group
	// is compared as a sorted neighbourhood (each record with the next
	// few, see windowOf), in Link and searches it is skipped.
	MaxBlock int
	// Workers is the number of goroutines (default GOMAXPROCS).
	Workers int
	// Progress, when set, is called with units of work done (candidate
	// groups for Dedupe, inquiries for Link) and the total.
	Progress func(done, total int)
	// Logger receives a line per stage (default: discard).
	Logger *slog.Logger
	// OnModel, when set, is called by Link with the model it uses (the
	// one given, rescaled to the records, or the one it trained), so that
	// it can be saved.
	OnModel func(*Model)
}

func (o *Options) withDefaults() Options {
	out := *o
	if out.Threshold < 0 || out.Threshold >= 1 {
		out.Threshold = 0 // chosen for F1 (f1Threshold)
	}
	if out.MaxBlock <= 0 {
		out.MaxBlock = 1000
	}
	if out.Workers <= 0 {
		out.Workers = runtime.GOMAXPROCS(0)
	}
	if out.Logger == nil {
		out.Logger = slog.New(slog.DiscardHandler)
	}
	return out
}

// DedupeResult says which records are one person.
type DedupeResult struct {
	// Cluster holds, for each input record, the index of its cluster
	// (0, 1, 2, ... in order of first appearance).
	Cluster []int
	// ClusterID holds, for each cluster, the ID of its first record.
	ClusterID []string
	// IDs holds the ID of each input record, so that callers can write
	// results without keeping the records (a million of them weigh a
	// quarter of a gigabyte).
	IDs []string
	// Model is the model used (trained unless Options.Model was given).
	Model *Model
	// Read, from DedupeCSV, says what the file held that was read
	// otherwise than asked (columns absent or ignored, dates out of form).
	Read ReadNotes
	// Stats describe the work done.
	Stats Stats
}

// Stats count the work of a run, for logs and benchmarks.
type Stats struct {
	Records int
	// Keys is the number of groups of records that share a blocking key;
	// SplitKeys of those, the oversized ones compared within a window
	// (see windowOf), SkippedKeys the groups of loose rules beyond their
	// bound, not compared (ruleBlockCap), and LargestBlock the size of
	// the largest group compared.
	Keys         int
	SplitKeys    int
	SkippedKeys  int
	LargestBlock int
	Comparisons  int64
	// HeldOutComparisons is how many of the comparisons came from the
	// held-out keys of a sparse set (heldOutBlocks).
	HeldOutComparisons int64
	Edges              int
	Clusters           int
	ModelPairs         int
	ModelPrior         float64
	// Threshold is the match probability used (Options.Threshold, or
	// the one chosen for F1), ExpectedF1 the F1 the model expects at it
	// when it was chosen, SelectionBits how much the posteriors of the
	// candidate pairs were raised for that choice (selectionShift).
	Threshold     float64
	ExpectedF1    float64
	SelectionBits float64
}

// inParallel splits 0..n into one contiguous range per worker and runs fn
// on each at once.
func inParallel(n, workers int, fn func(lo, hi int)) {
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / max(workers, 1)
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min(n, (w+1)*chunk)
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}

// prepare computes features of all records in parallel.
func prepare(ctx context.Context, recs []Record, workers int) ([]features, error) {
	return prepareCached(ctx, recs, newPrepCaches(workers))
}

func newPrepCaches(workers int) []*prepCache {
	cs := make([]*prepCache, max(workers, 1))
	for i := range cs {
		cs[i] = newPrepCache()
	}
	return cs
}

// prepareCached is prepare on one goroutine per cache of caches, each
// using its own.
func prepareCached(ctx context.Context, recs []Record, caches []*prepCache) ([]features, error) {
	fs := make([]features, len(recs))
	chunk := (len(recs) + len(caches) - 1) / len(caches)
	var wg sync.WaitGroup
	for w, c := range caches {
		lo, hi := w*chunk, min(len(recs), (w+1)*chunk)
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				if i%4096 == 0 && ctx.Err() != nil {
					return
				}
				fs[i] = newFeaturesCached(&recs[i], c)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return fs, nil
}

// localityOrder returns record indices sorted by first surname key, then
// given-name key and year.
func localityOrder(fs []features) []int {
	order := make([]int, len(fs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		x, y := &fs[a], &fs[b]
		if c := strings.Compare(x.s1.ph, y.s1.ph); c != 0 {
			return c
		}
		if c := strings.Compare(x.givenFirstPh, y.givenFirstPh); c != 0 {
			return c
		}
		return cmp.Compare(x.dob.y, y.dob.y)
	})
	return order
}

// permute puts fs in the given order (fs[k] becomes the old
// fs[order[k]]) in place, following cycles, so that a million records
// are not held twice.
func permute(fs []features, order []int) []features {
	done := make([]bool, len(fs))
	for start := range fs {
		if done[start] {
			continue
		}
		tmp := fs[start]
		k := start
		for {
			done[k] = true
			next := order[k]
			if next == start {
				fs[k] = tmp
				break
			}
			fs[k] = fs[next]
			k = next
		}
	}
	return fs
}

// blocks holds, for a set of records, the records grouped by blocking key.
type blocks struct {
	// groups: members of group g are members[gstart[g]:gstart[g+1]],
	// groups in increasing order of their key gkey[g].
	members []uint32
	gstart  []uint32
	gkey    []uint64
	// the groups record i belongs to are in[off[i]:off[i+1]], in
	// increasing order, for firstShared.
	in  []uint32
	off []uint32
	// window holds the window of each oversized group (see windowOf);
	// split counts them and largest is the size of the largest group.
	// skipped counts groups of the loose rules beyond their bound
	// (ruleBlockCap), which are not compared at all.
	skipped int
	window  map[uint32]int
	split   int
	largest int
	// lack says what each record lacks (see ruleNeeds).
	lack []uint8
	// after, when set, holds blocks compared before these: a pair that
	// shares a group of after that compares it is not compared again
	// here (see heldOutBlocks).
	after *blocks
}

// idBits is how many low bits of a blocking entry hold the record index;
// the key's hash keeps the high 40 (its rule in the top 4). Packing both
// in one uint64 halves the largest allocation of a dedupe and lets it be
// sorted as plain integers. Two keys that agree on their 36 hash bits
// merge their groups, which only adds candidate pairs.
const (
	idBits   = 24
	idMask   = 1<<idBits - 1
	maxDedup = idMask
)

// buildBlocks groups the records by blocking key. Memory is what bounds a
// million-record dedupe (some 31 million keys), so every array is
// allocated once at its exact size: keys are computed twice (once to
// count them), and a record's groups are kept as group numbers (4 bytes)
// rather than keys (8), and only for groups of two or more.
func buildBlocks(fs []features, maxBlock int) *blocks {
	return buildBlocksOf(fs, maxBlock, blockKeys)
}

// buildBlocksOf groups the records by the keys keysFn makes.
func buildBlocksOf(fs []features, maxBlock int, keysFn func(*keyHasher, *features, []uint64) []uint64) *blocks {
	b := &blocks{lack: make([]uint8, len(fs))}
	for i := range fs {
		b.lack[i] = lackOf(&fs[i])
	}
	nw := workers()
	each := func(fn func(k *keyHasher, lo, hi int)) {
		inParallel(len(fs), nw, func(lo, hi int) { fn(newKeyHasher(), lo, hi) })
	}
	// The distinct keys of record i, in tmp.
	keysOf := func(k *keyHasher, i int, tmp []uint64) []uint64 {
		tmp = keysFn(k, &fs[i], tmp[:0])
		for x := range tmp {
			tmp[x] &^= idMask
			if tmp[x] == 0 {
				tmp[x] = 1 << idBits
			}
		}
		slices.Sort(tmp)
		return slices.Compact(tmp)
	}
	start := make([]uint32, len(fs)+1)
	each(func(k *keyHasher, lo, hi int) {
		var tmp []uint64
		for i := lo; i < hi; i++ {
			tmp = keysOf(k, i, tmp)
			start[i+1] = uint32(len(tmp))
		}
	})
	for i := range fs {
		start[i+1] += start[i]
	}
	entries := make([]uint64, start[len(fs)])
	each(func(k *keyHasher, lo, hi int) {
		var tmp []uint64
		for i := lo; i < hi; i++ {
			tmp = keysOf(k, i, tmp)
			for x, h := range tmp {
				entries[int(start[i])+x] = h | uint64(i)
			}
		}
	})
	start = nil
	sortParallel(entries, nw)

	// scan calls fn for each group of two or more records: first those
	// of at most their rule's limit, compared in full, then (second
	// pass) the oversized ones, compared within a window (see
	// windowOf). Oversized groups come last so that a pair sharing any
	// group compared in full is compared there.
	scan := func(fn func(h uint64, es []uint64)) {
		for pass := 0; pass < 2; pass++ {
			for s := 0; s < len(entries); {
				h := entries[s] &^ idMask
				e := s
				for e < len(entries) && entries[e]&^idMask == h {
					e++
				}
				n, limit := e-s, ruleMaxBlock(ruleOfKey(h), maxBlock)
				switch {
				case n < 2:
				case n <= limit && pass == 0:
					fn(h, entries[s:e])
				case n > limit && pass == 1 && ruleBlockCap[ruleOfKey(h)] == 0:
					fn(h, entries[s:e])
				case n > limit && pass == 1:
					b.skipped++
				}
				s = e
			}
		}
	}
	b.off = make([]uint32, len(fs)+1)
	groups, total := 0, 0
	scan(func(h uint64, es []uint64) {
		groups++
		total += len(es)
		for _, x := range es {
			b.off[x&idMask+1]++
		}
	})
	for i := range fs {
		b.off[i+1] += b.off[i]
	}
	b.members = make([]uint32, 0, total)
	b.gstart = make([]uint32, 0, groups+1)
	b.gkey = make([]uint64, 0, groups)
	b.in = make([]uint32, total)
	fill := make([]uint32, len(fs))
	b.window = map[uint32]int{}
	b.skipped = 0 // counted again by the second scan
	scan(func(h uint64, es []uint64) {
		g := uint32(len(b.gkey))
		b.gstart = append(b.gstart, uint32(len(b.members)))
		b.gkey = append(b.gkey, h)
		if limit := ruleMaxBlock(ruleOfKey(h), maxBlock); len(es) > limit {
			b.window[g] = windowOf(limit)
			b.split++
		}
		b.largest = max(b.largest, len(es))
		for _, x := range es {
			i := uint32(x & idMask)
			b.members = append(b.members, i)
			b.in[b.off[i]+fill[i]] = g
			fill[i]++
		}
	})
	b.gstart = append(b.gstart, uint32(len(b.members)))
	return b
}

// windowOf is how many following records each record of an oversized
// group is compared with (groups of the loose rules beyond their bound,
// ruleBlockCap, are left out instead: measured at a million records,
// windowing them too tripled the comparisons). Records are numbered in locality order (first
// surname, given name, year: localityOrder), so a group's members are
// sorted that way and a window over them is a sorted neighbourhood: the
// records of a group too large to compare in full (all J. G. born in
// 2012) are compared with their nearest neighbours by name, and the work
// of the group grows with its size, not with its square. That is what
// bounds a dedupe whatever the skew of the data: every record is
// compared at most limit/2 times per key of a group within its bound,
// and at most windowOf(limit) times per key of one beyond it.
func windowOf(limit int) int { return max(4, min(limit/4, 32)) }

// pairsOf is the number of pairs group g compares (before pairs already
// compared in an earlier group are left out).
func (b *blocks) pairsOf(g int) int {
	n := int(b.gstart[g+1] - b.gstart[g])
	if w, ok := b.window[uint32(g)]; ok && w < n {
		return w*n - w*(w+1)/2
	}
	return n * (n - 1) / 2
}

func (b *blocks) groups() int { return len(b.gkey) }

// sortParallel sorts x on up to n goroutines: split around a sampled
// median in place (no second array of 31 million keys), then each side
// sorted at once.
func sortParallel(x []uint64, n int) {
	if n < 2 || len(x) < 1<<16 {
		slices.Sort(x)
		return
	}
	var sample [63]uint64
	for k := range sample {
		sample[k] = x[(k*len(x))/len(sample)]
	}
	slices.Sort(sample[:])
	pivot := sample[len(sample)/2]
	i, j := 0, len(x)-1
	for {
		for i <= j && x[i] < pivot {
			i++
		}
		for i <= j && x[j] >= pivot {
			j--
		}
		if i >= j {
			break
		}
		x[i], x[j] = x[j], x[i]
	}
	// x[:i] < pivot <= x[i:]. A side may be empty when most values equal
	// the pivot; sorting it whole is then still correct.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sortParallel(x[:i], n/2)
	}()
	sortParallel(x[i:], n-n/2)
	wg.Wait()
}

// firstShared reports whether group g is the first group records i and j
// share that compares them, so that a pair sharing several keys is
// compared once. A group of a rule that serves records lacking something
// (ruleNeeds) does not compare two records that lack nothing of it, so
// it does not count for them. Blocks with after (the held-out keys) leave
// out the pairs after compares; that check comes last: most pairs a
// held-out group visits share an earlier group of its own (two names
// alike share every form of the name, with the year and with the day and
// month), which the walk of this block's groups, stopping at g, finds
// more cheaply than the walk of all of after's (at 202,352 sparse rows
// the held-out pairs took 6 s of CPU, as long as the other 6.2 million).
func (b *blocks) firstShared(i, j uint32, g uint32) bool {
	if !b.firstOwn(i, j, g) {
		return false
	}
	return b.after == nil || b.after.firstShared(i, j, math.MaxUint32)
}

// firstOwn is firstShared among b's own groups.
func (b *blocks) firstOwn(i, j uint32, g uint32) bool {
	gi := b.in[b.off[i]:b.off[i+1]]
	gj := b.in[b.off[j]:b.off[j+1]]
	li, lj := b.lack[i], b.lack[j]
	x, y := 0, 0
	for x < len(gi) && y < len(gj) {
		a, c := gi[x], gj[y]
		if a >= g || c >= g {
			return true
		}
		switch {
		case a == c:
			if !compares(ruleOfKey(b.gkey[a]), li, lj) {
				x++
				y++
				continue
			}
			return false
		case a < c:
			x++
		default:
			y++
		}
	}
	return true
}

// forPairs calls fn for every candidate pair in groups lo..hi (each pair
// once over all groups).
func (b *blocks) forPairs(g int, fn func(i, j uint32)) {
	ms := b.members[b.gstart[g]:b.gstart[g+1]]
	h := uint32(g)
	w := len(ms)
	if ww, ok := b.window[h]; ok {
		w = ww
	}
	if need := ruleNeeds[ruleOfKey(b.gkey[g])]; need != 0 {
		for x := 0; x < len(ms); x++ {
			if b.lack[ms[x]]&need == 0 {
				continue
			}
			for y := max(0, x-w); y < min(len(ms), x+w+1); y++ {
				// Pairs of two records that lack it once (x < y).
				if y == x || (b.lack[ms[y]]&need != 0 && y < x) {
					continue
				}
				i, j := ms[x], ms[y]
				if i > j {
					i, j = j, i
				}
				if b.firstShared(i, j, h) {
					fn(i, j)
				}
			}
		}
		return
	}
	for x := 0; x < len(ms); x++ {
		for y := x + 1; y < min(len(ms), x+w+1); y++ {
			if b.firstShared(ms[x], ms[y], h) {
				fn(ms[x], ms[y])
			}
		}
	}
}

// trainModel sets u from random pairs and m and the prior by EM on up to
// emMaxPairs candidate pairs produced by sample, which returns how many
// candidate pairs those it produced stand for (1 when it produced all).
// The model is then turned into one for any pair of records (see
// Model.Population): population is how many records each record is
// matched against, pairs how many pairs there are in all.
func trainModel(m *Model, fs []features, population int, pairs float64, sample func(fn func(a, b *features) bool) float64) int {
	m.setFrequencies(fs)
	m.estimateU(fs, 200_000, 1)
	randomU := m.levelsU()
	n := 0
	sample(func(a, b *features) bool { n++; return true })
	if n < emMinPairs {
		// Too few pairs to estimate anything: the calibrated defaults.
		*m = *calibratedDefault(fs, population)
		m.Fallback = fmt.Sprintf("%d candidate pairs, fewer than %d", n, emMinPairs)
		return n
	}
	m.givenMFromSureDates(sample)
	m.typedFromSurePairs(sample)
	first := m.clone()
	f := m.fit(fs, randomU, population, pairs, sample)
	why := m.collapsed()
	if why != "" {
		// Among a million FEBRL-style records, people of one given name
		// born within a year outnumber the true pairs among the
		// candidates, and EM, free to move the birth date's agreement
		// mass, made "within a year" (m 0.74) the mark of a match: 33
		// other records per person. With the split held as set by hand
		// the fit holds there (1.9 per person, 1.7 true).
		c := first.clone()
		c.holdDateSplit = true
		cf := c.fit(fs, randomU, population, pairs, sample)
		c.holdDateSplit = false
		if c.collapsed() == "" {
			*m, f, why = *c, cf, ""
		}
	}
	if why != "" {
		// The fit says nothing reliable about this set: fall back to
		// the calibrated defaults (hand-set m, u, frequencies and
		// priors from the records).
		*m = *calibratedDefault(fs, population)
		m.Fallback = why
	}
	m.guardPrior(f.matches / pairs)
	if m.Fallback == "" && sparseSet(fs) {
		m.candidateMatches = f.matches
	}
	return f.pairs
}

// selectionMaxShare is the share of records that says3 under which the
// threshold chosen for F1 takes the pairs blocking selects as one person
// more often than the model says (selectionShift). Blocking sees what
// the levels do not where records lack fields (rules for records lacking
// a name, keys a typo survives). On the sparse FEBRL-style sets 47-49 %
// of the records say3, on the full ones 89-92 %, and on the use-case link
// set (full left, sparse right) 73 %. Where most records give a given
// name, a surname and a date, the matches the fit estimates among candidates
// count namesakes as well (at 215,712 FEBRL-style rows 399,000 for
// 263,000 true pairs), and raising the posteriors to them cost F1 0.10.
const selectionMaxShare = 0.6

// sparseSet reports whether fewer than selectionMaxShare of the records
// say3: where the threshold takes blocking's selection into account,
// and where cluster keeps records born years apart from joining through
// one that says little.
func sparseSet(fs []features) bool { return shareSaying3(fs) < selectionMaxShare }

// fitted is what fit saw: the candidate pairs EM was run on, and the
// matches among all candidates that informative pairs estimate.
type fitted struct {
	pairs   int
	matches float64
}

// fit runs EM on the candidate pairs sample produces and turns m into a
// model for any pair of records (toPopulation) with u from random pairs
// (randomU).
func (m *Model) fit(fs []features, randomU [nFields][]float64, population int, pairs float64, sample func(fn func(a, b *features) bool) float64) fitted {
	// Two rounds: the reading chosen for each pair (surnames crossed,
	// boxes exchanged) depends on the weights, which EM changes.
	scale := 1.0
	informative := map[vector]int{}
	var given [nFields]int // pairs in which both records give the field
	n := 0
	for round := 0; round < 2; round++ {
		patterns := map[vector]int{}
		clear(informative)
		n = 0
		given = [nFields]int{}
		scale = sample(func(a, b *features) bool {
			v := m.compare(a, b)
			patterns[v]++
			for f := range v {
				if int(v[f]) < len(fieldSpecs[f].Levels)-1 {
					given[f]++
				}
			}
			if says3(a) && says3(b) {
				informative[v]++
			}
			n++
			return true
		})
		m.estimateEM(patterns, 100)
	}
	for f := range given {
		// A field (nearly) never given on both sides of a pair says
		// nothing about this set: the check for siblings leaves it out.
		m.absent[f] = float64(given[f]) < absentShare*float64(n)
	}
	matches := m.informativeMatches(informative, shareSaying3(fs)) * scale
	m.toPopulation(randomU, float64(n)*scale, population, pairs)
	return fitted{pairs: n, matches: matches}
}

// givenMFromSureDates sets how m of the given names is shared among the
// levels at which they agree (exact, folded, nickname, phonetic, subset,
// a typo, another word), from candidate pairs that are one person almost
// surely: born the same day with a surname in common. The m of given
// names is held by hand (anchored) so that EM cannot take "same family"
// for "same person"; the mass of the levels of disagreement stays as set
// by hand (twins share a birth date and a surname), only how the rest is
// split follows the set. Where given names vary by typos rather than by
// accents, nicknames and second names (FEBRL's sets: a typo has m 0.10
// by hand, 0.26-0.30 fitted there), a typo weighed too little.
//
// The one exception: sure pairs whose given names disagree yet are
// written within two edits of each other ("Ernily"/"Emily", "Jmws"/
// "James") are one person typed wrongly, not twins (whose names differ
// as names do), and where they are more than the hand-set mass of
// disagreement (0.01) that mass follows them, up to
// givenDisagreeMax: on FEBRL's sets 5.6 % of true pairs disagree on the
// given name, and each such pair weighed 2.5 bits too much against.
func (m *Model) givenMFromSureDates(sample func(fn func(a, b *features) bool) float64) {
	var count [gMissing]float64
	total, typed := 0.0, 0.0
	sample(func(a, b *features) bool {
		if compareDate(a.dob, b.dob) != dExact || !a.dob.valid || a.dob.d == 0 {
			return true
		}
		v := m.compare(a, b)
		if min(v[fSurname1], v[fSurname2]) > sPhonetic {
			return true
		}
		if v[fGiven] == gTyped {
			typed++
		}
		if v[fGiven] > gOther {
			return true
		}
		count[v[fGiven]]++
		total++
		return true
	})
	if total < sureMinPairs {
		return
	}
	lv := m.Fields[fGiven].Levels
	hand := 0.0
	for l := gExact; l <= gOther; l++ {
		hand += lv[l].M
	}
	d := min(max(typed/(typed+total), lv[gTyped].M), givenDisagreeMax)
	agree := hand - (d - lv[gTyped].M)
	lv[gTyped].M = d
	for l := gExact; l <= gOther; l++ {
		// emPseudo pairs of the values set by hand.
		lv[l].M = agree * (count[l] + emPseudo*lv[l].M/hand) / (total + emPseudo)
	}
	m.prepare()
}

// givenDisagreeMax bounds the given names' mass of disagreement learnt
// from sure pairs typed wrongly (givenMFromSureDates): a set of twins
// named alike must not make disagreeing given names cheap.
const givenDisagreeMax = 0.05

// typedFromSurePairs sets m of the surnames' and the birth date's level
// "typed wrongly" as givenMFromSureDates sets the given names': from the
// sure pairs of the field, the share that is typed wrongly among those
// typed wrongly or agreeing, where above the hand-set value, up to
// typedMax, the agreeing levels giving up as much. A surname's sure pairs
// are born the same day with given names that agree; a birth date's have
// given names and a surname that agree. The mass of disagreement stays as
// set by hand. The surnames' m is EM's to move afterwards (this is its
// start); the date's level is held out of EM's split (resplitAgreement
// stops before it). On FEBRL-style sets a year typed wrongly ("2013" /
// "2018-03-02") and a surname typed twice ("Zeiada" / "Zelaya") were
// judged as namesakes.
func (m *Model) typedFromSurePairs(sample func(fn func(a, b *features) bool) float64) {
	var typed, total [nFields]float64
	sample(func(a, b *features) bool {
		v := m.compare(a, b)
		given := v[fGiven] <= gJaro
		if given && compareDate(a.dob, b.dob) == dExact && a.dob.d != 0 {
			for _, f := range []int{fSurname1, fSurname2} {
				switch {
				case v[f] == sTyped:
					typed[f]++
				case v[f] < sTyped:
					total[f]++
				}
			}
		}
		if given && min(v[fSurname1], v[fSurname2]) <= sPhonetic {
			switch {
			case v[fBirthDate] == dTyped:
				typed[fBirthDate]++
			case v[fBirthDate] < dTyped:
				total[fBirthDate]++
			}
		}
		return true
	})
	for f, l := range map[int]int{fSurname1: sTyped, fSurname2: sTyped, fBirthDate: dTyped} {
		if total[f] < sureMinPairs {
			continue
		}
		lv := m.Fields[f].Levels
		hand := 0.0
		for k := 0; k < l; k++ {
			hand += lv[k].M
		}
		d := min(max(typed[f]/(typed[f]+total[f]), lv[l].M), typedMax)
		scale := (hand - (d - lv[l].M)) / hand
		lv[l].M = d
		for k := 0; k < l; k++ {
			lv[k].M *= scale
		}
	}
	m.prepare()
}

// typedMax bounds m of the levels "typed wrongly" learnt from sure pairs
// (typedFromSurePairs): namesakes among the sure pairs must not make a
// surname or a year typed wrongly cheap.
const typedMax = 0.05

// sureMinPairs is the fewest sure pairs givenMFromSureDates learns from.
const sureMinPairs = 200

// says3 reports whether a record gives a given name, a surname and a
// full birth date: the records whose pairs EM judges well.
func says3(f *features) bool {
	return f.givenFirstPh != "" && (f.s1.ph != "" || f.s2.ph != "") && f.dob.valid && f.dob.d != 0
}

// shareSaying3 is the share of records that says3.
func shareSaying3(fs []features) float64 {
	n := 0
	for i := range fs {
		if says3(&fs[i]) {
			n++
		}
	}
	return float64(n) / float64(max(len(fs), 1))
}

// informativeMatches estimates the number of matches among all candidate
// pairs from the pairs of records that give a given name, a surname and
// a full date (informative: their patterns; share: the part of the
// records that do), or 0 when they are too few. Where records say
// little, a match and a namesake look alike and EM gives the ambiguous
// pairs to the non-match class: on a FEBRL-style set whose records keep
// at most three fields it fitted 1.2 other records per person where
// there are 2.4. Among informative pairs EM is right (2.2 for 2.4 on the
// full set); a person has as many records whether they say much or
// little, so the matches among informative pairs, divided by the chance
// that both records of a pair are informative, estimate the matches
// among all.
func (m *Model) informativeMatches(informative map[vector]int, share float64) float64 {
	ni := 0
	for _, c := range informative {
		ni += c
	}
	if ni < emMinPairs || share <= 0 {
		return 0
	}
	return m.matchShare(informative) * float64(ni) / (share * share)
}

// guardPrior raises the population model's share of matches to prior
// (from informativeMatches) when that is priorGuardRatio times more, as
// far as the model does not then score siblings a match (collapsed):
// the full estimate, else its geometric mean with the fit, else none.
func (m *Model) guardPrior(prior float64) {
	if m.Population == 0 || prior <= priorGuardRatio*m.Prior {
		return
	}
	fitted := m.Prior
	for _, p := range []float64{prior, math.Sqrt(prior * fitted)} {
		m.Prior = clampPrior(p)
		m.prepare()
		if m.collapsed() == "" {
			return
		}
	}
	m.Prior = fitted
	m.prepare()
}

// priorGuardRatio is how far the estimate from informative pairs must
// exceed EM's before it replaces it: within it, the two agree as well as
// such estimates can.
const priorGuardRatio = 1.25

// matchShare fits the share of matches among pairs of the given
// patterns, m, f and u held (the classes' shares as estimateEM's second
// stage fits them).
func (m *Model) matchShare(patterns map[vector]int) float64 {
	c := *m
	c.prepare()
	total := 0.0
	for _, k := range patterns {
		total += float64(k)
	}
	for it := 0; it < 100; it++ {
		var shares [nClasses]float64
		for v, k := range patterns {
			addShares(&shares, c.classLogs(&v, nil), float64(k))
		}
		np, nf := priorsFrom(shares, total)
		change := math.Abs(np-c.Prior) + math.Abs(nf-c.PriorFamily)
		c.Prior, c.PriorFamily = np, nf
		c.prepare()
		if change < 1e-6 {
			break
		}
	}
	return c.Prior
}

// calibratedDefault is the model used when a set holds too little
// evidence to fit one: m set by hand, u and name frequencies from the
// records fs, and priors that say each record has about one other record
// of its person and half a sibling among population others (as
// searchModel).
func calibratedDefault(fs []features, population int) *Model {
	m := DefaultModel()
	m.setFrequencies(fs)
	if len(fs) < searchModelMin || population < 1 {
		return m
	}
	m.estimateU(fs, 200_000, 1)
	m.Prior = clampPrior(1 / float64(population))
	m.PriorFamily = clampPrior(0.5 / float64(population))
	m.Population = population
	m.prepare()
	return m
}

// collapsed checks a fitted population model for the ways EM fails and
// says which it found ("" when none): the match class taken for "same
// family" (two records that share surnames, parents and birthplace but
// not the given name nor the birth date, as siblings do, scored a match),
// or a share of matches no set of records holds (more than maxDupsPerRecord
// other records of each person, or fewer than one in a thousand records
// with a duplicate).
func (m *Model) collapsed() string {
	if m.Population == 0 {
		return ""
	}
	dups := m.Prior * float64(m.Population)
	switch {
	case dups > maxDupsPerRecord:
		return fmt.Sprintf("fitted %.1f other records per person", dups)
	case dups < 1e-3:
		return fmt.Sprintf("fitted %.2g other records per person", dups)
	}
	var sib vector // level 0 of every field: agree exactly
	sib[fGiven], sib[fBirthDate] = gDisagree, dDisagree
	for f := range sib {
		if m.absent[f] {
			// Not in this set's records: siblings cannot agree on it.
			sib[f] = uint8(len(fieldSpecs[f].Levels) - 1)
		}
	}
	if p := m.probability(weightOf(m.classLogs(&sib, nil))); p >= 0.5 {
		return fmt.Sprintf("siblings scored a match (%.2f)", p)
	}
	return ""
}

// absentShare: a field given on both sides of fewer than this share of
// the candidate pairs EM looks at is taken as absent from the set (the
// sparse FEBRL-style sets have no sex, country, place nor parents).
const absentShare = 0.01

// maxDupsPerRecord is the most other records of one person a fitted model
// may say a set holds on average.
const maxDupsPerRecord = 20.0

// emMaxPairs bounds the candidate pairs EM looks at: the patterns of a few
// hundred thousand pairs fix m to the third decimal.
const emMaxPairs = 300_000

// emMinPairs is the fewest candidate pairs EM is run on.
const emMinPairs = 500

// Dedupe finds which records are of one person.
func Dedupe(ctx context.Context, recs []Record, opts Options) (*DedupeResult, error) {
	o := opts.withDefaults()
	if len(recs) > maxDedup {
		return nil, fmt.Errorf("tracing: dedupe: %d records, at most %d in one run", len(recs), maxDedup)
	}
	fs, err := prepare(ctx, recs, o.Workers)
	if err != nil {
		return nil, fmt.Errorf("tracing: dedupe: %w", err)
	}
	// From here on only the IDs of the records are needed; copying them
	// lets the records themselves be collected if the caller drops them.
	ids := make([]string, len(recs))
	for i := range recs {
		ids[i] = strings.Clone(recs[i].ID)
	}
	recs = nil
	return dedupePrepared(ctx, ids, fs, o)
}

// csvBatch is how many records DedupeCSV reads before preparing them.
const csvBatch = 8192

// DedupeCSV is Dedupe of the records of a CSV file (read as ReadCSV
// reads them). Records are prepared in batches as they are read and then
// dropped, so a million rows never sit in memory twice (as text and as
// features): that is what keeps a 1,000,000-row dedupe within 2 GiB.
// sizeHint, when positive, is the number of records expected.
func DedupeCSV(ctx context.Context, r io.Reader, sizeHint int, opts Options) (*DedupeResult, error) {
	o := opts.withDefaults()
	sizeHint = min(max(sizeHint, 0), maxDedup)
	ids := make([]string, 0, sizeHint)
	fs := make([]features, 0, sizeHint)
	// Batches are prepared in the background, in order, while the next
	// one is read: parsing CSV is one core's work, preparing all cores'.
	batches := make(chan []Record, 2)
	prepErr := make(chan error, 1)
	go func() {
		var err error
		caches := newPrepCaches(o.Workers)
		for batch := range batches {
			if err != nil {
				continue // drain
			}
			var bf []features
			if bf, err = prepareCached(ctx, batch, caches); err != nil {
				continue
			}
			fs = append(fs, bf...)
			for i := range batch {
				ids = append(ids, strings.Clone(batch[i].ID))
			}
		}
		prepErr <- err
	}()
	batch := make([]Record, 0, csvBatch)
	read := 0
	var notes ReadNotes
	err := readCSV(r, &notes, func(rec Record) error {
		if read >= maxDedup {
			return fmt.Errorf("more than %d records, at most %d in one run", maxDedup, maxDedup)
		}
		read++
		batch = append(batch, rec)
		if len(batch) == csvBatch {
			batches <- batch
			batch = make([]Record, 0, csvBatch)
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		batches <- batch
	}
	close(batches)
	if perr := <-prepErr; err == nil {
		err = perr
	}
	if err != nil {
		return nil, fmt.Errorf("tracing: dedupe: %w", err)
	}
	o.Logger.Info("tracing: read and prepared", "records", len(ids))
	res, err := dedupePrepared(ctx, ids, fs, o)
	if res != nil {
		res.Read = notes
	}
	return res, err
}

// dedupePrepared is Dedupe of prepared records, fs[i] of the record with
// id ids[i].
func dedupePrepared(ctx context.Context, ids []string, fs []features, o Options) (*DedupeResult, error) {
	nrec := len(ids)
	// Put records likely to be compared next to each other in memory:
	// comparing is bound by memory reads at a million records, and most
	// candidate pairs share a first surname.
	order := localityOrder(fs)
	fs = permute(fs, order)
	sparse := sparseSet(fs)
	bl := buildBlocks(fs, o.MaxBlock)
	res := &DedupeResult{IDs: ids, Stats: Stats{Records: nrec, Keys: bl.groups(),
		SplitKeys: bl.split, SkippedKeys: bl.skipped, LargestBlock: bl.largest}}
	o.Logger.Info("tracing: blocks built", "records", nrec, "groups", bl.groups(), "windowed_groups", bl.split,
		"skipped_groups", bl.skipped, "largest_group", bl.largest)

	m := o.Model.ForPopulation(nrec - 1)
	if m == nil {
		m = DefaultModel()
		res.Stats.ModelPairs = trainModel(m, fs, nrec-1, float64(nrec)*float64(nrec-1)/2, func(fn func(a, b *features) bool) float64 {
			return sampleGroups(bl, emMaxPairs, func(i, j uint32) bool { return fn(&fs[i], &fs[j]) })
		})
		o.Logger.Info("tracing: model trained", "pairs", res.Stats.ModelPairs, "prior", m.Prior, "prior_family", m.PriorFamily)
	}
	res.Model = m
	res.Stats.ModelPrior = m.Prior
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("tracing: dedupe: %w", err)
	}

	var chosen *posteriorSample
	if o.Threshold == 0 {
		o.Threshold, res.Stats.ExpectedF1, res.Stats.SelectionBits, chosen = dedupeThreshold(bl, fs, m, nrec)
		o.Logger.Info("tracing: threshold chosen for F1", "threshold", o.Threshold, "expected_f1", res.Stats.ExpectedF1,
			"selection_bits", res.Stats.SelectionBits)
	}
	res.Stats.Threshold = o.Threshold
	edges, comps, err := scoreGroups(ctx, bl, fs, m, o, sparse)
	if err != nil {
		return nil, fmt.Errorf("tracing: dedupe: %w", err)
	}
	if sparse {
		ho := heldOutBlocks(fs, bl, o.MaxBlock)
		po := o
		po.Progress = nil
		more, n, err := scoreGroups(ctx, ho, fs, m, po, sparse)
		if err != nil {
			return nil, fmt.Errorf("tracing: dedupe: %w", err)
		}
		o.Logger.Info("tracing: held-out pairs scored", "comparisons", n, "edges", len(more))
		edges = append(edges, more...)
		comps += n
		res.Stats.HeldOutComparisons = n
	}
	res.Stats.Comparisons = comps
	res.Stats.Edges = len(edges)
	o.Logger.Info("tracing: pairs scored", "comparisons", comps, "edges", len(edges))
	cl := cluster(fs, edges, m, o.Threshold, sparse)
	if chosen != nil && o.Threshold < autoMaxThreshold {
		cl, o.Threshold = guardChaining(fs, edges, m, cl, o.Threshold, chosen, math.Exp2(res.Stats.SelectionBits))
		if o.Threshold != res.Stats.Threshold {
			o.Logger.Info("tracing: threshold raised against chaining", "threshold", o.Threshold)
			res.Stats.Threshold = o.Threshold
		}
	}
	// Back to input order.
	orig := make([]int32, len(cl))
	for k, i := range order {
		orig[i] = int32(order[cl[k]])
	}
	res.Cluster, res.ClusterID = numberClusters(orig, ids)
	res.Stats.Clusters = len(res.ClusterID)
	o.Logger.Info("tracing: clustered", "clusters", len(res.ClusterID))
	return res, nil
}

// heldOutBlocks groups the records of a sparse set by the held-out keys
// (heldOutKeys), leaving out the pairs bl compares already. Their pairs
// are scored and clustered, but neither EM (trainModel) nor the threshold
// (dedupeThreshold) sees them: both sample bl alone. On the sparse sets
// 17 % of the true pairs were never brought together, mostly names typed
// wrongly from their first letter with a year, and every key tried for
// them as an ordinary rule moved the fit more than it found.
func heldOutBlocks(fs []features, bl *blocks, maxBlock int) *blocks {
	ho := buildBlocksOf(fs, maxBlock, heldOutKeys)
	ho.after = bl
	return ho
}

// sampleGroups visits candidate pairs of a spread of groups until about
// max pairs have been seen, and returns how many candidate pairs in all
// each one visited stands for.
func sampleGroups(bl *blocks, maxPairs int, fn func(i, j uint32) bool) float64 {
	total := 0
	for g := 0; g < bl.groups(); g++ {
		total += bl.pairsOf(g)
	}
	step := 1
	if total > maxPairs {
		step = (total + maxPairs - 1) / maxPairs
		// Most pairs a group counts may be compared in another group
		// or not at all (rules for records lacking a field, windows):
		// on FEBRL's million 15 % of them, and the sample fell to 47,000
		// pairs. The groups a first step takes say how many of their
		// pairs are visited; take groups as much more densely.
		counted, visited := 0, 0
		for g := 0; g < bl.groups(); g += step {
			counted += bl.pairsOf(g)
			bl.forPairs(g, func(i, j uint32) { visited++ })
		}
		if visited > 0 && visited < counted {
			step = max(1, int(float64(step)*float64(visited)/float64(counted)))
		}
	}
	// Take every step-th group: groups are in hash order, which is as
	// good as random.
	taken := 0
	for g := 0; g < bl.groups(); g += step {
		taken += bl.pairsOf(g)
		bl.forPairs(g, func(i, j uint32) { fn(i, j) })
	}
	if taken == 0 {
		return 1
	}
	return float64(total) / float64(taken)
}

// fittedToSet reports whether m's posteriors are calibrated on the set at
// hand, so that a threshold may be chosen from them: a model for any pair
// of records (Model.Population) fitted to this set. The calibrated
// defaults a failed fit falls back to were set on other data: on FEBRL's
// million the fit fails, and the 0.26 chosen from the defaults took
// precision from 0.93 to 0.87 for a lower F1.
func (m *Model) fittedToSet() bool { return m.Population != 0 && m.Fallback == "" }

// dedupeThreshold chooses the threshold for F1 (f1Threshold) from the
// posteriors of a sample of the candidate pairs, raised as selectionShift
// says, and returns it, the F1 expected there and the bits the posteriors
// were raised by; a model not fittedToSet keeps 0.5, and so does a set
// where most records give a given name, a surname and a date (at least
// selectionMaxShare say3). There the posteriors are bimodal and the
// choice rests on the expected matches, which namesakes inflate at
// scale: at 215,712 FEBRL-style rows the prior says 378,000 for 263,000
// true pairs, and 0.35 was chosen for F1 0.848 where 0.5 gives 0.868.
func dedupeThreshold(bl *blocks, fs []features, m *Model, nrec int) (threshold, expectedF1, bits float64, s *posteriorSample) {
	if !m.fittedToSet() || !sparseSet(fs) {
		return autoMaxThreshold, 0, 0, nil
	}
	s = &posteriorSample{}
	scale := sampleGroups(bl, emMaxPairs, func(i, j uint32) bool {
		s.add(m.probability(m.score(&fs[i], &fs[j])))
		return true
	})
	pairs := float64(nrec) * float64(nrec-1) / 2
	odds := selectionShift(s, scale, m.candidateMatches)
	threshold, expectedF1 = f1Threshold(s, scale, m.Prior*pairs, odds)
	return threshold, expectedF1, math.Log2(odds), s
}

// guardChaining raises a threshold chosen for F1 where the clusters made
// at it chain namesakes (chainGuarded): the pairs inside them, all
// scored, are one person much less often than the candidate pairs the
// threshold was chosen on (sample, their odds times odds). It returns
// the clusters and the threshold they were made at; edges hold the
// pairs at t0 or more, and a higher threshold clusters those above it.
func guardChaining(fs []features, edges []edge, m *Model, cl []int32, t0 float64, sample *posteriorSample, odds float64) ([]int32, float64) {
	made := map[float64][]int32{t0: cl}
	// The clusters tried at each threshold hold mostly the same pairs.
	weights := map[uint64]float64{}
	score := func(a, b int32) float64 {
		k := uint64(a)<<32 | uint64(b) // score is not symmetric in its records
		w, ok := weights[k]
		if !ok {
			w = pairScore(m, &fs[a], &fs[b])
			weights[k] = w
		}
		return w
	}
	clustersAt := func(t float64) []int32 {
		if c, ok := made[t]; ok {
			return c
		}
		minW := weightFor(m, t)
		var es []edge
		for _, e := range edges {
			if float64(e.w) >= minW {
				es = append(es, e)
			}
		}
		c := clusterScored(fs, es, m, t, true, score) // chosen on sparse sets alone
		made[t] = c
		return c
	}
	t := chainGuarded(t0, func(t float64) float64 {
		return clusterPrecision(clustersAt(t), m, odds, score) / sample.precisionAt(t, odds)
	})
	return clustersAt(t), t
}

// clusterPrecision returns the mean posterior (its odds times odds) of
// the pairs of records that share a cluster, every pair scored, whether
// blocking compared it or not; 1 where no cluster holds two records.
func clusterPrecision(roots []int32, m *Model, odds float64, score func(a, b int32) float64) float64 {
	members := map[int32][]int32{}
	for i, r := range roots {
		members[r] = append(members[r], int32(i))
	}
	sum, n := 0.0, 0
	for _, ms := range members {
		for a := range ms {
			for b := a + 1; b < len(ms); b++ {
				sum += shifted(m.probability(score(ms[a], ms[b])), odds)
				n++
			}
		}
	}
	if n == 0 {
		return 1
	}
	return sum / float64(n)
}

type edge struct {
	i, j uint32
	w    float32
}

// scoreGroups compares every candidate pair and keeps those above the
// threshold. On a sparse set (sparse) pairs whose names may be read
// across are read both ways (pairScore).
func scoreGroups(ctx context.Context, bl *blocks, fs []features, m *Model, o Options, sparse bool) ([]edge, int64, error) {
	minW := weightFor(m, o.Threshold)
	var next atomic.Int64
	var comps atomic.Int64
	var done atomic.Int64
	ng := bl.groups()
	const batch = 256
	results := make([][]edge, o.Workers)
	var wg sync.WaitGroup
	for w := 0; w < o.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []edge
			var c int64
			for {
				if ctx.Err() != nil {
					break
				}
				lo := int(next.Add(batch)) - batch
				if lo >= ng {
					break
				}
				hi := min(ng, lo+batch)
				for g := lo; g < hi; g++ {
					bl.forPairs(g, func(i, j uint32) {
						c++
						if s, ok := m.scoreAtLeast(&fs[i], &fs[j], minW); ok {
							if sparse {
								s = readBothWays(m, &fs[i], &fs[j], s)
							}
							if s >= minW {
								local = append(local, edge{i, j, float32(s)})
							}
						}
					})
				}
				if o.Progress != nil {
					o.Progress(int(done.Add(int64(hi-lo))), ng)
				}
			}
			results[w] = local
			comps.Add(c)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	var edges []edge
	for _, r := range results {
		edges = append(edges, r...)
	}
	return edges, comps.Load(), nil
}

// pairScore is the weight of a pair of records, read both ways where
// their names may be read across (readAcross), the lesser.
func pairScore(m *Model, a, b *features) float64 {
	return readBothWays(m, a, b, m.score(a, b))
}

// readBothWays returns s, the weight of a against b, or the weight of b
// against a where that is less and the pair may be read across.
func readBothWays(m *Model, a, b *features, s float64) float64 {
	if readAcross(a, b) {
		s = min(s, m.score(b, a))
	}
	return s
}

// readAcross reports whether a pair may be scored with one record's given
// name and first surname exchanged (Model.readings). The score of such a
// pair depends on which record comes first: the names' frequencies are
// those of the first record's fields, and a record written "Mendoza
// María" gives "Mendoza" as a given name, rare, and "María" as a surname,
// rarer: against every "María Mendoza" of 202,352 sparse rows it scored
// 0.9 and more one way and under 0.1 the other, whichever way blocking
// met them, and such records joined up to 13 namesakes in one cluster
// (NOTES.md, "The chosen threshold at scale"). On sparse sets such a
// pair is read both ways and the lesser weight kept. Model.tf now takes a
// name's frequency in either field (inOtherField), which mends most of
// the difference at its root, but not all of it ("Mendoza María"
// against "María Mendoza" still scores +4.8 bits one way and -6.4 the
// other, TestPairScoreReadAcross), and reading both ways still buys
// precision at scale (NOTES.md, "The chosen threshold at scale"). On the
// full sets, where other fields outweigh the names, it cost F1 0.002
// (FEBRL 5,000 rows, recall) and is not done.
func readAcross(a, b *features) bool {
	return (a.s1AsGiven[0] != "" || b.s1AsGiven[0] != "") && compareGiven(a, b) >= gOther
}

// weightFor returns the total weight (prior excluded) at which a pair
// reaches probability p.
func weightFor(m *Model, p float64) float64 {
	return math.Log2(p / (1 - p))
}

// vetoProbability: two clusters are not joined if any record of one is
// this clearly not any record of the other (born years apart, another
// given name), however well the rest match: a sparse record that fits
// both must not bridge two people. It is judged at even prior odds
// (vetoes): what the two records say against each other, not the
// population's base rate, which makes every pair of sparse records that
// merely says little (one name and a year in common, nothing against)
// fall below 0.01 and kept a person's records apart (NOTES.md, "Sparse
// records: where the lost pairs go").
const vetoProbability = 0.01

// maxCluster bounds the records of one person. Real duplicates run to a
// handful; a cluster this large is a chain of look-alikes, and the bound
// keeps the average-linkage check (quadratic in cluster size) cheap.
const maxCluster = 64

// cluster joins records linked by edges, strongest first, into clusters.
// Two clusters are joined only if, on average over all their pairs of
// records, they are still a match: a single strong link does not chain two
// siblings together through a record that resembles both. On a sparse set
// (fewer than selectionMaxShare of the records say3), two clusters one of
// which holds a record that does not say3 are not joined either if a
// record of one and a record of the other give full birth dates that
// disagree (no level of agreement): there a record without a date ("María Jackson")
// bridged namesakes born in 2005, 2007, 2020 and 2023, whose names alone
// outweigh the dates against, and 45 % of the false pairs declared on the
// sparse dedupe sets came through a third record (NOTES.md, "Sparse
// records: chaining"). A single edge is still judged on its own. On a
// sparse set pairs are weighed as pairScore reads them.
func cluster(fs []features, edges []edge, m *Model, threshold float64, sparse bool) []int32 {
	score := func(a, b int32) float64 { return m.score(&fs[a], &fs[b]) }
	if sparse {
		score = func(a, b int32) float64 { return pairScore(m, &fs[a], &fs[b]) }
	}
	return clusterScored(fs, edges, m, threshold, sparse, score)
}

// clusterScored is cluster with the weight of a pair of records from
// score (guardChaining remembers them across the thresholds it tries).
func clusterScored(fs []features, edges []edge, m *Model, threshold float64, sparse bool, score func(a, b int32) float64) []int32 {
	slices.SortFunc(edges, func(a, b edge) int {
		if c := cmp.Compare(b.w, a.w); c != 0 {
			return c
		}
		if c := cmp.Compare(a.i, b.i); c != 0 {
			return c
		}
		return cmp.Compare(a.j, b.j)
	})
	parent := make([]int32, len(fs))
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	members := map[int32][]int32{}
	get := func(r int32) []int32 {
		if ms, ok := members[r]; ok {
			return ms
		}
		return []int32{r}
	}
	for _, e := range edges {
		ra, rb := find(int32(e.i)), find(int32(e.j))
		if ra == rb {
			continue
		}
		A, B := get(ra), get(rb)
		if len(A)+len(B) > maxCluster {
			continue
		}
		if len(A) > 1 || len(B) > 1 {
			sum := 0.0
			n := 0
			veto := false
			dates := sparse && (saysLittle(fs, A) || saysLittle(fs, B))
			for _, a := range A {
				for _, b := range B {
					w := score(a, b)
					p := m.probability(w)
					if m.vetoes(w) || (dates && fs[a].dob.d != 0 && fs[b].dob.d != 0 && compareDate(fs[a].dob, fs[b].dob) == dDisagree) {
						veto = true
					}
					sum += p
					n++
				}
			}
			if veto || sum/float64(n) < threshold {
				continue
			}
		}
		if len(A) < len(B) {
			ra, rb, A, B = rb, ra, B, A
		}
		parent[rb] = ra
		members[ra] = append(A[:len(A):len(A)], B...)
		delete(members, rb)
	}
	out := make([]int32, len(fs))
	for i := range out {
		out[i] = find(int32(i))
	}
	return out
}

// saysLittle reports whether a cluster holds a record that does not say3.
func saysLittle(fs []features, ms []int32) bool {
	for _, x := range ms {
		if !says3(&fs[x]) {
			return true
		}
	}
	return false
}

// vetoes reports whether a pair of weight w is clearly not one person
// whatever the base rate: its probability at even prior odds of a match
// and of no match is below vetoProbability.
func (m *Model) vetoes(w float64) bool {
	return m.probability(w-(m.lprior[cMatch]-m.lprior[cUnrelated])) < vetoProbability
}

// numberClusters turns root indices into cluster numbers in order of first
// appearance, and names each cluster by its first record's ID.
func numberClusters(roots []int32, ids []string) ([]int, []string) {
	num := make(map[int32]int)
	out := make([]int, len(roots))
	var names []string
	for i, r := range roots {
		c, ok := num[r]
		if !ok {
			c = len(names)
			num[r] = c
			names = append(names, ids[i])
		}
		out[i] = c
	}
	return out, names
}

// Default thresholds of the command line, chosen on the development sets
// (see the package test TestQualityDevSets).
const (
	DefaultDedupeThreshold = 0.5
	DefaultLinkThreshold   = 0.5
)
