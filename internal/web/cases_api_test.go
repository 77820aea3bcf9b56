package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/demo"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestChildrenAPIFlow walks one child from intake to release through the
// API on both engines, with the refusals the issue asks for.
func TestChildrenAPIFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		enc := time.Now().UTC().Add(-5 * time.Hour).Format(time.RFC3339)
		c := env.call(t, "POST", "/api/v1/cases", auth.RoleIntake, `{"given_names":"Ana","surname1":"Tiul","sex":"F","birth_date":"2012-02-02","nationality":"Guatemala","languages":["Spanish","Q'eqchi'"],"encountered_at":"`+enc+`"}`, 201)
		id := int64(c["id"].(float64))
		if c["interpreter_needed"] != nil || c["separated_from_parent"] != nil {
			t.Errorf("unknown answers not null: %v", c)
		}
		base := fmt.Sprintf("/api/v1/cases/%d", id)
		env.call(t, "GET", base, auth.RoleCaseworker, "", 404)
		env.call(t, "GET", base, auth.RolePublic, "", 403)
		e := env.call(t, "POST", base+"/transitions", auth.RoleIntake, `{"state":"released"}`, 409)
		if msg := e["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "in_border_custody") {
			t.Errorf("409 message does not name the allowed states: %s", msg)
		}
		env.call(t, "POST", base+"/transitions", auth.RoleIntake, `{"state":"in_border_custody"}`, 200)
		env.call(t, "POST", base+"/transitions", auth.RoleIntake, `{"state":"referred","reason":"CBP referral"}`, 200)
		env.call(t, "POST", base+"/deadlines/notification", auth.RoleAdmin, `{"note":"portal"}`, 200)

		fac := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa Alba","type":"shelter","tz":"America/Chicago","city":"San Antonio","us_state":"TX","lat":29.4,"lon":-98.5,"languages":["Spanish","Q'eqchi'"],"beds":[{"sex":"F","age_band":"13-17","capacity":3}]}`, 201)
		facID := int64(fac["id"].(float64))
		env.call(t, "POST", "/api/v1/facilities", auth.RoleCaseworker, `{"name":"X","type":"shelter","tz":"UTC"}`, 403)
		recs := env.call(t, "GET", base+"/recommendations", auth.RoleAdmin, "", 200)
		if rs := recs["recommendations"].([]any); len(rs) != 1 || !strings.Contains(fmt.Sprint(rs[0]), "Q'eqchi'") {
			t.Errorf("recommendations %v", recs)
		}
		env.call(t, "POST", base+"/placements", auth.RoleAdmin, fmt.Sprintf(`{"facility_id":%d}`, facID), 200)

		// The caseworker of that facility now sees the child.
		cwCtx := auth.OperatorContext(context.Background(), "test")
		cw, err := auth.NewService(db).UserByEmail(cwCtx, "caseworker@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if err := facilities.New(db, nil).AssignFacility(cwCtx, cw.ID, facID); err != nil {
			t.Fatal(err)
		}
		v := env.call(t, "GET", base, auth.RoleCaseworker, "", 200)
		if v["case"].(map[string]any)["facility_name"] != "Casa Alba" {
			t.Errorf("case view %v", v["case"])
		}
		sp := env.call(t, "POST", "/api/v1/sponsors", auth.RoleCaseworker, fmt.Sprintf(`{"case_id":%d,"given_names":"Rosa","surnames":"Tiul","relationship":"parent","us_state":"CA"}`, id), 201)
		spID := int64(sp["id"].(float64))
		e = env.call(t, "POST", base+"/releases", auth.RoleCaseworker, fmt.Sprintf(`{"sponsor_id":%d}`, spID), 409)
		if msg := e["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "identity_proof") || !strings.Contains(msg, "sex_offender_registry_check") {
			t.Errorf("409 does not name the missing steps: %s", msg)
		}
		for _, st := range []string{"identity_proof", "relationship_proof", "public_records_check", "sex_offender_registry_check"} {
			env.call(t, "POST", fmt.Sprintf("/api/v1/sponsors/%d/vetting", spID), auth.RoleCaseworker, `{"step":"`+st+`","result":"passed","notes":"document on file"}`, 200)
		}
		rel := env.call(t, "POST", base+"/releases", auth.RoleCaseworker, fmt.Sprintf(`{"sponsor_id":%d}`, spID), 201)
		relID := int64(rel["id"].(float64))
		env.call(t, "POST", fmt.Sprintf("%s/releases/%d/approve", base, relID), auth.RoleCaseworker, "", 403)
		done := env.call(t, "POST", fmt.Sprintf("%s/releases/%d/approve", base, relID), auth.RoleAdmin, "", 200)
		if done["status"] != "released" || done["followup_30_at"] == nil {
			t.Errorf("release %v", done)
		}
		v = env.call(t, "GET", base, auth.RoleAdmin, "", 200)
		if v["case"].(map[string]any)["state"] != "released" {
			t.Errorf("state after release: %v", v["case"])
		}
		st := env.call(t, "GET", "/api/v1/cases/stats", auth.RolePublic, "", 200)
		if tot := st["total"].(map[string]any); tot["n"] != nil || tot["shown"] != "<10" {
			t.Errorf("public total not suppressed: %v", st["total"])
		}
		b := env.call(t, "GET", "/api/v1/cases/board", auth.RoleAdmin, "", 200)
		if _, ok := b["items"].([]any); !ok {
			t.Errorf("board %v", b)
		}
		reads, err := audit.List(context.Background(), db, audit.Filter{Action: "case.read", ObjectID: fmt.Sprint(id)})
		if err != nil || len(reads) != 2 {
			t.Errorf("audited reads %d (%v), want 2", len(reads), err)
		}
	})
}

// TestChildrenPagesRender fetches every children page as admin after the
// demo data is loaded, in both languages.
func TestChildrenPagesRender(t *testing.T) {
	db := storetest.OpenSQLite(t)
	env := newTestEnv(t, db)
	ctx := auth.OperatorContext(context.Background(), "test")
	svc := auth.NewService(db)
	admin, _ := svc.UserByEmail(ctx, "admin@example.org")
	cw, _ := svc.UserByEmail(ctx, "caseworker@example.org")
	if err := demo.SeedDemo(ctx, db, facilities.New(db, nil), demo.Options{Cases: 400, Seed: 3, RequesterID: cw.ID, ApproverID: admin.ID, Staff: []int64{cw.ID}}); err != nil {
		t.Fatal(err)
	}
	var caseID, sponsorID int64
	if err := db.QueryRow(ctx, `SELECT c.id, s.id FROM cases c JOIN sponsors s ON s.case_id = c.id WHERE c.state = 'placed' ORDER BY c.id LIMIT 1`).Scan(&caseID, &sponsorID); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "es"} {
		for _, p := range []string{"/cases", "/cases?q=garcia", "/cases/new", fmt.Sprintf("/cases/%d", caseID), "/board", "/facilities", "/facilities/1", fmt.Sprintf("/sponsors/%d", sponsorID), "/cases/stats"} {
			status, body := childGetPage(t, env, p, env.tokens[auth.RoleAdmin], lang)
			if status != 200 {
				t.Fatalf("%s (%s): %d %s", p, lang, status, body)
			}
			for _, m := range untranslated.FindAllStringSubmatch(body, -1) {
				if k := m[1]; !strings.HasSuffix(k, ".css") && !strings.HasSuffix(k, ".js") {
					t.Errorf("%s (%s) shows the untranslated key %q", p, lang, k)
				}
			}
		}
	}
}

// untranslated finds message keys shown as such (the fallback for a
// missing message); static file names like /static/children.js are not keys.
var untranslated = regexp.MustCompile(`(?:^|[^/\w-])((?:children|cases|board|facilities|sponsors)\.[a-z_.]+)`)

func childGetPage(t *testing.T, env *testEnv, path, token, lang string) (int, string) {
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
