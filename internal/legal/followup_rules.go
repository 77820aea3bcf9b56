package legal

import (
	"fmt"
	"time"
)

// The follow-up rules after release: the call schedule, and what each
// call's outcome does to the child's contact status. Plain data and pure
// functions (followup_rules_test.go: one test per row).

// ScheduledCall is one row of the call schedule, counted from release.
type ScheduledCall struct {
	Kind  string
	After time.Duration
	// PRSOnly: only for a child released with post-release services.
	PRSOnly bool
	Why     string
}

// FollowUpSchedule is the call schedule. Every released child gets the
// 30-day call; a child with post-release services (PRS) is also called
// monthly for the first three months. ORR sets no monthly call itself: its
// PRS providers make their own check-ins (ORR Policy Guide section 6,
// level one "virtual check-ins", no frequency published); the monthly
// rhythm follows ORR's proposed Sponsor Care Agreement term ("at least once
// a month by telephone"), a project choice to be confirmed against the
// current Policy Guide.
var FollowUpSchedule = []ScheduledCall{
	{"safety_30", 30 * 24 * time.Hour, false, "ORR Policy Guide 6.1: safety and well-being call 30 days after release, for every child released to a sponsor"},
	{"prs_60", 60 * 24 * time.Hour, true, "post-release services: monthly check-in (second month)"},
	{"prs_90", 90 * 24 * time.Hour, true, "post-release services: monthly check-in (third month)"},
}

// ScheduleFor is the calls due for a child released with post-release
// services (prs) or without.
func ScheduleFor(prs bool) []ScheduledCall {
	out := []ScheduledCall{}
	for _, c := range FollowUpSchedule {
		if !c.PRSOnly || prs {
			out = append(out, c)
		}
	}
	return out
}

// CallOutcome is what a follow-up attempt found.
type CallOutcome string

const (
	CallReached      CallOutcome = "reached"       // spoke with the child or sponsor: safe
	CallConcern      CallOutcome = "concern"       // reached, with a concern for the child's safety or well-being
	CallNotReached   CallOutcome = "not_reached"   // no answer
	CallWrongContact CallOutcome = "wrong_contact" // the number or address is wrong
)

// MaxFailures is how many attempts in a row without reaching the child
// mark contact lost.
const MaxFailures = 3

// EscalationWithin is how soon a supervisor must act on a concern.
const EscalationWithin = 48 * time.Hour

// ContactRule is one row of the contact table: what an outcome does.
type ContactRule struct {
	Outcome CallOutcome
	// Reached resets the failures and ends a lost contact.
	Reached bool
	// Escalate opens a task for a supervisor, due in EscalationWithin.
	Escalate bool
	// LoseAt is the failure count at which contact is lost (0: never; 1:
	// at once).
	LoseAt int
	Effect string
}

// ContactRules is the contact table.
var ContactRules = []ContactRule{
	{CallReached, true, false, 0, "contact kept (or found again): failures reset"},
	{CallConcern, true, true, 0, "contact kept; a supervisor must act within 48 hours"},
	{CallNotReached, false, false, MaxFailures, "one more failure; the third in a row marks contact lost"},
	{CallWrongContact, false, false, 1, "contact lost at once: the number or address is wrong"},
}

// ContactStep is what one attempt does to a child's contact.
type ContactStep struct {
	Failures  int    `json:"failures"`
	Lost      bool   `json:"lost"`       // contact is lost after the attempt
	NewlyLost bool   `json:"newly_lost"` // lost by this attempt
	Found     bool   `json:"found"`      // lost before, reached now
	Escalate  bool   `json:"escalate"`
	Reason    string `json:"reason"`
}

// NextContact applies the contact table to an attempt with outcome o, for
// a child with failures attempts failed in a row and contact lost or not.
func NextContact(failures int, lost bool, o CallOutcome) (ContactStep, error) {
	for _, r := range ContactRules {
		if r.Outcome != o {
			continue
		}
		if r.Reached {
			return ContactStep{Found: lost, Escalate: r.Escalate, Reason: r.Effect}, nil
		}
		st := ContactStep{Failures: failures + 1, Lost: lost, Reason: r.Effect}
		if !lost && st.Failures >= r.LoseAt {
			st.Lost, st.NewlyLost = true, true
		}
		return st, nil
	}
	return ContactStep{}, fmt.Errorf("unknown outcome %q", o)
}
