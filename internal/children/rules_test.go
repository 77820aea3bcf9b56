package children

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
)

func TestTransitions(t *testing.T) {
	// One row per state: exactly where it may go. The table in states.go
	// is the rule; this test pins it so a change is deliberate.
	tests := []struct {
		from State
		to   []State
	}{
		{StateEncountered, []State{StateInBorderCustody, StateRepatriated, StateClosedOther}},
		{StateInBorderCustody, []State{StateReferred, StateRepatriated, StateClosedOther}},
		{StateReferred, []State{StatePlaced, StateRepatriated, StateClosedOther}},
		{StatePlaced, []State{StateReleased, StateRepatriated, StateAgedOut, StateClosedOther}},
		{StateReleased, nil},
		{StateRepatriated, nil},
		{StateAgedOut, nil},
		{StateClosedOther, nil},
	}
	if len(tests) != len(States) {
		t.Fatalf("test covers %d states, the flow has %d", len(tests), len(States))
	}
	for _, tt := range tests {
		t.Run(string(tt.from), func(t *testing.T) {
			for _, to := range States {
				want := slices.Contains(tt.to, to)
				if got := CanMove(tt.from, to); got != want {
					t.Errorf("CanMove(%s, %s) = %v, want %v", tt.from, to, got, want)
				}
				err := CheckMove(tt.from, to)
				if want != (err == nil) {
					t.Errorf("CheckMove(%s, %s) = %v", tt.from, to, err)
				}
				var te *TransitionError
				if err != nil && !errors.As(err, &te) {
					t.Errorf("CheckMove error is %T, want *TransitionError", err)
				}
				if err != nil {
					for _, allowed := range tt.to {
						if !strings.Contains(err.Error(), string(allowed)) {
							t.Errorf("message %q does not name allowed state %s", err, allowed)
						}
					}
				}
			}
			if got := tt.from.Terminal(); got != (len(tt.to) == 0) {
				t.Errorf("Terminal() = %v", got)
			}
		})
	}
}

func TestClocks(t *testing.T) {
	enc := time.Date(2026, 3, 1, 22, 30, 0, 0, time.UTC)
	guatemalan := &Case{Nationality: "Guatemala"}
	mexican := &Case{Nationality: "", BirthCountry: "México"}
	tests := []struct {
		kind     DeadlineKind
		anchor   Anchor
		due      time.Time
		metBy    State
		appliesG bool
		appliesM bool
		perm     auth.Permission
	}{
		{DeadlineNotification, AnchorEncounter, enc.Add(48 * time.Hour), "", true, true, auth.PermCaseUpdate},
		{DeadlineTransfer, AnchorEncounter, enc.Add(72 * time.Hour), StatePlaced, true, true, ""},
		{DeadlineContiguousScreening, AnchorEncounter, enc.Add(48 * time.Hour), "", false, true, auth.PermCaseUpdate},
		{DeadlineKnowYourRights, AnchorPlacement, enc.Add(240 * time.Hour), "", true, true, auth.PermCaseLegalRecord},
		{DeadlineLegalScreening, AnchorPlacement, enc.Add(240 * time.Hour), "", true, true, auth.PermCaseLegalRecord},
	}
	if len(tests) != len(Clocks) {
		t.Fatalf("test covers %d clocks, the table has %d", len(tests), len(Clocks))
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			k, ok := ClockFor(tt.kind)
			if !ok {
				t.Fatal("clock missing")
			}
			if k.Anchor != tt.anchor || k.MetByState != tt.metBy {
				t.Errorf("anchor %s met by %q, want %s %q", k.Anchor, k.MetByState, tt.anchor, tt.metBy)
			}
			if got := k.DueAt(enc); !got.Equal(tt.due) {
				t.Errorf("due %v, want %v", got, tt.due)
			}
			if got := k.Applies(guatemalan); got != tt.appliesG {
				t.Errorf("applies to a Guatemalan child = %v", got)
			}
			if got := k.Applies(mexican); got != tt.appliesM {
				t.Errorf("applies to a Mexican child = %v", got)
			}
			if k.Law == "" {
				t.Error("no legal basis recorded")
			}
			if k.RecordedWith != tt.perm {
				t.Errorf("recorded with %q, want %q", k.RecordedWith, tt.perm)
			}
		})
	}
}

func TestUrgency(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		due  time.Time
		want Urgency
	}{
		{now.Add(-time.Minute), UrgencyOverdue},
		{now, UrgencyOverdue},
		{now.Add(11*time.Hour + 59*time.Minute), UrgencyNearing},
		{now.Add(12 * time.Hour), UrgencyLater},
	}
	for _, tt := range tests {
		if got := UrgencyAt(tt.due, now); got != tt.want {
			t.Errorf("due in %v: %s, want %s", tt.due.Sub(now), got, tt.want)
		}
	}
}

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

func TestIntakeNormalize(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	enc := now.Add(-2 * time.Hour)
	yes := true
	tests := []struct {
		name    string
		in      Intake
		problem string // field with a problem, "" when valid
	}{
		{"everything unknown but the encounter", Intake{EncounteredAt: enc}, ""},
		{"no encounter time", Intake{}, "encountered_at"},
		{"bad sex", Intake{EncounteredAt: enc, Sex: "X"}, "sex"},
		{"spanish sex", Intake{EncounteredAt: enc, Sex: "femenino"}, ""},
		{"bad date", Intake{EncounteredAt: enc, BirthDate: "01/02/2012"}, "birth_date"},
		{"adult", Intake{EncounteredAt: enc, BirthDate: "2000-01-01"}, "birth_date"},
		{"estimate without evidence", Intake{EncounteredAt: enc, BirthDate: "2012-01-01", BirthDateEstimated: true}, "birth_date_evidence"},
		{"estimate with evidence", Intake{EncounteredAt: enc, BirthDate: "2012-01-01", BirthDateEstimated: true, BirthDateEvidence: "dental exam"}, ""},
		{"start placed", Intake{EncounteredAt: enc, State: StatePlaced}, "state"},
		{"separated with parent", Intake{EncounteredAt: enc, Separated: &yes, ParentDetails: "mother, Ana"}, ""},
		{"future encounter", Intake{EncounteredAt: now.Add(48 * time.Hour)}, "encountered_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.in.Normalize(now)
			if tt.problem == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("got %v, want a problem with %s", err, tt.problem)
			}
			found := false
			for _, p := range ve.Problems {
				found = found || p.Field == tt.problem
			}
			if !found {
				t.Errorf("problems %v do not name %s", ve.Problems, tt.problem)
			}
		})
	}
}

func TestFold(t *testing.T) {
	tests := map[string]string{
		"HERNÁNDEZ":    "hernandez",
		"  José  Luis": "jose luis",
		"K'iche'":      "kiche",
		"Núñez":        "nunez",
	}
	for in, want := range tests {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBandFor(t *testing.T) {
	tests := map[int]string{-1: "", 0: BandChild, 12: BandChild, 13: BandTeen, 17: BandTeen, 18: ""}
	for age, want := range tests {
		if got := BandFor(age); got != want {
			t.Errorf("BandFor(%d) = %q, want %q", age, got, want)
		}
	}
}
