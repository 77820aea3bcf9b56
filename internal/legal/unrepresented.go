package legal

import (
	"context"
	"fmt"
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
	Country string `json:"country"` // "unknown" when not recorded, "hidden" when outside the viewer's case scope
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
const UnrepresentedSource = "Amparo's own records: the date a screening first raised a relief flag, the date a provider accepted the referral, and the country of birth recorded at intake. Children whose flags were later cleared by a new screening are left out of every week."

// UnrepresentedChart counts, within the queue's scope (a legal account:
// its organisation's referrals; others: their case scope), the children
// flagged for possible relief and without counsel: at the end of each of
// the last ChartWeeks weeks, and now by country of birth. A child counts
// from the day a flag was first raised until a provider accepted them.
func (s *Service) UnrepresentedChart(ctx context.Context, _ struct{}) (*Unrepresented, error) {
	p, err := auth.Require(ctx, auth.PermLegalQueue)
	if err != nil {
		return nil, err
	}
	type child struct {
		id               int64
		flagged, counsel time.Time // counsel zero: none yet
	}
	var cs []child
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		cond, args, err := s.queueScope(ctx, p)
		if err != nil {
			return err
		}
		rows, err := s.db.Query(ctx, `SELECT s.case_id, s.first_flagged_at, a.decided_at
			FROM legal_screenings s
			LEFT JOIN legal_referrals r ON r.case_id = s.case_id AND r.status = 'pending'
			LEFT JOIN legal_referrals a ON a.case_id = s.case_id AND a.status = 'accepted'
			WHERE s.flagged = 1 AND s.first_flagged_at IS NOT NULL AND `+cond, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c child
			var f, a store.Time
			if err := rows.Scan(&c.id, &f, &a); err != nil {
				return err
			}
			c.flagged, c.counsel = f.Time, a.Time
			cs = append(cs, c)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "legal.queue.chart", ObjectType: "legal_queue", ObjectID: "chart", Detail: fmt.Sprintf("%d children", len(cs))})
	})
	if err != nil {
		return nil, fmt.Errorf("legal: unrepresented chart: %w", err)
	}
	out := &Unrepresented{Weeks: []WeekCount{}, ByCountry: []CountryCount{}, Source: UnrepresentedSource}
	now := s.now()
	monday := now.Truncate(24*time.Hour).AddDate(0, 0, -((int(now.Weekday()) + 6) % 7))
	for i := ChartWeeks - 1; i >= 0; i-- {
		start := monday.AddDate(0, 0, -7*i)
		end := start.AddDate(0, 0, 7)
		if end.After(now) {
			end = now
		}
		n := 0
		for _, c := range cs {
			if !c.flagged.After(end) && (c.counsel.IsZero() || c.counsel.After(end)) {
				n++
			}
		}
		out.Weeks = append(out.Weeks, WeekCount{Week: start.Format(time.DateOnly), Count: n})
	}
	var ids []int64
	for _, c := range cs {
		if c.counsel.IsZero() {
			ids = append(ids, c.id)
		}
	}
	out.Now = len(ids)
	if len(ids) == 0 {
		return out, nil
	}
	bs, err := s.cases.Briefs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("legal: unrepresented chart: %w", err)
	}
	by := map[string]int{}
	for _, id := range ids {
		b, ok := bs[id]
		switch {
		case !ok:
			by["hidden"]++
		case b.BirthCountry == "":
			by["unknown"]++
		default:
			by[b.BirthCountry]++
		}
	}
	for k, n := range by {
		out.ByCountry = append(out.ByCountry, CountryCount{k, n})
	}
	sort.Slice(out.ByCountry, func(i, j int) bool {
		a, b := out.ByCountry[i], out.ByCountry[j]
		return a.Count > b.Count || a.Count == b.Count && a.Country < b.Country
	})
	return out, nil
}
