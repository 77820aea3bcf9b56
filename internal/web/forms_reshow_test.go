package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestCaseFormsReshown: every case-side form answers a refused submission
// (422 or 409) with its page again: the values typed kept, the problem
// beside its field (or above the form for a refusal of the whole), in the
// page's language, never a bare error page.
func TestCaseFormsReshown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		fac := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa Alba","type":"shelter","tz":"America/Chicago","beds":[{"sex":"F","age_band":"13-17","capacity":3},{"sex":"F","age_band":"0-12","capacity":3}]}`, 201)
		facID := int64(fac["id"].(float64))
		referred := uxCase(t, env)
		for _, to := range []string{"in_border_custody", "referred"} {
			env.call(t, "POST", fmt.Sprintf("/api/v1/cases/%d/transitions", referred), auth.RoleAdmin, `{"state":"`+to+`"}`, 200)
		}
		placed := uxCase(t, env)
		for _, to := range []string{"in_border_custody", "referred"} {
			env.call(t, "POST", fmt.Sprintf("/api/v1/cases/%d/transitions", placed), auth.RoleAdmin, `{"state":"`+to+`"}`, 200)
		}
		env.call(t, "POST", fmt.Sprintf("/api/v1/cases/%d/placements", placed), auth.RoleAdmin, fmt.Sprintf(`{"facility_id":%d}`, facID), 200)
		sp := env.call(t, "POST", "/api/v1/sponsors", auth.RoleAdmin, fmt.Sprintf(`{"case_id":%d,"given_names":"Rosa","surnames":"Tiul","relationship":"aunt"}`, placed), 201)
		spID := int64(sp["id"].(float64))
		c := func(id int64, rest string) string { return fmt.Sprintf("/cases/%d%s", id, rest) }

		tests := []struct {
			name   string
			path   string
			form   url.Values
			status int
			// what the page must hold: the problem's place, the typed
			// values, and the problem in each language
			has    []string
			en, es string
		}{
			{"blank intake", "/cases", url.Values{"given_names": {""}, "encountered_at": {""}, "notes": {"found near the river"}}, 422,
				[]string{`id="intake-problems"`, `id="intake-encounter_place-error"`, `id="intake-sex-error"`, `id="intake-birth_date-error"`, `id="intake-given_names-error"`, `id="intake-encountered_at-error"`, "found near the river"},
				"Say where the child was found", "Indique dónde se encontró al niño"},
			{"intake: age out of range", "/cases", url.Values{"given_names": {"Ana Lucía"}, "sex": {"unknown"}, "approx_age": {"40"}, "encounter_place": {"Hidalgo"}, "encountered_at": {"2026-01-02T10:00"}, "encounter_zone": {"America/Chicago"}}, 422,
				[]string{`id="intake-approx_age-error"`, `value="Ana Lucía"`, `value="40"`, `value="Hidalgo"`, `value="2026-01-02T10:00"`, `<option value="America/Chicago" selected>`, `<option value="unknown" selected>`},
				"whole number of years from 0 to 17", "años enteros, de 0 a 17"},
			{"intake: estimate needs evidence", "/cases", url.Values{"given_names": {"Ana"}, "sex": {"F"}, "approx_age": {"12"}, "encounter_place": {"Hidalgo"}, "encountered_at": {"2026-01-02T10:00"}, "encounter_zone": {"UTC"}, "siblings": {"12x"}}, 422,
				[]string{`id="intake-birth_date_evidence-error"`, `id="intake-siblings-error"`, `value="12x"`},
				"An estimated birth date needs the evidence", "Una fecha de nacimiento estimada necesita la evidencia"},
			{"identity without a reason", c(referred, "/identity"), url.Values{"given_names": {"Ana Lucía"}, "surname1": {"Tiul"}, "sex": {"F"}, "birth_date": {"2012-02-02"}, "reason": {""}}, 422,
				[]string{`<details id="identity-details" open>`, `id="identity-reason-error"`, `value="Ana Lucía"`},
				"Say why the identity is corrected", "Diga por qué se corrige la identidad"},
			{"state: none chosen", c(referred, "/transition"), url.Values{"state": {""}, "reason": {"typed reason"}}, 422,
				[]string{`id="transition-state-error"`, `value="typed reason"`},
				"Choose the new state.", "Elija el nuevo estado."},
			{"state: closing without a reason", c(referred, "/transition"), url.Values{"state": {"closed_other"}, "reason": {""}}, 422,
				[]string{`id="transition-reason-error"`, `<option value="closed_other" selected>`},
				"Closing for another reason needs the reason.", "Cerrar por otro motivo requiere indicar el motivo."},
			{"state: a move the page cannot make", c(referred, "/transition"), url.Values{"state": {"released"}, "reason": {"asked"}}, 409,
				[]string{`id="transition-problems"`, `value="asked"`},
				`A case cannot go from &#34;referred to ORR&#34; to &#34;released`, "Un caso no puede pasar de «"},
			{"deadline: an unknown kind", c(referred, "/deadline"), url.Values{"kind": {"bogus"}, "note": {"llamada a las 9"}}, 422,
				[]string{`id="deadline-problems"`, `value="llamada a las 9"`},
				`Unknown deadline &#34;bogus&#34;.`, "Plazo desconocido: «bogus»."},
			{"placement: no facility", c(referred, "/place"), url.Values{"reason": {"closest bed"}}, 422,
				[]string{`id="place-facility_id-error"`, `value="closest bed"`},
				"Choose a facility.", "Elija un centro."},
			{"release: no sponsor chosen", c(placed, "/release"), url.Values{"sponsor_id": {""}}, 422,
				[]string{`id="release-sponsor_id-error"`},
				"Choose a sponsor.", "Elija un patrocinador."},
			{"release: vetting not done", c(placed, "/release"), url.Values{"sponsor_id": {fmt.Sprint(spID)}}, 409,
				[]string{`id="release-problems"`, fmt.Sprintf(`<option value="%d" selected>`, spID)},
				"Proof of identity", "Prueba de identidad"},
			{"sponsor without a name", "/sponsors", url.Values{"case_id": {fmt.Sprint(placed)}, "relationship": {"first_cousin"}, "phone": {"555-0100"}}, 422,
				[]string{`id="sponsor-given_names-error"`, `value="555-0100"`, `<option value="first_cousin" selected>`},
				"A sponsor needs a name.", "El patrocinador necesita un nombre."},
			{"vetting passed without evidence", fmt.Sprintf("/sponsors/%d/vetting", spID), url.Values{"step": {"identity_proof"}, "result": {"passed"}}, 422,
				[]string{`id="vet-identity_proof-notes-error"`, `<option value="passed" selected>`},
				"A passed step needs a note", "Un paso aprobado necesita"},
		}
		for _, tt := range tests {
			for _, lang := range []string{"en", "es"} {
				resp, body := env.uxPost(t, auth.RoleAdmin, lang, tt.path, tt.form)
				if resp.StatusCode != tt.status {
					t.Errorf("%s (%s): %d, want %d", tt.name, lang, resp.StatusCode, tt.status)
					continue
				}
				if !strings.Contains(body, `<form`) || strings.Contains(body, `href="/">`+env.srv.kit.translate(lang, "error.home")) {
					t.Errorf("%s (%s): not the form's page", tt.name, lang)
				}
				want := map[string]string{"en": tt.en, "es": tt.es}[lang]
				for _, s := range append(tt.has, want) {
					if !strings.Contains(body, s) {
						t.Errorf("%s (%s): page lacks %q", tt.name, lang, s)
					}
				}
				if strings.Contains(body, "invalid: ") || strings.Contains(body, "identity_proof,") {
					t.Errorf("%s (%s): code words on the page", tt.name, lang)
				}
			}
		}
		// Nothing was created by the refused intakes.
		resp, b := env.do(t, "GET", "/api/v1/cases?q=Lucía", env.tokens[auth.RoleAdmin], "")
		if resp.StatusCode != http.StatusOK || strings.Contains(string(b), "Lucía") {
			t.Errorf("a refused intake left a case: %d %s", resp.StatusCode, b)
		}
	})
}

// TestApproveOwnReleaseReshown: approving one's own release request is
// refused (two people) on the case page, above the approve button, in the
// page's language.
func TestApproveOwnReleaseReshown(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	fac := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Casa Alba","type":"shelter","tz":"America/Chicago","beds":[{"sex":"F","age_band":"13-17","capacity":3}]}`, 201)
	id := uxCase(t, env)
	for _, to := range []string{"in_border_custody", "referred"} {
		env.call(t, "POST", fmt.Sprintf("/api/v1/cases/%d/transitions", id), auth.RoleAdmin, `{"state":"`+to+`"}`, 200)
	}
	env.call(t, "POST", fmt.Sprintf("/api/v1/cases/%d/placements", id), auth.RoleAdmin, fmt.Sprintf(`{"facility_id":%d}`, int64(fac["id"].(float64))), 200)
	sp := env.call(t, "POST", "/api/v1/sponsors", auth.RoleAdmin, fmt.Sprintf(`{"case_id":%d,"given_names":"Rosa","relationship":"parent"}`, id), 201)
	spID := int64(sp["id"].(float64))
	cl := env.call(t, "GET", fmt.Sprintf("/api/v1/sponsors/%d", spID), auth.RoleAdmin, "", 200)
	for _, req := range cl["required"].([]any) {
		step := req.(map[string]any)["step"].(string)
		env.call(t, "POST", fmt.Sprintf("/api/v1/sponsors/%d/vetting", spID), auth.RoleAdmin, `{"step":"`+step+`","result":"passed","notes":"file 1"}`, 200)
	}
	rel := env.call(t, "POST", fmt.Sprintf("/api/v1/cases/%d/releases", id), auth.RoleAdmin, fmt.Sprintf(`{"sponsor_id":%d}`, spID), 201)
	rid := int64(rel["id"].(float64))
	for lang, want := range map[string]string{"en": "approved by a second person", "es": "aprobarla una segunda persona"} {
		resp, body := env.uxPost(t, auth.RoleAdmin, lang, fmt.Sprintf("/cases/%d/release/%d/approve", id, rid), url.Values{})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, fmt.Sprintf(`id="approve-%d-problems"`, rid)) || !strings.Contains(body, want) {
			t.Errorf("%s: own approval: %d, want 409 with %q above the button", lang, resp.StatusCode, want)
		}
	}
}
