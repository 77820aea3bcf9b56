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
	var f features
	f.givenRaw = strings.ToLower(strings.TrimSpace(r.GivenNames))
	f.given = strings.Fields(identity.Fold(r.GivenNames))
	n := len(f.given)
	f.given = expandGiven(f.given)
	f.expanded = len(f.given) != n
	can := canonicalGiven(f.given)
	f.givenCan = strings.Join(can, " ")
	if len(can) > 0 {
		f.givenFirst = can[0]
	}
	f.givenPh = make([]string, len(f.given))
	for i, t := range f.given {
		f.given[i] = intern(t)
		f.givenPh[i] = intern(phoneticFolded(t))
	}
	f.givenRaw = intern(f.givenRaw)
	f.givenCan = intern(f.givenCan)
	f.s1 = newSurname(r.Surname1)
	f.s2 = newSurname(r.Surname2)
	f.sex = canonicalSex(r.Sex)
	f.dob = parseDate(r.BirthDate)
	f.country = intern(canonicalCountry(r.BirthCountry))
	f.place = intern(identity.Fold(r.BirthPlace))
	f.placePh = intern(phoneticFolded(strings.ReplaceAll(f.place, " ", "")))
	f.region, f.placeIsDept = places.region(f.place, f.country)
	f.mother = newParent(r.MotherName)
	if f.s2.fused == "" && len(f.mother.tokens) >= 3 {
		t := f.mother.tokens
		ms1, ms2 := t[len(t)-2], t[len(t)-1]
		imp := ms1
		if f.s1.core != "" && phoneticFolded(ms1) == f.s1.ph {
			imp = ms2
		}
		f.s2mother = newSurname(imp)
	}
	f.father = newParent(r.FatherName)
	f.givenFirst = intern(f.givenFirst)
	f.givenFirstPh = intern(phoneticFolded(f.givenFirst))
	if f.s1.core != "" {
		f.s1AsGiven[0] = f.s1.core
		f.s1AsGivenPh[0] = f.s1.ph
	}
	if len(f.given) > 0 {
		f.givenAsS1 = newSurname(strings.Join(f.given, " "))
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
	folded := identity.Fold(s)
	if folded == "" {
		return parent{}
	}
	toks := strings.Fields(folded)
	p := parent{fused: intern(strings.Join(toks, "")), tokens: toks, ph: make([]string, len(toks))}
	for i, t := range toks {
		toks[i] = intern(t)
		p.ph[i] = intern(phoneticFolded(t))
		if c := canonicalWord(toks[i]); c != toks[i] {
			if p.can == nil {
				p.can = slices.Clone(toks)
			}
			p.can[i] = c
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
