package custody

import (
	"context"
	"fmt"
	"slices"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/internal/conv"
)

// Scope is which cases a person may see (the rule per role is the table
// scopeRules below):
//
//	admin                 every case
//	intake                cases they created, until referral
//	caseworker            cases placed in their facilities (user_facilities),
//	                      and, when assigned to at least one facility, the
//	                      children waiting for a placement (in border custody
//	                      or referred): they are the people who place them
//	supervisor, legal     cases placed in their facilities
//	                      (after release or closure too, see below)
//	anyone else           none (aggregates only, see Stats)
//
// Released and closed cases stay visible to the caseworkers and legal staff
// of the facility that last held the child, for as long as they are
// assigned to it: that facility makes the post-release follow-up calls,
// answers for the record in audits and licensing reviews, and is where a
// child who comes back into care is known. Unassigning a person from the
// facility (amparo facilities unassign, or the users page) ends their view
// of its cases, past and present. A case is never visible to the staff of
// a facility it was moved away from.
//
// Linking two cases (siblings, at intake or later) needs both in scope.
type Scope struct {
	All         bool
	CreatedBy   int64   // intake: own cases in encountered / in_border_custody
	FacilityIDs []int64 // caseworker, supervisor, legal
	// Unplaced adds the children waiting for a placement (in border
	// custody or referred, so in no facility yet) to FacilityIDs' cases.
	Unplaced bool
	None     bool
}

// scopeKind is how a role's scope is built.
type scopeKind int

const (
	scopeNone       scopeKind = iota
	scopeAll                  // every case
	scopeCreated              // the cases one created, until referral
	scopeFacilities           // the cases of one's facilities
)

// ScopeRule is one role's scope: how it is built, and whether the
// children waiting for a placement are in it.
type ScopeRule struct {
	Role     auth.Role
	Kind     scopeKind
	Unplaced bool // with a facility: also sees (and may place) the children in border custody or referred
}

// scopeRules is who sees which cases. A role not listed sees none.
var scopeRules = []ScopeRule{
	{Role: auth.RoleAdmin, Kind: scopeAll},
	{Role: auth.RoleIntake, Kind: scopeCreated},
	// Caseworkers place children: they must see those waiting for a bed.
	{Role: auth.RoleCaseworker, Kind: scopeFacilities, Unplaced: true},
	// Supervisors approve releases and legal staff screen placed children:
	// neither places, so neither needs the waiting children.
	{Role: auth.RoleSupervisor, Kind: scopeFacilities},
	{Role: auth.RoleLegal, Kind: scopeFacilities},
}

// unplacedStates are the states of a child waiting for a placement.
var unplacedStates = []State{StateInBorderCustody, StateReferred}

func scopeRuleFor(role auth.Role) ScopeRule {
	for _, r := range scopeRules {
		if r.Role == role {
			return r
		}
	}
	return ScopeRule{Role: role, Kind: scopeNone}
}

// WorksInFacility reports whether a role's scope comes from the facilities
// a person is assigned to (so that one in none sees no case).
func WorksInFacility(role auth.Role) bool { return scopeRuleFor(role).Kind == scopeFacilities }

// ScopeFor works out the context principal's scope.
func (s *Service) ScopeFor(ctx context.Context) (Scope, error) {
	p, err := auth.Require(ctx, auth.PermCaseRead)
	if err != nil {
		return Scope{None: true}, err
	}
	rule := scopeRuleFor(p.Role)
	switch rule.Kind {
	case scopeAll:
		return Scope{All: true}, nil
	case scopeCreated:
		return Scope{CreatedBy: p.UserID}, nil
	case scopeFacilities:
		ids, err := s.facilities.UserFacilities(ctx, p.UserID)
		if err != nil {
			return Scope{None: true}, err
		}
		// A person in no facility sees nothing, not even the waiting
		// children: they could place them nowhere.
		if len(ids) == 0 {
			return Scope{None: true}, nil
		}
		return Scope{FacilityIDs: ids, Unplaced: rule.Unplaced}, nil
	}
	return Scope{None: true}, nil
}

// MayPlaceIn reports whether a person with this scope may put a child
// waiting for a placement in facilityID: admin anywhere, a caseworker in
// their own facilities only (a transfer of a placed child is not limited:
// the sending facility arranges it).
func (sc Scope) MayPlaceIn(facilityID int64) bool {
	return sc.All || slices.Contains(sc.FacilityIDs, facilityID)
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
		if sc.Unplaced {
			return fmt.Sprintf("(%s.facility_id IN (%s) OR %s.state IN ('in_border_custody', 'referred'))", alias, ph, alias), args
		}
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
		if sc.Unplaced && len(sc.FacilityIDs) > 0 && slices.Contains(unplacedStates, c.State) {
			return true
		}
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

// whereDeadline is the facility condition on the deadlines table (alias
// d). The deadlines of a child waiting for a placement have no facility.
func (sc Scope) whereDeadline() (string, []any) {
	ph, args := conv.Placeholders(sc.FacilityIDs)
	if sc.Unplaced {
		return fmt.Sprintf("(d.facility_id IN (%s) OR d.facility_id IS NULL)", ph), args
	}
	return fmt.Sprintf("d.facility_id IN (%s)", ph), args
}
