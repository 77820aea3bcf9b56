// Package auth holds who may do what: accounts, roles, the one permission
// table, password hashing, sessions and API tokens.
package auth

import (
	"context"
	"fmt"
	"slices"

	"github.com/amparo-project/amparo/internal/audit"
)

// Role is what an account is for. Every permission is granted to roles,
// never to individual accounts, so that access is reviewable in one table.
type Role string

const (
	RoleAdmin      Role = "admin"
	RoleIntake     Role = "intake"      // border or intake officer
	RoleCaseworker Role = "caseworker"  // shelter case manager
	RoleLegal      Role = "legal"       // legal service provider
	RoleAidOfficer Role = "aid_officer" // aid program officer
	RoleAuditor    Role = "auditor"     // read-only everything, audit log included
	RolePublic     Role = "public"      // aggregates only
)

// Roles lists every role, in the order the UI shows them.
var Roles = []Role{RoleAdmin, RoleIntake, RoleCaseworker, RoleLegal, RoleAidOfficer, RoleAuditor, RolePublic}

// InvalidError is a rejected input (a malformed email, an unknown role, a
// short password): the person can fix it. It answers 422 over HTTP.
type InvalidError struct{ Msg string }

func (e *InvalidError) Error() string    { return e.Msg }
func (e *InvalidError) Validation() bool { return true }

func invalid(format string, a ...any) error { return &InvalidError{Msg: fmt.Sprintf(format, a...)} }

// ParseRole checks that s names a role.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !slices.Contains(Roles, r) {
		return "", invalid("unknown role %q (one of %v)", s, Roles)
	}
	return r, nil
}

// Principal is who is acting: a signed-in user or an API token's owner.
type Principal struct {
	UserID int64
	Email  string
	Role   Role
}

type principalKey struct{}

// NewContext returns ctx acting as p. The audit log reads the actor from
// the same context, so every audited change names p.
func NewContext(ctx context.Context, p Principal) context.Context {
	ctx = context.WithValue(ctx, principalKey{}, p)
	return audit.WithActor(ctx, audit.Actor{Email: p.Email, Role: string(p.Role)})
}

// FromContext returns the acting principal, if any.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
