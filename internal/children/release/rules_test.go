package release

import (
	"maps"
	"slices"
	"testing"
)

func TestCategoryOf(t *testing.T) {
	tests := []struct {
		rel  Relationship
		want Category
	}{
		{"parent", Category1}, {"legal_guardian", Category1},
		{"sibling", Category2A}, {"grandparent", Category2A},
		{"aunt", Category2B}, {"uncle", Category2B}, {"first_cousin", Category2B}, {"other_close_relative", Category2B},
		{"distant_relative", Category3}, {"unrelated", Category3},
		{"none", Category4},
	}
	if len(tests) != len(relationships) {
		t.Fatalf("test covers %d relationships, the table has %d", len(tests), len(relationships))
	}
	for _, tt := range tests {
		t.Run(string(tt.rel), func(t *testing.T) {
			got, err := CategoryOf(tt.rel)
			if err != nil || got != tt.want {
				t.Errorf("CategoryOf(%s) = %s, %v; want %s", tt.rel, got, err, tt.want)
			}
		})
	}
	if _, err := CategoryOf("neighbour"); err == nil {
		t.Error("unknown relationship accepted")
	}
}

// TestVettingRules has one case per row of VettingRules: facts under which
// that row, and only that row's reason, requires its step; and facts just
// outside it.
func TestVettingRules(t *testing.T) {
	base := VettingFacts{Category: Category1, ChildAge: 15}
	tests := []struct {
		rule    int
		applies VettingFacts
		not     VettingFacts
	}{
		{0, base, VettingFacts{}}, // identity: all; "not" is unused (always applies)
		{1, base, VettingFacts{}}, // relationship: all
		{2, base, VettingFacts{}}, // public records: all
		{3, base, VettingFacts{}}, // sex offender registry: all
		{4, VettingFacts{Category: Category2B, ChildAge: 15}, VettingFacts{Category: Category2A, ChildAge: 15}},
		{5, VettingFacts{Category: Category1, ChildAge: 15, ConcernFlagged: true}, base},
		{6, VettingFacts{Category: Category3, ChildAge: 15}, VettingFacts{Category: Category2B, ChildAge: 15}},
		{7, VettingFacts{Category: Category1, ChildAge: 15, TraffickingVictim: true}, base},
		{8, VettingFacts{Category: Category1, ChildAge: 15, DisabilitySpecialNeeds: true}, base},
		{9, VettingFacts{Category: Category1, ChildAge: 15, AbusedSponsorMayNotProtect: true}, base},
		{10, VettingFacts{Category: Category1, ChildAge: 15, SponsorRisk: true}, base},
		{11, VettingFacts{Category: Category3, ChildAge: 12}, VettingFacts{Category: Category3, ChildAge: 13}},
	}
	if len(tests) != len(VettingRules) {
		t.Fatalf("test covers %d rows, the table has %d", len(tests), len(VettingRules))
	}
	for _, tt := range tests {
		r := VettingRules[tt.rule]
		t.Run(string(r.Step)+": "+r.When, func(t *testing.T) {
			if !r.If(tt.applies) {
				t.Errorf("rule does not apply to %+v", tt.applies)
			}
			if !requires(tt.applies, r.Step, r.When) {
				t.Errorf("RequiredSteps(%+v) lacks %s because %q", tt.applies, r.Step, r.When)
			}
			if r.When != "all sponsors" && r.If(tt.not) {
				t.Errorf("rule applies to %+v, which is outside it", tt.not)
			}
		})
	}
	t.Run("unknown age counts as 12 or under for category 3", func(t *testing.T) {
		if !requires(VettingFacts{Category: Category3, ChildAge: -1}, StepHomeStudy, VettingRules[11].When) {
			t.Error("home study not required for a child of unknown age going to a category 3 sponsor")
		}
	})
	t.Run("a parent with no flags needs only the four basic steps", func(t *testing.T) {
		req := RequiredSteps(base)
		var got []Step
		for _, r := range req {
			got = append(got, r.Step)
		}
		want := []Step{StepIdentity, StepRelationship, StepPublicRecords, StepSexOffender}
		if !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
}

func requires(f VettingFacts, step Step, because string) bool {
	for _, r := range RequiredSteps(f) {
		if r.Step == step && slices.Contains(r.Reasons, because) {
			return true
		}
	}
	return false
}

func TestMissingSteps(t *testing.T) {
	req := RequiredSteps(VettingFacts{Category: Category2B, ChildAge: 10})
	results := map[Step]string{StepIdentity: ResultPassed, StepRelationship: ResultPassed, StepPublicRecords: ResultFailed, StepSexOffender: ResultPassed}
	got := MissingSteps(req, results)
	want := []Step{StepPublicRecords, StepFingerprints}
	if !slices.Equal(got, want) {
		t.Errorf("missing %v, want %v", got, want)
	}
}

// TestResultProblems: one case per rule of a vetting record.
func TestResultProblems(t *testing.T) {
	tests := []struct {
		result, notes string
		want          map[string]string
	}{
		{"", "", map[string]string{"result": "choose a result: passed, failed or pending"}},
		{"maybe", "x", map[string]string{"result": "must be passed, failed or pending"}},
		{ResultPassed, "  ", map[string]string{"notes": "a passed step needs a note or a document reference"}},
		{ResultPassed, "FBI ref 12-345", map[string]string{}},
		{ResultFailed, "", map[string]string{}},
		{ResultPending, "", map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.result+"/"+tt.notes, func(t *testing.T) {
			if got := ResultProblems(tt.result, tt.notes); !maps.Equal(got, tt.want) {
				t.Errorf("ResultProblems(%q, %q) = %v; want %v", tt.result, tt.notes, got, tt.want)
			}
		})
	}
}
