package tracing

import (
	"slices"
	"strings"
	"unique"

	"github.com/amparo-project/amparo/internal/identity"
)

// intern returns the one shared copy of s: a million records repeat the
// same few thousand names, places and keys, and sharing them keeps a
// 1,000,000-row dedupe within its memory budget.
func intern(s string) string {
	if s == "" {
		return ""
	}
	return unique.Make(s).Value()
}

// canonicalWord returns the first full name of a nickname, or the word.
func canonicalWord(w string) string {
	if full := nicknames[w]; len(full) > 0 {
		return intern(firstWord(full[0]))
	}
	return w
}

// features is a record prepared for comparison: everything that does not
// depend on the other record of a pair is computed once, here, so that
// comparing two records is cheap.
type features struct {
	givenRaw string   // as written, trimmed, lower case (the "exact" level)
	expanded bool     // a two-name nickname was expanded (Chema -> José María)
	given    []string // folded words
	givenCan string   // words rewritten to full names, joined by spaces
	givenPh  []string // phonetic key of each word

	s1, s2 surname
	// s2mother is the second surname read off the mother's name when the
	// record lacks one: a child's second surname is the mother's first
	// (both of hers for a single mother's child, who carries her two).
	s2mother     surname
	sex          byte
	dob          date
	country      string
	place        string // folded
	placePh      string
	region       uint16 // the department of place in the gazetteer (places.go), 0 when unknown
	placeIsDept  bool   // place is the department itself
	mother       parent
	father       parent
	givenFirst   string // first canonical given word (blocking, frequencies)
	givenFirstPh string // its phonetic key

	// The record read the other way round, for officers who wrote the
	// first surname as the given name and the reverse.
	s1AsGiven   [1]string // arrays, not slices: no allocation per record
	s1AsGivenPh [1]string
	givenAsS1   surname
}

type surname struct {
	raw   string // lower case as written
	fused string // folded, spaces removed
	core  string // particles removed
	ph    string // phonetic key of core
}

type parent struct {
	fused  string   // folded, no spaces
	tokens []string // folded words
	ph     []string
	can    []string // full name of each word if a nickname, else the word; nil when no word is a nickname (most names)
}

func newFeatures(r *Record) features {
	return newFeaturesCached(r, nil)
}

// prepCache holds the parts of features computed from one field's text,
// by that text, so that a name, surname, parent or place written the same
// way in many records is folded, split, keyed and interned once: a
// million records hold a few hundred thousand distinct values, and
// preparing each record field by field was a fifth of a dedupe's time.
// Parts are shared, never modified. Each map is emptied when it reaches
// prepCacheMax, so that a set of all-distinct values costs no more memory
// than without it. A cache is used by one goroutine at a time.
type prepCache struct {
	given   map[string]givenPart
	surname map[string]surname
	parent  map[string]parent
	place   map[[2]string]placePart
	country map[string]string
	word    map[string]parentWord // words of parents' names
}

const prepCacheMax = 1 << 16

func newPrepCache() *prepCache {
	return &prepCache{given: map[string]givenPart{}, surname: map[string]surname{},
		parent: map[string]parent{}, place: map[[2]string]placePart{}, country: map[string]string{},
		word: map[string]parentWord{}}
}

// cached returns fn(key) from m, computing and keeping it when absent
// (always computing it when m is nil).
func cached[K comparable, V any](m map[K]V, key K, clone func(K) K, fn func(K) V) V {
	if m == nil {
		return fn(key)
	}
	if v, ok := m[key]; ok {
		return v
	}
	v := fn(key)
	if len(m) >= prepCacheMax {
		clear(m)
	}
	// A copy of the key: the record's text is one string for all its
	// fields, which the cache would otherwise keep alive.
	m[clone(key)] = v
	return v
}

func cloneKey(s string) string        { return strings.Clone(s) }
func clonePair(k [2]string) [2]string { return [2]string{strings.Clone(k[0]), strings.Clone(k[1])} }

// givenPart is what features keeps of the given names.
type givenPart struct {
	raw       string
	expanded  bool
	given, ph []string
	can       string
	first     string
	firstPh   string
	asS1      surname
}

func newGivenPart(s string) givenPart {
	var g givenPart
	g.raw = intern(strings.ToLower(strings.TrimSpace(s)))
	g.given = strings.Fields(identity.Fold(s))
	n := len(g.given)
	g.given = expandGiven(g.given)
	g.expanded = len(g.given) != n
	can := canonicalGiven(g.given)
	g.can = intern(strings.Join(can, " "))
	if len(can) > 0 {
		g.first = intern(can[0])
	}
	g.ph = make([]string, len(g.given))
	for i, t := range g.given {
		g.given[i] = intern(t)
		g.ph[i] = intern(phoneticFolded(t))
	}
	g.firstPh = intern(phoneticFolded(g.first))
	if len(g.given) > 0 {
		g.asS1 = newSurname(strings.Join(g.given, " "))
	}
	return g
}

// placePart is what features keeps of the birth place.
type placePart struct {
	place, ph string
	region    uint16
	isDept    bool
}

func newPlacePart(k [2]string) placePart {
	raw, country := k[0], k[1]
	var p placePart
	p.place = intern(identity.Fold(raw))
	p.ph = intern(phoneticFolded(strings.ReplaceAll(p.place, " ", "")))
	p.region, p.isDept = places.region(p.place, country)
	return p
}

func newCountry(s string) string { return intern(canonicalCountry(s)) }

// newFeaturesCached is newFeatures with the parts of c (nil: none).
func newFeaturesCached(r *Record, c *prepCache) features {
	if c == nil {
		c = &prepCache{}
	}
	var f features
	g := cached(c.given, r.GivenNames, cloneKey, newGivenPart)
	f.givenRaw, f.expanded, f.given, f.givenPh = g.raw, g.expanded, g.given, g.ph
	f.givenCan, f.givenFirst, f.givenFirstPh, f.givenAsS1 = g.can, g.first, g.firstPh, g.asS1
	f.s1 = cached(c.surname, r.Surname1, cloneKey, newSurname)
	f.s2 = cached(c.surname, r.Surname2, cloneKey, newSurname)
	f.sex = canonicalSex(r.Sex)
	f.dob = parseDate(r.BirthDate)
	f.country = cached(c.country, r.BirthCountry, cloneKey, newCountry)
	pl := cached(c.place, [2]string{r.BirthPlace, f.country}, clonePair, newPlacePart)
	f.place, f.placePh, f.region, f.placeIsDept = pl.place, pl.ph, pl.region, pl.isDept
	newParent := func(s string) parent { return newParentCached(s, c) }
	f.mother = cached(c.parent, r.MotherName, cloneKey, newParent)
	if f.s2.fused == "" && len(f.mother.tokens) >= 3 {
		t := f.mother.tokens
		ms1, ms2 := t[len(t)-2], t[len(t)-1]
		imp := ms1
		if f.s1.core != "" && phoneticFolded(ms1) == f.s1.ph {
			imp = ms2
		}
		f.s2mother = cached(c.surname, imp, cloneKey, newSurname)
	}
	f.father = cached(c.parent, r.FatherName, cloneKey, newParent)
	if f.s1.core != "" {
		f.s1AsGiven[0] = f.s1.core
		f.s1AsGivenPh[0] = f.s1.ph
	}
	return f
}

// expandGiven splits a nickname that stands for two names ("chema" ->
// "jose maria") so that it lines up with records that write both.
func expandGiven(toks []string) []string {
	for i, t := range toks {
		if full := nicknames[t]; len(full) == 1 && strings.IndexByte(full[0], ' ') >= 0 {
			out := make([]string, 0, len(toks)+2)
			out = append(out, toks[:i]...)
			out = append(out, strings.Fields(full[0])...)
			out = append(out, toks[i+1:]...)
			// One expansion only: "tulio" -> "marco tulio" would
			// otherwise expand forever.
			return out
		}
	}
	return toks
}

func newSurname(s string) surname {
	folded := identity.Fold(s)
	if folded == "" {
		return surname{}
	}
	fused, core := surnameForms(folded)
	return surname{raw: intern(strings.ToLower(strings.TrimSpace(s))), fused: intern(fused), core: intern(core), ph: intern(phoneticFolded(core))}
}

func newParent(s string) parent {
	return newParentCached(s, nil)
}

// parentWord is what a parent's name keeps of each word.
type parentWord struct{ word, ph, can string }

func newParentWord(t string) parentWord {
	w := parentWord{word: intern(t)}
	w.ph = intern(phoneticFolded(w.word))
	w.can = canonicalWord(w.word)
	return w
}

// newParentCached is newParent with the words of c (nil: none). Whole
// parents' names are mostly distinct, their words are not: the words are
// what is cached, and the fused name is not interned.
func newParentCached(s string, c *prepCache) parent {
	folded := identity.Fold(s)
	if folded == "" {
		return parent{}
	}
	var words map[string]parentWord
	if c != nil {
		words = c.word
	}
	toks := strings.Fields(folded)
	p := parent{fused: strings.Join(toks, ""), tokens: toks, ph: make([]string, len(toks))}
	for i, t := range toks {
		w := cached(words, t, cloneKey, newParentWord)
		toks[i] = w.word
		p.ph[i] = w.ph
		if w.can != w.word {
			if p.can == nil {
				p.can = slices.Clone(toks)
			}
			p.can[i] = w.can
		}
	}
	return p
}

// swappedInto fills g with f read the other way round (given names and
// first surname exchanged) without allocating.
func (f *features) swappedInto(g *features) {
	*g = *f
	g.given, g.givenPh, g.givenRaw = f.s1AsGiven[:], f.s1AsGivenPh[:], f.s1.raw
	g.s1 = f.givenAsS1
}
