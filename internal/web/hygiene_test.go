package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// hygieneBodies are JSON bodies whose text no record may hold (issue 15:
// a NUL was stored on SQLite and a 500 on PostgreSQL; bad UTF-8 was
// silently replaced). Shared with FuzzDecodeJSON's seed corpus.
var hygieneBodies = map[string]string{
	"escaped NUL":         `{"name":"a\u0000b"}`,
	"raw NUL":             "{\"name\":\"a\x00b\"}",
	"invalid UTF-8":       "{\"name\":\"a\xc0\xaeb\"}",
	"lone high surrogate": `{"name":"a\ud800b"}`,
	"lone low surrogate":  `{"name":"\udc00"}`,
	"high then not low":   `{"name":"\ud800\u0041"}`,
	"high at the end":     `{"name":"\ud800"}`,
	"NUL in a key":        `{"na\u0000me":"a"}`,
}

func TestDecodeJSONRefusesBadText(t *testing.T) {
	s := &kit{log: discardLogger()}
	type req struct {
		Name string `json:"name"`
	}
	for name, body := range hygieneBodies {
		r := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(body))
		w := httptest.NewRecorder()
		var v req
		if s.decodeJSON(w, r, &v) || w.Code != 422 {
			t.Errorf("%s: accepted or %d, want 422: %s", name, w.Code, w.Body)
		}
	}
	for _, body := range []string{`{"name":"García \u00e9 \ud83d\ude00 \\u0000 \\\\"}`, `{"name":"😀 ñ"}`} {
		r := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(body))
		w := httptest.NewRecorder()
		var v req
		if !s.decodeJSON(w, r, &v) {
			t.Errorf("%s refused: %d %s", body, w.Code, w.Body)
		}
	}
}

func TestIntakeHygiene(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		intake := func(extra string) string {
			return `{"given_names":"Ana","surname1":"Tiul","encountered_at":"2026-03-01T09:00:00Z"` + extra + `}`
		}
		// list is n distinct items (lists are cleaned of repeats).
		list := func(format string, n int) string {
			items := make([]string, n)
			for i := range items {
				items[i] = fmt.Sprintf(format, i+1)
			}
			return "[" + strings.Join(items, ",") + "]"
		}
		for name, body := range map[string]string{
			"NUL in a name":        `{"given_names":"A\u0000na","encountered_at":"2026-03-01T09:00:00Z"}`,
			"invalid UTF-8":        "{\"given_names\":\"A\xffna\",\"encountered_at\":\"2026-03-01T09:00:00Z\"}",
			"900 KB language":      intake(`,"languages":["` + strings.Repeat("x", 900<<10) + `"]`),
			"10,000 medical flags": intake(`,"medical_flags":` + list(`"flag %d"`, 10000)),
			"51 medical flags":     intake(`,"medical_flags":` + list(`"flag %d"`, 51)),
			"31 siblings":          intake(`,"siblings":` + list(`%d`, 31)),
			"21 languages":         intake(`,"languages":` + list(`"Language %d"`, 21)),
			"100,000 siblings":     intake(`,"siblings":` + list(`%d`, 100000)),
		} {
			resp, b := env.do(t, "POST", "/api/v1/cases", env.tokens[auth.RoleAdmin], body)
			var e apiError
			if resp.StatusCode != 422 || json.Unmarshal(b, &e) != nil || e.Error.Code != "invalid" {
				t.Errorf("%s: %d %.200s", name, resp.StatusCode, b)
			}
		}
		var n int
		if err := db.QueryRow(t.Context(), `SELECT COUNT(*) FROM cases`).Scan(&n); err != nil || n != 0 {
			t.Errorf("%d cases stored (%v)", n, err)
		}
		env.call(t, "POST", "/api/v1/cases", auth.RoleAdmin, intake(`,"languages":["Spanish","K'iche'"]`), 201)
	})
}

// Issue 15: /static/%c0%ae%c0%ae/ answered 500 and /static/ listed its
// directories, in plain text.
func TestStaticFiles(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	get := func(path, accept string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", env.ts.URL+path, nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	if resp, _ := get("/static/app.css", ""); resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Errorf("app.css: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, p := range []string{"/static/", "/static/vendor/", "/static/vendor", "/static/%c0%ae%c0%ae/", "/static/%c0%ae%c0%ae/app.css", "/static/nope.css", "/static/%00"} {
		resp, body := get(p, "application/json")
		var e apiError
		if resp.StatusCode != 404 || json.Unmarshal([]byte(body), &e) != nil || e.Error.Code != "not_found" {
			t.Errorf("%s as JSON: %d %.200s", p, resp.StatusCode, body)
		}
		resp, body = get(p, "text/html")
		if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || strings.Contains(body, "app.css\"") && strings.Contains(body, "<pre>") {
			t.Errorf("%s as a page: %d %s %.200s", p, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
}

// Forms too: a NUL or bytes that are not UTF-8 in a submitted form are
// refused before any page's handler (PostgreSQL refused them with a 500).
func TestFormHygiene(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	for _, body := range []string{"given_names=A%00na&encountered_at=2026-03-01T09%3A00", "given_names=A%C0%AEna&encountered_at=2026-03-01T09%3A00", "given%00names=x"} {
		req, _ := http.NewRequest("POST", env.ts.URL+"/cases", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+env.tokens[auth.RoleAdmin])
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 422 {
			t.Errorf("%s: %d, want 422", body, resp.StatusCode)
		}
	}
}

// An API body declared as a form (curl -d's default type) is still read
// by its route: the pages' form check parsed it and the handler answered
// that the body was empty.
func TestAPIBodyDeclaredAsForm(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	for _, c := range []struct{ path, body, want string }{
		{"/api/v1/cases", `{"given_names":"Ana","surname1":"Tiul","encountered_at":"2026-03-01T09:00:00Z"}`, `"id"`},
		{"/api/v1/cases/import", "given_names,surname1,encountered_at\nAna,Tiul,2026-03-01T09:00Z\n", `"imported": 1`},
		{"/api/v1/aid/iati", "not xml", "IATI file refused"},
	} {
		req, _ := http.NewRequest("POST", env.ts.URL+c.path, strings.NewReader(c.body))
		req.Header.Set("Authorization", "Bearer "+env.tokens[auth.RoleAdmin])
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), c.want) {
			t.Errorf("%s as a form: %d %.300s; want %s", c.path, resp.StatusCode, body, c.want)
		}
	}
}

// TestLongIndexedTextRefused: text that is indexed (a facility's or a
// legal provider's unique name, a sponsor's address and names, matched by
// key) is refused over its bound with a 422 on both engines: PostgreSQL
// refuses an index entry over 2704 bytes, which answered 500. The text is
// not repetitive, so that compression does not hide the size. So is a
// number over a 32-bit column (beds).
func TestLongIndexedTextRefused(t *testing.T) {
	var lb strings.Builder
	for seed := uint32(7); lb.Len() < 20000; {
		seed = seed*1664525 + 1013904223
		lb.WriteByte("abcdefghijklmnopqrstuvwxyz"[seed>>27%26])
		if seed%7 == 0 {
			lb.WriteByte(' ')
		}
	}
	long := lb.String()
	// An IATI activity whose identifier is that text.
	b, err := os.ReadFile(filepath.Join("..", "aid", "testdata", "iati", "should-pass", "19-budget.xml"))
	if err != nil {
		t.Fatal(err)
	}
	iati := strings.Replace(string(b), "<iati-identifier></iati-identifier>", "<iati-identifier>"+strings.ReplaceAll(long, " ", "-")+"</iati-identifier>", 1)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		id := fmt.Sprint(uxCase(t, env))
		env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa","type":"shelter","tz":"America/Chicago","beds":[{"sex":"F","age_band":"13-17","capacity":4}]}`, 201)
		for _, c := range []struct{ path, body, field string }{
			{"/api/v1/facilities", `{"name":"` + long + `","type":"shelter","tz":"America/Chicago"}`, "name"},
			{"/api/v1/facilities", `{"name":"Casa","city":"` + long + `","type":"shelter","tz":"America/Chicago"}`, "city"},
			{"/api/v1/legal/providers", `{"organisation":"` + long + `","capacity":3,"languages":["Spanish"],"states":["TX"],"specialties":["asylum"]}`, "organisation"},
			{"/api/v1/sponsors", `{"case_id":` + id + `,"relationship":"aunt","given_names":"A","surnames":"B","address":"` + long + `"}`, "address"},
			{"/api/v1/sponsors", `{"case_id":` + id + `,"relationship":"aunt","given_names":"` + long + `","surnames":"B"}`, "given_names"},
			{"/api/v1/aid/facts", `{"country":"GTM","key":"` + strings.ReplaceAll(long, " ", "_") + `","holds":true,"valid_from":"2020-01-01","citation":"c"}`, "key"},
			{"/api/v1/aid/iati", iati, "iati-identifier"},
			{"/api/v1/facilities", `{"name":"Casa Grande","type":"shelter","tz":"America/Chicago","beds":[{"sex":"F","age_band":"13-17","capacity":3000000000}]}`, "beds"},
			{"PUT /api/v1/facilities/1/beds", `{"beds":[{"sex":"F","age_band":"13-17","capacity":3000000000}]}`, "beds"},
			// Coordinates off the globe were stored (and NaN, from the CLI).
			{"/api/v1/facilities", `{"name":"Casa Norte","type":"shelter","tz":"America/Chicago","lat":999,"lon":5}`, "latitude from -90 to 90"},
			{"/api/v1/facilities", `{"name":"Casa Sur","type":"shelter","tz":"America/Chicago","lat":5,"lon":-1e300}`, "longitude from -180 to 180"},
		} {
			method, path, ok := strings.Cut(c.path, " ")
			if !ok {
				method, path = "POST", c.path
			}
			resp, b := env.do(t, method, path, env.tokens[auth.RoleAdmin], c.body)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(b), c.field) {
				t.Errorf("%s with a %s over its bound: %d %.200s", c.path, c.field, resp.StatusCode, b)
			}
		}
	})
}

// TestUserAddRefused: the add-account form refused keeps what was typed
// (the address and the role) and says why in the page's language; an
// address over RFC 5321's 254 characters is refused on both engines (it
// answered 500 on PostgreSQL: the column is unique).
func TestUserAddRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		for _, c := range []struct{ email, want string }{
			{strings.Repeat("abcdefghij", 30) + "@example.org", "una dirección de correo tiene como máximo 254 caracteres"},
			{"not an address", "no es una dirección de correo válida"},
		} {
			resp, body := env.uxPost(t, auth.RoleAdmin, "es", "/admin/users", url.Values{"email": {c.email}, "role": {"legal"}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.want) ||
				!strings.Contains(body, `value="`+c.email+`"`) || !strings.Contains(body, `<option value="legal" selected>`) {
				t.Errorf("add %.40s: %d, want 422, %q, and what was typed", c.email, resp.StatusCode, c.want)
			}
		}
	})
}
