package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// writeAPIRoutes is the table the write-route fuzzer draws from: every
// API route that takes a body (POST, PUT, PATCH, DELETE), each with the
// decoder its handler uses. It is read from the route table itself, so a
// new write route is fuzzed without anyone adding it here.
func writeAPIRoutes(s *Server) []Route {
	var out []Route
	for _, rt := range s.Routes() {
		if strings.HasPrefix(rt.Path, "/api/") && !isSafeMethod(rt.Method) {
			out = append(out, rt)
		}
	}
	return out
}

// issue15Bodies are the malformed inputs of issue 15 (beside
// hygieneBodies): oversized lists and text, half-valid batches, the
// wrong JSON types, a truncated body, an unbalanced CSV quote.
func issue15Bodies() []string {
	many := `"x"` + strings.Repeat(`,"x"`, 4999)
	return []string{
		``, `{}`, `[]`, `null`, `{"`, `{"a":1} trailing`, `[{"type":"x","beds":1},{"beds":-1}]`,
		`{"languages":[` + many + `]}`, `{"medical_flags":[` + many + `]}`, `{"siblings":[1` + strings.Repeat(",1", 2000) + `]}`,
		`{"language":"` + strings.Repeat("a", 70000) + `"}`, `{"given_names":1,"birth_date":[]}`,
		`{"id":1e400}`, `{"case_id":-1,"facility_id":9223372036854775808}`,
		"id,given_names\n1,\"unbalanced", "given_names,surname1\nAna,Ruiz\n",
	}
}

const (
	validFacilityBody = `{"name":"Casa Alba","type":"shelter","tz":"America/Chicago","city":"San Antonio","us_state":"TX","languages":["Spanish"],"beds":[{"sex":"F","age_band":"13-17","capacity":3}]}`
	validSponsorBody  = `{"case_id":1,"given_names":"Rosa","surnames":"Tiul","relationship":"parent","us_state":"CA"}`
)

func validCaseBody() string {
	enc := time.Now().UTC().Add(-5 * time.Hour).Format(time.RFC3339)
	return `{"given_names":"Ana","surname1":"Tiul","sex":"F","birth_date":"2012-02-02","nationality":"Guatemala","languages":["Spanish"],"encountered_at":"` + enc + `"}`
}

// FuzzWriteRoutes sends arbitrary bodies to every write route of the API
// as admin (who passes every permission check, so the decoder and the
// rules behind it are reached): whatever the body, the answer is never a
// 500, and every refusal is in the API's error shape.
func FuzzWriteRoutes(f *testing.F) {
	db := storetest.OpenSQLite(f)
	srv, err := New(db, testServices(f, db), Options{Logger: discardLogger()})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = srv.Close() })
	ctx := auth.OperatorContext(context.Background(), "fuzz")
	as := auth.NewService(db)
	if _, err := as.CreateUser(ctx, "admin@example.org", auth.RoleAdmin, testPassword); err != nil {
		f.Fatal(err)
	}
	token, err := as.CreateAPIToken(ctx, "admin@example.org", "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	h := srv.Handler()
	send := func(method, path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	// Record 1 of each kind exists, so that routes on /{id} reach their
	// decoders and rules, not only "not found".
	valid := []struct{ path, body string }{
		{"/api/v1/facilities", validFacilityBody},
		{"/api/v1/cases", validCaseBody()},
		{"/api/v1/sponsors", validSponsorBody},
	}
	for _, v := range valid {
		if w := send("POST", v.path, v.body); w.Code != http.StatusCreated {
			f.Fatalf("setup POST %s: %d %s", v.path, w.Code, w.Body)
		}
	}
	routes := writeAPIRoutes(srv)
	if len(routes) == 0 {
		f.Fatal("no write route in the table")
	}
	bodies := append(issue15Bodies(), validFacilityBody, validCaseBody(), validSponsorBody,
		`{"state":"in_border_custody","reason":"x"}`, `{"facility_id":1}`, `{"sponsor_id":1}`, `{"note":"portal"}`)
	for _, b := range hygieneBodies {
		bodies = append(bodies, b)
	}
	// Every route once with an empty object, every body once on some
	// route: the fuzzer moves bodies between routes by mutating which.
	// (All pairs would be over a thousand seeds to run before fuzzing.)
	for i := range routes {
		f.Add(uint16(i), []byte(`{}`))
	}
	for j, b := range bodies {
		f.Add(uint16(j*7), []byte(b))
	}
	f.Fuzz(func(t *testing.T, which uint16, body []byte) {
		rt := routes[int(which)%len(routes)]
		path := pathParam.ReplaceAllString(rt.Path, "1")
		w := send(rt.Method, path, string(body))
		if w.Code >= 500 {
			t.Fatalf("%s %s with %q: %d %s", rt.Method, path, body, w.Code, w.Body)
		}
		if w.Code >= 400 {
			var e apiError
			if json.Unmarshal(w.Body.Bytes(), &e) != nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Fatalf("%s %s: %d not in the error shape: %.300s", rt.Method, path, w.Code, w.Body)
			}
		}
	})
}

// TestWriteRoutesMalformedBodies runs issue 15's malformed bodies against
// every write route on both engines (the fuzzer runs on SQLite only):
// NUL was stored on SQLite and a 500 on PostgreSQL.
func TestWriteRoutesMalformedBodies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, validFacilityBody, 201)
		env.call(t, "POST", "/api/v1/cases", auth.RoleAdmin, validCaseBody(), 201)
		env.call(t, "POST", "/api/v1/sponsors", auth.RoleAdmin, validSponsorBody, 201)
		bodies := issue15Bodies()
		for _, b := range hygieneBodies {
			bodies = append(bodies, b)
		}
		for _, rt := range writeAPIRoutes(env.srv) {
			path := pathParam.ReplaceAllString(rt.Path, "1")
			for _, b := range bodies {
				resp, out := env.do(t, rt.Method, path, env.tokens[auth.RoleAdmin], b)
				if resp.StatusCode >= 500 {
					t.Errorf("%s %s with %.60q: %d %.200s", rt.Method, path, b, resp.StatusCode, out)
					continue
				}
				if resp.StatusCode >= 400 {
					var e apiError
					if json.Unmarshal(out, &e) != nil || e.Error.Code == "" {
						t.Errorf("%s %s: %d not in the error shape: %.200s", rt.Method, path, resp.StatusCode, out)
					}
				}
			}
		}
	})
}
