package tracing

import "strings"

// Blocking: only records that share at least one key are compared. Each
// rule tolerates a different kind of variation, so a true pair is lost only
// if it varies in every way at once:
//
//	given+surname+year   nickname or typo-free names, any date form; given and
//	                     surname as an unordered pair, so exchanged boxes agree;
//	                     each surname in turn, so a dropped or swapped one agrees
//	surname+date         given name changed, typed or a nickname not in the table
//	given+date           surname typed or swapped
//	given+surnames       date missing, a year only, or wrong
//	given+surname+m/d    year typed or off by one
//	given+mother         child's surnames wrong or missing
//	typo, no date        a typo in a name and no full date in common (a
//	                     name whole with two letters or all but one of
//	                     the other)
//	initials+year        typos in both names, the date agreeing at most
//	                     in its year
//	one name (+year)     a given name or both surnames missing, or no
//	                     date at all: the given name or a surname alone,
//	                     and with the year (only for such records)
//	place+month/day+sex  names and year all typed wrongly (low cap)
//
// Dates enter keys with day and month in order (smaller first), so that a
// swapped day and month still share the key.
const (
	ruleNameYear = iota
	ruleSurnameDate
	ruleGivenDate
	ruleGivenSurnames
	ruleNameMonthDay
	ruleGivenMother
	rulePrefix // prefixes of names with the year or the full date
	rulePlaceMonthDay
	ruleMother // the mother's or the father's name
	ruleOneName
	ruleSurnameMonthDay
	rulePrefixSurnames
	ruleSurnamesYear
	ruleNameNoDate
	ruleTypoNoDate
	ruleInitialsYear
	nRules
)

// A key carries its rule in its top 4 bits: there can be no more than 16
// rules (this fails to compile if there are).
const _ = uint(16 - nRules)

// What a record lacks, as bits: rules whose groups serve only records
// that lack something compare only pairs in which at least one record
// lacks it (ruleNeeds).
const (
	// lacksFullDate: no birth date known to the day.
	lacksFullDate uint8 = 1 << iota
	// lacksName: no given name, no surname, or no date at all: the
	// records the keys of a name with a year, or with a full date, do
	// not serve.
	lacksName
)

// lackOf says what a record lacks.
func lackOf(f *features) uint8 {
	var l uint8
	if !f.dob.valid || f.dob.d == 0 {
		l |= lacksFullDate
	}
	if !f.dob.valid || f.givenFirstPh == "" || (f.s1.ph == "" && f.s2.ph == "") {
		l |= lacksName
	}
	return l
}

// ruleNeeds marks rules whose groups compare only pairs in which at least
// one record lacks what the rule serves: without that, a key of given
// name and surname alone would compare every Juan García with every other
// (hundreds of millions of pairs in a million records), while only
// records without a date need it; and a key of a surname with the year
// would compare every García born in 2012 with every other, while only
// records without a given name need it.
var ruleNeeds = [nRules]uint8{ruleNameNoDate: lacksFullDate, ruleTypoNoDate: lacksFullDate, ruleOneName: lacksName}

// compares reports whether a group of rule r compares two records that
// lack la and lb.
func compares(r int, la, lb uint8) bool {
	n := ruleNeeds[r]
	return n == 0 || (la|lb)&n != 0
}

// ruleBlockCap bounds the groups of the loosest rules, below the bound of
// the others: in a set of tens of thousands their groups are small, in a
// million records the common ones (Jo* González, J. G. born 2012) hold
// hundreds or thousands of records, too many to compare for what the few
// typos among them bring. Measured on 1,007,475 generated records, where
// pairs are attributed to the first rule that brings them together: the
// initials rule compared 3.6 million pairs for 141 matches and the rule
// of names without a date 13.7 million for 12,000. With these bounds the
// development sets score as without them, and the million-record run
// compares 34 million pairs instead of 41.5 million (F1 on it 0.976
// instead of 0.977).
var ruleBlockCap = [nRules]int{ruleTypoNoDate: 100, ruleInitialsYear: 40, ruleNameNoDate: 300, ruleOneName: 300, rulePlaceMonthDay: 12}

// ruleMaxBlock is the largest group of a rule that is compared, given the
// bound def of the others.
func ruleMaxBlock(rule, def int) int {
	if c := ruleBlockCap[rule]; c > 0 {
		return min(def, c)
	}
	return def
}

func ruleOfKey(h uint64) int { return int(h >> 60) }

func prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// keyHasher hashes blocking keys with 64-bit FNV-1a: fixed, so that runs
// are repeatable, and collisions (about one in 10^19 per pair of keys) only
// add a candidate pair, never lose one.
type keyHasher struct{}

func newKeyHasher() *keyHasher { return &keyHasher{} }

func (*keyHasher) key(rule int, parts ...string) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	h = (h ^ uint64(rule+1)) * prime
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			h = (h ^ uint64(p[i])) * prime
		}
		h = (h ^ 0xff) * prime
	}
	// The rule goes in the top 4 bits, so a group knows its rule.
	h = h&^(0xf<<60) | uint64(rule)<<60
	if h == 0 { // 0 marks a dropped key
		h = 1
	}
	return h
}

func dateKey(d date) string {
	lo, hi := d.m, d.d
	if lo > hi {
		lo, hi = hi, lo
	}
	return string([]byte{byte(d.y >> 8), byte(d.y), byte(lo), byte(hi)})
}

func yearKey(y int16) string { return string([]byte{byte(y >> 8), byte(y)}) }

func monthDayKey(d date) string {
	lo, hi := d.m, d.d
	if lo > hi {
		lo, hi = hi, lo
	}
	return string([]byte{byte(lo), byte(hi)})
}

// blockView is what the blocking rules read of a record.
type blockView struct {
	f    *features
	g    string    // the first given name's phonetic key
	surs [2]string // the surnames' phonetic keys
	full bool      // the birth date is known to the day
}

// blockKeys appends the blocking keys of a record to dst. Each function
// below makes the keys of one or a few rules, in a fixed order (the order
// of a record's keys is part of a run's result, so it does not change).
func blockKeys(k *keyHasher, f *features, dst []uint64) []uint64 {
	v := blockView{
		f: f,
		g: f.givenFirstPh,
		// The given-name key also tries the record read the other way round.
		surs: [2]string{f.s1.ph, f.s2.ph},
		full: f.dob.valid && f.dob.d != 0,
	}
	dst = v.nameKeys(k, dst)
	dst = v.oneNameKeys(k, dst)
	dst = v.typoKeys(k, dst)
	dst = v.dateKeys(k, dst)
	dst = v.surnamesKeys(k, dst)
	dst = v.surnameMonthDayKeys(k, dst)
	dst = v.motherKeys(k, dst)
	dst = v.prefixKeys(k, dst)
	dst = v.placeKeys(k, dst)
	return v.parentKeys(k, dst)
}

// nameKeys: the given name and each surname as an unordered pair, with the
// year, without a date (see ruleNeeds), and with the day and month.
func (v *blockView) nameKeys(k *keyHasher, dst []uint64) []uint64 {
	f, g := v.f, v.g
	for _, s := range v.surs {
		if s == "" || g == "" {
			continue
		}
		a, b := g, s
		if a > b {
			a, b = b, a
		}
		if f.dob.valid {
			dst = append(dst, k.key(ruleNameYear, a, b, yearKey(f.dob.y)))
		}
		// Without the date, for records with none: such a group compares
		// only pairs where one record lacks the date (see ruleNeeds).
		dst = append(dst, k.key(ruleNameNoDate, a, b))
		if v.full {
			dst = append(dst, k.key(ruleNameMonthDay, a, b, monthDayKey(f.dob)))
		}
	}
	return dst
}

// oneNameKeys: for records that say little (a name missing, or no date
// at all), the given name and each surname alone, and each with the year:
// "Jackson, 2024" and "Yatzil Jackson, 2024-11-07" share no other key.
// Their groups compare only pairs in which one record lacks a name or a
// date (ruleNeeds), and are bounded (ruleBlockCap), so in large sets the
// common names' groups are left out.
func (v *blockView) oneNameKeys(k *keyHasher, dst []uint64) []uint64 {
	f := v.f
	for i, s := range [3]string{v.g, v.surs[0], v.surs[1]} {
		if s == "" {
			continue
		}
		tag := [3]string{"g", "s", "s"}[i]
		dst = append(dst, k.key(ruleOneName, tag, s))
		if f.dob.valid {
			dst = append(dst, k.key(ruleOneName, tag, s, yearKey(f.dob.y)))
		}
		// The full date with the initial of any name, whichever box it
		// is in: "Lius, 2009-05-25" and "Luis Flores, 2009-05-25", or
		// "(no given name) Luía" and "Lucía Morales" born the same day,
		// share no other key (a typo in the one name given, or the
		// given name written as the surname).
		if v.full {
			dst = append(dst, k.key(ruleOneName, "d", prefix(s, 1), dateKey(f.dob)))
		}
	}
	return dst
}

// typoKeys: a typo in the given name or in a surname, with a date that
// cannot help (missing, a year only, or a year off), so that no key with a
// date is shared: one name whole and the other's first two letters, or,
// for a typo in those two letters (Satarina, Sastro), without its first or
// its second letter.
func (v *blockView) typoKeys(k *keyHasher, dst []uint64) []uint64 {
	f, g := v.f, v.g
	for _, s := range v.surs {
		if s == "" || g == "" {
			continue
		}
		// Typos in both names with a date that agrees in its year at
		// most: the initials and the year.
		if f.dob.valid {
			dst = append(dst, k.key(ruleInitialsYear, prefix(g, 1), prefix(s, 1), yearKey(f.dob.y)))
		}
		dst = append(dst, k.key(ruleTypoNoDate, "g2", prefix(g, 2), s))
		dst = append(dst, k.key(ruleTypoNoDate, "s2", g, prefix(s, 2)))
		dst = dropLetterKeys(k, g, s, dst)
		// A typo in the surname and a year off: the given name, the
		// surname's initial and the day and month.
		if v.full {
			dst = append(dst, k.key(ruleNameMonthDay, "s1", g, prefix(s, 1), monthDayKey(f.dob)))
		}
	}
	return dst
}

// dropLetterKeys: given name g and surname s, each in turn without its
// first, then its second letter.
func dropLetterKeys(k *keyHasher, g, s string, dst []uint64) []uint64 {
	for d, tag := range [2][2]string{{"gd0", "sd0"}, {"gd1", "sd1"}} {
		if len(g) > 3 {
			dst = append(dst, k.key(ruleTypoNoDate, tag[0], g[:d], g[d+1:], s))
		}
		if len(s) > 3 {
			dst = append(dst, k.key(ruleTypoNoDate, tag[1], g, s[:d], s[d+1:]))
		}
	}
	return dst
}

// dateKeys: with a full date, each surname, the given name, and the first
// surname read as the given name (exchanged boxes).
func (v *blockView) dateKeys(k *keyHasher, dst []uint64) []uint64 {
	if !v.full {
		return dst
	}
	f := v.f
	for _, s := range v.surs {
		if s != "" {
			dst = append(dst, k.key(ruleSurnameDate, s, dateKey(f.dob)))
		}
	}
	if v.g != "" {
		dst = append(dst, k.key(ruleGivenDate, v.g, dateKey(f.dob)))
	}
	if f.s1.ph != "" {
		dst = append(dst, k.key(ruleGivenDate, f.s1.ph, dateKey(f.dob)))
	}
	return dst
}

// surnamesKeys: both surnames as an unordered pair, with the given name,
// its first two letters, or the year (given name typed badly or replaced
// by a nickname the table lacks).
func (v *blockView) surnamesKeys(k *keyHasher, dst []uint64) []uint64 {
	f, g := v.f, v.g
	if f.s1.ph == "" || f.s2.ph == "" {
		return dst
	}
	a, b := f.s1.ph, f.s2.ph
	if a > b {
		a, b = b, a
	}
	if g != "" {
		dst = append(dst, k.key(ruleGivenSurnames, g, a, b))
		dst = append(dst, k.key(rulePrefixSurnames, prefix(g, 2), a, b))
	}
	if f.dob.valid {
		dst = append(dst, k.key(ruleSurnamesYear, a, b, yearKey(f.dob.y)))
	}
	return dst
}

// surnameMonthDayKeys: a surname with the day and month, for a typed given
// name and a wrong or missing year.
func (v *blockView) surnameMonthDayKeys(k *keyHasher, dst []uint64) []uint64 {
	if !v.full {
		return dst
	}
	for _, s := range v.surs {
		if s != "" {
			dst = append(dst, k.key(ruleSurnameMonthDay, s, monthDayKey(v.f.dob), prefix(v.g, 1)))
		}
	}
	return dst
}

// motherKeys: the given name with the first and last words of the
// mother's name, for a child's surnames wrong or missing.
func (v *blockView) motherKeys(k *keyHasher, dst []uint64) []uint64 {
	if m := v.f.mother.ph; v.g != "" && len(m) >= 2 {
		dst = append(dst, k.key(ruleGivenMother, v.g, m[0], m[len(m)-1]))
	}
	return dst
}

// prefixKeys: prefixes of the phonetic keys survive typos after the second
// or third letter ("Ortefa", "Hridy").
func (v *blockView) prefixKeys(k *keyHasher, dst []uint64) []uint64 {
	f, g := v.f, v.g
	if g != "" && f.dob.valid {
		for _, s := range v.surs {
			if s != "" {
				dst = append(dst, k.key(rulePrefix, "s", g, prefix(s, 3), yearKey(f.dob.y)))
			}
		}
	}
	if v.full {
		if s := prefix(f.s1.ph, 3); s != "" {
			dst = append(dst, k.key(rulePrefix, "ds", s, dateKey(f.dob)))
		}
		if gp3 := prefix(g, 3); gp3 != "" {
			dst = append(dst, k.key(rulePrefix, "dg", gp3, dateKey(f.dob)))
		}
	}
	return dst
}

// placeKeys: the birth place with the day and month and the sex, for
// records whose names and year are all typed wrongly ("Lucía Myndoza
// 2024-10-12" and "uLcía Mcndoza 2025-10-12", both of Veracruz). The sex
// halves the groups (at 198,087 of our records the key adds 15 % to the
// comparisons with it, 29 % without), and they are capped low
// (ruleBlockCap): in half a million of our records, capped at 30, they
// added 23 % to the comparisons for no gain in F1, capped at 12 6 %; in
// a million most of them are larger than 12 and left out.
func (v *blockView) placeKeys(k *keyHasher, dst []uint64) []uint64 {
	if v.full && v.f.placePh != "" {
		dst = append(dst, k.key(rulePlaceMonthDay, v.f.placePh, monthDayKey(v.f.dob), string(rune(v.f.sex))))
	}
	return dst
}

// parentKeys: parents' full names with the child's initials: the child's
// own names and date may all be written badly while a parent's is not.
// Initials of the given name and first surname, in order, so that
// exchanged boxes agree.
func (v *blockView) parentKeys(k *keyHasher, dst []uint64) []uint64 {
	f := v.f
	ini := prefix(v.g, 1) + prefix(f.s1.ph, 1)
	if len(ini) == 2 && ini[0] > ini[1] {
		ini = string([]byte{ini[1], ini[0]})
	}
	if f.mother.fused != "" && len(f.mother.ph) >= 2 {
		dst = append(dst, k.key(ruleMother, strings.Join(f.mother.ph, " "), ini))
	}
	if f.father.fused != "" && len(f.father.ph) >= 2 {
		dst = append(dst, k.key(ruleMother, "f", strings.Join(f.father.ph, " "), ini))
	}
	return dst
}

// heldOutKeys appends the keys of the held-out blocking rules of a sparse
// set (see heldOutBlocks): pairs they alone bring together are scored and
// clustered like any other, but are not among the candidate pairs EM and
// the threshold learn from, so that they do not move the fit (every such
// key tried as an ordinary rule brought namesakes into EM's sample and
// lost more than it found: NOTES.md, "Sparse records: blocking keys held
// out of the fit"). The keys reuse the rules' numbers for what those
// carry, the needs (ruleNeeds) and the bounds (ruleBlockCap): a held-out
// group is bounded as the rule's is.
func heldOutKeys(k *keyHasher, f *features, dst []uint64) []uint64 {
	names := [3]string{"", f.s1.fused, f.s2.fused}
	if len(f.given) > 0 {
		names[0] = f.given[0]
	}
	if f.dob.valid {
		// Each name, whichever box it is in, whole and without each of
		// its letters in turn (nameForms), with the year: a letter typed
		// wrongly, dropped, added, or two exchanged leave a form in
		// common ("Sarh" and "Sarah", "vEelyn" and "Evelyn", "Jofn" and
		// "John", "Jsé" and "José"), where the phonetic keys of every
		// other rule differ from the first letter. Bounded at 40 records
		// a group (ruleInitialsYear's cap): the common names' groups
		// are left out.
		y := yearKey(f.dob.y)
		for _, s := range names {
			for _, x := range nameForms(s) {
				dst = append(dst, k.key(ruleInitialsYear, "del", x, y))
			}
		}
	}
	if f.dob.valid && f.dob.d != 0 {
		// The same forms with the day and month, for a year typed
		// wrongly too ("Ryn, 2015-07-25" and "Ryan Arzú, 2018-07-25").
		md := monthDayKey(f.dob)
		for _, s := range names {
			for _, x := range nameForms(s) {
				dst = append(dst, k.key(ruleInitialsYear, "md", x, md))
			}
		}
	}
	// The given name with each surname, one whole and the other in its
	// forms, as an unordered pair, no date (compared only where a record
	// lacks a full date): a letter typed wrongly and the boxes exchanged
	// ("García/oJhn, 2007" and "John García"; "Reyes/Juan" and
	// "Jaun/Reyes, 2017-09-07").
	for _, p := range [2][2]string{{names[0], names[1]}, {names[0], names[2]}} {
		a, b := p[0], p[1]
		if len(a) < 3 || len(b) < 3 {
			continue
		}
		for _, x := range nameForms(a) {
			dst = append(dst, k.key(ruleNameNoDate, "nn", min(x, b), max(x, b)))
		}
		for _, y := range nameForms(b) {
			dst = append(dst, k.key(ruleNameNoDate, "nn", min(a, y), max(a, y)))
		}
	}
	if a := f.givenAsS1.ph; a != "" {
		// The given name read as a surname with each surname, no date
		// (compared only where a record lacks a full date): boxes
		// exchanged and no date on one side, the given name a nickname
		// its own key reads as the full name ("Reyes/Chepe" and
		// "Chepe/Reyes, 2017-09-07").
		for _, s := range [2]string{f.s1.ph, f.s2.ph} {
			if s != "" {
				dst = append(dst, k.key(ruleNameNoDate, "gs", min(a, s), max(a, s)))
			}
		}
	}
	if f.dob.valid && f.dob.d != 0 {
		// The full date with the initial of any name, for every record
		// (the like key of ruleOneName serves only records lacking a
		// name): "Luis Ramírez" and "uLis", born the same day.
		for _, s := range names {
			if s != "" {
				dst = append(dst, k.key(ruleSurnameDate, "di", s[:1], dateKey(f.dob)))
			}
		}
	}
	return dst
}

// nameForms is a name whole and without each of its letters in turn
// (names of three letters whole only: two letters say nothing), or
// nothing under three letters. Two names within one letter typed wrongly,
// dropped or added, or two letters exchanged, share a form.
func nameForms(s string) []string {
	if len(s) < 3 {
		return nil
	}
	out := []string{s}
	if len(s) < 4 {
		return out
	}
	for x := 0; x < len(s); x++ {
		out = append(out, s[:x]+s[x+1:])
	}
	return out
}
