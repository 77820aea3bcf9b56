package web

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestOpenAPIStatusesDocumented: every status an API operation answers to
// the usual mistakes (no token, a role without the permission, an unknown
// id, an id that is not a number, malformed JSON, an unknown field, an
// empty object, a query that is not a number) is among the responses its
// OpenAPI document lists, none is a 5xx, and an unknown id is never
// answered as found (three aid lists answered [] for any id). TestOpenAPIMatchesRoutes
// checks that the operations exist; this checks what they answer.
func TestOpenAPIStatusesDocumented(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	_, body := env.do(t, "GET", "/api/v1/openapi.json", "", "")
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	admin, public := env.tokens[auth.RoleAdmin], env.tokens[auth.RolePublic]
	type try struct{ id, token, body, query string }
	paths := make([]string, 0, len(doc.Paths))
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths) // the same order each run: writes change what later calls see
	for _, p := range paths {
		for m, raw := range doc.Paths[p] {
			if m == "parameters" {
				continue
			}
			var op struct {
				Responses map[string]json.RawMessage `json:"responses"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s %s: %v", m, p, err)
			}
			tries := []try{{"1", "", "", ""}, {"1", public, "", ""}, {"999999999", admin, "", ""}, {"abc", admin, "", ""}}
			if m == "get" {
				tries = append(tries, try{"1", admin, "", "?limit=abc&offset=-1&as_of=yesterday"})
			} else {
				tries = append(tries, try{"1", admin, "{", ""}, try{"1", admin, `{"zzz_unknown":1}`, ""}, try{"1", admin, "{}", ""})
			}
			for _, tr := range tries {
				url := pathParam.ReplaceAllString(p, tr.id) + tr.query
				resp, b := env.do(t, strings.ToUpper(m), url, tr.token, tr.body)
				code := strconv.Itoa(resp.StatusCode)
				if _, ok := op.Responses[code]; !ok || resp.StatusCode >= 500 {
					t.Errorf("%s %s (path as %s, body %q%s): %s is not a documented response of %s %s: %.200s",
						strings.ToUpper(m), url, tr.id, tr.body, map[bool]string{true: ", no token", false: ""}[tr.token == ""], code, strings.ToUpper(m), p, b)
				}
				if tr.id == "999999999" && tr.token == admin && strings.Contains(p, "{") && resp.StatusCode < 400 {
					t.Errorf("%s %s: an unknown id answered %s, want 404", strings.ToUpper(m), url, code)
				}
			}
		}
	}
}
