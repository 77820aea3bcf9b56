package custody

import (
	"context"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
)

// IntakeDuplicateWindow is how long after intake a case's page looks for
// possible duplicates without being asked.
const IntakeDuplicateWindow = 24 * time.Hour

// DuplicateCheckDue says whether the case's page should look for possible
// duplicates by itself: at intake (the case's first day), for someone who
// may search; later the link to them is enough.
func (s *Service) DuplicateCheckDue(ctx context.Context, c *Case) bool {
	p, ok := auth.Acting(ctx)
	return ok && auth.Allowed(p.Role, auth.PermTracingSearch) && s.now().Sub(c.CreatedAt) < IntakeDuplicateWindow
}

// RecordableDeadlines are the case's open deadlines the caller may record
// as met: those met by a record (not by a state change) whose clock's
// permission the caller holds.
func (s *Service) RecordableDeadlines(ctx context.Context, v *CaseView) []Deadline {
	out := []Deadline{}
	p, ok := auth.Acting(ctx)
	if !ok {
		return out
	}
	for _, d := range v.Deadlines {
		if d.ResolvedAt != nil {
			continue
		}
		if k, ok := ClockFor(d.Kind); ok && k.MetByState == "" && auth.Allowed(p.Role, k.RecordedWith) {
			out = append(out, d)
		}
	}
	return out
}
