package auth

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("hash %q is not argon2id PHC", h)
	}
	for _, tt := range []struct {
		pw   string
		want bool
	}{{"a long enough password", true}, {"a long enough passwore", false}, {"", false}} {
		if ok, err := CheckPassword(h, tt.pw); err != nil || ok != tt.want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", tt.pw, ok, err, tt.want)
		}
	}
	if _, err := HashPassword("short"); err == nil {
		t.Error("a 5-character password was accepted")
	}
	if _, err := CheckPassword("$bcrypt$whatever", "x"); err == nil {
		t.Error("a malformed hash was accepted")
	}
	h2, _ := HashPassword("a long enough password")
	if h2 == h {
		t.Error("two hashes of one password are equal: salt missing")
	}
}

func TestPermissionTable(t *testing.T) {
	tests := []struct {
		role Role
		perm Permission
		want bool
	}{
		{RoleAuditor, PermAuditRead, true},
		{RoleAdmin, PermAuditRead, true},
		{RoleCaseworker, PermAuditRead, false},
		{RolePublic, PermAuditRead, false},
		{RoleAdmin, PermUsersAdmin, true},
		{RoleAuditor, PermUsersAdmin, false},
		{RolePublic, PermSelf, true},
		{RolePublic, Anyone, true},
		{RoleAdmin, Permission("no.such.permission"), false},
	}
	for _, tt := range tests {
		if got := Allowed(tt.role, tt.perm); got != tt.want {
			t.Errorf("Allowed(%s, %s) = %v, want %v", tt.role, tt.perm, got, tt.want)
		}
	}
	for _, p := range Permissions() {
		for _, r := range permissions[p] {
			if _, err := ParseRole(string(r)); err != nil {
				t.Errorf("permission %s grants unknown role %q", p, r)
			}
		}
	}
}

func TestAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := OperatorContext(context.Background(), "test")
		svc := NewService(db)
		u, err := svc.CreateUser(ctx, " Ana@Example.org ", RoleCaseworker, "twelve chars!!")
		if err != nil || u.Email != "ana@example.org" {
			t.Fatalf("CreateUser = %+v, %v", u, err)
		}
		if _, err := svc.CreateUser(ctx, "ana@example.org", RoleAdmin, "twelve chars!!"); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate: %v, want conflict", err)
		}
		if _, err := svc.CreateUser(ctx, "not an email", RoleAdmin, "twelve chars!!"); err == nil {
			t.Fatal("bad email accepted")
		}
		if _, err := svc.CreateUser(ctx, "b@example.org", Role("boss"), "twelve chars!!"); err == nil {
			t.Fatal("unknown role accepted")
		}
		if _, err := svc.Authenticate(ctx, "ana@example.org", "wrong"); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
		if _, err := svc.Authenticate(ctx, "nobody@example.org", "wrong"); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("unknown account: %v", err)
		}
		u, err = svc.Authenticate(ctx, "ANA@example.org", "twelve chars!!")
		if err != nil {
			t.Fatal(err)
		}
		token, _, err := svc.CreateSession(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if s, err := svc.SessionByToken(ctx, token); err != nil || s.Principal.Email != "ana@example.org" || s.CSRFToken == "" {
			t.Fatalf("SessionByToken = %+v, %v", s, err)
		}
		api, err := svc.CreateAPIToken(ctx, "ana@example.org", "laptop")
		if err != nil || !strings.HasPrefix(api, APITokenPrefix) {
			t.Fatalf("CreateAPIToken = %q, %v", api, err)
		}
		if p, err := svc.PrincipalByAPIToken(ctx, api); err != nil || p.Role != RoleCaseworker {
			t.Fatalf("PrincipalByAPIToken = %+v, %v", p, err)
		}
		// Nothing secret is stored in the clear.
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?`, api).Scan(&n); err != nil || n != 0 {
			t.Fatalf("API token stored in the clear (%d, %v)", n, err)
		}
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM sessions WHERE token_hash = ?`, token).Scan(&n); err != nil || n != 0 {
			t.Fatalf("session token stored in the clear (%d, %v)", n, err)
		}

		// Disabling ends sessions and stops tokens at once.
		if err := svc.SetDisabled(ctx, "ana@example.org", true); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SessionByToken(ctx, token); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("session after disable: %v", err)
		}
		if _, err := svc.PrincipalByAPIToken(ctx, api); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("token after disable: %v", err)
		}
		if _, err := svc.Authenticate(ctx, "ana@example.org", "twelve chars!!"); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("disabled login: %v", err)
		}
		entries, err := audit.List(ctx, db, audit.Filter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for i := len(entries) - 1; i >= 0; i-- {
			actions = append(actions, entries[i].Action)
		}
		want := "user.create login.failed login.failed login token.create user.disable login.failed"
		if got := strings.Join(actions, " "); got != want {
			t.Fatalf("audit actions:\n got %s\nwant %s", got, want)
		}
	})
}

func TestRequire(t *testing.T) {
	bg := context.Background()
	tests := []struct {
		name      string
		ctx       context.Context
		perm      Permission
		wantRole  Role
		forbidden bool
	}{
		{"nobody acting", bg, PermCaseRead, "", true},
		{"signed-in role holding the permission", NewContext(bg, Principal{UserID: 3, Role: RoleCaseworker}), PermCaseRead, RoleCaseworker, false},
		{"signed-in role lacking it", NewContext(bg, Principal{UserID: 4, Role: RolePublic}), PermCaseRead, RolePublic, true},
		{"operator acts as admin", OperatorContext(bg, "root"), PermUsersAdmin, RoleAdmin, false},
		{"operator still needs a real permission", OperatorContext(bg, "root"), Permission("no.such"), RoleAdmin, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Require(tt.ctx, tt.perm)
			if got := errors.Is(err, ErrForbidden); got != tt.forbidden {
				t.Fatalf("forbidden = %v (%v)", got, err)
			}
			if p.Role != tt.wantRole {
				t.Errorf("role %q, want %q", p.Role, tt.wantRole)
			}
		})
	}
	op := OperatorContext(bg, "root")
	if _, ok := FromContext(op); ok {
		t.Error("an operator is not a signed-in principal (it has no account id)")
	}
	if !IsOperator(op) || IsOperator(bg) {
		t.Error("IsOperator")
	}
	if a := audit.ActorFrom(op); a.Email != "operator:root" || a.Role != OperatorRole {
		t.Errorf("audit actor %+v", a)
	}
}
