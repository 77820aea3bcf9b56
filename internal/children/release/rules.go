package release

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/errs"
)

// Category is the sponsor category, which follows from the relationship.
type Category string

const (
	Category1  Category = "1"  // parent or legal guardian
	Category2A Category = "2A" // immediate relative who was primary caregiver
	Category2B Category = "2B" // other close relative
	Category3  Category = "3"  // distant relative or unrelated adult
	Category4  Category = "4"  // no sponsor identified
)

// Relationship is the sponsor's relationship to the child.
type Relationship string

// relationships maps each relationship to its category. This is the
// simplification the issue gives (siblings and grandparents as 2A); a
// sibling who never cared for the child would in practice be 2B, which a
// caseworker records by choosing "other_close_relative".
var relationships = map[Relationship]Category{
	"parent":               Category1,
	"legal_guardian":       Category1,
	"sibling":              Category2A,
	"grandparent":          Category2A,
	"aunt":                 Category2B,
	"uncle":                Category2B,
	"first_cousin":         Category2B,
	"other_close_relative": Category2B,
	"distant_relative":     Category3,
	"unrelated":            Category3,
	"none":                 Category4,
}

// Relationships lists the known relationships in a stable order.
func Relationships() []Relationship {
	out := make([]Relationship, 0, len(relationships))
	for r := range relationships {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Relationship) int {
		if c := strings.Compare(string(relationships[a]), string(relationships[b])); c != 0 {
			return c
		}
		return strings.Compare(string(a), string(b))
	})
	return out
}

// CategoryOf returns the category for rel.
func CategoryOf(rel Relationship) (Category, error) {
	c, ok := relationships[rel]
	if !ok {
		return "", fmt.Errorf("release: unknown relationship %q", rel)
	}
	return c, nil
}

// Step is one vetting step.
type Step string

const (
	StepIdentity           Step = "identity_proof"
	StepRelationship       Step = "relationship_proof"
	StepPublicRecords      Step = "public_records_check"
	StepSexOffender        Step = "sex_offender_registry_check"
	StepFingerprints       Step = "fingerprint_background_check"
	StepChildAbuseRegistry Step = "child_abuse_registry_check"
	StepHomeStudy          Step = "home_study"
)

// Steps lists every step in the order the checklist shows them.
var Steps = []Step{StepIdentity, StepRelationship, StepPublicRecords, StepSexOffender, StepFingerprints, StepChildAbuseRegistry, StepHomeStudy}

// VettingFacts is what the requirements depend on.
type VettingFacts struct {
	Category Category
	// ChildAge is the child's age in whole years, or -1 when the birth date
	// is unknown; an unknown age is treated as possibly 12 or under.
	ChildAge                   int
	ConcernFlagged             bool // any concern about the sponsor or household
	TraffickingVictim          bool
	DisabilitySpecialNeeds     bool
	AbusedSponsorMayNotProtect bool // the child was abused and the sponsor may not protect
	SponsorRisk                bool // the sponsor presents a risk to the child
}

// VettingRule is one row of the vetting table: a step and when it is
// required.
type VettingRule struct {
	Step Step
	When string // the rule in words, shown on the checklist
	If   func(f VettingFacts) bool
}

func anyCategory(VettingFacts) bool { return true }
func inCategory(cs ...Category) func(VettingFacts) bool {
	return func(f VettingFacts) bool { return slices.Contains(cs, f.Category) }
}

// VettingRules is the vetting table. A step is required when any of its
// rows applies.
var VettingRules = []VettingRule{
	{StepIdentity, "all sponsors", anyCategory},
	{StepRelationship, "all sponsors", anyCategory},
	{StepPublicRecords, "all sponsors", anyCategory},
	{StepSexOffender, "all sponsors", anyCategory},
	{StepFingerprints, "category 2B and 3 sponsors", inCategory(Category2B, Category3)},
	{StepFingerprints, "any sponsor when a concern is flagged", func(f VettingFacts) bool { return f.ConcernFlagged }},
	{StepChildAbuseRegistry, "category 3 sponsors", inCategory(Category3)},
	{StepHomeStudy, "the child is a victim of severe trafficking (TVPRA)", func(f VettingFacts) bool { return f.TraffickingVictim }},
	{StepHomeStudy, "the child has a disability with special needs (TVPRA)", func(f VettingFacts) bool { return f.DisabilitySpecialNeeds }},
	{StepHomeStudy, "the child was abused and the sponsor may not protect (TVPRA)", func(f VettingFacts) bool { return f.AbusedSponsorMayNotProtect }},
	{StepHomeStudy, "the sponsor presents a risk to the child (TVPRA)", func(f VettingFacts) bool { return f.SponsorRisk }},
	{StepHomeStudy, "child 12 or under (or age unknown) going to a category 3 sponsor", func(f VettingFacts) bool {
		return f.Category == Category3 && (f.ChildAge < 0 || f.ChildAge <= 12)
	}},
}

// Requirement is one required step and why.
type Requirement struct {
	Step    Step     `json:"step"`
	Reasons []string `json:"reasons"`
}

// RequiredSteps returns the required steps, in checklist order, each with
// the rules that require it.
func RequiredSteps(f VettingFacts) []Requirement {
	var out []Requirement
	for _, s := range Steps {
		var why []string
		for _, r := range VettingRules {
			if r.Step == s && r.If(f) {
				why = append(why, r.When)
			}
		}
		if len(why) > 0 {
			out = append(out, Requirement{Step: s, Reasons: why})
		}
	}
	return out
}

// Vetting results.
const (
	ResultPassed  = "passed"
	ResultFailed  = "failed"
	ResultPending = "pending"
)

// ResultProblems are the field problems of one vetting record: a result
// must be chosen (there is no default), and "passed" needs its evidence,
// a note or a document reference, in the notes.
func ResultProblems(result, notes string) map[string]string {
	out := map[string]string{}
	switch result {
	case "":
		out["result"] = "choose a result: passed, failed or pending"
	case ResultPassed:
		if strings.TrimSpace(notes) == "" {
			out["notes"] = "a passed step needs a note or a document reference"
		}
	case ResultFailed, ResultPending:
	default:
		out["result"] = "must be passed, failed or pending"
	}
	return out
}

// MissingSteps returns the required steps not recorded as passed, given
// the latest result per step.
func MissingSteps(req []Requirement, results map[Step]string) []Step {
	var out []Step
	for _, r := range req {
		if results[r.Step] != ResultPassed {
			out = append(out, r.Step)
		}
	}
	return out
}

// FirstFollowUp is when the first follow-up call after release is due.
const FirstFollowUp = 30 * 24 * time.Hour

// ErrSameApprover: the approver is the person who requested (409).
var ErrSameApprover = fmt.Errorf("a release must be approved by a second person, not the one who requested it: %w", errs.ErrConflict)

// MissingStepsError refuses a release until every required step passed.
type MissingStepsError struct{ Missing []Step }

func (e *MissingStepsError) Error() string {
	names := make([]string, len(e.Missing))
	for i, s := range e.Missing {
		names[i] = string(s)
	}
	return "release refused: vetting steps not recorded as passed: " + strings.Join(names, ", ")
}

// Unwrap makes the refusal an errs.ErrConflict (409).
func (e *MissingStepsError) Unwrap() error { return errs.ErrConflict }
