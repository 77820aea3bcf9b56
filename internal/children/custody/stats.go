package custody

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
)

// SmallCount is the threshold under which public counts are suppressed.
const SmallCount = 10

// Cell is one published count: N is nil and Shown "<10" when suppressed.
type Cell struct {
	Key   string `json:"key"`
	N     *int   `json:"n"`
	Shown string `json:"shown"`
}

// Suppress publishes counts with every count under 10 shown as "<10".
// When exactly one cell of a group is suppressed and the group's total is
// published, that cell could be recovered by subtraction, so the next
// smallest cell is suppressed too.
func Suppress(keys []string, counts []int) []Cell {
	cells := make([]Cell, len(keys))
	hidden := 0
	for i, k := range keys {
		n := counts[i]
		cells[i] = Cell{Key: k, N: &n, Shown: strconv.Itoa(n)}
		if n < SmallCount {
			cells[i].N, cells[i].Shown = nil, "<10"
			hidden++
		}
	}
	if hidden == 1 {
		best := -1
		for i := range cells {
			if cells[i].N != nil && (best < 0 || counts[i] < counts[best]) {
				best = i
			}
		}
		if best >= 0 {
			cells[best].N, cells[best].Shown = nil, "suppressed"
		}
	}
	return cells
}

// SuppressOne publishes a single count.
func SuppressOne(n int) Cell {
	if n < SmallCount {
		return Cell{Shown: "<10"}
	}
	return Cell{N: &n, Shown: strconv.Itoa(n)}
}

// Stats are the aggregates anyone may see.
type Stats struct {
	Total      Cell   `json:"total"`
	ByState    []Cell `json:"by_state"`
	InCare     Cell   `json:"in_care"`
	Capacity   int    `json:"capacity"` // licensed beds are not personal data
	Facilities int    `json:"facilities"`
}

// PublicStats reads the aggregates. No child's record is read, so it is
// not audited; small counts are suppressed.
func (s *Service) PublicStats(ctx context.Context) (*Stats, error) {
	if _, err := auth.Require(ctx, auth.PermCaseStats); err != nil {
		return nil, err
	}
	counts := map[State]int{}
	rows, err := s.db.Query(ctx, `SELECT state, COUNT(*) FROM cases GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("custody: stats: %w", err)
	}
	total := 0
	for rows.Next() {
		var st State
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("custody: stats: %w", err)
		}
		counts[st] = n
		total += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("custody: stats: %w", err)
	}
	keys := make([]string, len(States))
	ns := make([]int, len(States))
	for i, st := range States {
		keys[i], ns[i] = string(st), counts[st]
	}
	out := &Stats{Total: SuppressOne(total), ByState: Suppress(keys, ns), InCare: SuppressOne(counts[StatePlaced])}
	if err := s.db.QueryRow(ctx, `SELECT COALESCE(SUM(capacity), 0), COUNT(DISTINCT facility_id) FROM facility_beds`).Scan(&out.Capacity, &out.Facilities); err != nil {
		return nil, fmt.Errorf("custody: stats: %w", err)
	}
	return out, nil
}

// OccupancyPoint is the number of children placed at one instant.
type OccupancyPoint struct {
	At       time.Time `json:"at"`
	Occupied int       `json:"occupied"`
}

// OccupancyWindow is the span of the occupancy charts.
const OccupancyWindow = 180 * 24 * time.Hour

// RecentOccupancy is Occupancy over the OccupancyWindow up to now.
func (s *Service) RecentOccupancy(ctx context.Context, facilityID int64, points int) ([]OccupancyPoint, error) {
	now := s.now()
	return s.Occupancy(ctx, facilityID, now.Add(-OccupancyWindow), now, points)
}

// Occupancy returns the number of children in care (in one facility, or
// all when facilityID is 0) at points evenly spaced from from to to.
// Counts are not personal data: it needs facility.read and is not
// audited.
func (s *Service) Occupancy(ctx context.Context, facilityID int64, from, to time.Time, points int) ([]OccupancyPoint, error) {
	if _, err := auth.Require(ctx, auth.PermFacilityRead); err != nil {
		return nil, err
	}
	if points < 2 {
		points = 2
	}
	step := to.Sub(from) / time.Duration(points-1)
	started, ended := `SELECT COUNT(*) FROM placements WHERE start_at <= ?`, `SELECT COUNT(*) FROM placements WHERE end_at <= ?`
	var extra []any
	if facilityID > 0 {
		started, ended = `SELECT COUNT(*) FROM placements WHERE facility_id = ? AND start_at <= ?`, `SELECT COUNT(*) FROM placements WHERE facility_id = ? AND end_at <= ?`
		extra = []any{facilityID}
	}
	out := make([]OccupancyPoint, 0, points)
	for i := 0; i < points; i++ {
		at := from.Add(time.Duration(i) * step).UTC()
		ts := store.FormatTime(at)
		var a, b int
		if err := s.db.QueryRow(ctx, started, append(extra, ts)...).Scan(&a); err != nil {
			return nil, fmt.Errorf("custody: occupancy: %w", err)
		}
		if err := s.db.QueryRow(ctx, ended, append(extra, ts)...).Scan(&b); err != nil {
			return nil, fmt.Errorf("custody: occupancy: %w", err)
		}
		out = append(out, OccupancyPoint{At: at, Occupied: a - b})
	}
	return out, nil
}
