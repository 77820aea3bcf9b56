package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
	"github.com/amparo-project/amparo/internal/tracing/requests"
)

// cwTracingRequest records, as admin, a relative asking for Ana Tiul
// (cwPlaced's child), and returns the request and its candidate for
// caseID.
func cwTracingRequest(t *testing.T, env *testEnv, caseID int64, given, rel string) (reqID, candID int64) {
	t.Helper()
	body := fmt.Sprintf(`{"seeker": {"given_names": %q, "surnames": "Caal", "relationship": %q, "contact": "+502 5555 0100"},
		"sought": {"given_names": "Ana", "surname1": "Tiul", "sex": "F", "birth_date": "2012-02-02"}}`, given, rel)
	resp, b := env.do(t, "POST", "/api/v1/tracing/requests", env.tokens[auth.RoleAdmin], body)
	if resp.StatusCode != 201 {
		t.Fatalf("tracing request: %d %s", resp.StatusCode, b)
	}
	var v requests.View
	decodeInto(t, b, &v)
	for _, c := range v.Candidates {
		if c.CaseID == caseID {
			return v.Request.ID, c.ID
		}
	}
	t.Fatalf("case %d is not a candidate: %s", caseID, b)
	return 0, 0
}

// TestCaseTracingSection: the relatives tracing confirmed appear on the
// child's page (linked to the tracing record, in the table of contents)
// with the count of matches waiting, in English and Spanish, and in the
// API; scope and permission are those of the service.
func TestCaseTracingSection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		caseID, _ := cwPlaced(t, env, "Casa Alba")
		aunt, cand := cwTracingRequest(t, env, caseID, "Lucía", "aunt")
		env.call(t, "POST", fmt.Sprintf("/api/v1/tracing/candidates/%d/decision", cand), auth.RoleAdmin, `{"status": "confirmed"}`, 200)
		grand, grandCand := cwTracingRequest(t, env, caseID, "Tomás", "grandparent")

		path := fmt.Sprintf("/api/v1/cases/%d/tracing", caseID)
		resp, b := env.do(t, "GET", path, env.tokens[auth.RoleCaseworker], "")
		var links requests.CaseLinks
		if resp.StatusCode != 200 || json.Unmarshal(b, &links) != nil {
			t.Fatalf("case links: %d %s", resp.StatusCode, b)
		}
		if len(links.Confirmed) != 1 || links.Confirmed[0].GivenNames != "Lucía" || links.Confirmed[0].Relationship != "aunt" || links.Confirmed[0].RequestID != aunt {
			t.Errorf("confirmed: %+v", links.Confirmed)
		}
		if len(links.Pending) != 1 || links.Pending[0].RequestID != grand || links.Pending[0].CandidateID != grandCand {
			t.Errorf("pending: %+v", links.Pending)
		}
		for _, tt := range []struct {
			role auth.Role
			want int
		}{
			{auth.RoleLegal, 403},      // no tracing
			{auth.RolePublic, 403},     // no tracing
			{auth.RoleIntake, 404},     // did not record this child
			{auth.RoleSupervisor, 403}, // reads the case, not tracing
		} {
			if resp, b := env.do(t, "GET", path, env.tokens[tt.role], ""); resp.StatusCode != tt.want {
				t.Errorf("%s: %d %s, want %d", tt.role, resp.StatusCode, b, tt.want)
			}
		}
		env.call(t, "GET", "/api/v1/cases/999999/tracing", auth.RoleAdmin, "", 404)

		page := fmt.Sprintf("/cases/%d", caseID)
		for _, tt := range []struct{ lang, pending, rel string }{
			{"en", "Matches waiting for a decision: 1.", "aunt"},
			{"es", "Coincidencias pendientes de decisión: 1.", "tía"},
		} {
			status, body := tracingGetPage(t, env, page, env.tokens[auth.RoleCaseworker], tt.lang)
			if status != 200 {
				t.Fatalf("%s: %d", tt.lang, status)
			}
			for _, want := range []string{`id="tracing"`, `<a href="#tracing">`, fmt.Sprintf(`<a href="/tracing/requests/%d">Lucía Caal</a>`, aunt),
				tt.rel, tt.pending, fmt.Sprintf(`href="/tracing/requests/%d#candidate-%d"`, grand, grandCand)} {
				if !strings.Contains(body, want) {
					t.Errorf("%s: the case page lacks %q", tt.lang, want)
				}
			}
		}
		if _, body := tracingGetPage(t, env, page, env.tokens[auth.RoleSupervisor], "en"); strings.Contains(body, `id="tracing"`) || strings.Contains(body, `href="#tracing"`) {
			t.Error("the supervisor, who does not read tracing, is shown the section")
		}
	})
}

// TestReleasedCaseTracing: once the child is released, the tracing record
// offers no sponsor record, the server refuses one with a 409 re-shown on
// the page in the reader's language (API too) and writes nothing, and a
// match waiting for a decision warns of the release, naming the category.
func TestReleasedCaseTracing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		caseID, relID := cwRequested(t, env, auth.RoleCaseworker, "Casa Alba")
		aunt, cand := cwTracingRequest(t, env, caseID, "Lucía", "aunt")
		env.call(t, "POST", fmt.Sprintf("/api/v1/tracing/candidates/%d/decision", cand), auth.RoleAdmin, `{"status": "confirmed"}`, 200)
		var v requests.View
		_, b := env.do(t, "GET", fmt.Sprintf("/api/v1/tracing/requests/%d", aunt), env.tokens[auth.RoleAdmin], "")
		decodeInto(t, b, &v)
		if len(v.Links) != 1 {
			t.Fatalf("links: %s", b)
		}
		link := v.Links[0].ID
		grand, grandCand := cwTracingRequest(t, env, caseID, "Tomás", "grandparent")
		auntPage, grandPage := fmt.Sprintf("/tracing/requests/%d", aunt), fmt.Sprintf("/tracing/requests/%d", grand)
		sponsorForm := fmt.Sprintf(`action="/tracing/links/%d/sponsor"`, link)
		warning := fmt.Sprintf(`id="released-warning-%d"`, grandCand)

		// In custody: the sponsor record is offered, no warning.
		if _, body := tracingGetPage(t, env, auntPage, env.tokens[auth.RoleCaseworker], "en"); !strings.Contains(body, sponsorForm) {
			t.Fatal("the sponsor record is not offered for a child in custody")
		}
		if _, body := tracingGetPage(t, env, grandPage, env.tokens[auth.RoleCaseworker], "en"); strings.Contains(body, warning) {
			t.Fatal("a release warning for a child in custody")
		}

		env.call(t, "POST", fmt.Sprintf("/api/v1/cases/%d/releases/%d/approve", caseID, relID), auth.RoleSupervisor, "", 200)

		for _, tt := range []struct{ lang, ended, refused, warn string }{
			{"en", "The child has left custody (released)", "No sponsor record was made: the child has left custody (released).", "released to a sponsor of category 1 (parent)"},
			{"es", "El niño o niña ya salió de custodia (entregado", "No se creó la ficha de patrocinador: el niño o niña ya salió de custodia (entregado", "entregado a un patrocinador de categoría 1 (padre o madre)"},
		} {
			_, body := tracingGetPage(t, env, auntPage, env.tokens[auth.RoleCaseworker], tt.lang)
			if strings.Contains(body, sponsorForm) || !strings.Contains(body, fmt.Sprintf(`id="link-ended-%d"`, link)) || !strings.Contains(body, tt.ended) {
				t.Errorf("%s: the released child's link still offers a sponsor record, or does not say why not", tt.lang)
			}
			resp, body := env.uxPost(t, auth.RoleCaseworker, tt.lang, fmt.Sprintf("/tracing/links/%d/sponsor", link), url.Values{"request_id": {fmt.Sprint(aunt)}})
			if resp.StatusCode != 409 || !strings.Contains(body, `id="sponsor-refused"`) || !strings.Contains(body, tt.refused) || !strings.Contains(body, `id="request-status"`) {
				t.Errorf("%s: refused sponsor record: %d, want 409 re-shown on the request page with %q", tt.lang, resp.StatusCode, tt.refused)
			}
			_, body = tracingGetPage(t, env, grandPage, env.tokens[auth.RoleCaseworker], tt.lang)
			if !strings.Contains(body, warning) || !strings.Contains(body, tt.warn) {
				t.Errorf("%s: confirming a match for a released child does not warn with %q", tt.lang, tt.warn)
			}
		}
		if resp, b := env.do(t, "POST", fmt.Sprintf("/api/v1/tracing/links/%d/sponsor", link), env.tokens[auth.RoleCaseworker], ""); resp.StatusCode != 409 {
			t.Errorf("API sponsor record for a released child: %d %s, want 409", resp.StatusCode, b)
		}
		var n int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM sponsors WHERE case_id = ?`, caseID).Scan(&n); err != nil || n != 1 {
			t.Errorf("sponsors of the case: %d (%v), want only the one released to", n, err)
		}
	})
}

// TestCaseTracingLoading: while the tracing matcher is being built, the
// case page is served at once and its Tracing section says so; the API
// answers 503 with Retry-After.
func TestCaseTracingLoading(t *testing.T) {
	db := storetest.OpenSQLite(t)
	defer func(d time.Duration) { tracingWait = d }(tracingWait)
	tracingWait = 10 * time.Millisecond
	svc := testServices(t, db)
	if err := svc.Tracing.Close(); err != nil {
		t.Fatal(err)
	}
	gate := make(chan struct{})
	svc.Tracing = requests.Start(context.Background(), db, requests.RunnerOptions{
		MatcherOptions: requests.MatcherOptions{Logger: discardLogger(), Cases: svc.Custody}, Release: svc.Release, Gate: gate})
	env := newTestEnvWith(t, db, svc)
	caseID, _ := cwPlaced(t, env, "Casa Alba")
	page := fmt.Sprintf("/cases/%d", caseID)
	for _, lang := range []string{"en", "es"} {
		status, body := tracingGetPage(t, env, page, env.tokens[auth.RoleCaseworker], lang)
		if status != 200 || !strings.Contains(body, `id="tracing-loading"`) {
			t.Errorf("%s: case page while tracing loads: %d, loading note shown: %v", lang, status, strings.Contains(body, `id="tracing-loading"`))
		}
	}
	resp, _ := env.do(t, "GET", fmt.Sprintf("/api/v1/cases/%d/tracing", caseID), env.tokens[auth.RoleCaseworker], "")
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("API while tracing loads: %d", resp.StatusCode)
	}
	close(gate)
	if _, err := svc.Tracing.Service(context.Background(), 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, body := tracingGetPage(t, env, page, env.tokens[auth.RoleCaseworker], "en"); strings.Contains(body, `id="tracing-loading"`) || !strings.Contains(body, `id="tracing-no-relatives"`) {
		t.Error("once built, the section does not show the (empty) links")
	}
}
