package web

import (
	"net/http"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestAuditorSeesNoChild: the auditor policy (auth/auditor_test.go) on the
// wire: the audit log and the aggregate counts answer, every page or API
// that shows a child's record is refused. TestEveryRouteEveryRole walks
// all routes; this names the ones the policy is about.
func TestAuditorSeesNoChild(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	tok := env.tokens[auth.RoleAuditor]
	for _, tc := range []struct {
		path string
		want int
	}{
		{"/api/v1/audit", http.StatusOK},
		{"/api/v1/cases/stats", http.StatusOK},
		{"/api/v1/legal/stats", http.StatusOK},
		{"/audit", http.StatusOK},
		{"/cases/stats", http.StatusOK},
		{"/api/v1/cases", http.StatusForbidden},
		{"/api/v1/cases/1", http.StatusForbidden},
		{"/api/v1/cases/board", http.StatusForbidden},
		{"/api/v1/tracing/requests", http.StatusForbidden},
		{"/cases", http.StatusForbidden},
		{"/board", http.StatusForbidden},
	} {
		resp, body := env.do(t, "GET", tc.path, tok, "")
		if resp.StatusCode != tc.want {
			t.Errorf("auditor GET %s: %d, want %d: %.200s", tc.path, resp.StatusCode, tc.want, body)
		}
	}
}
