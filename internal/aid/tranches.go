package aid

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

// Tranche is an amount of a package (or of one of its programs) held until
// its conditions are met.
type Tranche struct {
	ID          int64       `json:"id"`
	PackageID   int64       `json:"package_id"`
	ProgramID   *int64      `json:"program_id"`
	Label       string      `json:"label"`
	Amount      *int64      `json:"amount"`   // null when the public record states none
	DueDate     string      `json:"due_date"` // YYYY-MM-DD
	State       string      `json:"state"`
	Combination string      `json:"combination"` // all, any, at_least_n
	AtLeastN    int         `json:"at_least_n"`
	Conditions  []Condition `json:"conditions"`
}

// Condition is one condition of a tranche: its legal wording, its kind,
// and the machine rule (a CEL expression) where one can be written.
type Condition struct {
	ID        int64  `json:"id"`
	TrancheID int64  `json:"tranche_id"`
	Ref       string `json:"ref"`
	Wording   string `json:"wording"`
	Kind      string `json:"kind"`
	Rule      string `json:"rule"`
	Hard      bool   `json:"hard"`
	Citation  string `json:"citation"`
}

func checkTranche(t *Tranche, programs []Program) error {
	v := &errs.ValidationError{}
	if strings.TrimSpace(t.Label) == "" {
		v.Add("label", "is required")
	}
	if t.Amount != nil {
		if err := checkAmount(*t.Amount); err != nil {
			v.Add("amount", "%v", err)
		}
	}
	if _, err := time.Parse(time.DateOnly, t.DueDate); err != nil {
		v.Add("due_date", "must be a date YYYY-MM-DD")
	}
	if t.Combination == "" {
		t.Combination = CombineAll
	}
	switch t.Combination {
	case CombineAll, CombineAny:
		t.AtLeastN = 0
	case CombineAtLeast:
		if t.AtLeastN < 1 {
			v.Add("at_least_n", "must be 1 or more with at_least_n")
		}
	default:
		v.Add("combination", "must be all, any or at_least_n")
	}
	if t.ProgramID != nil {
		found := false
		for _, p := range programs {
			found = found || p.ID == *t.ProgramID
		}
		if !found {
			v.Add("program_id", "is not a program of this package")
		}
	}
	return v.Err()
}

// AddTranche holds part of package pkgID until conditions (added with
// AddCondition) are met. It starts pending.
func (s *Service) AddTranche(ctx context.Context, pkgID int64, t Tranche) (*Tranche, error) {
	if _, err := auth.Require(ctx, auth.PermAidManage); err != nil {
		return nil, err
	}
	t.PackageID, t.State, t.Conditions = pkgID, StatePending, []Condition{}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.loadPackage(ctx, pkgID); err != nil {
			return err
		}
		progs, err := s.programs(ctx, pkgID)
		if err != nil {
			return err
		}
		if err := checkTranche(&t, progs); err != nil {
			return err
		}
		if err := s.db.QueryRow(ctx, `INSERT INTO aid_tranches (package_id, program_id, label, amount, due_date, state, combination, at_least_n, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, pkgID, t.ProgramID, t.Label, t.Amount, t.DueDate, t.State, t.Combination, t.AtLeastN,
			store.FormatTime(s.now())).Scan(&t.ID); err != nil {
			return fmt.Errorf("aid: add tranche: %w", err)
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "aid.tranche.create", ObjectType: "aid_tranche", ObjectID: fmt.Sprint(t.ID),
			Detail: fmt.Sprintf("package %d amount %s due %s %s", pkgID, amountText(t.Amount), t.DueDate, t.Combination)})
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

const trancheCols = `id, package_id, program_id, label, amount, due_date, state, combination, at_least_n`

func scanTranche(sc interface{ Scan(...any) error }) (Tranche, error) {
	var t Tranche
	var prog, amt sql.NullInt64
	err := sc.Scan(&t.ID, &t.PackageID, &prog, &t.Label, &amt, &t.DueDate, &t.State, &t.Combination, &t.AtLeastN)
	if prog.Valid {
		t.ProgramID = &prog.Int64
	}
	if amt.Valid {
		t.Amount = &amt.Int64
	}
	t.Conditions = []Condition{}
	return t, err
}

// lapseDue applies the lapse rule (rules.go) to tranche id (col "id") or
// to the tranches of package id (col "package_id"): a tranche becomes
// lapsed when it is next listed, evaluated or proposed for a decision
// after its due date (not when a condition is added, so that a past
// tranche can be recorded). The change is audited as the system's.
func (s *Service) lapseDue(ctx context.Context, col string, id int64) error {
	today := s.now().UTC().Format(time.DateOnly)
	rows, err := s.db.Query(ctx, `SELECT t.id, t.state, t.due_date, COALESCE(MIN(SUBSTR(d.proposed_at, 1, 10)), '')
		FROM aid_tranches t LEFT JOIN aid_decisions d ON d.tranche_id = t.id
		WHERE t.`+col+` = ? AND t.state IN (?, ?) AND t.due_date < ? GROUP BY t.id, t.state, t.due_date`, id, StatePending, StateReleasable, today)
	if err != nil {
		return fmt.Errorf("aid: lapse: %w", err)
	}
	type due struct {
		id          int64
		state, date string
	}
	var lapsing []due
	for rows.Next() {
		var d due
		var first string
		if err := rows.Scan(&d.id, &d.state, &d.date, &first); err != nil {
			rows.Close()
			return fmt.Errorf("aid: lapse: %w", err)
		}
		if lapses(d.state, d.date, first, today) {
			lapsing = append(lapsing, d)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(lapsing) == 0 {
		return err
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		for _, d := range lapsing {
			res, err := s.db.Exec(ctx, `UPDATE aid_tranches SET state = ? WHERE id = ? AND state = ?`, StateLapsed, d.id, d.state)
			if err != nil {
				return fmt.Errorf("aid: lapse tranche %d: %w", d.id, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue // another request lapsed it first
			}
			if err := audit.Log(ctx, s.db, audit.Event{Action: "aid.tranche.lapse", ObjectType: "aid_tranche", ObjectID: fmt.Sprint(d.id), Actor: &systemActor,
				Detail: fmt.Sprintf("due %s, no decision proposed by then; %s -> %s", d.date, d.state, StateLapsed)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// systemActor is who the audit log names for a change the rules make by
// themselves (a lapse).
var systemActor = audit.Actor{Email: "system:aid", Role: "system"}

func (s *Service) loadTranche(ctx context.Context, id int64) (*Tranche, error) {
	t, err := rowByID(ctx, s.db, "tranche", "aid_tranches", trancheCols, id, scanTranche)
	if err != nil {
		return nil, err
	}
	if t.Conditions, err = s.conditions(ctx, id); err != nil {
		return nil, err
	}
	return &t, nil
}

// GetTranche returns a tranche with its conditions, lapsed first if the
// rule says so. Public.
func (s *Service) GetTranche(ctx context.Context, id int64) (*Tranche, error) {
	if err := s.lapseDue(ctx, "id", id); err != nil {
		return nil, err
	}
	return s.loadTranche(ctx, id)
}

func (s *Service) tranches(ctx context.Context, pkgID int64) ([]Tranche, error) {
	if err := s.lapseDue(ctx, "package_id", pkgID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT `+trancheCols+` FROM aid_tranches WHERE package_id = ? ORDER BY due_date, id`, pkgID)
	if err != nil {
		return nil, fmt.Errorf("aid: tranches: %w", err)
	}
	out := []Tranche{}
	for rows.Next() {
		t, err := scanTranche(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("aid: tranches: %w", err)
		}
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("aid: tranches: %w", err)
	}
	for i := range out {
		if out[i].Conditions, err = s.conditions(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Service) conditions(ctx context.Context, trancheID int64) ([]Condition, error) {
	rows, err := s.db.Query(ctx, `SELECT id, tranche_id, ref, wording, kind, rule, hard, citation FROM aid_conditions WHERE tranche_id = ? ORDER BY id`, trancheID)
	if err != nil {
		return nil, fmt.Errorf("aid: conditions: %w", err)
	}
	defer rows.Close()
	out := []Condition{}
	for rows.Next() {
		var c Condition
		var hard int
		if err := rows.Scan(&c.ID, &c.TrancheID, &c.Ref, &c.Wording, &c.Kind, &c.Rule, &hard, &c.Citation); err != nil {
			return nil, fmt.Errorf("aid: conditions: %w", err)
		}
		c.Hard = hard != 0
		out = append(out, c)
	}
	return out, rows.Err()
}

// AddCondition adds a condition to tranche trancheID. Its rule, when
// given, must compile and name only series the indicators hold: a refusal
// names the field ("rule") and the line and column at fault.
func (s *Service) AddCondition(ctx context.Context, trancheID int64, c Condition) (*Condition, error) {
	if _, err := auth.Require(ctx, auth.PermAidManage); err != nil {
		return nil, err
	}
	if err := s.checkCondition(ctx, &c); err != nil {
		return nil, err
	}
	c.TrancheID = trancheID
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		t, err := s.loadTranche(ctx, trancheID)
		if err != nil {
			return err
		}
		if t.State != StatePending && t.State != StateReleasable {
			return errs.Conflict("tranche %d is %s: its conditions can no longer change", t.ID, t.State)
		}
		if err := s.db.QueryRow(ctx, `INSERT INTO aid_conditions (tranche_id, ref, wording, kind, rule, hard, citation, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, trancheID, c.Ref, c.Wording, c.Kind, c.Rule, boolInt(c.Hard), c.Citation,
			store.FormatTime(s.now())).Scan(&c.ID); err != nil {
			return fmt.Errorf("aid: add condition: %w", err)
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "aid.condition.create", ObjectType: "aid_tranche", ObjectID: fmt.Sprint(trancheID),
			Detail: fmt.Sprintf("condition %d %s hard=%v", c.ID, c.Kind, c.Hard)})
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// knownSeries is the set of indicator codes the database holds values for.
func (s *Service) knownSeries(ctx context.Context) (map[string]bool, error) {
	list, err := s.ind.ListIndicators(ctx)
	if err != nil {
		return nil, fmt.Errorf("aid: indicators: %w", err)
	}
	out := make(map[string]bool, len(list))
	for _, in := range list {
		out[in.Code] = true
	}
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkCondition is AddCondition's check of c, before it is stored.
func (s *Service) checkCondition(ctx context.Context, c *Condition) error {
	v := &errs.ValidationError{}
	if strings.TrimSpace(c.Wording) == "" {
		v.Add("wording", "is required: the condition's legal wording")
	}
	if !oneOf(c.Kind, Kinds) {
		v.Add("kind", "must be one of %s", strings.Join(Kinds, ", "))
	}
	c.Rule = strings.TrimSpace(c.Rule)
	if c.Rule != "" {
		known, err := s.knownSeries(ctx)
		if err != nil {
			return err
		}
		if _, problem := compileRule(c.Rule, known); problem != "" {
			v.Add("rule", "%s", problem)
		}
	}
	if kindNeedsSeries[c.Kind] && (c.Rule == "" || !strings.Contains(c.Rule, "series(")) {
		v.Add("rule", "a %s condition needs a rule over an indicator series", c.Kind)
	}
	if c.Kind == KindPeer && !strings.Contains(c.Rule, "peer_percentile(") {
		v.Add("rule", "a peer_percentile condition needs .peer_percentile(year)")
	}
	return v.Err()
}
