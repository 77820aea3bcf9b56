package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
)

// TestAidRuleProblemsInPageLanguage: a condition whose rule the compiler
// refuses is re-shown with the problem in the page's language, whatever
// the problem: each kind the rule compiler reports (aid/cel.go) is
// submitted on the Spanish and on the English form, and the words beside
// the field are the expected ones, the values the rule carried kept.
func TestAidRuleProblemsInPageLanguage(t *testing.T) {
	env := aidSeriesEnv(t)
	officer := auth.RoleAidOfficer
	resp, _ := env.uxPost(t, officer, "en", "/aid/packages", url.Values{"title": {"Security aid"}, "donor": {"Donor"}, "recipient": {"GTM"},
		"fiscal_year": {"2016"}, "currency": {"USD"}, "legal_basis": {"Act s. 1"}, "citation": {"c"}})
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("package: %d", resp.StatusCode)
	}
	resp, _ = env.uxPost(t, officer, "en", loc+"/tranches", url.Values{"label": {"25%"}, "due_date": {"2099-09-30"}, "combination": {"all"}})
	tloc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(tloc, "#tranche-") {
		t.Fatalf("tranche: %d %s", resp.StatusCode, tloc)
	}
	tid := tloc[strings.Index(tloc, "#tranche-")+len("#tranche-"):]
	hr := `series("homicide_rate")`
	for _, c := range []struct{ name, rule, es, en string }{
		{"ends early", hr + `.latest() <`, `Línea 1, columna 35: la regla termina antes de tiempo: falta un valor, un paréntesis de cierre o unas comillas`,
			`Line 1, column 35: the rule ends too early`},
		{"after the end", hr + `.latest() < 1.0)`, `Línea 1, columna 39: ")" viene después de una regla completa: las condiciones se unen con && (y) o || (o)`,
			`")" comes after a complete rule`},
		{"unexpected", hr + `.latest() < .`, `Línea 1, columna 37: "." no se espera aquí`, `"." is not expected here`},
		{"bad character", hr + `.latest() =< 1.0`, `Línea 1, columna 34: "=<" no forma parte del lenguaje de las reglas`, `"=<" is not part of the rule language`},
		{"missing", `(` + hr + `.latest() < 1.0`, `Línea 1, columna 40: falta ")" al final de la regla`, `")" is missing at the end of the rule`},
		{"bad number", hr + `.latest() < 99999999999999999999`, `un número es demasiado grande o no está escrito como número`, `a number is too large`},
		{"unknown name", `foo < 1.0`, `Línea 1, columna 1: nombre desconocido "foo": una serie se nombra series("código") y un hecho fact("clave")`, `unknown name "foo"`},
		{"misspelt function", hr + `.lates() < 1.0`, `nombre desconocido "lates" (¿quiso decir "latest"?)`, `unknown name "lates" (did you mean "latest"?)`},
		{"operator types", hr + `.latest() < "a"`, `Línea 1, columna 34: < no se puede aplicar a (double, string)`, `< cannot be applied to (double, string)`},
		{"call arguments", hr + `.at("2014") < 1.0`, `.at() no puede recibir (string)`, `.at() cannot be given (string)`},
		{"a field", hr + `.value < 1.0`, `una serie no tiene campos: use una de sus funciones, como .latest() o .at(2014)`, `a series has no fields`},
		{"not a bool", hr + `.latest()`, `Línea 1, columna 1: la regla debe responder verdadero o falso (true o false), no double`, `the rule must answer true or false, not double`},
		{"unknown series", `series("homicides").latest() < 1.0`, `Línea 1, columna 8: serie desconocida "homicides" (ningún indicador con ese código tiene valores; conocidas: homicide_rate)`,
			`unknown series "homicides" (no indicator of that code has values; known: homicide_rate)`},
		{"computed name", `series("homicide" + "_rate").latest() < 1.0`, `series() recibe un nombre entre comillas, no una expresión`, `series() takes a quoted name, not an expression`},
	} {
		t.Run(c.name, func(t *testing.T) {
			for lang, want := range map[string]string{"es": c.es, "en": c.en} {
				resp, body := env.uxPost(t, officer, lang, loc+"/conditions", url.Values{"tranche_id": {tid}, "wording": {"w"}, "kind": {"indicator_threshold"}, "rule": {c.rule}})
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("%s: %d, want 422", lang, resp.StatusCode)
				}
				got := ruleProblem(body)
				if !strings.Contains(got, want) {
					t.Errorf("%s: the rule's problem reads %q, want %q", lang, got, want)
				}
				if lang == "es" && regexp.MustCompile(`\b(the|rule|is|not|unknown|expected|missing|cannot|applied)\b`).MatchString(got) {
					t.Errorf("es: English left in %q", got)
				}
			}
		})
	}
}

// ruleProblem is the text beside the condition form's rule field.
func ruleProblem(page string) string {
	m := regexp.MustCompile(`(?s)<p class="error" id="condition-rule-err">(.*?)</p>`).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}
