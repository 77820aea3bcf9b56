package legal

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

// Hearing kinds and outcomes.
const (
	HearingMaster = "master" // master calendar
	HearingMerits = "merits"

	OutcomeMissed = "missed"
)

// HearingOutcomes are the outcomes a hearing may record ("" is unknown).
var HearingOutcomes = []string{"held", "continued", OutcomeMissed, "relief_granted", "removal_ordered", "terminated"}

// InAbsentiaRisk is what a missed hearing carries.
const InAbsentiaRisk = "missed hearing: the court may order removal in absentia; a motion to reopen has strict deadlines — tell the attorney now"

// Proceedings is a child's removal proceedings: the notice to appear and
// the hearings, earliest first.
type Proceedings struct {
	CaseID   int64      `json:"case_id"`
	NTADate  *string    `json:"nta_date"` // null when no notice to appear is recorded
	Court    *Court     `json:"court"`    // null when unknown
	Hearings []*Hearing `json:"hearings"`
}

// ProceedingsInput records the notice to appear.
type ProceedingsInput struct {
	NTADate string `json:"nta_date"` // YYYY-MM-DD
	Court   string `json:"court"`    // a court's name from the list, or ""
}

// Hearing is one hearing.
type Hearing struct {
	ID         int64     `json:"id"`
	CaseID     int64     `json:"case_id"`
	At         time.Time `json:"at"`
	Kind       string    `json:"kind"`
	Outcome    string    `json:"outcome"`
	Risk       string    `json:"risk,omitempty"`
	Notes      string    `json:"notes"`
	RecordedBy string    `json:"recorded_by"`
}

// HearingInput is a hearing to record.
type HearingInput struct {
	At      time.Time `json:"at"`
	Kind    string    `json:"kind"`
	Outcome string    `json:"outcome"`
	Notes   string    `json:"notes"`
}

// Courts lists the immigration courts a court is chosen from.
func (s *Service) Courts(ctx context.Context) ([]Court, error) {
	if _, err := auth.Require(ctx, auth.PermCaseRead); err != nil {
		return nil, err
	}
	return slices.Clone(s.courts), nil
}

func (s *Service) court(name string) (*Court, bool) {
	for i := range s.courts {
		if strings.EqualFold(s.courts[i].Name, name) {
			c := s.courts[i]
			return &c, true
		}
	}
	return nil, false
}

// Proceedings returns a case's notice to appear and hearings.
func (s *Service) Proceedings(ctx context.Context, caseID int64) (*Proceedings, error) {
	return readForCase(ctx, s, auth.PermCaseRead, caseID, "legal.court.read", "proceedings", func(ctx context.Context, c *custody.Case) (*Proceedings, error) {
		return s.loadProceedings(ctx, caseID)
	})
}

// RecordNTA records (or corrects) the notice to appear. A correction that
// would put a recorded hearing before the notice is refused.
func (s *Service) RecordNTA(ctx context.Context, caseID int64, in ProceedingsInput) (*Proceedings, error) {
	if _, err := auth.Require(ctx, auth.PermCaseLegalRecord); err != nil {
		return nil, err
	}
	v := &errs.ValidationError{}
	nta, err := time.Parse(time.DateOnly, strings.TrimSpace(in.NTADate))
	if err != nil {
		v.Add("nta_date", "a date, YYYY-MM-DD")
	}
	in.Court = strings.TrimSpace(in.Court)
	if c, ok := s.court(in.Court); in.Court != "" && !ok {
		if len(s.courts) == 0 {
			v.Add("court", "the list of immigration courts is not installed (internal/legal/data/README.md): leave the court empty")
		} else {
			v.Add("court", "%q is not an immigration court in the list", in.Court)
		}
	} else if ok {
		in.Court = c.Name
	}
	if err == nil && nta.After(s.now()) {
		v.Add("nta_date", "a notice to appear is dated when served, not in the future")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *Proceedings
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.cases.InScope(ctx, caseID); err != nil {
			return err
		}
		var first store.Time
		if err := s.db.QueryRow(ctx, `SELECT MIN(at) FROM legal_hearings WHERE case_id = ?`, caseID).Scan(&first); err != nil {
			return err
		}
		if !first.IsZero() && first.Time.Before(nta) {
			return &errs.ValidationError{Problems: []errs.FieldError{{Field: "nta_date", Problem: fmt.Sprintf("a hearing is recorded on %s, before this date", first.Time.Format(time.DateOnly))}}}
		}
		now := store.FormatTime(s.now())
		res, err := s.db.Exec(ctx, `UPDATE legal_proceedings SET nta_date = ?, court = ?, recorded_by = ?, recorded_at = ? WHERE case_id = ?`,
			nta.Format(time.DateOnly), in.Court, actorName(ctx), now, caseID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := s.db.Exec(ctx, `INSERT INTO legal_proceedings (case_id, nta_date, court, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?)`,
				caseID, nta.Format(time.DateOnly), in.Court, actorName(ctx), now); err != nil {
				return err
			}
		}
		if err := s.cases.AddEvent(ctx, caseID, custody.Event{Kind: "legal.court", Reason: "notice to appear dated " + nta.Format(time.DateOnly)}); err != nil {
			return err
		}
		if out, err = s.loadProceedings(ctx, caseID); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "legal.court.nta", ObjectType: "case", ObjectID: fmt.Sprint(caseID)})
	})
	if err != nil {
		return nil, fmt.Errorf("legal: notice to appear of case %d: %w", caseID, err)
	}
	return out, nil
}

// AddHearing records a hearing. It needs a notice to appear (409) and may
// not be before it (422); a missed hearing carries the in-absentia risk.
func (s *Service) AddHearing(ctx context.Context, caseID int64, in HearingInput) (*Hearing, error) {
	if _, err := auth.Require(ctx, auth.PermCaseLegalRecord); err != nil {
		return nil, err
	}
	v := &errs.ValidationError{}
	if in.At.IsZero() {
		v.Add("at", "the hearing's date and time")
	}
	if in.Kind != HearingMaster && in.Kind != HearingMerits {
		v.Add("kind", "master or merits")
	}
	if in.Outcome != "" && !slices.Contains(HearingOutcomes, in.Outcome) {
		v.Add("outcome", "one of %s, or empty", strings.Join(HearingOutcomes, ", "))
	}
	if in.Outcome != "" && in.At.After(s.now()) {
		v.Add("outcome", "a hearing still to come has no outcome")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var h *Hearing
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.cases.InScope(ctx, caseID); err != nil {
			return err
		}
		p, err := s.loadProceedings(ctx, caseID)
		if err != nil {
			return err
		}
		if p.NTADate == nil {
			return errs.Conflict("case %d has no notice to appear recorded: record it first", caseID)
		}
		if in.At.UTC().Format(time.DateOnly) < *p.NTADate {
			return &errs.ValidationError{Problems: []errs.FieldError{{Field: "at", Problem: "before the notice to appear (" + *p.NTADate + ")"}}}
		}
		h = &Hearing{CaseID: caseID, At: in.At.UTC(), Kind: in.Kind, Outcome: in.Outcome, Notes: strings.TrimSpace(in.Notes), RecordedBy: actorName(ctx)}
		if err := s.db.QueryRow(ctx, `INSERT INTO legal_hearings (case_id, at, kind, outcome, notes, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			caseID, store.FormatTime(h.At), h.Kind, h.Outcome, h.Notes, h.RecordedBy, store.FormatTime(s.now())).Scan(&h.ID); err != nil {
			return err
		}
		h.Risk = riskOf(h.Outcome)
		reason := fmt.Sprintf("%s hearing on %s", h.Kind, h.At.Format(time.DateOnly))
		if h.Outcome != "" {
			reason += ": " + h.Outcome
		}
		if err := s.cases.AddEvent(ctx, caseID, custody.Event{Kind: "legal.hearing", Reason: reason}); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "legal.hearing.add", ObjectType: "case", ObjectID: fmt.Sprint(caseID), Detail: fmt.Sprintf("hearing %d", h.ID)})
	})
	if err != nil {
		return nil, fmt.Errorf("legal: hearing of case %d: %w", caseID, err)
	}
	return h, nil
}

func riskOf(outcome string) string {
	if outcome == OutcomeMissed {
		return InAbsentiaRisk
	}
	return ""
}

func (s *Service) loadProceedings(ctx context.Context, caseID int64) (*Proceedings, error) {
	p := &Proceedings{CaseID: caseID, Hearings: []*Hearing{}}
	var nta, court string
	err := s.db.QueryRow(ctx, `SELECT nta_date, court FROM legal_proceedings WHERE case_id = ?`, caseID).Scan(&nta, &court)
	switch {
	case store.IsNoRows(err):
	case err != nil:
		return nil, err
	default:
		p.NTADate = &nta
		if c, ok := s.court(court); ok {
			p.Court = c
		}
	}
	rows, err := s.db.Query(ctx, `SELECT id, at, kind, outcome, notes, recorded_by FROM legal_hearings WHERE case_id = ? ORDER BY at, id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		h := &Hearing{CaseID: caseID}
		var at store.Time
		if err := rows.Scan(&h.ID, &at, &h.Kind, &h.Outcome, &h.Notes, &h.RecordedBy); err != nil {
			return nil, err
		}
		h.At, h.Risk = at.Time, riskOf(h.Outcome)
		p.Hearings = append(p.Hearings, h)
	}
	return p, rows.Err()
}

// BoardWindow is how far ahead the deadline board shows the hearings of
// children without counsel.
const BoardWindow = 14 * 24 * time.Hour

// boardHearings is the legal domain's board source (custody.AddBoardSource):
// hearings in the next BoardWindow, with no outcome yet, of children in sc
// without an accepted referral (no counsel).
func (s *Service) boardHearings(ctx context.Context, sc custody.Scope, now time.Time) ([]custody.BoardItem, error) {
	cond, args := sc.SQL("h.case_id")
	rows, err := s.db.Query(ctx, `SELECT h.case_id, h.at FROM legal_hearings h
		WHERE h.at >= ? AND h.at < ? AND h.outcome = ''
		AND NOT EXISTS (SELECT 1 FROM legal_referrals r WHERE r.case_id = h.case_id AND r.status = 'accepted')
		AND `+cond+` ORDER BY h.at LIMIT 500`,
		append([]any{store.FormatTime(now), store.FormatTime(now.Add(BoardWindow))}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("legal: board hearings: %w", err)
	}
	defer rows.Close()
	out := []custody.BoardItem{}
	for rows.Next() {
		var it custody.BoardItem
		var at store.Time
		if err := rows.Scan(&it.CaseID, &at); err != nil {
			return nil, fmt.Errorf("legal: board hearings: %w", err)
		}
		it.Kind, it.DueAt = custody.DeadlineCourtHearing, at.Time
		out = append(out, it)
	}
	return out, rows.Err()
}
