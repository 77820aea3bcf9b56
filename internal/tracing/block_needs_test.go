package tracing

import (
	"context"
	"math"
	"testing"

	"github.com/amparo-project/amparo/internal/identity"
)

func TestLackAndCompares(t *testing.T) {
	full := feat(Record{Person: identity.Person{GivenNames: "Yatzil", Surname1: "Jackson", BirthDate: "2024-11-07"}})
	year := feat(Record{Person: identity.Person{GivenNames: "Yatzil", Surname1: "Jackson", BirthDate: "2024"}})
	noGiven := feat(Record{Person: identity.Person{Surname1: "Jackson", BirthDate: "2024"}})
	noDate := feat(Record{Person: identity.Person{GivenNames: "Ytazll", Surname1: "Jackson"}})
	for _, tt := range []struct {
		name string
		f    *features
		want uint8
	}{
		{"full", &full, 0},
		{"a year only", &year, lacksFullDate},
		{"no given name", &noGiven, lacksFullDate | lacksName},
		{"no date", &noDate, lacksFullDate | lacksName},
	} {
		if got := lackOf(tt.f); got != tt.want {
			t.Errorf("%s: lacks %b, want %b", tt.name, got, tt.want)
		}
	}
	for _, tt := range []struct {
		rule   int
		a, b   *features
		want   bool
		reason string
	}{
		{ruleNameYear, &full, &full, true, "rules that serve everyone compare everyone"},
		{ruleNameNoDate, &full, &full, false, "two full dates share a dated key if they agree"},
		{ruleNameNoDate, &full, &year, true, "a year only"},
		{ruleOneName, &full, &year, false, "both names and a year: the name-and-year keys serve them"},
		{ruleOneName, &full, &noGiven, true, "no given name"},
		{ruleOneName, &noDate, &year, true, "no date at all"},
	} {
		if got := compares(tt.rule, lackOf(tt.a), lackOf(tt.b)); got != tt.want {
			t.Errorf("rule %d: %v, want %v (%s)", tt.rule, got, tt.want, tt.reason)
		}
	}
}

// TestOneNameAndPlaceKeys: the pairs the blocking lost on the FEBRL-style
// sets now share a key.
func TestOneNameAndPlaceKeys(t *testing.T) {
	for _, tt := range []struct{ a, b identity.Person }{
		{identity.Person{Surname1: "Jackson", BirthDate: "2024", BirthPlace: "San Ignacio"}, identity.Person{GivenNames: "Yatzil", Surname1: "Jackson", BirthDate: "2024-11-07"}},
		{identity.Person{GivenNames: "Norma"}, identity.Person{GivenNames: "Norma", Surname1: "García", BirthDate: "2021-09-12"}},
		{identity.Person{GivenNames: "Lucía", Surname1: "Myndoza", BirthDate: "2024-10-12", BirthPlace: "Veracruz"}, identity.Person{GivenNames: "uLcía", Surname1: "Mcndoza", BirthDate: "2025-10-12", BirthPlace: "Veracruz"}},
		// A typo in the one name given, the same day (date and initial).
		{identity.Person{GivenNames: "Lius", BirthDate: "2009-05-25"}, identity.Person{GivenNames: "Luis", Surname1: "Flores", BirthDate: "2009-05-25"}},
		// The given name written as the surname, the same day.
		{identity.Person{Surname1: "Luía", BirthDate: "2005-08-22"}, identity.Person{GivenNames: "Lucía", Surname1: "Morales", BirthDate: "2005-08-22"}},
	} {
		ix := NewIndex([]Record{{ID: "b", Person: tt.b}}, nil)
		a := feat(Record{Person: tt.a})
		found := false
		ix.candidates(&a, func(*features) { found = true })
		if !found {
			t.Errorf("%+v and %+v share no key", tt.a, tt.b)
		}
	}
}

// TestGuardPrior: a share of matches estimated from informative pairs
// raises the fit, but never so far that siblings score a match.
func TestGuardPrior(t *testing.T) {
	m := DefaultModel()
	m.Prior, m.PriorFamily, m.Population = 1.0/5000, 0.5/5000, 5000
	m.prepare()
	if m.collapsed() != "" {
		t.Fatalf("the starting model is collapsed: %s", m.collapsed())
	}
	m.guardPrior(1.1 / 5000) // within priorGuardRatio: kept
	if m.Prior != 1.0/5000 {
		t.Errorf("prior moved to %g for an estimate within the ratio", m.Prior)
	}
	m.guardPrior(2.4 / 5000)
	if m.Prior != 2.4/5000 {
		t.Errorf("prior %g, want the estimate 2.4/5000", m.Prior)
	}
	m.Prior = 1.0 / 5000
	m.prepare()
	m.guardPrior(0.4) // absurd: siblings would score a match
	if m.collapsed() != "" || m.Prior >= 0.4 {
		t.Errorf("prior %g: %s", m.Prior, m.collapsed())
	}
}

// TestGivenMFromSureDates: pairs born the same day with a surname in
// common share m of the given names among the levels of agreement as
// they agree; the mass of disagreement stays as set by hand, and too few
// such pairs change nothing.
func TestGivenMFromSureDates(t *testing.T) {
	a := feat(Record{Person: identity.Person{GivenNames: "Zazil", Surname1: "García", BirthDate: "2008-11-09"}})
	typo := feat(Record{Person: identity.Person{GivenNames: "Zaizl", Surname1: "García", BirthDate: "2008-11-09"}})
	otherDay := feat(Record{Person: identity.Person{GivenNames: "Zazil", Surname1: "García", BirthDate: "2008-11-10"}})
	sample := func(exact, typos, notSure int) func(fn func(a, b *features) bool) float64 {
		return func(fn func(x, y *features) bool) float64 {
			for i := 0; i < exact; i++ {
				fn(&a, &a)
			}
			for i := 0; i < typos; i++ {
				fn(&a, &typo)
			}
			for i := 0; i < notSure; i++ {
				fn(&a, &otherDay)
			}
			return 1
		}
	}
	// typed is the mass of the level "typed wrongly", which sure pairs
	// move; that of disagreement (twins) never moves.
	levels := func(m *Model) (exact, jaro, typed, agree float64) {
		lv := m.Fields[fGiven].Levels
		for l := gExact; l <= gOther; l++ {
			agree += lv[l].M
		}
		return lv[gExact].M, lv[gJaro].M, lv[gTyped].M, agree
	}
	e0, j0, d0, s0 := levels(DefaultModel())

	m := DefaultModel()
	m.givenMFromSureDates(sample(800, 200, 5000))
	e, j, d, s := levels(m)
	// 800 exact and 200 typos of 1,000 sure pairs, with 200 pairs'
	// worth of the hand-set values: exact (800+200·0.43/0.88)/1200 of
	// the agreeing mass.
	wantE := s0 * (800 + emPseudo*e0/s0) / (1000 + emPseudo)
	if math.Abs(e-wantE) > 1e-9 || e <= e0 || j <= j0 {
		t.Errorf("exact %.4f (want %.4f, hand %.2f), typo %.4f (hand %.2f)", e, wantE, e0, j, j0)
	}
	if d != d0 || math.Abs(s-s0) > 1e-9 {
		t.Errorf("disagreement %.4f (hand %.4f), agreeing mass %.4f (hand %.4f): must not move", d, d0, s, s0)
	}

	m = DefaultModel()
	m.givenMFromSureDates(sample(sureMinPairs-1, 0, 5000))
	if e, _, _, _ := levels(m); e != e0 {
		t.Errorf("exact %.4f from %d sure pairs, want the hand-set %.2f", e, sureMinPairs-1, e0)
	}

	// Sure pairs whose given names are typed wrongly (within two edits)
	// move the mass of that level, up to givenDisagreeMax; names that
	// differ as names do (twins) disagree and never move it.
	typed := feat(Record{Person: identity.Person{GivenNames: "Zxzjl", Surname1: "García", BirthDate: "2008-11-09"}})
	twin := feat(Record{Person: identity.Person{GivenNames: "Pedro", Surname1: "García", BirthDate: "2008-11-09"}})
	if l := DefaultModel().compare(&a, &typed)[fGiven]; l != gTyped {
		t.Fatalf("Zazil / Zxzjl compare at level %d, want typed wrongly", l)
	}
	if l := DefaultModel().compare(&a, &twin)[fGiven]; l != gDisagree {
		t.Fatalf("Zazil / Pedro compare at level %d, want disagree", l)
	}
	for _, tt := range []struct {
		name    string
		other   *features
		n       int
		wantDis float64
	}{
		{"typed, 30 in 1,000", &typed, 30, 0.03},
		{"typed, 250 in 1,000: bounded", &typed, 250, givenDisagreeMax},
		{"twins, 250 in 1,000", &twin, 250, d0},
	} {
		m := DefaultModel()
		m.givenMFromSureDates(func(fn func(x, y *features) bool) float64 {
			for i := 0; i < 1000-tt.n; i++ {
				fn(&a, &a)
			}
			for i := 0; i < tt.n; i++ {
				fn(&a, tt.other)
			}
			return 1
		})
		_, _, d, s := levels(m)
		wantD := tt.wantDis
		if math.Abs(d-wantD) > 1e-9 || math.Abs(s-(s0-(d-d0))) > 1e-9 {
			t.Errorf("%s: disagreement %.4f (want %.4f), agreeing mass %.4f (want %.4f)", tt.name, d, wantD, s, s0-(wantD-d0))
		}
		lv := m.Fields[fGiven].Levels
		if sum := lv[gConflict].M + lv[gInitial].M + lv[gDisagree].M + d + s; math.Abs(sum-1) > 1e-9 {
			t.Errorf("%s: the given names' m sums to %.6f", tt.name, sum)
		}
		if lv[gDisagree].M != defaultM[fGiven][gDisagree] {
			t.Errorf("%s: disagreement %.4f, want the hand-set %.4f", tt.name, lv[gDisagree].M, defaultM[fGiven][gDisagree])
		}
	}
}

// TestTypedFromSurePairs: the surnames' and the birth date's levels
// "typed wrongly" take their m from the sure pairs typed wrongly, up to
// typedMax, the agreeing levels giving up as much; the mass of
// disagreement never moves, and too few sure pairs move nothing.
func TestTypedFromSurePairs(t *testing.T) {
	a := feat(Record{Person: identity.Person{GivenNames: "Zazil", Surname1: "Zelaya", BirthDate: "2013-03-25"}})
	sTypo := feat(Record{Person: identity.Person{GivenNames: "Zazil", Surname1: "Zeiada", BirthDate: "2013-03-25"}})
	dTypo := feat(Record{Person: identity.Person{GivenNames: "Zazil", Surname1: "Zelaya", BirthDate: "2018-03-26"}})
	other := feat(Record{Person: identity.Person{GivenNames: "Zazil", Surname1: "Pérez", BirthDate: "2007-11-02"}})
	m0 := DefaultModel()
	if v := m0.compare(&a, &sTypo); v[fSurname1] != sTyped {
		t.Fatalf("Zelaya / Zeiada at level %d, want typed wrongly", v[fSurname1])
	}
	if v := m0.compare(&a, &dTypo); v[fBirthDate] != dTyped {
		t.Fatalf("2013-03-25 / 2018-03-26 at level %d, want typed wrongly", v[fBirthDate])
	}
	for _, tt := range []struct {
		name         string
		other        *features
		n, total     int
		field, level int
		want         float64
	}{
		{"surname, 30 in 1,000", &sTypo, 30, 1000, fSurname1, sTyped, 0.03},
		{"surname, 300 in 1,000: bounded", &sTypo, 300, 1000, fSurname1, sTyped, typedMax},
		{"date, 40 in 1,000", &dTypo, 40, 1000, fBirthDate, dTyped, 0.04},
		{"date, too few sure pairs", &dTypo, 40, sureMinPairs - 1, fBirthDate, dTyped, defaultM[fBirthDate][dTyped]},
		{"others are not sure pairs", &other, 300, 1000, fSurname1, sTyped, defaultM[fSurname1][sTyped]},
	} {
		m := DefaultModel()
		m.typedFromSurePairs(func(fn func(x, y *features) bool) float64 {
			for i := 0; i < tt.total-tt.n; i++ {
				fn(&a, &a)
			}
			for i := 0; i < tt.n; i++ {
				fn(&a, tt.other)
			}
			return 1
		})
		lv := m.Fields[tt.field].Levels
		got := lv[tt.level].M
		if math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: typed wrongly %.4f, want %.4f", tt.name, got, tt.want)
		}
		sum := 0.0
		for _, l := range lv {
			sum += l.M
		}
		if math.Abs(sum-1) > 1e-9 || lv[tt.level+1].M != defaultM[tt.field][tt.level+1] {
			t.Errorf("%s: m sums to %.6f, disagreement %.4f (hand %.4f)", tt.name, sum, lv[tt.level+1].M, defaultM[tt.field][tt.level+1])
		}
	}
}

// TestResplitAgreement: EM's counts of the match class move how the mass
// of agreement of the birth date is split among its levels, not the
// mass itself nor the levels of disagreement.
func TestResplitAgreement(t *testing.T) {
	m := DefaultModel()
	lv := m.Fields[fBirthDate].Levels
	start := make([]float64, len(lv))
	for l := range lv {
		start[l] = lv[l].M
	}
	mass := 0.0
	for l := 0; l < dDisagree; l++ {
		mass += lv[l].M
	}
	c := make([]float64, len(lv))
	c[dExact], c[dNear], c[dDisagree] = 600, 400, 5000 // a month typed wrongly, often
	change := 0.0
	resplitAgreement(lv, c, start, dDisagree, &change)
	got := 0.0
	for l := 0; l < dDisagree; l++ {
		got += lv[l].M
	}
	if math.Abs(got-mass) > 1e-12 || lv[dDisagree].M != start[dDisagree] {
		t.Errorf("mass of agreement %.4f (was %.4f), disagree %.4f (was %.4f)", got, mass, lv[dDisagree].M, start[dDisagree])
	}
	want := mass * (400 + emPseudo*start[dNear]/mass) / (1000 + emPseudo)
	if math.Abs(lv[dNear].M-want) > 1e-12 || lv[dNear].M <= start[dNear] || change <= 0 {
		t.Errorf("within a year %.4f, want %.4f (was %.4f), change %g", lv[dNear].M, want, start[dNear], change)
	}
}

// TestHeldOutBlocks: the held-out keys bring together the pairs of a
// sparse set that no ordinary key does, and leave out the pairs the
// ordinary keys compare already, so that a pair is scored once.
func TestHeldOutBlocks(t *testing.T) {
	people := []identity.Person{
		{GivenNames: "Sarh", BirthDate: "2018"},                            // 0
		{GivenNames: "Sarah", Surname1: "Arch", BirthDate: "2018-02-15"},   // 1: a letter dropped
		{GivenNames: "vEelyn", Surname1: "Youung", BirthDate: "2007"},      // 2
		{GivenNames: "Evelyn", Surname1: "Young", BirthDate: "2007"},       // 3: two letters exchanged
		{GivenNames: "uLis", BirthDate: "2006-06-28"},                      // 4
		{GivenNames: "Luis", Surname1: "Ramírez", BirthDate: "2006-06-28"}, // 5: the same day, an initial
		{GivenNames: "Reyes", Surname1: "Chepe"},                           // 6
		{GivenNames: "Chepe", Surname1: "Reyes", BirthDate: "2017-09-07"},  // 7: boxes exchanged (a nickname), no date
		{GivenNames: "Sarah", Surname1: "Arch", BirthDate: "2018"},         // 8: 1 with a year only
		{GivenNames: "Evelyn", Surname1: "Young", BirthDate: "2019-03-01"}, // 9: a namesake years apart
		{GivenNames: "Ryn", BirthDate: "2015-07-25"},                       // 10
		{GivenNames: "Ryan", Surname1: "Arzú", BirthDate: "2018-07-25"},    // 11: a letter and the year
		{GivenNames: "Reyes", Surname1: "Juan"},                            // 12
		{GivenNames: "Jaun", Surname1: "Reyes", BirthDate: "2017-09-07"},   // 13: a typo, boxes exchanged, no date
	}
	fs := make([]features, len(people))
	for i, p := range people {
		fs[i] = feat(Record{Person: p})
	}
	bl := buildBlocks(fs, 1000)
	ho := heldOutBlocks(fs, bl, 1000)
	pairs := func(b *blocks) map[[2]uint32]int {
		out := map[[2]uint32]int{}
		for g := 0; g < b.groups(); g++ {
			b.forPairs(g, func(i, j uint32) { out[[2]uint32{min(i, j), max(i, j)}]++ })
		}
		return out
	}
	ordinary, held := pairs(bl), pairs(ho)
	for _, p := range [][2]uint32{{0, 1}, {2, 3}, {4, 5}, {6, 7}, {10, 11}, {12, 13}} {
		if ordinary[p] != 0 {
			t.Errorf("pair %v is compared by the ordinary keys: not a case for the held-out ones", p)
		}
		if held[p] != 1 {
			t.Errorf("pair %v compared %d times by the held-out keys, want once", p, held[p])
		}
	}
	if ordinary[[2]uint32{1, 8}] != 1 || held[[2]uint32{1, 8}] != 0 {
		t.Errorf("pair 1, 8: %d ordinary and %d held-out comparisons, want 1 and 0", ordinary[[2]uint32{1, 8}], held[[2]uint32{1, 8}])
	}
	if held[[2]uint32{3, 9}] != 0 || held[[2]uint32{2, 9}] != 0 {
		t.Errorf("namesakes years apart share a held-out key")
	}
}

// TestSearchHeldOut: Link's index, given the held-out keys' postings,
// finds the record only they bring together, and not without them.
func TestSearchHeldOut(t *testing.T) {
	left := []features{
		feat(Record{Person: identity.Person{GivenNames: "Sarah", Surname1: "Arch", BirthDate: "2018-02-15"}}),
		feat(Record{Person: identity.Person{GivenNames: "Evelyn", Surname1: "Young", BirthDate: "2019-03-01"}}),
	}
	q := feat(Record{Person: identity.Person{GivenNames: "Sarh", BirthDate: "2018"}})
	ix := buildIndex([]string{"a", "b"}, left, DefaultModel(), 1000, false)
	if hits := ix.search(context.Background(), &q, 5, 1e-9, nil); len(hits) != 0 {
		t.Fatalf("the ordinary keys find %d records: not a case for the held-out ones", len(hits))
	}
	k := newKeyHasher()
	p := buildPostings(len(left), func(i int, dst []uint64) []uint64 { return heldOutKeys(k, &left[i], dst) })
	ix.heldOut = &p
	hits := ix.search(context.Background(), &q, 5, 1e-9, nil)
	if len(hits) != 1 || ix.ids[hits[0].i] != "a" {
		t.Fatalf("with the held-out keys: %+v, want record a alone", hits)
	}
	if !heldOutLink([]features{q}) || heldOutLink(left) {
		t.Errorf("heldOutLink: inquiries saying little should use the held-out keys, full ones not")
	}
}
