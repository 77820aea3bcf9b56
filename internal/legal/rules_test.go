package legal

import (
	"slices"
	"strings"
	"testing"
)

// answers builds a screening with the given questions answered yes and
// every other one no.
func answers(yes ...string) map[string]Answer {
	a := map[string]Answer{}
	for _, q := range Questions {
		a[q.Key] = No
	}
	for _, k := range yes {
		a[k] = Yes
	}
	return a
}

func flagFor(fs []Flag, r Relief) *Flag {
	for i := range fs {
		if fs[i].Relief == r {
			return &fs[i]
		}
	}
	return nil
}

// TestEveryRuleHasATest keeps the table and the tests below in step.
func TestEveryRuleHasATest(t *testing.T) {
	tested := []Relief{ReliefAsylum, ReliefSIJS, ReliefT, ReliefU}
	for _, r := range Rules {
		if !slices.Contains(tested, r.Relief) {
			t.Errorf("rule %s has no test", r.Relief)
		}
		for _, k := range append(slices.Clone(r.AllOf), r.AnyOf...) {
			if !IsQuestion(k) {
				t.Errorf("rule %s names %q, not a question", r.Relief, k)
			}
		}
		if r.Law == "" {
			t.Errorf("rule %s names no law", r.Relief)
		}
	}
}

func TestRuleAsylum(t *testing.T) {
	for _, tc := range []struct {
		yes     []string
		because []string // nil: no flag
	}{
		{[]string{"fear_return", "gang_threat"}, []string{"fear_return", "gang_threat"}},
		{[]string{"fear_return", "fear_ground", "past_harm"}, []string{"fear_return", "fear_ground", "past_harm"}},
		{[]string{"fear_return"}, nil},              // fear without a ground, threat or harm
		{[]string{"gang_threat", "past_harm"}, nil}, // no fear of return
	} {
		f := flagFor(Flags(answers(tc.yes...), 15), ReliefAsylum)
		switch {
		case tc.because == nil && f != nil:
			t.Errorf("%v: flagged %v", tc.yes, f)
		case tc.because != nil && (f == nil || !slices.Equal(f.Because, tc.because)):
			t.Errorf("%v: got %+v, want because %v", tc.yes, f, tc.because)
		}
	}
}

func TestRuleSIJS(t *testing.T) {
	f := flagFor(Flags(answers("parent_neglect", "parent_abandon"), 16), ReliefSIJS)
	if f == nil || !slices.Equal(f.Because, []string{"parent_neglect", "parent_abandon"}) || f.Note != "age 16: under 21" {
		t.Errorf("neglect and abandonment at 16: %+v", f)
	}
	if f := flagFor(Flags(answers("parent_abuse"), 21), ReliefSIJS); f != nil {
		t.Errorf("21 is not under 21: %+v", f)
	}
	if f := flagFor(Flags(answers("parent_abuse"), -1), ReliefSIJS); f == nil || !strings.Contains(f.Note, "age unknown") {
		t.Errorf("unknown age must flag with a note: %+v", f)
	}
	if f := flagFor(Flags(answers("fear_return"), 12), ReliefSIJS); f != nil {
		t.Errorf("no parent answer: %+v", f)
	}
}

func TestRuleTVisa(t *testing.T) {
	f := flagFor(Flags(answers("debt", "coercion"), 17), ReliefT)
	if f == nil || !slices.Equal(f.Because, []string{"debt", "coercion"}) {
		t.Errorf("debt and coercion: %+v", f)
	}
	a := answers()
	a["forced_work"] = Unsure
	if f := flagFor(Flags(a, 17), ReliefT); f != nil {
		t.Errorf("unsure is not yes: %+v", f)
	}
}

func TestRuleUVisa(t *testing.T) {
	f := flagFor(Flags(answers("us_crime_victim", "helped_police"), 14), ReliefU)
	if f == nil || !slices.Equal(f.Because, []string{"us_crime_victim", "helped_police"}) {
		t.Errorf("victim who helps: %+v", f)
	}
	if f := flagFor(Flags(answers("us_crime_victim"), 14), ReliefU); f != nil {
		t.Errorf("victim who has not helped and would not: %+v", f)
	}
}

func TestNoAnswerNoFlag(t *testing.T) {
	if fs := Flags(answers(), 10); fs == nil || len(fs) != 0 {
		t.Errorf("all no: %v", fs)
	}
}

func testProvider(id int64, capacity, reserved int, specs, langs, states []string) *Provider {
	return &Provider{ID: id, Organisation: "P", Capacity: capacity, Reserved: reserved, Specialties: specs, Languages: langs, States: states}
}

func TestRankRuleSpecialty(t *testing.T) {
	c := ChildFacts{Reliefs: []Relief{ReliefAsylum, ReliefSIJS}}
	pts, why := RankRules[0].Score(c, testProvider(1, 10, 0, []string{"sijs", "asylum"}, nil, nil))
	if pts != 6 || why != "handles asylum, sijs" {
		t.Errorf("got %v %q", pts, why)
	}
	if pts, _ := RankRules[0].Score(c, testProvider(1, 10, 0, []string{"u_visa"}, nil, nil)); pts != 0 {
		t.Errorf("no fit: %v", pts)
	}
}

func TestRankRuleLanguage(t *testing.T) {
	c := ChildFacts{Languages: []string{"Mam", "Spanish"}}
	pts, why := RankRules[1].Score(c, testProvider(1, 10, 0, nil, []string{"K'iche'", "mam"}, nil))
	if pts != 2 || why != "speaks mam" {
		t.Errorf("got %v %q", pts, why)
	}
}

func TestRankRulePlace(t *testing.T) {
	c := ChildFacts{State: "TX", StateOf: "sponsor"}
	pts, why := RankRules[2].Score(c, testProvider(1, 10, 0, nil, nil, []string{"CA", "TX"}))
	if pts != 2 || why != "serves TX (the sponsor's state)" {
		t.Errorf("got %v %q", pts, why)
	}
	if pts, _ := RankRules[2].Score(ChildFacts{}, testProvider(1, 10, 0, nil, nil, []string{"TX"})); pts != 0 {
		t.Errorf("unknown state: %v", pts)
	}
}

func TestRankRuleLoad(t *testing.T) {
	pts, why := RankRules[3].Score(ChildFacts{}, testProvider(1, 10, 6, nil, nil, nil))
	if pts != 0.4 || why != "4 of 10 places open" {
		t.Errorf("got %v %q", pts, why)
	}
}

func TestRankOrderAndFull(t *testing.T) {
	c := ChildFacts{Reliefs: []Relief{ReliefAsylum}, Languages: []string{"Mam"}}
	ps := []*Provider{
		testProvider(1, 10, 10, []string{"asylum"}, []string{"Mam"}, nil), // full: left out
		testProvider(2, 10, 0, nil, nil, nil),
		testProvider(3, 10, 5, []string{"asylum"}, []string{"Mam"}, nil),
	}
	got := Rank(c, ps)
	if len(got) != 2 || got[0].Provider.ID != 3 || got[1].Provider.ID != 2 || len(got[0].Reasons) != 3 {
		t.Fatalf("rank: %+v", got)
	}
}
