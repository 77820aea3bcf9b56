package aid

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

// Evaluation is a tranche judged as of a date: each condition's result
// with the inputs it used, frozen, and the combined outcome.
type Evaluation struct {
	ID          int64  `json:"id"`
	TrancheID   int64  `json:"tranche_id"`
	AsOf        string `json:"as_of"`
	Outcome     string `json:"outcome"`
	HardFailed  bool   `json:"hard_failed"`
	Explanation string `json:"explanation"`
	// Messages is the explanation as message keys and arguments, for
	// pages in other languages (explain.go); empty for evaluations stored
	// before they existed.
	Messages    []Msg             `json:"explanation_msgs"`
	EvaluatedBy string            `json:"evaluated_by"`
	EvaluatedAt time.Time         `json:"evaluated_at"`
	Results     []ConditionResult `json:"results"`
}

// ConditionResult is one condition's status in an evaluation.
type ConditionResult struct {
	ConditionID int64   `json:"condition_id"`
	Ref         string  `json:"ref"`
	Wording     string  `json:"wording"`
	Kind        string  `json:"kind"`
	Rule        string  `json:"rule"` // the rule as it was when evaluated
	Hard        bool    `json:"hard"`
	Status      string  `json:"status"`
	Explanation string  `json:"explanation"`
	Messages    []Msg   `json:"explanation_msgs"`
	Inputs      []Input `json:"inputs"`
}

// EvaluateRequest says as of which date to evaluate ("" for today).
type EvaluateRequest struct {
	AsOf string `json:"as_of"`
}

// judge runs one condition through r.
func judge(c Condition, r resolver, used func() []*Input) ConditionResult {
	res := ConditionResult{ConditionID: c.ID, Ref: c.Ref, Wording: c.Wording, Kind: c.Kind, Rule: c.Rule, Hard: c.Hard, Inputs: []Input{}}
	if c.Rule == "" {
		res.Status = Insufficient
		res.setMessages(msg("aid.x.no_rule"))
		return res
	}
	status, head, missingCall := runRule(c.Rule, r)
	res.Status = status
	inputs := used()
	for _, in := range inputs {
		if missingCall != "" && in.Call == missingCall && in.Missing != "" {
			head.In = in.describe()
			break
		}
	}
	msgs := []*Msg{head}
	headText := head.English()
	for _, in := range inputs {
		res.Inputs = append(res.Inputs, *in)
		if line := in.describe(); !strings.Contains(headText, line.English()) {
			msgs = append(msgs, line)
		}
	}
	res.setMessages(msgs...)
	return res
}

func (r *ConditionResult) setMessages(ms ...*Msg) {
	r.Messages = make([]Msg, len(ms))
	for i, m := range ms {
		r.Messages[i] = *m
	}
	r.Explanation = RenderAll(r.Messages, english)
}

// combine fills the outcome of an evaluation from its results.
func combine(t *Tranche, e *Evaluation) {
	var soft, hard []string
	for _, r := range e.Results {
		if r.Hard {
			hard = append(hard, r.Status)
		} else {
			soft = append(soft, r.Status)
		}
	}
	e.Outcome, e.HardFailed = Combine(t.Combination, t.AtLeastN, soft, hard)
	count := map[string]int{}
	for _, r := range e.Results {
		count[r.Status]++
	}
	status := "@aid.status." + e.Outcome
	head := msg("aid.x.evaluation", status, e.AsOf, count[Met], count[NotMet], count[Insufficient], "@aid.x.how."+t.Combination, len(soft), len(hard))
	if t.Combination == CombineAtLeast {
		head = msg("aid.x.evaluation_at_least", status, e.AsOf, count[Met], count[NotMet], count[Insufficient], t.AtLeastN, len(soft), len(hard))
	}
	e.Messages = []Msg{*head}
	if e.HardFailed {
		e.Messages = append(e.Messages, *msg("aid.x.hard_failed"))
	}
	e.Explanation = RenderAll(e.Messages, english)
}

// Evaluate judges tranche id as of a date on the indicators and facts as
// they stand now, and stores the result with every input frozen. A
// pending tranche whose conditions are met becomes releasable; a
// releasable one that no longer meets them goes back to pending.
func (s *Service) Evaluate(ctx context.Context, id int64, req EvaluateRequest) (*Evaluation, error) {
	who, err := auth.Require(ctx, auth.PermAidManage)
	if err != nil {
		return nil, err
	}
	asOf := s.now().UTC().Truncate(24 * time.Hour)
	if req.AsOf != "" {
		if asOf, err = time.Parse(time.DateOnly, req.AsOf); err != nil {
			return nil, &errs.ValidationError{Problems: []errs.FieldError{{Field: "as_of", Problem: "must be a date YYYY-MM-DD"}}}
		}
	}
	var e *Evaluation
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		t, err := s.GetTranche(ctx, id) // lapsed first if the rule says so
		if err != nil {
			return err
		}
		p, err := s.loadPackage(ctx, t.PackageID)
		if err != nil {
			return err
		}
		e = &Evaluation{TrancheID: id, AsOf: asOf.Format(time.DateOnly), EvaluatedBy: who.Email, EvaluatedAt: s.now().UTC(), Results: []ConditionResult{}}
		l := s.newLive(ctx, p.Recipient, asOf)
		for _, c := range t.Conditions {
			l.reset()
			e.Results = append(e.Results, judge(c, l, func() []*Input { return l.used }))
		}
		combine(t, e)
		if err := s.insertEvaluation(ctx, e); err != nil {
			return err
		}
		next := t.State
		if t.State == StatePending && e.Outcome == Met {
			next = StateReleasable
		} else if t.State == StateReleasable && e.Outcome != Met {
			next = StatePending
		}
		if next != t.State {
			if _, err := s.db.Exec(ctx, `UPDATE aid_tranches SET state = ? WHERE id = ?`, next, id); err != nil {
				return fmt.Errorf("aid: evaluate: %w", err)
			}
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "aid.evaluate", ObjectType: "aid_tranche", ObjectID: fmt.Sprint(id),
			Detail: fmt.Sprintf("evaluation %d as of %s: %s; state %s -> %s", e.ID, e.AsOf, e.Outcome, t.State, next)})
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

func (s *Service) insertEvaluation(ctx context.Context, e *Evaluation) error {
	if err := s.db.QueryRow(ctx, `INSERT INTO aid_evaluations (tranche_id, as_of, outcome, hard_failed, explanation, explanation_msgs, evaluated_by, evaluated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, e.TrancheID, e.AsOf, e.Outcome, boolInt(e.HardFailed), e.Explanation, msgsJSON(e.Messages), e.EvaluatedBy,
		store.FormatTime(e.EvaluatedAt)).Scan(&e.ID); err != nil {
		return fmt.Errorf("aid: store evaluation: %w", err)
	}
	for _, r := range e.Results {
		b, err := json.Marshal(r.Inputs)
		if err != nil {
			return fmt.Errorf("aid: store evaluation: %w", err)
		}
		if _, err := s.db.Exec(ctx, `INSERT INTO aid_evaluation_results (evaluation_id, condition_id, rule, hard, status, explanation, explanation_msgs, inputs)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, r.ConditionID, r.Rule, boolInt(r.Hard), r.Status, r.Explanation, msgsJSON(r.Messages), string(b)); err != nil {
			return fmt.Errorf("aid: store evaluation: %w", err)
		}
	}
	return nil
}

// GetEvaluation returns a stored evaluation with its frozen inputs. Public.
func (s *Service) GetEvaluation(ctx context.Context, id int64) (*Evaluation, error) {
	var e Evaluation
	var hard int
	var at store.Time
	var msgs string
	err := s.db.QueryRow(ctx, `SELECT id, tranche_id, as_of, outcome, hard_failed, explanation, explanation_msgs, evaluated_by, evaluated_at FROM aid_evaluations WHERE id = ?`, id).
		Scan(&e.ID, &e.TrancheID, &e.AsOf, &e.Outcome, &hard, &e.Explanation, &msgs, &e.EvaluatedBy, &at)
	if store.IsNoRows(err) {
		return nil, errs.NotFound("aid: evaluation", id)
	}
	if err != nil {
		return nil, fmt.Errorf("aid: evaluation %d: %w", id, err)
	}
	e.HardFailed, e.EvaluatedAt = hard != 0, at.Time
	if e.Messages, err = parseMsgs(msgs); err != nil {
		return nil, fmt.Errorf("aid: evaluation %d: %w", id, err)
	}
	rows, err := s.db.Query(ctx, `SELECT r.condition_id, c.ref, c.wording, c.kind, r.rule, r.hard, r.status, r.explanation, r.explanation_msgs, r.inputs
		FROM aid_evaluation_results r JOIN aid_conditions c ON c.id = r.condition_id WHERE r.evaluation_id = ? ORDER BY r.id`, id)
	if err != nil {
		return nil, fmt.Errorf("aid: evaluation %d: %w", id, err)
	}
	defer rows.Close()
	e.Results = []ConditionResult{}
	for rows.Next() {
		var r ConditionResult
		var h int
		var inputs, rmsgs string
		if err := rows.Scan(&r.ConditionID, &r.Ref, &r.Wording, &r.Kind, &r.Rule, &h, &r.Status, &r.Explanation, &rmsgs, &inputs); err != nil {
			return nil, fmt.Errorf("aid: evaluation %d: %w", id, err)
		}
		if r.Messages, err = parseMsgs(rmsgs); err != nil {
			return nil, fmt.Errorf("aid: evaluation %d: %w", id, err)
		}
		r.Hard = h != 0
		if err := json.Unmarshal([]byte(inputs), &r.Inputs); err != nil {
			return nil, fmt.Errorf("aid: evaluation %d inputs: %w", id, err)
		}
		e.Results = append(e.Results, r)
	}
	return &e, rows.Err()
}

// ListEvaluations returns a tranche's evaluations, newest first, without
// their results. Public.
func (s *Service) ListEvaluations(ctx context.Context, trancheID int64) ([]Evaluation, error) {
	if err := exists(ctx, s.db, "tranche", "aid_tranches", trancheID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT id, tranche_id, as_of, outcome, hard_failed, explanation, explanation_msgs, evaluated_by, evaluated_at FROM aid_evaluations
		WHERE tranche_id = ? ORDER BY id DESC`, trancheID)
	if err != nil {
		return nil, fmt.Errorf("aid: evaluations: %w", err)
	}
	defer rows.Close()
	out := []Evaluation{}
	for rows.Next() {
		var e Evaluation
		var hard int
		var at store.Time
		var msgs string
		if err := rows.Scan(&e.ID, &e.TrancheID, &e.AsOf, &e.Outcome, &hard, &e.Explanation, &msgs, &e.EvaluatedBy, &at); err != nil {
			return nil, fmt.Errorf("aid: evaluations: %w", err)
		}
		if e.Messages, err = parseMsgs(msgs); err != nil {
			return nil, fmt.Errorf("aid: evaluations: %w", err)
		}
		e.HardFailed, e.EvaluatedAt, e.Results = hard != 0, at.Time, []ConditionResult{}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Replay is a stored evaluation run again on its frozen inputs only.
type Replay struct {
	Evaluation  *Evaluation `json:"evaluation"` // as re-run
	Same        bool        `json:"same"`
	Differences []string    `json:"differences"`
}

// ReplayEvaluation runs evaluation id again on its frozen inputs, whatever
// the indicators say now, and says whether every status is the same.
// Public: anyone may check a past decision's footing.
func (s *Service) ReplayEvaluation(ctx context.Context, id int64) (*Replay, error) {
	stored, err := s.GetEvaluation(ctx, id)
	if err != nil {
		return nil, err
	}
	t, err := s.loadTranche(ctx, stored.TrancheID)
	if err != nil {
		return nil, err
	}
	again := *stored
	again.Results = make([]ConditionResult, 0, len(stored.Results))
	out := &Replay{Evaluation: &again, Differences: []string{}}
	for _, r := range stored.Results {
		f := frozen{}
		for i := range r.Inputs {
			f[r.Inputs[i].Call] = &r.Inputs[i]
		}
		var used []*Input
		rec := recording{f, &used}
		c := Condition{ID: r.ConditionID, Ref: r.Ref, Wording: r.Wording, Kind: r.Kind, Rule: r.Rule, Hard: r.Hard}
		nr := judge(c, rec, func() []*Input { return used })
		if nr.Status != r.Status {
			out.Differences = append(out.Differences, fmt.Sprintf("condition %d: stored %s, replayed %s", r.ConditionID, r.Status, nr.Status))
		}
		again.Results = append(again.Results, nr)
	}
	combine(t, &again)
	if again.Outcome != stored.Outcome {
		out.Differences = append(out.Differences, fmt.Sprintf("outcome: stored %s, replayed %s", stored.Outcome, again.Outcome))
	}
	out.Same = len(out.Differences) == 0
	return out, nil
}

// recording keeps the calls a frozen replay answers, once each.
type recording struct {
	f    frozen
	used *[]*Input
}

func (r recording) call(k callKey) (*Input, error) {
	in, err := r.f.call(k)
	if err == nil {
		for _, u := range *r.used {
			if u.Call == in.Call {
				return in, nil
			}
		}
		*r.used = append(*r.used, in)
	}
	return in, err
}

// EvaluatePackage evaluates every tranche of package id as of a date (see
// Evaluate), in due-date order, and returns the evaluations.
func (s *Service) EvaluatePackage(ctx context.Context, id int64, req EvaluateRequest) ([]Evaluation, error) {
	if _, err := auth.Require(ctx, auth.PermAidManage); err != nil {
		return nil, err
	}
	out := []Evaluation{}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.loadPackage(ctx, id); err != nil {
			return err
		}
		ts, err := s.tranches(ctx, id)
		if err != nil {
			return err
		}
		for _, t := range ts {
			e, err := s.Evaluate(ctx, t.ID, req)
			if err != nil {
				return err
			}
			out = append(out, *e)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
