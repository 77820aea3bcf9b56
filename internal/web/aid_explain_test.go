package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/aid"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestExplanationKeysTranslated: every message key an evaluation's
// explanation uses is in the English messages with the domain's own
// English text, and in Spanish with as many %s.
func TestExplanationKeysTranslated(t *testing.T) {
	load := func(lang string) map[string]string {
		b, err := os.ReadFile(filepath.Join("i18n", lang, "aid.json"))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	en, es := load("en"), load("es")
	for key, text := range aid.ExplanationMessages {
		if en[key] != text {
			t.Errorf("%s: en is %q, the domain says %q", key, en[key], text)
		}
		if es[key] == "" || strings.Count(es[key], "%s") != strings.Count(text, "%s") {
			t.Errorf("%s: es is %q for %q", key, es[key], text)
		}
	}
}

// TestExplanationInSpanish: an evaluation made through the API reads in
// Spanish on the scorecard (and in English on the English page), values
// and rules as they are.
func TestExplanationInSpanish(t *testing.T) {
	db := storetest.OpenSQLite(t)
	csv := "country_iso3,indicator,period,value,unit,source\nGTM,homicide_rate,2014,31,per 100k,test\nGTM,homicide_rate,2015,29,per 100k,test\n"
	if _, err := indicators.New(db).Import(auth.OperatorContext(context.Background(), "test"), indicators.Options{Name: "t.csv", Reader: strings.NewReader(csv)}); err != nil {
		t.Fatal(err)
	}
	env := newTestEnv(t, db)
	p := env.call(t, "POST", "/api/v1/aid/packages", auth.RoleAidOfficer, `{"title":"T","donor":"D","recipient":"GTM","fiscal_year":2016,"currency":"USD","legal_basis":"L","citation":"c"}`, http.StatusCreated)
	tr := env.call(t, "POST", "/api/v1/aid/packages/"+jsonID(p)+"/tranches", auth.RoleAidOfficer, `{"label":"T1","due_date":"2099-09-30"}`, http.StatusCreated)
	tpath := "/api/v1/aid/tranches/" + jsonID(tr)
	env.call(t, "POST", tpath+"/conditions", auth.RoleAidOfficer, `{"wording":"w","kind":"trend","rule":"series(\"homicide_rate\").latest() < series(\"homicide_rate\").at(2014) * 0.95"}`, http.StatusCreated)
	env.call(t, "POST", tpath+"/conditions", auth.RoleAidOfficer, `{"wording":"commission operating","kind":"institutional_fact","rule":"fact(\"cicig_operating\")"}`, http.StatusCreated)
	ev := env.call(t, "POST", tpath+"/evaluations", auth.RoleAidOfficer, `{"as_of":"2016-06-01"}`, http.StatusCreated)
	if !strings.HasPrefix(ev["explanation"].(string), "insufficient evidence as of 2016-06-01: 1 met, 0 not met, 1 insufficient evidence") {
		t.Errorf("English explanation: %v", ev["explanation"])
	}
	for lang, want := range map[string][]string{
		"es": {"la regla se cumple: series(&#34;homicide_rate&#34;).latest()", "series(&#34;homicide_rate&#34;).latest() = 29 (GTM 2015, fuente long-csv:t.csv)",
			"evidencia insuficiente: fact(&#34;cicig_operating&#34;): no hay un hecho &#34;cicig_operating&#34; registrado para GTM el 2016-06-01"},
		"en": {"the rule holds: series(&#34;homicide_rate&#34;).latest()", "(GTM 2015, source long-csv:t.csv)",
			"insufficient evidence: fact(&#34;cicig_operating&#34;): no fact &#34;cicig_operating&#34; on record for GTM on 2016-06-01"},
	} {
		req, _ := http.NewRequest("GET", env.ts.URL+"/scorecard/GTM", nil)
		req.AddCookie(&http.Cookie{Name: "lang", Value: lang})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		_, _ = ioCopy(&b, resp)
		for _, w := range want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s scorecard lacks %s", lang, w)
			}
		}
	}
}

// jsonID is a JSON answer's id as a path segment.
func jsonID(m map[string]any) string { return strconv.FormatInt(int64(m["id"].(float64)), 10) }

func ioCopy(w io.Writer, resp *http.Response) (int64, error) {
	defer resp.Body.Close()
	return io.Copy(w, resp.Body)
}
