package aid

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

// Result is one indicator of a program's results framework (IATI's
// result/indicator): a baseline and, per period, a target and the actual.
type Result struct {
	ID            int64          `json:"id"`
	ProgramID     int64          `json:"program_id"`
	Title         string         `json:"title"`
	Measure       string         `json:"measure"` // unit, percentage
	Ascending     bool           `json:"ascending"`
	SeriesCode    string         `json:"series_code"`
	BaselineYear  *int           `json:"baseline_year"`
	BaselineValue *float64       `json:"baseline_value"`
	Citation      string         `json:"citation"`
	Periods       []ResultPeriod `json:"periods"`
}

// ResultPeriod is a period's target and actual.
type ResultPeriod struct {
	Period         string   `json:"period"`
	Target         *float64 `json:"target"`
	Actual         *float64 `json:"actual"`
	ActualCitation string   `json:"actual_citation"`
	// OnTarget: the actual reached the target (in the result's direction);
	// nil while either is missing.
	OnTarget *bool `json:"on_target"`
}

// onTarget says whether actual reached target in the result's direction.
func onTarget(ascending bool, target, actual *float64) *bool {
	if target == nil || actual == nil {
		return nil
	}
	b := *actual >= *target
	if !ascending {
		b = *actual <= *target
	}
	return &b
}

func checkResult(r *Result, known map[string]bool) error {
	v := &errs.ValidationError{}
	if strings.TrimSpace(r.Title) == "" {
		v.Add("title", "is required")
	}
	if r.Measure != "unit" && r.Measure != "percentage" {
		v.Add("measure", "must be unit or percentage")
	}
	if r.SeriesCode != "" && !known[r.SeriesCode] {
		v.Add("series_code", "unknown series %q", r.SeriesCode)
	}
	if (r.BaselineYear == nil) != (r.BaselineValue == nil) {
		v.Add("baseline_value", "a baseline needs both its year and its value")
	}
	if strings.TrimSpace(r.Citation) == "" {
		v.Add("citation", "is required: where the framework is published")
	}
	for i, p := range r.Periods {
		if _, ok := periodEnd(p.Period); !ok || len(p.Period) == 7 {
			v.Add(fmt.Sprintf("periods[%d].period", i), "must be a year (2016) or a US fiscal year (FY2016)")
		}
		if p.Actual != nil && strings.TrimSpace(p.ActualCitation) == "" {
			v.Add(fmt.Sprintf("periods[%d].actual_citation", i), "an actual needs its source")
		}
	}
	return v.Err()
}

// AddResult adds an indicator to program programID's results framework.
func (s *Service) AddResult(ctx context.Context, programID int64, r Result) (*Result, error) {
	if _, err := auth.Require(ctx, auth.PermAidManage); err != nil {
		return nil, err
	}
	known, err := s.knownSeries(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkResult(&r, known); err != nil {
		return nil, err
	}
	r.ProgramID = programID
	if r.Periods == nil {
		r.Periods = []ResultPeriod{}
	}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		var n int
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM aid_programs WHERE id = ?`, programID).Scan(&n); err != nil {
			return fmt.Errorf("aid: add result: %w", err)
		}
		if n == 0 {
			return errs.NotFound("aid: program", programID)
		}
		if err := s.db.QueryRow(ctx, `INSERT INTO aid_results (program_id, title, measure, ascending, series_code, baseline_year, baseline_value, citation, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, programID, r.Title, r.Measure, boolInt(r.Ascending), r.SeriesCode, r.BaselineYear, r.BaselineValue,
			r.Citation, store.FormatTime(s.now())).Scan(&r.ID); err != nil {
			return fmt.Errorf("aid: add result: %w", err)
		}
		for i := range r.Periods {
			p := &r.Periods[i]
			p.OnTarget = onTarget(r.Ascending, p.Target, p.Actual)
			if _, err := s.db.Exec(ctx, `INSERT INTO aid_result_periods (result_id, period, target, actual, actual_citation) VALUES (?, ?, ?, ?, ?)`,
				r.ID, p.Period, p.Target, p.Actual, p.ActualCitation); err != nil {
				return fmt.Errorf("aid: add result: %w", err)
			}
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "aid.result.create", ObjectType: "aid_program", ObjectID: fmt.Sprint(programID),
			Detail: fmt.Sprintf("result %d, %d periods", r.ID, len(r.Periods))})
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// ListResults returns program programID's results framework. Public.
func (s *Service) ListResults(ctx context.Context, programID int64) ([]Result, error) {
	if err := exists(ctx, s.db, "program", "aid_programs", programID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT id, program_id, title, measure, ascending, series_code, baseline_year, baseline_value, citation
		FROM aid_results WHERE program_id = ? ORDER BY id`, programID)
	if err != nil {
		return nil, fmt.Errorf("aid: results: %w", err)
	}
	out := []Result{}
	for rows.Next() {
		var r Result
		var asc int
		var by sql.NullInt64
		var bv sql.NullFloat64
		if err := rows.Scan(&r.ID, &r.ProgramID, &r.Title, &r.Measure, &asc, &r.SeriesCode, &by, &bv, &r.Citation); err != nil {
			rows.Close()
			return nil, fmt.Errorf("aid: results: %w", err)
		}
		r.Ascending = asc != 0
		if by.Valid {
			y := int(by.Int64)
			r.BaselineYear = &y
		}
		if bv.Valid {
			r.BaselineValue = &bv.Float64
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("aid: results: %w", err)
	}
	for i := range out {
		if out[i].Periods, err = s.resultPeriods(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Service) resultPeriods(ctx context.Context, r *Result) ([]ResultPeriod, error) {
	rows, err := s.db.Query(ctx, `SELECT period, target, actual, actual_citation FROM aid_result_periods WHERE result_id = ? ORDER BY period, id`, r.ID)
	if err != nil {
		return nil, fmt.Errorf("aid: result periods: %w", err)
	}
	defer rows.Close()
	out := []ResultPeriod{}
	for rows.Next() {
		var p ResultPeriod
		var t, a sql.NullFloat64
		if err := rows.Scan(&p.Period, &t, &a, &p.ActualCitation); err != nil {
			return nil, fmt.Errorf("aid: result periods: %w", err)
		}
		if t.Valid {
			p.Target = &t.Float64
		}
		if a.Valid {
			p.Actual = &a.Float64
		}
		p.OnTarget = onTarget(r.Ascending, p.Target, p.Actual)
		out = append(out, p)
	}
	return out, rows.Err()
}
