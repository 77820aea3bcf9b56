package web

import (
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestEveryRoleHasAName: the header, the account page and the users page
// show each account's role by its words (role.<role>); a role added to
// auth.Roles without them showed "role.supervisor" to every supervisor.
func TestEveryRoleHasAName(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	for _, r := range auth.Roles {
		for _, lang := range []string{"en", "es"} {
			key := "role." + string(r)
			if _, ok := env.srv.kit.msgs[lang][key]; !ok {
				t.Errorf("%s: no %s", lang, key)
			}
		}
	}
}
