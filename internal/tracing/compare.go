package tracing

import "slices"

// The fields compared and the levels of agreement of each, from strongest to
// weakest. The last level of every field is "missing": one side is empty,
// which says nothing either way (its weight is 0).
const (
	fGiven = iota
	fSurname1
	fSurname2
	fSex
	fBirthDate
	fCountry
	fPlace
	fMother
	fFather
	nFields
)

// Levels of the name fields.
const (
	gExact    = iota // as written (case aside)
	gFold            // equal after folding accents and case
	gNickname        // every word the same full name (Pepe = José)
	gPhonetic        // every word the same Spanish phonetic key
	gSubset          // one lacks a second name, the first agrees (María / María Fernanda)
	gJaro            // first words differ by a typo (Jaro-Winkler above threshold)
	gOther           // some other word agrees (Ana María / María)
	gConflict        // first words agree but both second words differ (Juan Carlos / Juan José)
	gInitial         // one side has only an initial, and it agrees
	gTyped           // typed wrongly: within two edits as written, no level above
	gDisagree
	gMissing
)

// Levels of the surnames.
const (
	sExact    = iota
	sFold     // equal after folding, or fused/cut compound forms agree
	sPhonetic // same phonetic key
	sJaroHigh // Jaro-Winkler >= 0.92
	sJaroMid  // Jaro-Winkler >= 0.84
	sInitial  // one side only an initial that agrees
	sTyped    // typed wrongly: within two edits as written, no level above
	sDisagree
	sMissing
)

// Levels of sex, country: agree, disagree, missing.
const (
	bAgree = iota
	bDisagree
	bMissing
)

// Levels of the birth date.
const (
	dExact     = iota
	dSwapped   // day and month exchanged
	dYearMonth // same year and month, day differs
	dYearOnly  // one side knows only the year (or year-month) and it agrees
	dYearOff   // same day and month, year one off
	dMonthDay  // same day and month, year further off (a typed year)
	dNear      // within a year otherwise
	dTyped     // full dates: a digit of the year typed wrongly, of day and month at most one more
	//            (a year alone one digit off is not: within a decade, namesakes share it)
	dDisagree
	dMissing
)

// Levels of the birth place.
const (
	pExact = iota
	pSimilar
	pDisagree
	pMissing
)

// Levels of the parents' names.
const (
	rExact   = iota // same letters
	rAll            // every word of the shorter name agrees with a word of the other
	rJaro           // whole names close (typos, a space in the wrong place)
	rPartial        // at least two words agree (a second name or surname dropped)
	rGiven          // one side gives only a given name ("María") and it is the other's first
	rDisagree
	rMissing
)

// fieldSpec names a field and its levels, for models and explanations.
type fieldSpec struct {
	Name   string
	Levels []string
	// tf marks name fields whose agreement counts less for common values.
	tf bool
}

var fieldSpecs = [nFields]fieldSpec{
	fGiven:     {"given_names", []string{"exact", "folded", "nickname", "phonetic", "subset", "jaro_winkler", "other_word", "conflict", "initial", "typed_wrongly", "disagree", "missing"}, true},
	fSurname1:  {"surname1", []string{"exact", "folded", "phonetic", "jaro_winkler_high", "jaro_winkler_mid", "initial", "typed_wrongly", "disagree", "missing"}, true},
	fSurname2:  {"surname2", []string{"exact", "folded", "phonetic", "jaro_winkler_high", "jaro_winkler_mid", "initial", "typed_wrongly", "disagree", "missing"}, true},
	fSex:       {"sex", []string{"agree", "disagree", "missing"}, false},
	fBirthDate: {"birth_date", []string{"exact", "day_month_swapped", "year_month", "year_only", "year_off_by_one", "month_day", "within_a_year", "digits_typed_wrongly", "disagree", "missing"}, false},
	fCountry:   {"birth_country", []string{"agree", "disagree", "missing"}, false},
	fPlace:     {"birth_place", []string{"exact", "similar", "disagree", "missing"}, false},
	fMother:    {"mother_name", []string{"exact", "all_words", "jaro_winkler", "partial", "given_name_only", "disagree", "missing"}, false},
	fFather:    {"father_name", []string{"exact", "all_words", "jaro_winkler", "partial", "given_name_only", "disagree", "missing"}, false},
}

// Jaro-Winkler thresholds. Tuned on the development sets: single-letter
// typos in names of 5-8 letters score 0.88-0.95; different names that
// share a start (Marta/Mario) score up to about 0.85.
const (
	jwToken   = 0.88
	jwSurHigh = 0.92
	jwSurMid  = 0.84
	jwPlace   = 0.88
)

// Word agreement, from strongest to weakest.
const (
	tExact = iota
	tNick
	tPhon
	tJaro
	tInitial
	tNone
)

// wordSim compares two folded given-name words with their phonetic keys.
func wordSim(a, b, pa, pb string) int {
	if a == b {
		return tExact
	}
	if len(a) == 1 || len(b) == 1 {
		if a[0] == b[0] {
			return tInitial
		}
		return tNone
	}
	if nicknameAgree(a, b) {
		return tNick
	}
	if pa == pb {
		return tPhon
	}
	if typoClose(a, b, jwToken) || nicknameTypo(a, b) {
		return tJaro
	}
	// A typo on top of a sound-alike spelling (Vrenda / Brnda), or a
	// letter dropped from a short name (Aa / Ana).
	if len(pa) >= 3 && len(pb) >= 3 && oneEdit(pa, pb) {
		return tJaro
	}
	if min(len(a), len(b)) == 2 && max(len(a), len(b)) <= 4 && oneEdit(a, b) {
		return tJaro
	}
	return tNone
}

// nicknameAgree reports whether two words can be the same given name: one
// is a nickname of the other, or both are nicknames of one name.
func nicknameAgree(a, b string) bool {
	na, nb := nicknames[a], nicknames[b]
	if len(na) == 0 && len(nb) == 0 {
		return false
	}
	for _, x := range na {
		if firstWord(x) == b {
			return true
		}
		for _, y := range nb {
			if x == y {
				return true
			}
		}
	}
	for _, y := range nb {
		if firstWord(y) == a {
			return true
		}
	}
	return false
}

func firstWord(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			return s[:i]
		}
	}
	return s
}

// compareGiven compares two given names: whole (as written, folded, a
// nickname expanded), then by their first two words (givenWordsLevel),
// then by any other word they share.
func compareGiven(a, b *features) int {
	if len(a.given) == 0 || len(b.given) == 0 {
		return gMissing
	}
	if a.givenRaw == b.givenRaw {
		return gExact
	}
	if slices.Equal(a.given, b.given) {
		if a.expanded != b.expanded {
			return gNickname
		}
		return gFold
	}
	t0 := wordSim(a.given[0], b.given[0], a.givenPh[0], b.givenPh[0])
	t1 := -1
	if len(a.given) >= 2 && len(b.given) >= 2 {
		t1 = wordSim(a.given[1], b.given[1], a.givenPh[1], b.givenPh[1])
	}
	if l := givenWordsLevel(t0, t1, len(a.given) == len(b.given)); l >= 0 {
		return l
	}
	if otherGivenWordAgrees(a, b) {
		return gOther
	}
	if editDistance(a.givenRaw, b.givenRaw, 2) <= 2 {
		return gTyped
	}
	return gDisagree
}

// givenWordsLevel is the level of two given names from the agreement of
// their first words (t0) and second words (t1, -1 when either has only
// one), and whether they have as many words; -1 when the first words
// differ and the other words decide.
func givenWordsLevel(t0, t1 int, sameLen bool) int {
	worst := max(t0, t1)
	switch {
	case sameLen && worst <= tNick:
		return gNickname
	case sameLen && worst <= tPhon:
		return gPhonetic
	case !sameLen && t0 <= tPhon && t1 <= tPhon: // t1 < 0: one word
		return gSubset
	case t0 <= tJaro && (t1 <= tJaro || t1 == tInitial):
		return gJaro
	case t0 <= tJaro: // the second words disagree
		return gConflict
	case t0 == tInitial:
		return gInitial
	}
	return -1
}

// otherGivenWordAgrees reports whether any words of two given names other
// than both first words agree (Ana María / María).
func otherGivenWordAgrees(a, b *features) bool {
	for i, x := range a.given {
		for j, y := range b.given {
			if i == 0 && j == 0 {
				continue
			}
			if s := wordSim(x, y, a.givenPh[i], b.givenPh[j]); s <= tPhon {
				return true
			}
		}
	}
	return false
}

func compareSurname(a, b *surname) int {
	if a.fused == "" || b.fused == "" {
		return sMissing
	}
	if a.raw == b.raw {
		return sExact
	}
	if a.fused == b.fused || a.core == b.core || a.core == b.fused || a.fused == b.core {
		return sFold
	}
	if a.ph == b.ph {
		return sPhonetic
	}
	if len(a.core) == 1 || len(b.core) == 1 {
		if a.core[0] == b.core[0] {
			return sInitial
		}
		return sDisagree
	}
	// The better Jaro-Winkler of the cores and of the fused forms decides
	// (the same words for most surnames, which have no particle).
	jw := jaroWinklerFrom(a.core, b.core, jwSurMid)
	if jw >= jwSurHigh || (min(len(a.core), len(b.core)) >= 4 && oneEdit(a.core, b.core)) {
		return sJaroHigh
	}
	if a.fused != a.core || b.fused != b.core {
		jw = max(jw, jaroWinklerFrom(a.fused, b.fused, jwSurMid))
		if jw >= jwSurHigh {
			return sJaroHigh
		}
	}
	if jw >= jwSurMid {
		return sJaroMid
	}
	if typedWrongly(a.raw, b.raw) {
		return sTyped
	}
	return sDisagree
}

// typedWrongly reports whether two names as written are within two edits
// of each other (one for names under five letters, where two edits reach
// other names: Paz / Luz): a typo, an OCR misreading or a sound-alike
// spelling on top of a typo, beyond what Jaro-Winkler catches.
func typedWrongly(a, b string) bool {
	limit := 2
	if min(len(a), len(b)) < 5 {
		limit = 1
	}
	return editDistance(a, b, limit) <= limit
}

func compareBinary[T comparable](a, b, zero T) int {
	if a == zero || b == zero {
		return bMissing
	}
	if a == b {
		return bAgree
	}
	return bDisagree
}

func compareDate(a, b date) int {
	if !a.valid || !b.valid {
		return dMissing
	}
	fullA, fullB := a.d != 0, b.d != 0
	if fullA && fullB {
		switch {
		case a == b:
			return dExact
		case a.y == b.y && a.m == b.d && a.d == b.m:
			return dSwapped
		case a.y == b.y && a.m == b.m:
			return dYearMonth
		case abs16(a.y-b.y) == 1 && ((a.m == b.m && a.d == b.d) || (a.m == b.d && a.d == b.m)):
			return dYearOff
		case a.m == b.m && a.d == b.d:
			return dMonthDay
		case abs16(a.y-b.y) <= 1 && abs(monthsApart(a, b)) <= 12:
			return dNear
		case oneDigit(int(a.y), int(b.y)) && digitsApart(int(a.m)*100+int(a.d), int(b.m)*100+int(b.d)) <= 1:
			return dTyped
		}
		return dDisagree
	}
	// One side or both know only the year (or year and month).
	if a.y == b.y && (a.m == 0 || b.m == 0 || a.m == b.m) {
		return dYearOnly
	}
	if abs16(a.y-b.y) <= 1 {
		return dNear
	}
	return dDisagree
}

// oneDigit reports whether two years differ in exactly one digit (2013 /
// 2018: the last digit typed wrongly).
func oneDigit(a, b int) bool {
	return digitsApart(a, b) == 1
}

// digitsApart counts the decimal digits in which a and b differ, place by
// place (both written with as many digits).
func digitsApart(a, b int) int {
	n := 0
	for a > 0 || b > 0 {
		if a%10 != b%10 {
			n++
		}
		a, b = a/10, b/10
	}
	return n
}

func monthsApart(a, b date) int {
	return (int(a.y)*12 + int(a.m)) - (int(b.y)*12 + int(b.m))
}

func abs16(x int16) int16 {
	if x < 0 {
		return -x
	}
	return x
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func comparePlace(a, b *features) int {
	if a.place == "" || b.place == "" {
		return pMissing
	}
	if a.place == b.place {
		return pExact
	}
	// A department and a municipality in it: as precise as the record
	// that says less, and they agree (the explanation names it).
	if sameDepartment(a, b) {
		return pExact
	}
	if a.placePh == b.placePh || (abs(len(a.place)-len(b.place)) <= 3 && typoClose(a.place, b.place, jwPlace)) {
		return pSimilar
	}
	return pDisagree
}

// word returns the full name of word i (itself unless a nickname).
func (p *parent) word(i int) string {
	if p.can == nil {
		return p.tokens[i]
	}
	return p.can[i]
}

func compareParent(a, b *parent) int {
	if a.fused == "" || b.fused == "" {
		return rMissing
	}
	if a.fused == b.fused {
		return rExact
	}
	// Count the words of the shorter name that agree with a word of the
	// longer one: first by cheap equalities (the word, its phonetic key,
	// its full name if a nickname), then, only for words still alone,
	// by typo tests on words with the same first letter.
	short, long := a, b
	if len(b.tokens) < len(a.tokens) {
		short, long = b, a
	}
	var used [16]bool
	var done [16]bool
	agree := 0
	for i := range short.tokens {
		if i >= len(done) {
			break
		}
		for j := range long.tokens {
			if j >= len(used) || used[j] {
				continue
			}
			if short.tokens[i] == long.tokens[j] || short.ph[i] == long.ph[j] || short.word(i) == long.word(j) {
				used[j], done[i] = true, true
				agree++
				break
			}
		}
	}
	if agree == len(short.tokens) && agree >= 2 {
		return rAll
	}
	for i, x := range short.tokens {
		if i >= len(done) || done[i] {
			continue
		}
		for j, y := range long.tokens {
			if j >= len(used) || used[j] || x[0] != y[0] {
				continue
			}
			if typoClose(x, y, jwToken) {
				used[j] = true
				agree++
				break
			}
		}
	}
	if agree == len(short.tokens) && agree >= 2 {
		return rAll
	}
	// Whole-name similarity catches typos in several words ("Garrcía
	// Hernadez"). Edit distance rather than Jaro-Winkler, which rates
	// any two names that begin "José" alike.
	if a.fused[0] == b.fused[0] && abs(len(a.fused)-len(b.fused)) <= 2 && editDistance(a.fused, b.fused, 2) <= 2 {
		return rJaro
	}
	if agree >= 2 {
		return rPartial
	}
	if givenNameOnly(short, long) {
		return rGiven
	}
	return rDisagree
}

// givenNameOnly reports whether short is a given name alone and it is
// long's first: what a relative often knows of a parent ("mother María").
func givenNameOnly(short, long *parent) bool {
	if len(short.tokens) != 1 || len(long.tokens) < 2 {
		return false
	}
	x, y := short.tokens[0], long.tokens[0]
	return x == y || short.ph[0] == long.ph[0] || short.word(0) == long.word(0) || (x[0] == y[0] && typoClose(x, y, jwToken))
}

// vector is the level of agreement of each field for one pair.
type vector [nFields]uint8

// compareOriented compares two prepared records as they stand. Surnames are
// tried both straight and crossed (first against second) by the caller.
func compareOriented(a, b *features, crossed bool) vector {
	var v vector
	compareNames(a, b, crossed, &v)
	v[fSex] = uint8(compareBinary(a.sex, b.sex, 0))
	v[fBirthDate] = uint8(compareDate(a.dob, b.dob))
	v[fCountry] = uint8(compareBinary(a.country, b.country, ""))
	v[fPlace] = uint8(comparePlace(a, b))
	v[fMother] = uint8(compareParent(&a.mother, &b.mother))
	v[fFather] = uint8(compareParent(&a.father, &b.father))
	return v
}

// compareNames sets the levels of the given names and surnames of v, the
// fields that the readings of a pair (Model.readings) change.
func compareNames(a, b *features, crossed bool, v *vector) {
	v[fGiven] = uint8(compareGiven(a, b))
	compareSurnames(a, b, crossed, v)
}

// compareSurnames sets the levels of the surnames of v.
func compareSurnames(a, b *features, crossed bool, v *vector) {
	if crossed {
		v[fSurname1] = uint8(compareSurname(&a.s1, &b.s2))
		v[fSurname2] = uint8(compareSurname(&a.s2, &b.s1))
	} else {
		v[fSurname1] = uint8(compareSurname(&a.s1, &b.s1))
		v[fSurname2] = uint8(compareSurname(&a.s2, &b.s2))
	}
	if v[fSurname2] == sMissing && !crossed {
		// A second surname read off the mother's name counts when it
		// agrees; a wrong reading (a mother with two given names and
		// one surname) must not count against the pair.
		var l int = sMissing
		switch {
		case a.s2.fused == "" && a.s2mother.fused != "" && b.s2.fused != "":
			l = compareSurname(&a.s2mother, &b.s2)
		case b.s2.fused == "" && b.s2mother.fused != "" && a.s2.fused != "":
			l = compareSurname(&a.s2, &b.s2mother)
		}
		if l <= sJaroHigh {
			v[fSurname2] = uint8(l)
		}
	}
}
