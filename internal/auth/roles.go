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
	RoleSupervisor Role = "supervisor"  // approves releases (the second person), receives escalations
	RoleLegal      Role = "legal"       // legal service provider
	RoleAidOfficer Role = "aid_officer" // aid program officer
	RoleAuditor    Role = "auditor"     // the audit log and aggregate counts only (auditor_test.go)
	RolePublic     Role = "public"      // aggregates only
)

// RoleCivilSociety is a civil-society organisation: it submits aid evidence
// (counter-evidence included) and sees its own submissions.
const RoleCivilSociety Role = "civil_society"

// Roles lists every role, in the order the UI shows them.
var Roles = []Role{RoleAdmin, RoleIntake, RoleCaseworker, RoleSupervisor, RoleLegal, RoleAidOfficer, RoleCivilSociety, RoleAuditor, RolePublic}

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

// FromContext returns the signed-in principal (a browser session or an API
// token's owner), if any. An operator at the command line is not one: see
// Require and OperatorContext.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// OperatorRole is the audit role of command-line operators.
const OperatorRole = "operator"

type operatorKey struct{}

// OperatorContext returns ctx acting as the command-line operator osUser.
// An operator acts with admin rights (whoever runs commands on the server
// holds the database anyway) but has no account: the audit log names the
// operating-system user, with the role "operator".
func OperatorContext(ctx context.Context, osUser string) context.Context {
	ctx = context.WithValue(ctx, operatorKey{}, Principal{Email: "operator:" + osUser, Role: RoleAdmin})
	return audit.WithActor(ctx, audit.Actor{Email: "operator:" + osUser, Role: OperatorRole})
}

// IsOperator reports whether ctx acts as a command-line operator rather
// than a signed-in account.
func IsOperator(ctx context.Context) bool {
	_, ok := ctx.Value(operatorKey{}).(Principal)
	return ok
}

// Acting returns who acts in ctx: the signed-in principal, else the
// operator (role admin, UserID 0), else false.
func Acting(ctx context.Context) (Principal, bool) {
	if p, ok := FromContext(ctx); ok {
		return p, true
	}
	p, ok := ctx.Value(operatorKey{}).(Principal)
	return p, ok
}

// Require returns who acts in ctx when their role holds perm, and an
// error wrapping ErrForbidden otherwise (nobody acting included). Every
// domain's exported methods start with it.
func Require(ctx context.Context, perm Permission) (Principal, error) {
	p, ok := Acting(ctx)
	if !ok {
		return p, fmt.Errorf("%w: no signed-in user", ErrForbidden)
	}
	if !Allowed(p.Role, perm) {
		return p, fmt.Errorf("%w: role %s lacks %s", ErrForbidden, p.Role, perm)
	}
	return p, nil
}
