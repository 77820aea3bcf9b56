package tracing

import "math"

// Diagnostics for the supervised upper estimate of the sparse sets
// (bound_test.go): the comparison levels the engine computes for a pair,
// with what each side lacks and how common the agreeing names are, and
// finer facts the levels lose, packed into keys of lookup tables.
// Test-only: the product never sees labels.

// BoundView reads pairs of a DiagSet's records for bound_test.go.
type BoundView struct {
	d      *DiagSet
	given  map[string]float64 // share of records whose first given word (canonical) is this
	sur    map[string]float64 // share of records carrying this surname (phonetic key), either box
	sorted bool               // the pair is unordered (dedupe): lack masks in sorted order
	// count is how many records of the set carry a key of two fields
	// (given name and surname, given name and year, surname and year,
	// as phonetic keys): the namesakes a pair agreeing on them has here.
	count map[string]int
}

// contextKeys are a record's keys of two fields for BoundView.count.
func contextKeys(f *features) (gs, gy, sy string) {
	s := f.s1.ph
	if s == "" {
		s = f.s2.ph
	}
	y := ""
	if f.dob.valid {
		y = string(rune('A' + int(f.dob.y)%2000))
	}
	if f.givenFirstPh != "" && s != "" {
		gs = "gs|" + f.givenFirstPh + "|" + s
	}
	if f.givenFirstPh != "" && y != "" {
		gy = "gy|" + f.givenFirstPh + "|" + y
	}
	if s != "" && y != "" {
		sy = "sy|" + s + "|" + y
	}
	return gs, gy, sy
}

// NewBoundView counts name frequencies over every record of d (both sides
// of a link set). unordered says pairs have no left and right side.
func NewBoundView(d *DiagSet, unordered bool) *BoundView {
	v := &BoundView{d: d, given: map[string]float64{}, sur: map[string]float64{}, sorted: unordered, count: map[string]int{}}
	n := float64(len(d.fs))
	for k := range d.fs {
		f := &d.fs[k]
		if f.givenFirst != "" {
			v.given[f.givenFirst] += 1 / n
		}
		if f.s1.ph != "" {
			v.sur[f.s1.ph] += 1 / n
		}
		if f.s2.ph != "" && f.s2.ph != f.s1.ph {
			v.sur[f.s2.ph] += 1 / n
		}
		gs, gy, sy := contextKeys(f)
		for _, k := range []string{gs, gy, sy} {
			if k != "" {
				v.count[k]++
			}
		}
	}
	return v
}

// countBand puts the records sharing a key in bands: 0 no key or the
// fields do not agree, 1: 2 records, 2: 3, 3: 4-5, 4: 6-9, 5: 10 or more.
func countBand(n int) uint64 {
	switch {
	case n <= 1:
		return 0
	case n == 2:
		return 1
	case n == 3:
		return 2
	case n <= 5:
		return 3
	case n <= 9:
		return 4
	}
	return 5
}

// Cell keys of a pair, from coarsest to finest; each holds the one before
// in its low bits.
const (
	CellLevels  = iota // levels of given name, both surnames, date, place
	CellCoarse         // + what each side lacks, frequency band of the agreeing names
	CellRich           // + edit distances, date parts, names in the other box, finer frequency
	CellContext        // CellCoarse + how many records of the set share the agreeing two fields
	NCells
)

// CellParent is the cell each granularity backs off to (-1: the base rate).
var CellParent = [NCells]int{-1, CellLevels, CellCoarse, CellCoarse}

// lackBits is what a record lacks: given name, first surname, second
// surname, any date, a full date (a year only), place.
func lackBits(f *features) uint64 {
	var l uint64
	if f.givenFirst == "" {
		l |= 1
	}
	if f.s1.fused == "" {
		l |= 2
	}
	if f.s2.fused == "" {
		l |= 4
	}
	if !f.dob.valid {
		l |= 8
	} else if f.dob.d == 0 {
		l |= 16
	}
	if f.place == "" {
		l |= 32
	}
	return l
}

// band puts a share of records in one of 6 bands (1..6); 0 is none.
func band(share float64) uint64 {
	if share <= 0 {
		return 0
	}
	for k, t := range []float64{0.005, 0.01, 0.02, 0.04, 0.08} {
		if share < t {
			return uint64(k + 1)
		}
	}
	return 6
}

// fineBand is log2 of a share in halves, 1..15; 0 is none.
func fineBand(share float64) uint64 {
	if share <= 0 {
		return 0
	}
	b := int(-2 * math.Log2(share)) // 0.5 -> 2, 0.001 -> 19
	return uint64(max(1, min(15, 16-b)))
}

// edits is the Levenshtein distance of a and b, capped at 3; 4 when
// either is empty.
func edits(a, b string) uint64 {
	if a == "" || b == "" {
		return 4
	}
	if len(a) > 40 || len(b) > 40 {
		return 3
	}
	var prev, cur [41]int
	for j := 0; j <= len(b); j++ {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev = cur
	}
	return uint64(min(prev[len(b)], 3))
}

func firstOf(w []string) string {
	if len(w) == 0 {
		return ""
	}
	return w[0]
}

// Cells returns the keys of pair i, j at each granularity.
func (v *BoundView) Cells(i, j int) [NCells]uint64 {
	a, b := &v.d.fs[i], &v.d.fs[j]
	lv := v.d.m.compare(a, b)
	var k [NCells]uint64
	k[CellLevels] = uint64(lv[fGiven]) + 12*(uint64(lv[fSurname1])+8*(uint64(lv[fSurname2])+8*(uint64(lv[fBirthDate])+9*uint64(lv[fPlace]))))
	la, lb := lackBits(a), lackBits(b)
	if v.sorted && la > lb {
		la, lb = lb, la
	}
	var gs, ss float64
	if lv[fGiven] <= gOther {
		gs = max(v.given[a.givenFirst], v.given[b.givenFirst])
	}
	if lv[fSurname1] <= sJaroMid || lv[fSurname2] <= sJaroMid {
		for _, s := range []string{a.s1.ph, a.s2.ph, b.s1.ph, b.s2.ph} {
			if s != "" {
				ss = max(ss, v.sur[s])
			}
		}
	}
	k[CellCoarse] = k[CellLevels] | la<<15 | lb<<21 | band(gs)<<27 | band(ss)<<30
	// Finer facts: edit distance of the first given words and the closest
	// surnames as folded, a name of one side within an edit of a surname
	// of the other (a name in the other box), year apart, month and day
	// agreeing separately, the agreeing given name's share in finer steps.
	ge := edits(firstOf(a.given), firstOf(b.given))
	se := uint64(4)
	for _, x := range []string{a.s1.core, a.s2.core} {
		for _, y := range []string{b.s1.core, b.s2.core} {
			se = min(se, edits(x, y))
		}
	}
	var box uint64
	for _, p := range [2][2]*features{{a, b}, {b, a}} {
		g := firstOf(p[0].given)
		if g != "" && (edits(g, p[1].s1.core) <= 1 || edits(g, p[1].s2.core) <= 1) {
			box++
		}
	}
	yd, mo, dy := uint64(4), uint64(2), uint64(2)
	if a.dob.valid && b.dob.valid {
		yd = uint64(min(3, abs(int(a.dob.y)-int(b.dob.y))))
		if a.dob.m != 0 && b.dob.m != 0 {
			mo = 0
			if a.dob.m == b.dob.m {
				mo = 1
			}
		}
		if a.dob.d != 0 && b.dob.d != 0 {
			dy = 0
			if a.dob.d == b.dob.d {
				dy = 1
			}
		}
	}
	// Namesakes in the set: records sharing the two fields the pair agrees
	// on (the commoner of the two records' keys).
	ags, agy, asy := contextKeys(a)
	bgs, bgy, bsy := contextKeys(b)
	sameYear := lv[fBirthDate] <= dYearOnly
	gAgree, sAgree := lv[fGiven] <= gOther, lv[fSurname1] <= sJaroMid || lv[fSurname2] <= sJaroMid
	var cgs, cgy, csy uint64
	if gAgree && sAgree {
		cgs = countBand(max(v.count[ags], v.count[bgs]))
	}
	if gAgree && sameYear {
		cgy = countBand(max(v.count[agy], v.count[bgy]))
	}
	if sAgree && sameYear {
		csy = countBand(max(v.count[asy], v.count[bsy]))
	}
	k[CellContext] = k[CellCoarse] | cgs<<33 | cgy<<36 | csy<<39
	k[CellRich] = k[CellCoarse] | ge<<33 | se<<36 | box<<39 | yd<<41 | mo<<44 | dy<<46 | fineBand(gs)<<48
	return k
}
