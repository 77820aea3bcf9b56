package authtest

import (
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx, id := User(t, db, "a@example.org", auth.RoleCaseworker)
		p, ok := auth.FromContext(ctx)
		if !ok || p.UserID != id || p.Role != auth.RoleCaseworker || p.Email != "a@example.org" {
			t.Fatalf("principal %+v %v", p, ok)
		}
		// Again: the same account, with the new role.
		_, id2 := User(t, db, "a@example.org", auth.RoleLegal)
		if id2 != id {
			t.Fatalf("second call made account %d, want %d", id2, id)
		}
		u, err := auth.NewService(db).UserByEmail(ctx, "a@example.org")
		if err != nil || u.Role != auth.RoleLegal {
			t.Fatalf("user %+v %v", u, err)
		}
	})
}
