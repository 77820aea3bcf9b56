package legal

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
)

// WeekCount is a count at the end of one week (Week is its Monday).
type WeekCount struct {
	Week  string `json:"week"` // YYYY-MM-DD
	Count int    `json:"count"`
}

// CountryCount is a count for one country of birth.
type CountryCount struct {
	Country string `json:"country"` // "unknown" when not recorded, "hidden" when the viewer may not read the child's case
	Count   int    `json:"count"`
}

// Unrepresented is the queue's chart data: flagged children without
// counsel at the end of each recent week, and now by country of birth.
type Unrepresented struct {
	Weeks     []WeekCount    `json:"weeks"`
	ByCountry []CountryCount `json:"by_country"`
	Now       int            `json:"now"`
	// Source says where the numbers come from.
	Source string `json:"source"`
}

// ChartWeeks is how many weeks the chart covers.
const ChartWeeks = 26

// UnrepresentedSource is stated under the chart.
const UnrepresentedSource = "Amparo's own records: the date a screening first raised a relief flag, the date a provider accepted the referral, and the country of birth recorded at intake (as it was when the child was screened). Children whose flags were later cleared by a new screening are left out of every week."

// UnrepresentedChart counts, within the queue's scope (a legal account:
// its organisation's referrals; others: their case scope), the children
// flagged for possible relief and without counsel: at the end of each of
// the last ChartWeeks weeks, and now by country of birth. A child counts
// from the day a flag was first raised until the day a provider accepted
// them. The counts are grouped in the database (by day, then summed into
// weeks): no child's record is read one by one.
func (s *Service) UnrepresentedChart(ctx context.Context, _ struct{}) (*Unrepresented, error) {
	p, err := auth.Require(ctx, auth.PermLegalQueue)
	if err != nil {
		return nil, err
	}
	out := &Unrepresented{Weeks: []WeekCount{}, ByCountry: []CountryCount{}, Source: UnrepresentedSource}
	flaggedOn, counselOn := map[string]int{}, map[string]int{}
	byCountry := map[string]int{}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		cond, args, err := s.queueScope(ctx, p)
		if err != nil {
			return err
		}
		if err := s.fillCountries(ctx, cond, args); err != nil {
			return err
		}
		join := ""
		if p.Role == auth.RoleLegal { // queueScope names the pending referral r
			join = ` LEFT JOIN legal_referrals r ON r.case_id = s.case_id AND r.status = 'pending'`
		}
		from := ` FROM legal_screenings s` + join + ` WHERE s.flagged = 1 AND s.first_flagged_at IS NOT NULL AND ` + cond
		start, before := chartWindow(s.now())
		at := store.FormatTime(start)
		if cond != "1=1" {
			// A scope condition is tested on every flagged child of each
			// read (on SQLite a look-up per row): one read, grouped by
			// the day flagged and the day accepted (both "" before the
			// window; "-" not accepted) and the country of the
			// unrepresented.
			if err := s.chartOnePass(ctx, from, args, at, before, flaggedOn, counselOn, byCountry); err != nil {
				return err
			}
			return audit.Log(ctx, s.db, audit.Event{Action: "legal.queue.chart", ObjectType: "legal_queue", ObjectID: "chart"})
		}
		// Three reads, each in the order of an index (no sort of every
		// flagged child, which took most of the chart's time at 100,000
		// cases): the children without counsel now by country; the
		// flagged and the accepted before the chart's window, two counts;
		// and inside the window, counts per day.
		if err := s.countInto(ctx, `SELECT COALESCE(s.birth_country, '?'), COUNT(*)`+from+` AND s.counsel_at IS NULL GROUP BY s.birth_country`, args, byCountry); err != nil {
			return err
		}
		for _, q := range []struct {
			col string
			m   map[string]int
		}{{"s.first_flagged_at", flaggedOn}, {"s.counsel_at", counselOn}} {
			var n int
			if err := s.db.QueryRow(ctx, `SELECT COUNT(*)`+from+` AND `+q.col+` < ?`, append(slices.Clone(args), at)...).Scan(&n); err != nil {
				return err
			}
			q.m[before] += n
			if err := s.countInto(ctx, `SELECT SUBSTR(`+q.col+`, 1, 10), COUNT(*)`+from+` AND `+q.col+` >= ? GROUP BY SUBSTR(`+q.col+`, 1, 10)`, append(slices.Clone(args), at), q.m); err != nil {
				return err
			}
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "legal.queue.chart", ObjectType: "legal_queue", ObjectID: "chart"})
	})
	if err != nil {
		return nil, fmt.Errorf("legal: unrepresented chart: %w", err)
	}
	out.Weeks = weeklyBalance(s.now(), flaggedOn, counselOn)
	for k, n := range byCountry {
		switch k {
		case "":
			k = "unknown"
		case "?":
			k = "hidden" // not copied: the viewer may not read the case
		}
		out.Now += n
		out.ByCountry = append(out.ByCountry, CountryCount{k, n})
	}
	sort.Slice(out.ByCountry, func(i, j int) bool {
		a, b := out.ByCountry[i], out.ByCountry[j]
		return a.Count > b.Count || a.Count == b.Count && a.Country < b.Country
	})
	return out, nil
}

// chartOnePass reads the chart's counts in one pass over the flagged
// children in scope (see UnrepresentedChart): counts before the window
// go under before. The rows are counted here, not grouped in the
// database: on SQLite the grouping sorted every row in a temporary
// b-tree, a third of the read (NOTES.md, Figures).
func (s *Service) chartOnePass(ctx context.Context, from string, args []any, at, before string, flaggedOn, counselOn, byCountry map[string]int) error {
	rows, err := s.db.Query(ctx, `SELECT s.first_flagged_at, COALESCE(s.counsel_at, ''), CASE WHEN s.counsel_at IS NULL THEN COALESCE(s.birth_country, '?') ELSE '' END`+from, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var flagged, counsel, country string
		if err := rows.Scan(&flagged, &counsel, &country); err != nil {
			return err
		}
		flaggedOn[dayKey(flagged, at, before)]++
		if counsel == "" {
			byCountry[country]++
		} else {
			counselOn[dayKey(counsel, at, before)]++
		}
	}
	return rows.Err()
}

// dayKey is the day of a stored time t (YYYY-MM-DD...), or before when t
// is before the window's first instant at (stored times compare as text).
func dayKey(t, at, before string) string {
	if t < at || len(t) < 10 {
		return before
	}
	return t[:10]
}

// chartWindow is the first instant of the chart's window (the Monday,
// UTC, ChartWeeks-1 weeks before this week's) and the day before it, the
// key under which the counts before the window are kept.
func chartWindow(now time.Time) (time.Time, string) {
	monday := now.Truncate(24*time.Hour).AddDate(0, 0, -((int(now.Weekday()) + 6) % 7))
	start := monday.AddDate(0, 0, -7*(ChartWeeks-1))
	return start, start.AddDate(0, 0, -1).Format(time.DateOnly)
}

// countInto adds the rows (key, count) of q to m.
func (s *Service) countInto(ctx context.Context, q string, args []any, m map[string]int) error {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		m[k] += n
	}
	return rows.Err()
}

// weeklyBalance is, at the end of each of the last ChartWeeks weeks
// (Mondays, UTC; the current week ends now), the children flagged on or
// before that day less those accepted by counsel on or before it.
func weeklyBalance(now time.Time, flaggedOn, counselOn map[string]int) []WeekCount {
	upTo := func(m map[string]int, day string) int {
		n := 0
		for d, c := range m {
			if d <= day {
				n += c
			}
		}
		return n
	}
	monday := now.Truncate(24*time.Hour).AddDate(0, 0, -((int(now.Weekday()) + 6) % 7))
	out := make([]WeekCount, 0, ChartWeeks)
	for i := ChartWeeks - 1; i >= 0; i-- {
		start := monday.AddDate(0, 0, -7*i)
		last := start.AddDate(0, 0, 6) // Sunday
		if last.After(now) {
			last = now
		}
		day := last.Format(time.DateOnly)
		out = append(out, WeekCount{Week: start.Format(time.DateOnly), Count: upTo(flaggedOn, day) - upTo(counselOn, day)})
	}
	return out
}

// fillCountries copies the country of birth into the flagged screenings
// saved before it was kept (migration 00505), reading the cases through
// custody.Briefs (scope-checked and audited); those the viewer may not
// read stay NULL until someone who may opens the chart.
func (s *Service) fillCountries(ctx context.Context, cond string, args []any) error {
	// Most reads find nothing to copy: ask the partial index (migration
	// 00507) first, before the scope condition makes the read list the
	// viewer's cases. The range on case_id, in the partial index's order,
	// is what makes SQLite's planner take it: without it the planner
	// scanned every flagged child in the chart index (4 ms at 100,000).
	var first int64
	err := s.db.QueryRow(ctx, `SELECT case_id FROM legal_screenings WHERE birth_country IS NULL AND flagged = 1 AND case_id > 0 ORDER BY case_id LIMIT 1`).Scan(&first)
	if store.IsNoRows(err) {
		return nil
	}
	if err != nil {
		return err
	}
	ids, err := s.caseIDs(ctx, `SELECT s.case_id FROM legal_screenings s
		LEFT JOIN legal_referrals r ON r.case_id = s.case_id AND r.status = 'pending'
		WHERE s.birth_country IS NULL AND s.flagged = 1 AND `+cond+` LIMIT 5000`, args...)
	if err != nil || len(ids) == 0 {
		return err
	}
	bs, err := s.cases.Briefs(ctx, ids)
	if err != nil {
		return err
	}
	for id, b := range bs {
		if _, err := s.db.Exec(ctx, `UPDATE legal_screenings SET birth_country = ? WHERE case_id = ?`, b.BirthCountry, id); err != nil {
			return err
		}
	}
	return nil
}
