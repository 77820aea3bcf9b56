package aid

import (
	"context"
	"database/sql"
	"encoding/xml"
	"fmt"
	"strings"
)

// ListIATIActivities returns the activities of import importID (0: of
// every import) with the parts Amparo reads, in file order. Public.
func (s *Service) ListIATIActivities(ctx context.Context, importID int64) ([]IATIActivity, error) {
	q := `SELECT id, import_id, line, identifier, reporting_org, title, default_currency, unmodelled FROM aid_iati_activities`
	var args []any
	if importID > 0 {
		q += ` WHERE import_id = ?`
		args = append(args, importID)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY import_id, seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("aid: IATI activities: %w", err)
	}
	out := []IATIActivity{}
	for rows.Next() {
		var a IATIActivity
		var un string
		if err := rows.Scan(&a.ID, &a.ImportID, &a.Line, &a.Identifier, &a.ReportingOrg, &a.Title, &a.DefaultCurrency, &un); err != nil {
			rows.Close()
			return nil, fmt.Errorf("aid: IATI activities: %w", err)
		}
		a.Unmodelled = []string{}
		if un != "" {
			a.Unmodelled = strings.Split(un, ",")
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("aid: IATI activities: %w", err)
	}
	for i := range out {
		if err := s.iatiParts(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// scanAll runs q and hands each row to scan.
func (s *Service) scanAll(ctx context.Context, q string, id int64, scan func(*sql.Rows) error) error {
	rows, err := s.db.Query(ctx, q, id)
	if err != nil {
		return fmt.Errorf("aid: IATI activity %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("aid: IATI activity %d: %w", id, err)
		}
	}
	return rows.Err()
}

func (s *Service) iatiParts(ctx context.Context, a *IATIActivity) error {
	a.Budgets, a.Transactions, a.Conditions, a.Indicators = []IATIBudget{}, []IATITxn{}, []IATICondition{}, []IATIIndicator{}
	if err := s.scanAll(ctx, `SELECT btype, status, period_start, period_end, value, currency, value_date FROM aid_iati_budgets WHERE activity_id = ? ORDER BY id`, a.ID,
		func(r *sql.Rows) error {
			var b IATIBudget
			err := r.Scan(&b.Type, &b.Status, &b.PeriodStart, &b.PeriodEnd, &b.Value, &b.Currency, &b.ValueDate)
			a.Budgets = append(a.Budgets, b)
			return err
		}); err != nil {
		return err
	}
	if err := s.scanAll(ctx, `SELECT ref, ttype, tdate, value, currency, value_date, description FROM aid_iati_transactions WHERE activity_id = ? ORDER BY id`, a.ID,
		func(r *sql.Rows) error {
			var t IATITxn
			err := r.Scan(&t.Ref, &t.Type, &t.Date, &t.Value, &t.Currency, &t.ValueDate, &t.Description)
			a.Transactions = append(a.Transactions, t)
			return err
		}); err != nil {
		return err
	}
	if err := s.scanAll(ctx, `SELECT attached, ctype, narrative FROM aid_iati_conditions WHERE activity_id = ? ORDER BY id`, a.ID,
		func(r *sql.Rows) error {
			var c IATICondition
			var att int
			err := r.Scan(&att, &c.Type, &c.Narrative)
			c.Attached = att != 0
			a.Conditions = append(a.Conditions, c)
			return err
		}); err != nil {
		return err
	}
	if err := s.scanAll(ctx, `SELECT result_seq, result_type, result_title, measure, ascending, title, baseline_year, baseline_value FROM aid_iati_indicators WHERE activity_id = ? ORDER BY seq`, a.ID,
		func(r *sql.Rows) error {
			var in IATIIndicator
			var asc, by sql.NullInt64
			var bv sql.NullString
			err := r.Scan(&in.ResultSeq, &in.ResultType, &in.ResultTitle, &in.Measure, &asc, &in.Title, &by, &bv)
			if asc.Valid {
				b := asc.Int64 != 0
				in.Ascending = &b
			}
			if by.Valid {
				y := int(by.Int64)
				in.BaselineYear = &y
			}
			if bv.Valid {
				in.BaselineValue = &bv.String
			}
			in.Periods = []IATIPeriod{}
			a.Indicators = append(a.Indicators, in)
			return err
		}); err != nil {
		return err
	}
	return s.scanAll(ctx, `SELECT indicator_seq, period_start, period_end, target, actual FROM aid_iati_periods WHERE activity_id = ? ORDER BY indicator_seq, id`, a.ID,
		func(r *sql.Rows) error {
			var p IATIPeriod
			var t, ac sql.NullString
			var seq int
			err := r.Scan(&seq, &p.Start, &p.End, &t, &ac)
			if err != nil {
				return err
			}
			if seq < 1 || seq > len(a.Indicators) {
				return fmt.Errorf("a period names indicator %d of %d", seq, len(a.Indicators))
			}
			if t.Valid {
				p.Target = &t.String
			}
			if ac.Valid {
				p.Actual = &ac.String
			}
			in := &a.Indicators[seq-1]
			in.Periods = append(in.Periods, p)
			return nil
		})
}

// encodeImported writes every imported activity, as read, in import and
// file order, streaming from the database.
func (s *Service) encodeImported(ctx context.Context, enc *xml.Encoder) error {
	rows, err := s.db.Query(ctx, `SELECT xml FROM aid_iati_activities ORDER BY import_id, seq`)
	if err != nil {
		return fmt.Errorf("aid: export IATI: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x string
		if err := rows.Scan(&x); err != nil {
			return fmt.Errorf("aid: export IATI: %w", err)
		}
		if err := encodeStored(enc, x); err != nil {
			return err
		}
	}
	return rows.Err()
}
