package custody

import (
	"context"
	"fmt"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/internal/conv"
)

// Scope is which cases a person may see:
//
//	admin                 every case
//	intake                cases they created, until referral
//	caseworker, supervisor, legal
//	                      cases placed in their facilities (user_facilities),
//	                      including, after release or closure, the cases whose
//	                      last placement was there
//	anyone else           none (aggregates only, see Stats)
//
// Released and closed cases stay visible to the caseworkers and legal staff
// of the facility that last held the child, for as long as they are
// assigned to it: that facility makes the post-release follow-up calls,
// answers for the record in audits and licensing reviews, and is where a
// child who comes back into care is known. Unassigning a person from the
// facility (amparo facilities unassign) ends their view of its cases, past
// and present. A case is never visible to the staff of a facility it was
// moved away from.
//
// Linking two cases (siblings, at intake or later) needs both in scope.
type Scope struct {
	All         bool
	CreatedBy   int64   // intake: own cases in encountered / in_border_custody
	FacilityIDs []int64 // caseworker, legal
	None        bool
}

// ScopeFor works out the context principal's scope.
func (s *Service) ScopeFor(ctx context.Context) (Scope, error) {
	p, err := auth.Require(ctx, auth.PermCaseRead)
	if err != nil {
		return Scope{None: true}, err
	}
	switch p.Role {
	case auth.RoleAdmin:
		return Scope{All: true}, nil
	case auth.RoleIntake:
		return Scope{CreatedBy: p.UserID}, nil
	case auth.RoleCaseworker, auth.RoleSupervisor, auth.RoleLegal:
		ids, err := s.facilities.UserFacilities(ctx, p.UserID)
		if err != nil {
			return Scope{None: true}, err
		}
		if len(ids) == 0 {
			return Scope{None: true}, nil
		}
		return Scope{FacilityIDs: ids}, nil
	}
	return Scope{None: true}, nil
}

// where returns an SQL condition (on the cases table aliased as alias)
// and its arguments.
func (sc Scope) where(alias string) (string, []any) {
	switch {
	case sc.All:
		return "1=1", nil
	case sc.None:
		return "1=0", nil
	case sc.CreatedBy != 0:
		return fmt.Sprintf("%s.created_by = ? AND %s.state IN ('encountered', 'in_border_custody')", alias, alias), []any{sc.CreatedBy}
	case len(sc.FacilityIDs) > 0:
		ph, args := conv.Placeholders(sc.FacilityIDs)
		return fmt.Sprintf("%s.facility_id IN (%s)", alias, ph), args
	}
	return "1=0", nil
}

// SQL returns the scope as an SQL condition on column, a column holding a
// case id, with its arguments: for another domain that lists its own rows
// by case ("tracing_links.case_id"). It agrees with Sees.
func (sc Scope) SQL(column string) (string, []any) {
	switch {
	case sc.All:
		return "1=1", nil
	case sc.None:
		return "1=0", nil
	}
	cond, args := sc.where("sc")
	if cond == "1=0" {
		return cond, nil
	}
	return fmt.Sprintf("%s IN (SELECT sc.id FROM cases sc WHERE %s)", column, cond), args
}

// Sees reports whether the scope includes c.
func (sc Scope) Sees(c *Case) bool {
	switch {
	case sc.All:
		return true
	case sc.None:
		return false
	case sc.CreatedBy != 0:
		return c.CreatedBy != nil && *c.CreatedBy == sc.CreatedBy &&
			(c.State == StateEncountered || c.State == StateInBorderCustody)
	default:
		if c.FacilityID == nil {
			return false
		}
		for _, id := range sc.FacilityIDs {
			if id == *c.FacilityID {
				return true
			}
		}
	}
	return false
}

// whereDeadline is the facility condition on the deadlines table (alias d).
func (sc Scope) whereDeadline() (string, []any) {
	ph, args := conv.Placeholders(sc.FacilityIDs)
	return fmt.Sprintf("d.facility_id IN (%s)", ph), args
}
