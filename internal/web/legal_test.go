package web

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/legal"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// legalPlacedChild records and places a girl through the API, returning
// the case id.
func legalPlacedChild(t *testing.T, env *testEnv, facID int64, name string) int64 {
	t.Helper()
	enc := time.Now().UTC().Add(-5 * time.Hour).Format(time.RFC3339)
	c := env.call(t, "POST", "/api/v1/cases", auth.RoleAdmin, `{"given_names":"`+name+`","surname1":"Tiul","sex":"F","birth_date":"2011-02-02","languages":["Mam"],"encountered_at":"`+enc+`"}`, 201)
	id := int64(c["id"].(float64))
	base := fmt.Sprintf("/api/v1/cases/%d", id)
	env.call(t, "POST", base+"/transitions", auth.RoleAdmin, `{"state":"in_border_custody"}`, 200)
	env.call(t, "POST", base+"/transitions", auth.RoleAdmin, `{"state":"referred"}`, 200)
	env.call(t, "POST", base+"/placements", auth.RoleAdmin, fmt.Sprintf(`{"facility_id":%d}`, facID), 200)
	return id
}

func legalAnswersJSON(yes ...string) string {
	parts := []string{}
	for _, q := range legal.Questions {
		a := "no"
		for _, y := range yes {
			if y == q.Key {
				a = "yes"
			}
		}
		parts = append(parts, fmt.Sprintf("%q:%q", q.Key, a))
	}
	return `{"answers":{` + strings.Join(parts, ",") + `}}`
}

// TestLegalAPIFlow: screen (the clock is met), refuse bad input, match,
// refer, decline (back in the queue), refer again, accept; a legal
// account sees only its organisation's queue.
func TestLegalAPIFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		fac := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa Alba","type":"shelter","tz":"America/Chicago","city":"San Antonio","us_state":"TX","beds":[{"sex":"F","age_band":"13-17","capacity":5}]}`, 201)
		facID := int64(fac["id"].(float64))
		id := legalPlacedChild(t, env, facID, "Ana")
		plain := legalPlacedChild(t, env, facID, "Rosa")
		base := fmt.Sprintf("/api/v1/cases/%d", id)

		if s := env.call(t, "GET", base+"/screening", auth.RoleAdmin, "", 200); s["screened_at"] != nil {
			t.Fatalf("unscreened: %v", s)
		}
		env.call(t, "GET", base+"/screening", auth.RolePublic, "", 403)
		env.call(t, "GET", "/api/v1/cases/999999/screening", auth.RoleAdmin, "", 404)
		env.call(t, "PUT", base+"/screening", auth.RoleIntake, legalAnswersJSON(), 403)
		bad := env.call(t, "PUT", base+"/screening", auth.RoleAdmin, `{"answers":{"fear_return":"maybe"}}`, 422)
		if !strings.Contains(fmt.Sprint(bad), "answers.fear_return") {
			t.Fatalf("422 without the field: %v", bad)
		}
		s := env.call(t, "PUT", base+"/screening", auth.RoleAdmin, legalAnswersJSON("fear_return", "gang_threat"), 200)
		if s["deadline_met"] != true || !strings.Contains(fmt.Sprint(s["flags"]), "gang_threat") {
			t.Fatalf("saved: %v", s)
		}
		env.call(t, "PUT", fmt.Sprintf("/api/v1/cases/%d/screening", plain), auth.RoleAdmin, legalAnswersJSON(), 200)

		env.call(t, "POST", "/api/v1/legal/providers", auth.RoleCaseworker, `{"organisation":"X","capacity":1}`, 403)
		env.call(t, "POST", "/api/v1/legal/providers", auth.RoleAdmin, `{"organisation":"","capacity":0,"states":["Texas"],"specialties":["visa"]}`, 422)
		p := env.call(t, "POST", "/api/v1/legal/providers", auth.RoleAdmin, `{"organisation":"Kids Law","attorneys":["R. Pérez"],"languages":["Spanish","Mam","K'iche'","Q'anjob'al"],"states":["TX"],"counties":["TX: Bexar"],"specialties":["asylum","sijs"],"capacity":3}`, 201)
		pid := int64(p["id"].(float64))
		env.call(t, "POST", fmt.Sprintf("/api/v1/legal/providers/%d/users", pid), auth.RoleAdmin, `{"email":"legal@example.org"}`, 200)
		var ps []map[string]any
		_, b := env.do(t, "GET", "/api/v1/legal/providers", env.tokens[auth.RoleCaseworker], "")
		decodeInto(t, b, &ps)
		if len(ps) != 1 {
			t.Fatalf("providers: %s", b)
		}

		_, b = env.do(t, "GET", base+"/counsel-matches", env.tokens[auth.RoleAdmin], "")
		if !strings.Contains(string(b), "speaks Mam") || !strings.Contains(string(b), "handles asylum") {
			t.Fatalf("matches: %s", b)
		}
		// Bad referrals change nothing.
		env.call(t, "POST", fmt.Sprintf("/api/v1/cases/%d/referrals", plain), auth.RoleAdmin, fmt.Sprintf(`{"provider_id":%d}`, pid), 409)
		env.call(t, "POST", base+"/referrals", auth.RoleAdmin, `{"provider_id":9999}`, 422)
		env.call(t, "POST", "/api/v1/cases/999999/referrals", auth.RoleAdmin, fmt.Sprintf(`{"provider_id":%d}`, pid), 404)
		env.call(t, "POST", base+"/referrals", auth.RoleLegal, fmt.Sprintf(`{"provider_id":%d}`, pid), 403)

		var q []map[string]any
		_, b = env.do(t, "GET", "/api/v1/legal/queue", env.tokens[auth.RoleAdmin], "")
		decodeInto(t, b, &q)
		if len(q) != 1 || int64(q[0]["case_id"].(float64)) != id || q[0]["days_waiting"] != float64(0) {
			t.Fatalf("queue: %s", b)
		}
		_, b = env.do(t, "GET", "/api/v1/legal/queue", env.tokens[auth.RoleLegal], "")
		if strings.TrimSpace(string(b)) != "[]" {
			t.Fatalf("legal queue before referral: %s", b)
		}

		r := env.call(t, "POST", base+"/referrals", auth.RoleAdmin, fmt.Sprintf(`{"provider_id":%d}`, pid), 201)
		rid := int64(r["id"].(float64))
		_, b = env.do(t, "GET", "/api/v1/legal/queue", env.tokens[auth.RoleLegal], "")
		if !strings.Contains(string(b), `"pending_with": "Kids Law"`) {
			t.Fatalf("legal queue after referral: %s", b)
		}
		env.call(t, "POST", fmt.Sprintf("/api/v1/referrals/%d/decline", rid), auth.RoleLegal, `{"reason":""}`, 422)
		env.call(t, "POST", fmt.Sprintf("/api/v1/referrals/%d/decline", rid), auth.RoleCaseworker, `{"reason":"x"}`, 403)
		env.call(t, "POST", fmt.Sprintf("/api/v1/referrals/%d/decline", rid), auth.RoleLegal, `{"reason":"no Mam interpreter this month"}`, 200)
		env.call(t, "POST", "/api/v1/referrals/999999/accept", auth.RoleLegal, "", 404)
		if got := env.call(t, "POST", "/api/v1/legal/providers/"+fmt.Sprint(pid)+"/users", auth.RoleAdmin, `{"email":"legal@example.org"}`, 200); got["reserved"] != float64(0) {
			t.Fatalf("reserved after decline: %v", got)
		}
		r = env.call(t, "POST", base+"/referrals", auth.RoleAdmin, fmt.Sprintf(`{"provider_id":%d}`, pid), 201)
		rid = int64(r["id"].(float64))
		env.call(t, "POST", fmt.Sprintf("/api/v1/referrals/%d/accept", rid), auth.RoleLegal, "", 200)
		env.call(t, "POST", fmt.Sprintf("/api/v1/referrals/%d/accept", rid), auth.RoleLegal, "", 409)
		_, b = env.do(t, "GET", "/api/v1/legal/queue", env.tokens[auth.RoleAdmin], "")
		if strings.TrimSpace(string(b)) != "[]" {
			t.Fatalf("queue after acceptance: %s", b)
		}

		// Court: a hearing needs the notice to appear, and not before it.
		nta := time.Now().UTC().AddDate(0, 0, -20)
		env.call(t, "POST", base+"/hearings", auth.RoleAdmin, `{"at":"`+nta.Add(48*time.Hour).Format(time.RFC3339)+`","kind":"master"}`, 409)
		env.call(t, "PUT", base+"/court", auth.RoleIntake, `{"nta_date":"`+nta.Format(time.DateOnly)+`"}`, 403)
		env.call(t, "PUT", base+"/court", auth.RoleAdmin, `{"nta_date":"`+nta.Format(time.DateOnly)+`"}`, 200)
		env.call(t, "POST", base+"/hearings", auth.RoleAdmin, `{"at":"`+nta.AddDate(0, 0, -3).Format(time.RFC3339)+`","kind":"master"}`, 422)
		hr := env.call(t, "POST", base+"/hearings", auth.RoleLegal, `{"at":"`+nta.AddDate(0, 0, 5).Format(time.RFC3339)+`","kind":"master","outcome":"missed"}`, 404) // outside the legal account's case scope
		_ = hr
		hr = env.call(t, "POST", base+"/hearings", auth.RoleAdmin, `{"at":"`+nta.AddDate(0, 0, 5).Format(time.RFC3339)+`","kind":"master","outcome":"missed"}`, 201)
		if !strings.Contains(fmt.Sprint(hr["risk"]), "in absentia") {
			t.Fatalf("missed hearing without its risk: %v", hr)
		}
		pr := env.call(t, "GET", base+"/hearings", auth.RoleAdmin, "", 200)
		if hs := pr["hearings"].([]any); len(hs) != 1 {
			t.Fatalf("hearings: %v", pr)
		}
	})
}

// TestLegalScreeningPage: the page says flags are advice, a refused form
// comes back with what was typed and the problem beside its question,
// and Spanish is served.
func TestLegalScreeningPage(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	fac := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa","type":"shelter","tz":"America/Chicago","us_state":"TX","beds":[{"sex":"F","age_band":"13-17","capacity":5}]}`, 201)
	id := legalPlacedChild(t, env, int64(fac["id"].(float64)), "Ana")
	c := browser(t)
	u := env.ts.URL
	tok := getCSRF(t, c, u+"/login")
	resp, err := c.PostForm(u+"/login", url.Values{"email": {"admin@example.org"}, "password": {testPassword}, "csrf_token": {tok}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	page := fmt.Sprintf("%s/cases/%d/screening", u, id)
	tok = getCSRF(t, c, page)
	form := url.Values{"csrf_token": {tok}, "answers.fear_return": {"yes"}, "answers.gang_threat": {"yes"}, "notes": {"met at the shelter"}}
	resp, err = c.PostForm(page, form)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := string(b)
	if resp.StatusCode != 422 || !strings.Contains(body, "met at the shelter") || !strings.Contains(body, `value="yes" checked`) ||
		!strings.Contains(body, "answer yes, no or unsure") || !strings.Contains(body, "advice for an attorney") {
		t.Fatalf("refused form: %d\n%s", resp.StatusCode, body)
	}
	for _, q := range legal.Questions {
		form.Set("answers."+q.Key, "no")
	}
	form.Set("answers.fear_return", "yes")
	form.Set("answers.gang_threat", "yes")
	resp, err = c.PostForm(page, form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	resp, err = c.Get(u + "/lang/es")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = c.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "Asilo") || !strings.Contains(string(b), "amenazas o reclutamiento de pandillas") {
		t.Fatalf("Spanish page: %s", b)
	}
	// The problems beside the fields of a refused form are in Spanish too.
	for _, c := range []struct {
		path      string
		form      url.Values
		want, not string
	}{
		{"screening", url.Values{"answers.fear_return": {"yes"}}, "responda sí, no o no se sabe", "answer yes, no or unsure"},
		{"screening", url.Values{"answers.fear_return": {"zz"}}, "no es una respuesta", "is not an answer"},
		{"hearings", url.Values{"at": {"tomorrow"}, "kind": {"master"}}, "una fecha y una hora", "a date and time"},
		// A time that does not parse is shown with the other problems, not alone.
		{"hearings", url.Values{"at": {"tomorrow"}, "kind": {"zz"}}, "una fecha y una hora", "a date and time"},
		{"hearings", url.Values{"at": {"tomorrow"}, "kind": {"zz"}}, "master (preliminar) o merits (de fondo)", "master or merits"},
		{"court", url.Values{"nta_date": {"2020-01-01"}, "court": {"Nowhere"}}, "no es una corte de inmigración de la lista", "is not an immigration court"},
	} {
		resp, body := env.uxPost(t, auth.RoleAdmin, "es", fmt.Sprintf("/cases/%d/%s", id, c.path), c.form)
		if resp.StatusCode != 422 || !strings.Contains(body, c.want) || strings.Contains(body, c.not) {
			t.Errorf("refused %s %v in Spanish: %d, want %q, not %q", c.path, c.form, resp.StatusCode, c.want, c.not)
		}
	}
	// A refused court form comes back with what was typed.
	tok = getCSRF(t, c, page)
	resp, err = c.PostForm(fmt.Sprintf("%s/cases/%d/hearings", u, id), url.Values{"csrf_token": {tok}, "at": {"2020-01-02T09:00"}, "kind": {"merits"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 409 || !strings.Contains(string(b), "no tiene notificación de comparecencia registrada") ||
		!strings.Contains(string(b), `id="legal-court-refused"`) || !strings.Contains(string(b), `value="2020-01-02T09:00"`) || !strings.Contains(string(b), `value="merits" selected`) {
		t.Fatalf("hearing without an NTA from the page: %d %s", resp.StatusCode, b)
	}
	resp, err = c.PostForm(fmt.Sprintf("%s/cases/%d/court", u, id), url.Values{"csrf_token": {tok}, "nta_date": {"2999-01-01"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 422 || !strings.Contains(string(b), `value="2999-01-01"`) || !strings.Contains(string(b), "lleva la fecha en que se entregó, no una futura") {
		t.Fatalf("refused NTA form: %d %s", resp.StatusCode, b)
	}
	// A hearing in 3 days of a child without counsel is on the board.
	env.call(t, "PUT", fmt.Sprintf("/api/v1/cases/%d/court", id), auth.RoleAdmin, `{"nta_date":"`+time.Now().UTC().AddDate(0, 0, -3).Format(time.DateOnly)+`"}`, 200)
	env.call(t, "POST", fmt.Sprintf("/api/v1/cases/%d/hearings", id), auth.RoleAdmin, `{"at":"`+time.Now().UTC().AddDate(0, 0, 3).Format(time.RFC3339)+`","kind":"master"}`, 201)
	resp, err = c.Get(u + "/board")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `id="board-upcoming"`) || !strings.Contains(string(b), "Audiencia en la corte") {
		t.Fatalf("board without the hearing: %s", b)
	}
	resp, err = c.Get(u + "/legal/queue.csv")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(string(b), "case_id,name,reliefs") || !strings.Contains(string(b), "Ana Tiul,asylum") {
		t.Fatalf("queue CSV: %d %s", resp.StatusCode, b)
	}
	resp, err = c.Get(u + "/legal")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "Ana Tiul") {
		t.Fatalf("queue page: %d %s", resp.StatusCode, b)
	}
}

// TestFollowUpAPI: a follow-up on a child not released is refused; after
// a supervisor's approval the schedule is there, three failed calls put
// the child on the lost-contact board, a call that reaches them takes
// them off.
func TestFollowUpAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		fac := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa","type":"shelter","tz":"America/Chicago","us_state":"TX","beds":[{"sex":"F","age_band":"13-17","capacity":5}]}`, 201)
		facID := int64(fac["id"].(float64))
		id := legalPlacedChild(t, env, facID, "Ana")
		base := fmt.Sprintf("/api/v1/cases/%d", id)
		env.call(t, "POST", base+"/followups", auth.RoleAdmin, `{"outcome":"not_reached"}`, 409)
		sp := env.call(t, "POST", "/api/v1/sponsors", auth.RoleAdmin, fmt.Sprintf(`{"case_id":%d,"given_names":"Rosa","surnames":"Tiul","relationship":"parent","us_state":"TX"}`, id), 201)
		spID := int64(sp["id"].(float64))
		for _, st := range []string{"identity_proof", "relationship_proof", "public_records_check", "sex_offender_registry_check"} {
			env.call(t, "POST", fmt.Sprintf("/api/v1/sponsors/%d/vetting", spID), auth.RoleAdmin, `{"step":"`+st+`","result":"passed","notes":"document on file"}`, 200)
		}
		rel := env.call(t, "POST", base+"/releases", auth.RoleAdmin, fmt.Sprintf(`{"sponsor_id":%d}`, spID), 201)
		// The admin requested: another admin-side person approves (the
		// supervisor needs the facility to see the case).
		op := auth.OperatorContext(context.Background(), "test")
		u, err := auth.NewService(db).UserByEmail(op, "supervisor@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if err := facilities.New(db, nil).AssignFacility(op, u.ID, facID); err != nil {
			t.Fatal(err)
		}
		env.call(t, "POST", fmt.Sprintf("%s/releases/%d/approve", base, int64(rel["id"].(float64))), auth.RoleSupervisor, "", 200)
		fu := env.call(t, "GET", base+"/followups", auth.RoleAdmin, "", 200)
		if calls := fu["calls"].([]any); len(calls) != 1 {
			t.Fatalf("schedule: %v", fu)
		}
		// The released child's page leads to the follow-up calls.
		if _, page := env.do(t, "GET", fmt.Sprintf("/cases/%d", id), env.tokens[auth.RoleSupervisor], ""); !strings.Contains(string(page), fmt.Sprintf(`href="/cases/%d/followups" id="followups-link"`, id)) {
			t.Errorf("no link to the follow-up calls on the released case's page")
		}
		// Post-release services recorded after release add the monthly calls.
		prs := fmt.Sprintf("%s/releases/%d/post-release-services", base, int64(rel["id"].(float64)))
		env.call(t, "PUT", prs, auth.RoleCaseworker, `{"post_release_services":true}`, 404) // not the caseworker's facility
		env.call(t, "PUT", prs, auth.RoleAdmin, `{}`, 422)
		env.call(t, "PUT", prs, auth.RoleLegal, `{"post_release_services":true}`, 403)
		if got := env.call(t, "PUT", prs, auth.RoleAdmin, `{"post_release_services":true}`, 200); got["post_release_services"] != true {
			t.Fatalf("services: %v", got)
		}
		env.call(t, "PUT", prs, auth.RoleAdmin, `{"post_release_services":false}`, 409)
		if fu = env.call(t, "GET", base+"/followups", auth.RoleAdmin, "", 200); len(fu["calls"].([]any)) != 3 {
			t.Fatalf("schedule with services: %v", fu)
		}
		env.call(t, "GET", base+"/followups", auth.RoleLegal, "", 403)
		env.call(t, "POST", base+"/followups", auth.RoleAdmin, `{"outcome":"concern"}`, 422)
		for range 3 {
			env.call(t, "POST", base+"/followups", auth.RoleSupervisor, `{"outcome":"not_reached"}`, 201)
		}
		_, b := env.do(t, "GET", "/api/v1/followups/lost-contact", env.tokens[auth.RoleAdmin], "")
		if !strings.Contains(string(b), fmt.Sprintf(`"case_id": %d`, id)) || !strings.Contains(string(b), `"category": "1"`) {
			t.Fatalf("lost-contact board: %s", b)
		}
		resp, cb := env.do(t, "GET", "/followups/lost-contact-counts.csv", env.tokens[auth.RoleAdmin], "")
		month := time.Now().UTC().Format("2006-01")
		if resp.StatusCode != 200 || !strings.Contains(string(cb), "sponsor_category,1,1") || !strings.Contains(string(cb), "release_month,"+month+",1") {
			t.Fatalf("counts CSV: %d %s", resp.StatusCode, cb)
		}
		if resp, cb = env.do(t, "GET", "/followups/lost-contact.csv", env.tokens[auth.RoleAdmin], ""); !strings.Contains(string(cb), ","+month+",1,true,") {
			t.Fatalf("lost-contact CSV: %d %s", resp.StatusCode, cb)
		}
		resp, pg := env.do(t, "GET", "/followups/lost-contact", env.tokens[auth.RoleAdmin], "")
		if resp.StatusCode != 200 || !strings.Contains(string(pg), `id="lost-by-category"`) {
			t.Fatalf("lost-contact page: %d %s", resp.StatusCode, pg)
		}
		got := env.call(t, "POST", base+"/followups", auth.RoleAdmin, `{"outcome":"reached","safe":true,"in_school":true,"knows_court_date":false}`, 201)
		if got["contact_lost"] != false || got["step"].(map[string]any)["found"] != true {
			t.Fatalf("found again: %v", got)
		}
		// The page: a refused call comes back with what was typed.
		c := browser(t)
		tok := getCSRF(t, c, env.ts.URL+"/login")
		resp, err = c.PostForm(env.ts.URL+"/login", url.Values{"email": {"admin@example.org"}, "password": {testPassword}, "csrf_token": {tok}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		page := fmt.Sprintf("%s/cases/%d/followups", env.ts.URL, id)
		tok = getCSRF(t, c, page)
		resp, err = c.PostForm(page, url.Values{"csrf_token": {tok}, "outcome": {"concern"}, "safe": {"no"}})
		if err != nil {
			t.Fatal(err)
		}
		pb, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 422 || !strings.Contains(string(pb), `value="concern" selected`) || !strings.Contains(string(pb), `id="followup-notes-error">Say what the concern is`) {
			t.Fatalf("refused call form: %d %s", resp.StatusCode, pb)
		}
		resp, err = c.Get(env.ts.URL + "/followups/lost-contact")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("lost-contact page: %d", resp.StatusCode)
		}
		lost := env.call(t, "GET", "/api/v1/followups/lost-contact", auth.RoleAdmin, "", 200)
		if l := lost["lost"].([]any); len(l) != 0 {
			t.Fatalf("still lost: %v", lost)
		}
	})
}

// TestUnrepresentedChartPage: the queue page draws the chart of flagged
// children without counsel (server-side SVG) and states its source; the
// API gives the same numbers.
func TestUnrepresentedChartPage(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	fac := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa","type":"shelter","tz":"America/Chicago","us_state":"TX","beds":[{"sex":"F","age_band":"13-17","capacity":5}]}`, 201)
	id := legalPlacedChild(t, env, int64(fac["id"].(float64)), "Ana")
	env.call(t, "PUT", fmt.Sprintf("/api/v1/cases/%d/screening", id), auth.RoleAdmin, legalAnswersJSON("forced_work"), 200)
	got := env.call(t, "GET", "/api/v1/legal/unrepresented", auth.RoleAdmin, "", 200)
	if got["now"] != float64(1) || len(got["weeks"].([]any)) != 26 {
		t.Fatalf("chart data: %v", got)
	}
	resp, body := env.do(t, "GET", "/legal", env.tokens[auth.RoleAdmin], "")
	page := string(body)
	if resp.StatusCode != 200 || !strings.Contains(page, `<svg class="chart" id="unrepresented-weeks"`) || !strings.Contains(page, `id="unrepresented-countries"`) ||
		!strings.Contains(page, `id="unrepresented-source"`) {
		t.Fatalf("queue page: %d %s", resp.StatusCode, page)
	}
	st := env.call(t, "GET", "/api/v1/legal/stats", auth.RolePublic, "", 200)
	if _, ok := st["reintegrations"]; !ok {
		t.Fatalf("stats: %v", st)
	}
}
