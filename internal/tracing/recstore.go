package tracing

import "strings"

// recStore holds an index's prepared records compactly. A features value
// is 648 bytes, most of it string headers repeated from record to record
// (the same given names, surnames, places and parents); here each record
// is a row of numbers of shared parts, and a record's features are put
// back together from them when a search reads it. Part 0 of every table
// is the empty one, so the zero row is the empty record (one removed by
// Replace).
type recStore struct {
	rows      []recRow
	givens    []givenPart
	surnames  []surname
	places    []placePart
	parents   []parent
	countries []string
	// The parts already stored, kept after the build too: a server's
	// index grows one Add at a time (an import brings its cases so), and
	// records that stored their own parts cost 1,699 bytes each instead of
	// 566 (BenchmarkIndexMemory, B/record-grown); the maps cost some 64
	// bytes a record of a built index.
	seen *recStoreSeen
}

type recStoreSeen struct {
	givens    map[string]uint32
	surnames  map[surname]uint32
	places    map[placePart]uint32
	parents   map[string]uint32
	countries map[string]uint32
}

// recRow is one record: the numbers of its parts, its birth date and sex.
type recRow struct {
	given, s1, s2, s2mother uint32
	place, mother, father   uint32
	country                 uint32
	dob                     date
	sex                     byte
	lack                    uint8 // lackOf the record, read before the rest
}

func newRecStore(n int) *recStore {
	return &recStore{rows: make([]recRow, 0, n), givens: []givenPart{{}}, surnames: []surname{{}},
		places: []placePart{{}}, parents: []parent{{}}, countries: []string{""},
		seen: &recStoreSeen{givens: map[string]uint32{}, surnames: map[surname]uint32{},
			places: map[placePart]uint32{}, parents: map[string]uint32{}, countries: map[string]uint32{}}}
}

// part returns the number of v in table, storing it if new; key
// identifies v (parts equal when keys are).
func part[K comparable, V any](table *[]V, seen map[K]uint32, key K, v V, empty bool) uint32 {
	if empty {
		return 0
	}
	if seen != nil {
		if n, ok := seen[key]; ok {
			return n
		}
	}
	n := uint32(len(*table))
	*table = append(*table, v)
	if seen != nil {
		seen[key] = n
	}
	return n
}

// add stores f as the next record.
func (st *recStore) add(f *features) {
	var s recStoreSeen
	if st.seen != nil {
		s = *st.seen
	}
	g := givenPart{raw: f.givenRaw, expanded: f.expanded, given: f.given, ph: f.givenPh, can: f.givenCan,
		first: f.givenFirst, firstPh: f.givenFirstPh, asS1: f.givenAsS1}
	// The folded words (after a nickname's expansion) and the text as
	// written decide every other part of the given names.
	gkey := ""
	if s.givens != nil {
		gkey = f.givenRaw + "\x00" + strings.Join(f.given, " ")
		if f.expanded {
			gkey += "\x00+"
		}
	}
	sur := func(x surname) uint32 { return part(&st.surnames, s.surnames, x, x, x == surname{}) }
	par := func(p parent) uint32 {
		key := ""
		if s.parents != nil {
			key = strings.Join(p.tokens, " ") // decide fused, ph and can
		}
		return part(&st.parents, s.parents, key, p, len(p.tokens) == 0 && p.fused == "")
	}
	pl := placePart{place: f.place, ph: f.placePh, region: f.region, isDept: f.placeIsDept}
	st.rows = append(st.rows, recRow{
		given:    part(&st.givens, s.givens, gkey, g, len(g.given) == 0 && g.raw == "" && g.can == "" && g.first == ""),
		s1:       sur(f.s1),
		s2:       sur(f.s2),
		s2mother: sur(f.s2mother),
		place:    part(&st.places, s.places, pl, pl, pl == placePart{}),
		mother:   par(f.mother),
		father:   par(f.father),
		country:  part(&st.countries, s.countries, f.country, f.country, f.country == ""),
		dob:      f.dob,
		sex:      f.sex,
		lack:     lackOf(f),
	})
}

// lack is lackOf record i.
func (st *recStore) lack(i uint32) uint8 { return st.rows[i].lack }

// clear empties record i (Replace).
func (st *recStore) clear(i uint32) { st.rows[i] = recRow{} }

// get puts record i's features back together in f.
func (st *recStore) get(i uint32, f *features) {
	r := &st.rows[i]
	g := &st.givens[r.given]
	pl := &st.places[r.place]
	*f = features{givenRaw: g.raw, expanded: g.expanded, given: g.given, givenCan: g.can, givenPh: g.ph,
		s1: st.surnames[r.s1], s2: st.surnames[r.s2], s2mother: st.surnames[r.s2mother],
		sex: r.sex, dob: r.dob, country: st.countries[r.country],
		place: pl.place, placePh: pl.ph, region: pl.region, placeIsDept: pl.isDept,
		mother: st.parents[r.mother], father: st.parents[r.father],
		givenFirst: g.first, givenFirstPh: g.firstPh, givenAsS1: g.asS1}
	if f.s1.core != "" {
		f.s1AsGiven[0] = f.s1.core
		f.s1AsGivenPh[0] = f.s1.ph
	}
}

func (st *recStore) len() int { return len(st.rows) }
