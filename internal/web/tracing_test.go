package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
	"github.com/amparo-project/amparo/internal/tracing/requests"
)

// tracingCases records children as the admin account, returning their ids
// by name.
func tracingCases(t *testing.T, db *store.DB, who string, people ...[5]string) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	u, err := auth.NewService(db).UserByEmail(ctx, who)
	if err != nil {
		t.Fatal(err)
	}
	ctx = auth.NewContext(ctx, auth.Principal{UserID: u.ID, Email: u.Email, Role: u.Role})
	out := map[string]int64{}
	for _, p := range people {
		c, err := custody.New(db, facilities.New(db, nil), nil).CreateCase(ctx, custody.Intake{Person: identity.Person{GivenNames: p[0], Surname1: p[1], Surname2: p[2], Sex: p[3], BirthDate: p[4], BirthCountry: "Guatemala"}, EncounteredAt: time.Now().Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		out[p[0]+" "+p[1]] = c.ID
	}
	return out
}

var tracingCrowd = [][5]string{
	{"María", "García", "Hernández", "F", "2011-02-03"},
	{"Juan Carlos", "Martínez", "Ruiz", "M", "2010-07-21"},
	{"Ana", "Xiloj", "Tzul", "F", "2012-11-09"},
	{"José", "López", "Pérez", "M", "2010-05-14"},
}

func decodeInto(t *testing.T, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
}

// TestTracingAPIFlow walks the flow through the API: search,
// record a request, see the ranked candidates with their explanation,
// confirm, make a sponsor record; with the refusals and errors on the way.
func TestTracingAPIFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		ids := tracingCases(t, db, "admin@example.org", tracingCrowd...)
		jose := ids["José López"]
		admin, intake, cw := env.tokens[auth.RoleAdmin], env.tokens[auth.RoleIntake], env.tokens[auth.RoleCaseworker]
		pepe := `{"given_names": "Pepe", "surname1": "Lopez", "sex": "M", "birth_date": "2010"}`

		var hits tracingHits
		resp, body := env.do(t, "POST", "/api/v1/tracing/search", admin, pepe)
		if resp.StatusCode != 200 {
			t.Fatalf("search: %d %s", resp.StatusCode, body)
		}
		decodeInto(t, body, &hits)
		if len(hits.Candidates) == 0 || hits.Candidates[0].CaseID != jose || len(hits.Candidates[0].Explanation) == 0 {
			t.Fatalf("search for Pepe Lopez: %s", body)
		}
		// The rows of the explanation add up to the weight, and the
		// surname, the same on both sides, counts for the match.
		sum := 0.0
		for _, fw := range hits.Candidates[0].Explanation {
			sum += fw.Weight
			if fw.Field == "surname1" && fw.Weight < 1 {
				t.Errorf("surname1 %+v", fw)
			}
		}
		if math.Abs(sum-hits.Candidates[0].Weight) > 1e-6 {
			t.Errorf("explanation adds up to %.3f, weight %.3f", sum, hits.Candidates[0].Weight)
		}
		// The caseworker works in no facility and the intake officer
		// recorded none of these cases: they see no candidate at all.
		for _, tok := range []string{cw, intake} {
			resp, body = env.do(t, "POST", "/api/v1/tracing/search", tok, pepe)
			hits = tracingHits{}
			decodeInto(t, body, &hits)
			if resp.StatusCode != 200 || len(hits.Candidates) != 0 {
				t.Fatalf("out-of-scope search: %d %s", resp.StatusCode, body)
			}
		}

		errorsTable := []struct {
			name, method, path, token, body string
			status                          int
		}{
			{"legal may not search", "POST", "/api/v1/tracing/search", env.tokens[auth.RoleLegal], pepe, 403},
			{"public may not search", "POST", "/api/v1/tracing/search", env.tokens[auth.RolePublic], pepe, 403},
			{"no name", "POST", "/api/v1/tracing/search", admin, `{"sex": "M"}`, 422},
			{"bad birth date", "POST", "/api/v1/tracing/search", admin, `{"given_names": "José", "birth_date": "14/05/2010"}`, 422},
			{"limit too high", "POST", "/api/v1/tracing/search", admin, `{"given_names": "José", "limit": 500}`, 422},
			{"age not a number of years", "POST", "/api/v1/tracing/search", admin, `{"given_names": "José", "age": "fourteen"}`, 422},
			{"age and birth date", "POST", "/api/v1/tracing/search", admin, `{"given_names": "José", "age": 14, "birth_date": "2010"}`, 422},
			{"age of the wrong type", "POST", "/api/v1/tracing/search", admin, `{"given_names": "José", "age": [14]}`, 400},
			{"wrong type", "POST", "/api/v1/tracing/search", admin, `{"given_names": 5}`, 400},
			{"unknown field", "POST", "/api/v1/tracing/search", admin, `{"nombre": "José"}`, 400},
			{"malformed", "POST", "/api/v1/tracing/search", admin, `{"given_names": `, 400},
			{"request without seeker", "POST", "/api/v1/tracing/requests", admin, `{"sought": ` + pepe + `}`, 422},
			{"unknown request", "GET", "/api/v1/tracing/requests/999999", admin, "", 404},
			{"request id not a number", "GET", "/api/v1/tracing/requests/abc", admin, "", 404},
			{"unknown candidate", "POST", "/api/v1/tracing/candidates/999999/decision", admin, `{"status": "confirmed"}`, 404},
			{"intake may not decide", "POST", "/api/v1/tracing/candidates/1/decision", intake, `{"status": "confirmed"}`, 403},
			{"unknown link", "POST", "/api/v1/tracing/links/999999/sponsor", admin, "", 404},
			{"duplicates of an unknown case", "GET", "/api/v1/cases/999999/possible-duplicates", admin, "", 404},
			{"duplicates of a case out of scope", "GET", fmt.Sprintf("/api/v1/cases/%d/possible-duplicates", jose), intake, "", 404},
			{"bad status filter", "GET", "/api/v1/tracing/requests?status=lost", admin, "", 422},
		}
		for _, tt := range errorsTable {
			t.Run(tt.name, func(t *testing.T) {
				resp, body := env.do(t, tt.method, tt.path, tt.token, tt.body)
				var e apiError
				if resp.StatusCode != tt.status || json.Unmarshal(body, &e) != nil || e.Error.Code == "" {
					t.Fatalf("%d %s, want %d with an error body", resp.StatusCode, body, tt.status)
				}
			})
		}

		newReq := `{"seeker": {"given_names": "Rosa", "surnames": "Pérez", "relationship": "aunt", "contact": "+1 555 0100", "language": "es"}, "sought": ` + pepe + `}`
		resp, body = env.do(t, "POST", "/api/v1/tracing/requests", admin, newReq)
		if resp.StatusCode != 201 {
			t.Fatalf("create request: %d %s", resp.StatusCode, body)
		}
		var v requests.View
		decodeInto(t, body, &v)
		if v.Request.Status != requests.StatusOpen || len(v.Candidates) == 0 || v.Candidates[0].CaseID != jose {
			t.Fatalf("new request: %s", body)
		}
		cand := v.Candidates[0]

		// The intake officer may read the request but sees no candidate.
		resp, body = env.do(t, "GET", fmt.Sprintf("/api/v1/tracing/requests/%d", v.Request.ID), intake, "")
		var vi requests.View
		decodeInto(t, body, &vi)
		if resp.StatusCode != 200 || len(vi.Candidates) != 0 {
			t.Fatalf("intake's view: %d %s", resp.StatusCode, body)
		}

		decide := fmt.Sprintf("/api/v1/tracing/candidates/%d/decision", cand.ID)
		if resp, body := env.do(t, "POST", decide, admin, `{"status": "rejected"}`); resp.StatusCode != 422 {
			t.Fatalf("reject without reason: %d %s", resp.StatusCode, body)
		}
		if resp, body := env.do(t, "POST", decide, cw, `{"status": "confirmed"}`); resp.StatusCode != 404 {
			t.Fatalf("caseworker deciding out of scope: %d %s", resp.StatusCode, body)
		}
		resp, body = env.do(t, "POST", decide, admin, `{"status": "confirmed"}`)
		if resp.StatusCode != 200 {
			t.Fatalf("confirm: %d %s", resp.StatusCode, body)
		}
		if resp, body := env.do(t, "POST", decide, admin, `{"status": "confirmed"}`); resp.StatusCode != 409 {
			t.Fatalf("confirm twice: %d %s", resp.StatusCode, body)
		}
		resp, body = env.do(t, "GET", fmt.Sprintf("/api/v1/tracing/requests/%d", v.Request.ID), admin, "")
		if resp.StatusCode != 200 {
			t.Fatalf("get request: %d %s", resp.StatusCode, body)
		}
		v = requests.View{}
		decodeInto(t, body, &v)
		if v.Request.Status != requests.StatusMatched || len(v.Links) != 1 || v.Links[0].CaseID != jose {
			t.Fatalf("after confirm: %s", body)
		}
		resp, body = env.do(t, "POST", fmt.Sprintf("/api/v1/tracing/links/%d/sponsor", v.Links[0].ID), admin, "")
		var sp release.Sponsor
		decodeInto(t, body, &sp)
		if resp.StatusCode != 201 || sp.CaseID != jose || sp.Category != release.Category2B {
			t.Fatalf("make sponsor: %d %s", resp.StatusCode, body)
		}

		resp, body = env.do(t, "GET", "/api/v1/tracing/requests?status=matched", admin, "")
		var list struct{ Requests []requests.Request }
		decodeInto(t, body, &list)
		if resp.StatusCode != 200 || len(list.Requests) != 1 {
			t.Fatalf("list: %d %s", resp.StatusCode, body)
		}

		// The same boy recorded again, accents lost: a possible duplicate.
		again := tracingCases(t, db, "admin@example.org", [5]string{"Jose", "Lopez", "Perez", "M", "2010-05-14"})["Jose Lopez"]
		resp, body = env.do(t, "GET", fmt.Sprintf("/api/v1/cases/%d/possible-duplicates", again), admin, "")
		hits = tracingHits{}
		decodeInto(t, body, &hits)
		if resp.StatusCode != 200 || len(hits.Candidates) != 1 || hits.Candidates[0].CaseID != jose {
			t.Fatalf("duplicates: %d %s", resp.StatusCode, body)
		}

		// Every search was audited: three that ran, none for the refused
		// or invalid ones.
		resp, body = env.do(t, "GET", "/api/v1/audit?action=tracing.search", env.tokens[auth.RoleAuditor], "")
		var entries struct{ Entries []audit.Entry }
		decodeInto(t, body, &entries)
		if resp.StatusCode != 200 || len(entries.Entries) != 3 {
			t.Fatalf("tracing.search audit rows: %d %s", resp.StatusCode, body)
		}
		for _, e := range entries.Entries {
			if strings.Contains(e.Detail, "Pepe") || strings.Contains(e.Detail, "Lopez") {
				t.Fatalf("audit detail holds a name: %q", e.Detail)
			}
		}
	})
}

var tracingUntranslated = regexp.MustCompile(`\btracing\.[a-z_]+\.?[a-z_]*`)

// TestTracingPages renders every tracing page in both languages and walks
// the form flow: record a request, reject a candidate without a reason
// (refused), confirm it.
func TestTracingPages(t *testing.T) {
	db := storetest.OpenSQLite(t)
	env := newTestEnv(t, db)
	ids := tracingCases(t, db, "admin@example.org", tracingCrowd...)
	jose := ids["José López"]
	admin := env.tokens[auth.RoleAdmin]
	post := func(path string, form url.Values) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest("POST", env.ts.URL+path, strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+admin)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}

	// An incomplete form comes back with the problems, in 422.
	resp, body := post("/tracing/requests", url.Values{"sought.given_names": {"Pepe"}})
	if resp.StatusCode != 422 || !strings.Contains(body, "role=\"alert\"") || !strings.Contains(body, `value="Pepe"`) {
		t.Fatalf("incomplete form: %d %s", resp.StatusCode, body)
	}
	resp, _ = post("/tracing/requests", url.Values{"seeker.given_names": {"Rosa"}, "seeker.relationship": {"aunt"}, "seeker.contact": {"+1 555 0100"},
		"sought.given_names": {"Pepe"}, "sought.surname1": {"Lopez"}, "sought.sex": {"M"}, "sought.birth_date": {"2010"}})
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/tracing/requests/") {
		t.Fatalf("create from the form: %d to %q", resp.StatusCode, loc)
	}
	for _, lang := range []string{"en", "es"} {
		for _, p := range []string{"/tracing", "/tracing?status=open", "/tracing/new", loc, "/tracing/search", "/tracing/duplicates", fmt.Sprintf("/tracing/duplicates/%d", jose)} {
			status, body := tracingGetPage(t, env, p, admin, lang)
			if status != 200 {
				t.Fatalf("%s (%s): %d %s", p, lang, status, body)
			}
			if k := tracingUntranslated.FindString(body); k != "" {
				t.Errorf("%s (%s) shows the untranslated key %q", p, lang, k)
			}
		}
	}
	_, page := tracingGetPage(t, env, loc, admin, "en")
	for _, want := range []string{"José López Pérez", "nickname", "<meter", "Confirm: this is the child"} {
		if !strings.Contains(page, want) {
			t.Fatalf("request page lacks %q", want)
		}
	}
	candID := regexp.MustCompile(`action="/tracing/candidates/(\d+)/decision"`).FindStringSubmatch(page)
	if candID == nil {
		t.Fatal("no decision form on the request page")
	}
	reqID := strings.TrimPrefix(loc, "/tracing/requests/")
	resp, body = post("/tracing/candidates/"+candID[1]+"/decision", url.Values{"status": {"rejected"}, "request_id": {reqID}})
	if resp.StatusCode != 422 || !strings.Contains(body, "a reason is required") {
		t.Fatalf("reject without reason: %d", resp.StatusCode)
	}
	resp, _ = post("/tracing/candidates/"+candID[1]+"/decision", url.Values{"status": {"confirmed"}, "request_id": {reqID}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d", resp.StatusCode)
	}
	_, page = tracingGetPage(t, env, loc, admin, "es")
	if !strings.Contains(page, "Vinculada al caso") || !strings.Contains(page, "Crear registro de patrocinador") {
		t.Fatal("the confirmed link is not shown with its sponsor action")
	}
	// The search form posts, so that names stay out of URLs.
	resp, body = post("/tracing/search", url.Values{"given_names": {"Pepe"}, "surname1": {"Lopez"}, "sex": {"M"}, "birth_date": {"2010"}})
	if resp.StatusCode != 200 || !strings.Contains(body, "José López Pérez") || strings.Contains(body, `id="no-candidates"`) ||
		!strings.Contains(body, "Before any field") || !strings.Contains(body, "Total (log-odds of a match)") {
		t.Fatalf("search page: %d %s", resp.StatusCode, body)
	}
	// What a relative knows: an age rather than a birth date. The result
	// says which fields carried the match and names the age.
	born, _ := time.Parse("2006-01-02", "2010-05-14")
	age := fmt.Sprintf("about %d", ageOn(born, time.Now()))
	resp, body = post("/tracing/search", url.Values{"given_names": {"Pepe"}, "surname1": {"Lopez"}, "age": {age}})
	if resp.StatusCode != 200 || !strings.Contains(body, "José López Pérez") || !strings.Contains(body, "Matched mainly on:") ||
		!strings.Contains(body, "fits the age given") || !strings.Contains(body, `value="`+age+`"`) {
		t.Fatalf("search by age: %d %s", resp.StatusCode, body)
	}
	// An age that cannot be read is refused beside what was typed.
	resp, body = post("/tracing/search", url.Values{"given_names": {"Pepe"}, "age": {"catorce"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="catorce"`) || !strings.Contains(body, "Age: must be a number of years") {
		t.Fatalf("search with an unreadable age: %d %s", resp.StatusCode, body)
	}
	// Nobody like this on record: the page says so rather than showing nothing.
	resp, body = post("/tracing/search", url.Values{"given_names": {"Xochiquetzal"}, "surname1": {"Zzyzx"}, "sex": {"F"}, "birth_date": {"1990"}})
	if resp.StatusCode != 200 || !strings.Contains(body, "No candidates among the cases you may see.") {
		t.Fatalf("search without candidates: %d %s", resp.StatusCode, body)
	}
}

// TestTracingLoading: while the matcher is being built, tracing pages and
// calls are told to come back (503 with Retry-After) rather than left
// hanging; pages that need no matcher are served; once it is built, all is.
func TestTracingLoading(t *testing.T) {
	db := storetest.OpenSQLite(t)
	defer func(d time.Duration) { tracingWait = d }(tracingWait)
	tracingWait = 10 * time.Millisecond
	gate := make(chan struct{})
	runner := requests.Start(context.Background(), db, requests.RunnerOptions{
		MatcherOptions: requests.MatcherOptions{Logger: discardLogger()}, Gate: gate})
	env := newTestEnvWith(t, db, Services{Tracing: runner})
	tok := env.tokens[auth.RoleAdmin]
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/api/v1/tracing/search", `{"given_names": "Pepe"}`},
		{"POST", "/api/v1/tracing/requests", `{}`},
		{"GET", "/api/v1/tracing/requests", ""},
		{"GET", "/api/v1/tracing/requests/1", ""},
		{"POST", "/api/v1/tracing/candidates/1/decision", `{"status": "confirmed"}`},
		{"GET", "/api/v1/cases/1/possible-duplicates", ""},
		{"GET", "/tracing", ""},
		{"GET", "/tracing/duplicates/1", ""},
	} {
		resp, body := env.do(t, c.method, c.path, tok, c.body)
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "30" || !strings.Contains(string(body), "tracing_loading") {
			t.Errorf("%s %s while loading: %d, Retry-After %q: %s", c.method, c.path, resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
	}
	if resp, body := env.do(t, "GET", "/tracing/new", tok, ""); resp.StatusCode != http.StatusOK {
		t.Errorf("the request form needs no matcher: %d %s", resp.StatusCode, body)
	}
	close(gate)
	if _, err := runner.Service(context.Background(), 30*time.Second); err != nil {
		t.Fatal(err)
	}
	env.call(t, "POST", "/api/v1/tracing/search", auth.RoleAdmin, `{"given_names": "Pepe"}`, http.StatusOK)
	env.call(t, "GET", "/api/v1/tracing/requests", auth.RoleAdmin, "", http.StatusOK)
}

// TestTracingServerClose: Server.Close stops the matcher's sync loop and
// returns once its goroutine has; closing again is harmless.
func TestTracingServerClose(t *testing.T) {
	db := storetest.OpenSQLite(t)
	svc := testServices(t, db)
	srv, err := New(db, svc, Options{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Tracing.Service(context.Background(), 30*time.Second); err != nil {
		t.Fatal(err) // built: the sync loop runs
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-svc.Tracing.Done():
	default:
		t.Fatal("the matcher's goroutine is still running after Server.Close")
	}
	if err := srv.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := svc.Tracing.Close(); err != nil {
		t.Fatalf("the runner's own Close after the server's: %v", err)
	}
}

// tracingGetPage fetches a page with an API token in a language.
func tracingGetPage(t *testing.T, env *testEnv, path, token, lang string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", env.ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.AddCookie(&http.Cookie{Name: "lang", Value: lang})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
