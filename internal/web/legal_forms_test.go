package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// formDo sends a form (or a GET when form is nil) as a browser would, in
// lang, signed in with role's token.
func formDo(t *testing.T, env *testEnv, method, path string, role auth.Role, form url.Values, lang string) (int, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, env.ts.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+env.tokens[role])
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.AddCookie(&http.Cookie{Name: "lang", Value: lang})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestProviderPage: a refused provider comes back with what was typed and
// each problem beside its field, in Spanish; a good one is listed.
func TestProviderPage(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	bad := url.Values{"organisation": {"Defensa Niñez"}, "languages": {"Spanish, Mam"}, "states": {"TX, Texas"}, "specialties": {"sijs"}, "capacity": {"many"}}
	code, page := formDo(t, env, "POST", "/legal/providers", auth.RoleAdmin, bad, "es")
	if code != 422 || !strings.Contains(page, `value="Defensa Niñez"`) || !strings.Contains(page, `value="TX, Texas"`) || !strings.Contains(page, `value="sijs" checked`) ||
		!strings.Contains(page, `id="provider-states-error">Use códigos de estado`) || !strings.Contains(page, `id="provider-capacity-error">Un número de niños`) {
		t.Fatalf("refused provider: %d %s", code, page)
	}
	if code, _ := formDo(t, env, "GET", "/legal/providers", auth.RoleCaseworker, nil, "en"); code != 403 {
		t.Fatalf("caseworker on the providers page: %d", code)
	}
	good := url.Values{"organisation": {"Defensa Niñez"}, "attorneys": {"L. Ortega, M. Chávez"}, "languages": {"Spanish, Mam"}, "states": {"tx"}, "specialties": {"asylum", "sijs"}, "capacity": {"12"}}
	if code, _ := formDo(t, env, "POST", "/legal/providers", auth.RoleAdmin, good, "en"); code != http.StatusSeeOther {
		t.Fatalf("good provider: %d", code)
	}
	code, page = formDo(t, env, "GET", "/legal/providers", auth.RoleAdmin, nil, "en")
	if code != 200 || !strings.Contains(page, "Defensa Niñez") || !strings.Contains(page, "12 / 12") {
		t.Fatalf("providers page: %d %s", code, page)
	}
	// Specialties and languages in words, in the page's language (they
	// were codes and recorded names: "asylum, sijs", "Spanish").
	_, page = formDo(t, env, "GET", "/legal/providers", auth.RoleAdmin, nil, "es")
	if want := "<td>español, Mam</td><td>TX</td><td>Asilo, Estatus Especial de Inmigrante Juvenil (SIJS)</td>"; !strings.Contains(page, want) {
		t.Errorf("Spanish providers page lacks %q", want)
	}
	// The same name again: refused beside the organisation.
	if code, page = formDo(t, env, "POST", "/legal/providers", auth.RoleAdmin, good, "en"); code != 422 || !strings.Contains(page, `id="provider-organisation-error"`) {
		t.Fatalf("duplicate provider: %d", code)
	}
}

// TestReintegrationForm: the hand-off form shows on the legal page of a
// repatriated child; a refused hand-off comes back with what was typed and
// the problems beside the fields; a good one is shown recorded; a child
// still in care gets no form, and a post for them is a 409.
func TestReintegrationForm(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	fac := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa","type":"shelter","tz":"America/Chicago","us_state":"TX","beds":[{"sex":"F","age_band":"13-17","capacity":5}]}`, 201)
	id := legalPlacedChild(t, env, int64(fac["id"].(float64)), "Ana")
	page := fmt.Sprintf("/cases/%d/screening", id)
	if _, body := formDo(t, env, "GET", page, auth.RoleAdmin, nil, "en"); strings.Contains(body, `id="reintegration-form"`) {
		t.Fatal("a hand-off form for a child in care")
	}
	post := fmt.Sprintf("/cases/%d/reintegration", id)
	in := url.Values{"agency_kind": {"consulate"}, "agency_name": {"Consulado de Guatemala"}, "handed_over_on": {time.Now().UTC().Format(time.DateOnly)}, "received_by": {"duty officer"}}
	if code, _ := formDo(t, env, "POST", post, auth.RoleAdmin, in, "en"); code != http.StatusConflict {
		t.Fatalf("hand-off of a child in care: %d", code)
	}
	env.call(t, "POST", fmt.Sprintf("/api/v1/cases/%d/transitions", id), auth.RoleAdmin, `{"state":"repatriated","reason":"voluntary departure"}`, 200)
	code, body := formDo(t, env, "GET", page, auth.RoleAdmin, nil, "es")
	if code != 200 || !strings.Contains(body, `id="reintegration-form"`) || !strings.Contains(body, `id="reintegration-none"`) {
		t.Fatalf("legal page of a repatriated child: %d %s", code, body)
	}
	bad := url.Values{"agency_kind": {"embassy"}, "agency_name": {"Consulado de Guatemala"}, "handed_over_on": {"2999-01-01"}}
	code, body = formDo(t, env, "POST", post, auth.RoleAdmin, bad, "es")
	if code != 422 || !strings.Contains(body, `value="Consulado de Guatemala"`) || !strings.Contains(body, `value="2999-01-01"`) ||
		!strings.Contains(body, `id="reint-agency-kind-error">Elija el tipo`) || !strings.Contains(body, "no en el futuro") || !strings.Contains(body, "Indique quién recibió") {
		t.Fatalf("refused hand-off: %d %s", code, body)
	}
	if code, _ := formDo(t, env, "POST", post, auth.RoleAdmin, in, "en"); code != http.StatusSeeOther {
		t.Fatalf("hand-off: %d", code)
	}
	if _, body = formDo(t, env, "GET", page, auth.RoleAdmin, nil, "en"); !strings.Contains(body, `id="reintegration-recorded"`) || !strings.Contains(body, "Consulado de Guatemala") {
		t.Fatalf("recorded hand-off: %s", body)
	}
	// A legal account reads the screening but not follow-ups: no hand-off part, no error.
	if code, _ := formDo(t, env, "GET", page, auth.RoleLegal, nil, "en"); code == 500 {
		t.Fatal("legal account: 500")
	}
}
