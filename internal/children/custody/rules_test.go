package custody

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/identity"
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
	mexican := &Case{Person: identity.Person{BirthCountry: "México"}, Nationality: ""}
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
		{"bad sex", Intake{Person: identity.Person{Sex: "X"}, EncounteredAt: enc}, "sex"},
		{"spanish sex", Intake{Person: identity.Person{Sex: "femenino"}, EncounteredAt: enc}, ""},
		{"bad date", Intake{Person: identity.Person{BirthDate: "01/02/2012"}, EncounteredAt: enc}, "birth_date"},
		{"adult", Intake{Person: identity.Person{BirthDate: "2000-01-01"}, EncounteredAt: enc}, "birth_date"},
		{"estimate without evidence", Intake{Person: identity.Person{BirthDate: "2012-01-01"}, EncounteredAt: enc, BirthDateEstimated: true}, "birth_date_evidence"},
		{"estimate with evidence", Intake{Person: identity.Person{BirthDate: "2012-01-01"}, EncounteredAt: enc, BirthDateEstimated: true, BirthDateEvidence: "dental exam"}, ""},
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
			var ve *errs.ValidationError
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

// TestDirectMoves: one row per open state, and aging out on either side
// of 18: the state-change form offers only moves that can succeed there.
func TestDirectMoves(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		state State
		birth string
		want  []State
	}{
		{"encountered", StateEncountered, "2012-01-01", []State{StateInBorderCustody, StateRepatriated, StateClosedOther}},
		{"border custody", StateInBorderCustody, "2012-01-01", []State{StateReferred, StateRepatriated, StateClosedOther}},
		{"referred: placing is the placement action", StateReferred, "2012-01-01", []State{StateRepatriated, StateClosedOther}},
		{"placed, 14: no release, no aging out", StatePlaced, "2012-01-01", []State{StateRepatriated, StateClosedOther}},
		{"placed, birth unknown: no aging out", StatePlaced, "", []State{StateRepatriated, StateClosedOther}},
		{"placed, 18 today: may age out", StatePlaced, "2008-06-01", []State{StateRepatriated, StateAgedOut, StateClosedOther}},
		{"released: none", StateReleased, "2012-01-01", []State{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DirectMoves(&Case{State: tt.state, Person: identity.Person{BirthDate: tt.birth}}, now)
			if !slices.Equal(got, tt.want) {
				t.Errorf("DirectMoves(%s, born %q) = %v; want %v", tt.state, tt.birth, got, tt.want)
			}
			for _, to := range got {
				if !CanMove(tt.state, to) {
					t.Errorf("offers %s, which the state machine refuses", to)
				}
			}
		})
	}
}

// TestLateness: one row per way a deadline ends.
func TestLateness(t *testing.T) {
	due := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { x := due.Add(d); return &x }
	tests := []struct {
		name string
		d    Deadline
		want Late
	}{
		{"open", Deadline{DueAt: due}, Late{}},
		{"met early", Deadline{DueAt: due, ResolvedAt: at(-time.Hour), Resolution: "met"}, Late{}},
		{"met on the minute", Deadline{DueAt: due, ResolvedAt: at(0), Resolution: "met"}, Late{}},
		{"met 3 h late", Deadline{DueAt: due, ResolvedAt: at(2*time.Hour + time.Minute), Resolution: "met"}, Late{Hours: 3}},
		{"met 48 days late", Deadline{DueAt: due, ResolvedAt: at(48*24*time.Hour + 5*time.Hour), Resolution: "met"}, Late{Days: 48}},
		{"no longer applies, after the date", Deadline{DueAt: due, ResolvedAt: at(72 * time.Hour), Resolution: "not_applicable"}, Late{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.d.Lateness(); got != tt.want {
				t.Errorf("Lateness() = %+v; want %+v", got, tt.want)
			}
		})
	}
}
