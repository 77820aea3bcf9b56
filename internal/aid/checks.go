package aid

import (
	"context"
	"strings"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
)

// The forms' checks. A form whose typed numbers cannot be read is not sent
// to the service, but its other fields are checked by the service's own
// rules, so that the form shows every problem at once (each beside its
// field). Each is the check the service method runs before it writes, on a
// copy of the input: nothing is stored or changed.

// CheckPackage is CreatePackage's check of p.
func CheckPackage(p Package) error { return checkPackage(&p) }

// CheckProgram is AddProgram's check of p.
func CheckProgram(p Program) error { return checkProgram(&p) }

// CheckTranche is AddTranche's check of t against its package's programs.
func CheckTranche(t Tranche, programs []Program) error { return checkTranche(&t, programs) }

// CheckSubmission is SubmitEvidence's check of in (the condition it names
// is looked up only when it is stored).
func CheckSubmission(in Submission) error {
	_, err := checkSubmission(&in)
	return err
}

// CheckProposal is the check of a proposal's own fields: its action and
// its reason (ProposeDecision checks the tranche and evaluation besides).
func CheckProposal(in Proposal) error {
	v := &errs.ValidationError{}
	if _, ok := decisionState[in.Action]; !ok {
		v.Add("action", "must be release or withhold")
	}
	if strings.TrimSpace(in.Reason) == "" {
		v.Add("reason", "is required")
	}
	return v.Err()
}

// CheckReview is ReviewEvidence's check of in.
func CheckReview(in Review) error {
	if strings.TrimSpace(in.Reason) == "" {
		return &errs.ValidationError{Problems: []errs.FieldError{{Field: "reason", Problem: "is required"}}}
	}
	return nil
}

// CheckCondition is AddCondition's check of c: its rule is compiled
// against the series the indicators hold.
func (s *Service) CheckCondition(ctx context.Context, c Condition) error {
	if _, err := auth.Require(ctx, auth.PermAidManage); err != nil {
		return err
	}
	return s.checkCondition(ctx, &c)
}
