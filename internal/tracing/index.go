package tracing

import (
	"context"
	"slices"
	"sort"
	"sync"
)

// Index holds records in memory for searching: a tracing request against
// children's cases, a new case against open requests. It is safe for
// concurrent use.
type Index struct {
	mu    sync.RWMutex
	model *Model
	ids   []string
	recs  *recStore
	post  postings
	// byGiven holds the records under keys of the search alone (see
	// givenKeys), for inquiries that give no surname; not in Link's
	// index (withGiven false).
	byGiven   postings
	withGiven bool
	// heldOut, set by Link on a sparse set once its threshold is chosen,
	// holds the records under the held-out keys (heldOutKeys): a search
	// also scores the records only those bring together.
	heldOut  *postings
	maxBlock int
	// pos holds the positions of each ID's records: a case known under
	// other names (also-known-as) is indexed once per name. Replace
	// empties the positions of an ID it re-indexes (ids[i] == "").
	// Most IDs have one record: pos holds the first position of each,
	// more the others of those that have several (a map of slices cost
	// some 30 bytes a case more).
	pos  map[string]uint32
	more map[string][]uint32
}

// addPos records that record n is of id.
func (ix *Index) addPos(id string, n uint32) {
	if ix.pos == nil {
		ix.pos = map[string]uint32{}
	}
	if _, ok := ix.pos[id]; !ok {
		ix.pos[id] = n
		return
	}
	if ix.more == nil {
		ix.more = map[string][]uint32{}
	}
	ix.more[id] = append(ix.more[id], n)
}

// positions returns the positions of id's records, in indexing order.
func (ix *Index) positions(id string) []uint32 {
	n, ok := ix.pos[id]
	if !ok {
		return nil
	}
	return append([]uint32{n}, ix.more[id]...)
}

// Candidate is a record found by a search.
type Candidate struct {
	ID          string  `json:"id"`
	Probability float64 `json:"probability"`
	// Weight is the log-odds of a match in bits: the sum of the weights
	// of the rows of Explanation (its fields, the prior and the sibling
	// alternative).
	Weight      float64       `json:"weight"`
	Explanation []FieldWeight `json:"explanation"`
}

// searchMaxPosting bounds the records read for one blocking key in a
// search; a key shared by more records than this is too common to select
// anything (and would make one search slow).
const searchMaxPosting = 2000

// NewIndex indexes records for search with model. With a nil model, the
// hand-set m are used with u, name frequencies and priors from the records
// (see searchModel); use Train for a model fitted to a set with duplicates.
func NewIndex(records []Record, model *Model) *Index {
	fs, _ := prepare(context.Background(), records, workers())
	if model == nil {
		model = searchModel(fs)
	}
	ids := make([]string, len(records))
	for i := range records {
		ids[i] = records[i].ID
	}
	return buildIndex(ids, fs, model.ForPopulation(max(len(records), 1)), searchMaxPosting, true)
}

// buildIndex indexes records fs[i] of ids[i] for search with model m;
// withGiven adds the keys of searches without a surname (givenKeys).
func buildIndex(ids []string, fs []features, m *Model, maxBlock int, withGiven bool) *Index {
	ix := &Index{model: m, ids: ids, recs: newRecStore(len(fs)), maxBlock: maxBlock, withGiven: withGiven,
		pos: make(map[string]uint32, len(ids))}
	for i, id := range ids {
		ix.addPos(id, uint32(i))
		ix.recs.add(&fs[i])
	}
	k := newKeyHasher()
	ix.post = buildPostings(len(fs), func(i int, dst []uint64) []uint64 { return blockKeys(k, &fs[i], dst) })
	if withGiven {
		ix.byGiven = buildPostings(len(fs), func(i int, dst []uint64) []uint64 { return givenKeys(k, &fs[i], dst) })
	}
	return ix
}

func (ix *Index) addLocked(id string, f features, k *keyHasher, keys *[]uint64) {
	n := uint32(len(ix.ids))
	ix.addPos(id, n)
	ix.ids = append(ix.ids, id)
	ix.recs.add(&f)
	*keys = blockKeys(k, &f, (*keys)[:0])
	slices.Sort(*keys)
	for i, h := range *keys {
		if i > 0 && (*keys)[i-1] == h {
			continue
		}
		ix.post.add(h, n)
	}
	if !ix.withGiven {
		return // Link's index: the blocking keys alone, as dedupe
	}
	var gk [2]uint64
	for _, h := range givenKeys(k, &f, gk[:0]) {
		ix.byGiven.add(h, n)
	}
}

// givenKeys are keys of the first given name (its phonetic key, a
// nickname read as its full name) with the birth year, and with the
// mother's first given name. The blocking rules all need a surname or a
// full date; a relative's "Pepe, about 14, mother María" has neither, so
// a search without a surname also looks here. They are kept apart from
// the blocking keys, which dedupe shares.
func givenKeys(k *keyHasher, f *features, dst []uint64) []uint64 {
	if f.givenFirstPh == "" {
		return dst
	}
	if f.dob.valid {
		dst = append(dst, k.key(0, f.givenFirstPh, yearKey(f.dob.y)))
	}
	if len(f.mother.tokens) > 0 {
		dst = append(dst, k.key(1, f.givenFirstPh, phoneticFolded(canonicalWord(f.mother.tokens[0]))))
	}
	return dst
}

// Add indexes one more record.
func (ix *Index) Add(r Record) {
	f := newFeatures(&r)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var keys []uint64
	ix.addLocked(r.ID, f, newKeyHasher(), &keys)
}

// Replace indexes recs under id in place of whatever was indexed under it
// (with no recs, id is removed): a case whose names were corrected is
// found by its new names only. The old records' places stay empty until
// the index is rebuilt.
func (ix *Index) Replace(id string, recs ...Record) {
	fs := make([]features, len(recs))
	for i := range recs {
		fs[i] = newFeatures(&recs[i])
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	k := newKeyHasher()
	var keys []uint64
	var f features
	for _, n := range ix.positions(id) {
		ix.recs.get(n, &f)
		keys = blockKeys(k, &f, keys[:0])
		for _, h := range keys {
			ix.post.remove(h, n)
		}
		var gk [2]uint64
		for _, h := range givenKeys(k, &f, gk[:0]) {
			ix.byGiven.remove(h, n)
		}
		ix.ids[n] = ""
		ix.recs.clear(n)
	}
	delete(ix.pos, id)
	delete(ix.more, id)
	for i := range fs {
		ix.addLocked(id, fs[i], k, &keys)
	}
}

// Len returns the number of IDs indexed (a case indexed under several
// names counts once).
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.pos)
}

// Model returns the model the index scores with.
func (ix *Index) Model() *Model {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.model
}

// Search returns up to topK records that match query with at least the
// given probability, best first, each with the weight of every field.
func (ix *Index) Search(ctx context.Context, query Record, topK int, threshold float64) []Candidate {
	q := newFeatures(&query)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	hits := ix.search(ctx, &q, topK, threshold, nil)
	out := make([]Candidate, len(hits))
	var f features
	for i, h := range hits {
		ix.recs.get(h.i, &f)
		ex, w := ix.model.explain(&q, &f)
		out[i] = Candidate{ID: ix.ids[h.i], Probability: ix.model.probability(w), Weight: w, Explanation: ex}
	}
	return out
}

type hit struct {
	i uint32
	w float64
}

// search scores the candidates of q; seen is scratch space reused by
// callers that search many times.
func (ix *Index) search(ctx context.Context, q *features, topK int, threshold float64, seen map[uint32]struct{}) []hit {
	if topK <= 0 {
		topK = 1
	}
	if seen == nil {
		seen = map[uint32]struct{}{}
	} else {
		clear(seen)
	}
	minW := weightFor(ix.model, threshold)
	var hits []hit
	var f features
	var keys [64]uint64
	ql := lackOf(q)
	hits, ok := ix.searchPostings(ctx, &ix.post, blockKeys(newKeyHasher(), q, keys[:0]), q, ql, minW, seen, hits)
	if !ok {
		return nil
	}
	if q.s1.fused == "" && q.s2.fused == "" {
		var gk [2]uint64
		for _, h := range givenKeys(newKeyHasher(), q, gk[:0]) {
			base, extra := ix.byGiven.lookup(h)
			if len(base)+len(extra) > ix.maxBlock {
				continue
			}
			for _, p := range [2][]uint32{base, extra} {
				for _, i := range p {
					if _, ok := seen[i]; ok || ix.ids[i] == "" {
						continue
					}
					seen[i] = struct{}{}
					ix.recs.get(i, &f)
					if w, ok := ix.model.scoreAtLeast(q, &f, minW); ok {
						hits = append(hits, hit{i, w})
					}
				}
			}
		}
	}
	if ix.heldOut != nil {
		// The records q shares only a held-out key with.
		if hits, ok = ix.searchPostings(ctx, ix.heldOut, heldOutKeys(newKeyHasher(), q, keys[:0]), q, ql, minW, seen, hits); !ok {
			return nil
		}
	}
	sort.Slice(hits, func(a, b int) bool {
		if hits[a].w != hits[b].w {
			return hits[a].w > hits[b].w
		}
		return ix.ids[hits[a].i] < ix.ids[hits[b].i]
	})
	// One hit per ID, its best: a case found under its name and an
	// also-known-as name is one candidate.
	out := hits[:0]
	for _, h := range hits {
		if len(out) == topK {
			break
		}
		dup := false
		for _, o := range out {
			if ix.ids[o.i] == ix.ids[h.i] {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, h)
		}
	}
	return out
}

// searchPostings appends to hits the records of post under keys ks, not
// seen yet, that a group of the key's rule compares with q (which lacks
// ql) and that score at least minW; a group over its rule's bound is left
// out. ok is false when ctx is done.
func (ix *Index) searchPostings(ctx context.Context, post *postings, ks []uint64, q *features, ql uint8, minW float64, seen map[uint32]struct{}, hits []hit) (_ []hit, ok bool) {
	var f features
	for _, h := range ks {
		if ctx.Err() != nil {
			return nil, false
		}
		base, extra := post.lookup(h)
		r := ruleOfKey(h)
		if len(base)+len(extra) > ruleMaxBlock(r, ix.maxBlock) {
			continue
		}
		for _, p := range [2][]uint32{base, extra} {
			for _, i := range p {
				if _, ok := seen[i]; ok || !compares(r, ql, ix.recs.lack(i)) {
					continue
				}
				seen[i] = struct{}{}
				ix.recs.get(i, &f)
				if w, ok := ix.model.scoreAtLeast(q, &f, minW); ok {
					hits = append(hits, hit{i, w})
				}
			}
		}
	}
	return hits, true
}

// candidates visits the records q shares a blocking key with, for
// training.
func (ix *Index) candidates(q *features, fn func(f *features)) {
	var keys [64]uint64
	seen := map[uint32]struct{}{}
	ql := lackOf(q)
	var f features
	for _, h := range blockKeys(newKeyHasher(), q, keys[:0]) {
		base, extra := ix.post.lookup(h)
		if len(base)+len(extra) > ruleMaxBlock(ruleOfKey(h), ix.maxBlock) {
			continue
		}
		// As search: the pairs a group does not compare (ruleNeeds) are
		// not candidates either.
		r := ruleOfKey(h)
		for _, p := range [2][]uint32{base, extra} {
			for _, i := range p {
				if !compares(r, ql, ix.recs.lack(i)) {
					continue
				}
				if _, ok := seen[i]; !ok {
					seen[i] = struct{}{}
					ix.recs.get(i, &f)
					fn(&f)
				}
			}
		}
	}
}

// searchModel is the model for searching records that may hold no
// duplicates at all (children's cases, each a different child): EM has no
// matches to learn from there (fitted on the dev-link records it finds
// none), so m keeps its hand-set values, and u, name frequencies and the
// priors come from the records. The priors say that a query is one of the
// records about once (a relative's request for a child on record) and a
// sibling of half a record: with them, probabilities are calibrated as a
// trained model's are. On the dev-link inquiries searched against its
// records this gives F1 0.977, where the plain default model (u and a
// prior of 0.2 set by hand, meant for candidate pairs) gave 0.939.
func searchModel(fs []features) *Model {
	return searchModelAt(len(fs), sliceAt(fs))
}

// searchModelAt is searchModel on n records read through at.
func searchModelAt(n int, at recordsAt) *Model {
	m := DefaultModel()
	m.setFrequenciesAt(n, at)
	if n < searchModelMin {
		return m
	}
	m.estimateUAt(n, at, 200_000, 1)
	for _, fl := range queryLevels {
		lv := &m.Fields[fl[0]].Levels[fl[1]]
		lv.U = max(lv.U, defaultU[fl[0]][fl[1]])
	}
	m.Prior = 1 / float64(n)
	m.PriorFamily = 0.5 / float64(n)
	m.Population = n
	m.prepare()
	return m
}

// RefreshModel counts the search model (searchModel: name frequencies, u
// from random pairs, priors) on the records indexed now and scores with it
// from then on. The records and their keys do not depend on the model, so
// nothing is re-indexed: a matcher refreshing its frequencies as cases
// grow used to build a second index from every case, holding both, every
// case's record and every record's full features at once (1.4 GB resident
// at 230,000 cases, internal/loadtest/NOTES.md); this reads the compact
// rows one or two at a time. Searches go on meanwhile; additions wait.
func (ix *Index) RefreshModel() {
	ix.mu.RLock()
	live := make([]uint32, 0, len(ix.pos))
	for i, id := range ix.ids {
		if id != "" { // not emptied by Replace
			live = append(live, uint32(i))
		}
	}
	m := searchModelAt(len(live), func(i int, scratch *features) *features {
		ix.recs.get(live[i], scratch)
		return scratch
	})
	ix.mu.RUnlock()
	m = m.ForPopulation(max(len(live), 1))
	ix.mu.Lock()
	ix.model = m
	ix.mu.Unlock()
}

// queryLevels are the levels that say how precise one side is rather
// than how alike the two are: a year where the other has a full date, one
// given name of two, a parent's given name alone, a name without its
// accents, an initial. Cases on file are written alike (full dates, full
// names, accents), so random pairs of them almost never show these
// levels and u estimated from them is near 0, which made, say, "same
// year" worth 14 bits against an unrelated child and left siblings as the
// only alternative. A relative's inquiry shows them all the time; their u
// is kept at least at the hand-set chance agreement.
var queryLevels = [][2]int{
	{fGiven, gFold}, {fGiven, gSubset}, {fGiven, gInitial},
	{fSurname1, sFold}, {fSurname2, sFold}, {fSurname1, sInitial}, {fSurname2, sInitial},
	{fBirthDate, dYearOnly}, {fBirthDate, dNear},
	{fMother, rPartial}, {fMother, rGiven}, {fFather, rPartial}, {fFather, rGiven},
}

// searchModelMin is the fewest records from which u and the priors are
// taken from them; below it the hand-set model is used as it is.
const searchModelMin = 50
