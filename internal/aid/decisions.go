package aid

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

// Decision is a release or withholding of a tranche: proposed by one aid
// officer, approved by a second, resting on a stored evaluation. Once
// approved it is final; nothing changes or deletes it.
type Decision struct {
	ID           int64      `json:"id"`
	TrancheID    int64      `json:"tranche_id"`
	EvaluationID int64      `json:"evaluation_id"`
	Action       string     `json:"action"` // release, withhold
	Reason       string     `json:"reason"`
	Status       string     `json:"status"` // proposed, approved
	ProposedBy   int64      `json:"proposed_by"`
	ProposedAt   time.Time  `json:"proposed_at"`
	ApprovedBy   *int64     `json:"approved_by"`
	ApprovedAt   *time.Time `json:"approved_at"`
}

// Proposal is what an officer proposes for a tranche.
type Proposal struct {
	EvaluationID int64  `json:"evaluation_id"`
	Action       string `json:"action"`
	Reason       string `json:"reason"`
}

// ErrSameOfficer refuses an approval by the officer who proposed.
var ErrSameOfficer = errs.Conflict("a decision is approved by a second aid officer, not the one who proposed it")

// ErrHardHurdle refuses a release whose evaluation has a hard hurdle that
// is not met.
var ErrHardHurdle = errs.Conflict("a hard hurdle of this tranche is not met in the evaluation: the tranche cannot be released")

// checkDecision is the rule every release or withholding passes, at the
// proposal and again at the approval.
func checkDecision(t *Tranche, e *Evaluation, action string) error {
	to, ok := decisionState[action]
	if !ok {
		return &errs.ValidationError{Problems: []errs.FieldError{{Field: "action", Problem: "must be release or withhold"}}}
	}
	if e.TrancheID != t.ID {
		return &errs.ValidationError{Problems: []errs.FieldError{{Field: "evaluation_id", Problem: "is an evaluation of another tranche"}}}
	}
	if !canMove(t.State, to) {
		return errs.Conflict("tranche %d is %s: it cannot become %s", t.ID, t.State, to)
	}
	if action == "release" {
		for _, r := range e.Results {
			if r.Hard && r.Status != Met {
				return ErrHardHurdle
			}
		}
	}
	return nil
}

// ProposeDecision proposes releasing or withholding tranche id on one of
// its evaluations. Releasing is refused when a hard hurdle is not met; a
// release on soft conditions not met is allowed (a waiver), with its reason.
func (s *Service) ProposeDecision(ctx context.Context, id int64, in Proposal) (*Decision, error) {
	who, err := auth.Require(ctx, auth.PermAidManage)
	if err != nil {
		return nil, err
	}
	if err := CheckProposal(in); err != nil {
		return nil, err
	}
	d := &Decision{TrancheID: id, EvaluationID: in.EvaluationID, Action: in.Action, Reason: in.Reason, Status: "proposed", ProposedBy: who.UserID, ProposedAt: s.now().UTC()}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		t, err := s.GetTranche(ctx, id) // lapsed first if the rule says so
		if err != nil {
			return err
		}
		e, err := s.GetEvaluation(ctx, in.EvaluationID)
		if err != nil {
			return err
		}
		if err := checkDecision(t, e, in.Action); err != nil {
			return err
		}
		var open int
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM aid_decisions WHERE tranche_id = ? AND status = 'proposed'`, id).Scan(&open); err != nil {
			return fmt.Errorf("aid: propose decision: %w", err)
		}
		if open > 0 {
			return errs.Conflict("a decision on tranche %d already awaits approval", id)
		}
		if err := s.db.QueryRow(ctx, `INSERT INTO aid_decisions (tranche_id, evaluation_id, action, reason, status, proposed_by, proposed_at)
			VALUES (?, ?, ?, ?, 'proposed', ?, ?) RETURNING id`, id, in.EvaluationID, in.Action, in.Reason, who.UserID, store.FormatTime(d.ProposedAt)).Scan(&d.ID); err != nil {
			return fmt.Errorf("aid: propose decision: %w", err)
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "aid.decision.propose", ObjectType: "aid_tranche", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("decision %d %s on evaluation %d", d.ID, in.Action, in.EvaluationID)})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// ApproveDecision is the second officer's approval: the tranche becomes
// released or withheld. The proposer cannot approve; the rules are checked
// again.
func (s *Service) ApproveDecision(ctx context.Context, id int64) (*Decision, error) {
	who, err := auth.Require(ctx, auth.PermAidManage)
	if err != nil {
		return nil, err
	}
	var d *Decision
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		if d, err = s.loadDecision(ctx, id); err != nil {
			return err
		}
		if d.Status != "proposed" {
			return errs.Conflict("decision %d is %s: decisions are final once approved", id, d.Status)
		}
		if d.ProposedBy == who.UserID {
			return ErrSameOfficer
		}
		t, err := s.loadTranche(ctx, d.TrancheID)
		if err != nil {
			return err
		}
		e, err := s.GetEvaluation(ctx, d.EvaluationID)
		if err != nil {
			return err
		}
		if err := checkDecision(t, e, d.Action); err != nil {
			return err
		}
		now := s.now().UTC()
		if _, err := s.db.Exec(ctx, `UPDATE aid_decisions SET status = 'approved', approved_by = ?, approved_at = ? WHERE id = ? AND status = 'proposed'`,
			who.UserID, store.FormatTime(now), id); err != nil {
			return fmt.Errorf("aid: approve decision: %w", err)
		}
		if _, err := s.db.Exec(ctx, `UPDATE aid_tranches SET state = ? WHERE id = ?`, decisionState[d.Action], t.ID); err != nil {
			return fmt.Errorf("aid: approve decision: %w", err)
		}
		d.Status, d.ApprovedBy, d.ApprovedAt = "approved", &who.UserID, &now
		return audit.Log(ctx, s.db, audit.Event{Action: "aid.decision.approve", ObjectType: "aid_tranche", ObjectID: fmt.Sprint(t.ID),
			Detail: fmt.Sprintf("decision %d %s on evaluation %d; tranche %s -> %s", id, d.Action, d.EvaluationID, t.State, decisionState[d.Action])})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

const decisionCols = `id, tranche_id, evaluation_id, action, reason, status, proposed_by, proposed_at, approved_by, approved_at`

func scanDecision(sc interface{ Scan(...any) error }) (*Decision, error) {
	var d Decision
	var pa, aa store.Time
	var by sql.NullInt64
	if err := sc.Scan(&d.ID, &d.TrancheID, &d.EvaluationID, &d.Action, &d.Reason, &d.Status, &d.ProposedBy, &pa, &by, &aa); err != nil {
		return nil, err
	}
	d.ProposedAt = pa.Time
	if by.Valid {
		d.ApprovedBy = &by.Int64
	}
	if !aa.IsZero() {
		t := aa.Time
		d.ApprovedAt = &t
	}
	return &d, nil
}

func (s *Service) loadDecision(ctx context.Context, id int64) (*Decision, error) {
	return rowByID(ctx, s.db, "decision", "aid_decisions", decisionCols, id, scanDecision)
}

// GetDecision returns a decision. Public.
func (s *Service) GetDecision(ctx context.Context, id int64) (*Decision, error) {
	return s.loadDecision(ctx, id)
}

// ListDecisions returns a tranche's decisions, oldest first. Public.
func (s *Service) ListDecisions(ctx context.Context, trancheID int64) ([]Decision, error) {
	if err := exists(ctx, s.db, "tranche", "aid_tranches", trancheID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT `+decisionCols+` FROM aid_decisions WHERE tranche_id = ? ORDER BY id`, trancheID)
	if err != nil {
		return nil, fmt.Errorf("aid: decisions: %w", err)
	}
	defer rows.Close()
	out := []Decision{}
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			return nil, fmt.Errorf("aid: decisions: %w", err)
		}
		out = append(out, *d)
	}
	return out, rows.Err()
}

// DecisionReport is the certification report of a decision: the package
// and tranche, the evaluation it rests on (each condition, its result and
// the values and sources used), the accepted evidence on the tranche's
// conditions, and the amounts released and withheld by it.
type DecisionReport struct {
	Decision   Decision    `json:"decision"`
	Package    Package     `json:"package"`
	Tranche    Tranche     `json:"tranche"`
	Evaluation *Evaluation `json:"evaluation"`
	Evidence   []Evidence  `json:"evidence"`
	Released   *int64      `json:"released"` // null when the tranche's amount is not stated
	Withheld   *int64      `json:"withheld"`
}

// GetDecisionReport returns decision id's certification report. Public.
func (s *Service) GetDecisionReport(ctx context.Context, id int64) (*DecisionReport, error) {
	d, err := s.loadDecision(ctx, id)
	if err != nil {
		return nil, err
	}
	t, err := s.loadTranche(ctx, d.TrancheID)
	if err != nil {
		return nil, err
	}
	p, err := s.loadPackage(ctx, t.PackageID)
	if err != nil {
		return nil, err
	}
	e, err := s.GetEvaluation(ctx, d.EvaluationID)
	if err != nil {
		return nil, err
	}
	r := &DecisionReport{Decision: *d, Package: p, Tranche: *t, Evaluation: e, Evidence: []Evidence{}}
	ev, err := s.evidence(ctx, EvidenceFilter{Country: p.Recipient, Status: "accepted"}, false, 0)
	if err != nil {
		return nil, err
	}
	mine := map[int64]bool{}
	for _, c := range t.Conditions {
		mine[c.ID] = true
	}
	for _, x := range ev {
		if x.ConditionID != nil && mine[*x.ConditionID] {
			r.Evidence = append(r.Evidence, x)
		}
	}
	if d.Status == "approved" && t.Amount != nil {
		zero, amt := int64(0), *t.Amount
		if d.Action == "release" {
			r.Released, r.Withheld = &amt, &zero
		} else {
			r.Released, r.Withheld = &zero, &amt
		}
	}
	return r, nil
}
