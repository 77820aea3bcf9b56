package facilities

import (
	"context"
	"fmt"

	"github.com/amparo-project/amparo/internal/auth"
)

// Staff lists every facility assignment, by user: what the users page
// shows, so that an administrator sees who works where (and that a new
// caseworker, in no facility, sees no case) and can change it there.
func (s *Service) Staff(ctx context.Context) (map[int64][]int64, error) {
	if _, err := auth.Require(ctx, auth.PermFacilityManage); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT user_id, facility_id FROM user_facilities ORDER BY user_id, facility_id`)
	if err != nil {
		return nil, fmt.Errorf("facilities: staff: %w", err)
	}
	defer rows.Close()
	out := map[int64][]int64{}
	for rows.Next() {
		var u, f int64
		if err := rows.Scan(&u, &f); err != nil {
			return nil, fmt.Errorf("facilities: staff: %w", err)
		}
		out[u] = append(out[u], f)
	}
	return out, rows.Err()
}
