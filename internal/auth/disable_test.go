package auth

import (
	"context"
	"errors"
	"testing"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestReenableKeepsTokensRevoked is issue 15's defect: a re-enabled
// user's old API tokens worked again. Disabling revokes them (and ends
// the sessions); re-enabling brings neither back; a new token works.
func TestReenableKeepsTokensRevoked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := OperatorContext(context.Background(), "test")
		svc := NewService(db)
		u, err := svc.CreateUser(ctx, "ana@example.org", RoleCaseworker, "twelve chars!!")
		if err != nil {
			t.Fatal(err)
		}
		other, err := svc.CreateUser(ctx, "luis@example.org", RoleCaseworker, "twelve chars!!")
		if err != nil {
			t.Fatal(err)
		}
		var old []string
		for _, name := range []string{"laptop", "script"} {
			tok, err := svc.CreateAPIToken(ctx, u.Email, name)
			if err != nil {
				t.Fatal(err)
			}
			old = append(old, tok)
		}
		luisToken, err := svc.CreateAPIToken(ctx, other.Email, "phone")
		if err != nil {
			t.Fatal(err)
		}
		session, _, err := svc.CreateSession(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.SetDisabled(ctx, u.Email, true); err != nil {
			t.Fatal(err)
		}
		if err := svc.SetDisabled(ctx, u.Email, false); err != nil {
			t.Fatal(err)
		}
		for _, tok := range old {
			if _, err := svc.PrincipalByAPIToken(ctx, tok); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("an old token works after disable and enable: %v", err)
			}
		}
		if _, err := svc.SessionByToken(ctx, session); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an old session works after disable and enable: %v", err)
		}
		if _, err := svc.PrincipalByAPIToken(ctx, luisToken); err != nil {
			t.Errorf("another account's token was revoked: %v", err)
		}
		fresh, err := svc.CreateAPIToken(ctx, u.Email, "new laptop")
		if err != nil {
			t.Fatal(err)
		}
		if p, err := svc.PrincipalByAPIToken(ctx, fresh); err != nil || p.UserID != u.ID {
			t.Fatalf("a new token after re-enabling: %+v, %v", p, err)
		}
		entries, err := audit.List(ctx, db, audit.Filter{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range entries {
			found = found || e.Action == "user.disable" && e.Detail == "revoked 2 API tokens"
		}
		if !found {
			t.Errorf("the audit log does not say that 2 tokens were revoked: %+v", entries)
		}
	})
}
