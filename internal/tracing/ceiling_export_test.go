package tracing

import (
	"context"
	"fmt"
)

// Diagnostics for the recall ceiling of a labelled set (ceiling_test.go):
// which pairs the blocking rules bring together, and on which fields a
// pair agrees. Test-only: the product never sees labels.

// DiagSet holds prepared records for PairFacts.
type DiagSet struct {
	fs      []features
	blocked map[[2]int32]bool
	m       *Model
}

// NewDiagDedupe prepares recs and notes every pair Dedupe compares (the
// held-out keys' pairs of a sparse set included).
func NewDiagDedupe(recs []Record) *DiagSet {
	fs, _ := prepare(context.Background(), recs, workers())
	d := &DiagSet{fs: fs, blocked: map[[2]int32]bool{}, m: DefaultModel()}
	bl := buildBlocks(fs, 1000)
	for g := 0; g < bl.groups(); g++ {
		bl.forPairs(g, func(i, j uint32) { d.blocked[[2]int32{int32(min(i, j)), int32(max(i, j))}] = true })
	}
	if sparseSet(fs) {
		ho := heldOutBlocks(fs, bl, 1000)
		for g := 0; g < ho.groups(); g++ {
			ho.forPairs(g, func(i, j uint32) { d.blocked[[2]int32{int32(min(i, j)), int32(max(i, j))}] = true })
		}
	}
	return d
}

// NewDiagLink prepares left then right records (right k is record
// len(left)+k) and notes every pair Link's search looks at.
func NewDiagLink(left, right []Record) *DiagSet {
	lf, _ := prepare(context.Background(), left, workers())
	rf, _ := prepare(context.Background(), right, workers())
	d := &DiagSet{fs: append(lf, rf...), blocked: map[[2]int32]bool{}, m: DefaultModel()}
	ids := make([]string, len(left))
	for i := range left {
		ids[i] = left[i].ID
	}
	ix := buildIndex(ids, lf, d.m, max(1000, searchMaxPosting), false)
	var keys [64]uint64
	for k := range rf {
		q := &rf[k]
		ql := lackOf(q)
		for _, h := range blockKeys(newKeyHasher(), q, keys[:0]) {
			base, extra := ix.post.lookup(h)
			if len(base)+len(extra) > ruleMaxBlock(ruleOfKey(h), ix.maxBlock) {
				continue
			}
			for _, p := range [2][]uint32{base, extra} {
				for _, i := range p {
					if compares(ruleOfKey(h), ql, ix.recs.lack(i)) {
						d.blocked[[2]int32{int32(i), int32(len(lf) + k)}] = true
					}
				}
			}
		}
	}
	return d
}

// PairFacts says whether records i < j are brought together by blocking
// and which fields they agree on, exactly or fuzzily: "given", "surname"
// (either), "date" (any level up to day and month with the year off),
// "place", "sex", "country", "parent".
func (d *DiagSet) PairFacts(i, j int) (blocked bool, agree []string) {
	a, b := &d.fs[i], &d.fs[j]
	v := d.m.compare(a, b)
	if v[fGiven] <= gOther {
		agree = append(agree, "given")
	}
	if v[fSurname1] <= sJaroMid || v[fSurname2] <= sJaroMid {
		agree = append(agree, "surname")
	}
	if v[fBirthDate] <= dMonthDay {
		agree = append(agree, "date")
	}
	if v[fPlace] <= pSimilar {
		agree = append(agree, "place")
	}
	if v[fSex] == bAgree {
		agree = append(agree, "sex")
	}
	if v[fCountry] == bAgree {
		agree = append(agree, "country")
	}
	if v[fMother] <= rGiven || v[fFather] <= rGiven {
		agree = append(agree, "parent")
	}
	return d.blocked[[2]int32{int32(i), int32(j)}], agree
}

// BlockedPairs calls fn for every pair the blocking rules bring together.
func (d *DiagSet) BlockedPairs(fn func(i, j int)) {
	for p := range d.blocked {
		fn(int(p[0]), int(p[1]))
	}
}

// Posterior is m's probability that records i and j are one person.
func (d *DiagSet) Posterior(m *Model, i, j int) float64 {
	return m.probability(m.score(&d.fs[i], &d.fs[j]))
}

// Explain is m's explanation of the pair i, j, as a line.
func (d *DiagSet) Explain(m *Model, i, j int) string {
	ex, w := m.explain(&d.fs[i], &d.fs[j])
	s := ""
	for _, x := range ex {
		if x.Level != "missing" && x.Weight != 0 {
			s += fmt.Sprintf(" %s:%s=%+.1f", x.Field, x.Level, x.Weight)
		}
	}
	return fmt.Sprintf("w=%+.1f%s", w, s)
}

// TFCapped counts the names of m's tables whose term-frequency adjustment
// at the exact level is cut by tfMaxUp or tfMaxDown, and how many there are.
func TFCapped(m *Model) (givenUp, givenDown, surUp, surDown, given, sur int) {
	for _, lf := range m.lgiven {
		x := m.lu[fGiven][gExact] - lf
		given++
		if x > tfMaxUp {
			givenUp++
		} else if x < -tfMaxDown {
			givenDown++
		}
	}
	for _, lf := range m.lsurname {
		x := m.lu[fSurname1][sExact] - lf
		sur++
		if x > tfMaxUp {
			surUp++
		} else if x < -tfMaxDown {
			surDown++
		}
	}
	return
}

// MaxCluster is cluster's bound, for diagnostics.
const MaxCluster = maxCluster

// Vetoes reports whether cluster's veto keeps records i and j apart
// under m.
func (d *DiagSet) Vetoes(m *Model, i, j int) bool {
	return m.vetoes(m.score(&d.fs[i], &d.fs[j]))
}

// Pattern is the levels of the names and the date of pair i, j under m,
// as "given/surname1/surname2/date".
func (d *DiagSet) Pattern(m *Model, i, j int) string {
	ex, _ := m.explain(&d.fs[i], &d.fs[j])
	s := ""
	for _, x := range ex {
		switch x.Field {
		case "given_names", "surname1", "surname2", "birth_date":
			s += x.Level + "/"
		}
	}
	return s
}

// Levels is the level of each field of pair i, j under m (the reading
// m chooses), by field name.
func (d *DiagSet) Levels(m *Model, i, j int) map[string]int {
	v := m.compare(&d.fs[i], &d.fs[j])
	out := map[string]int{}
	for f := range v {
		out[fieldSpecs[f].Name] = int(v[f])
	}
	return out
}
