package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestForecastPageScenario: where the API gives a scenario, the forecast
// page shows it beside the forecast, marked as a scenario and not a
// forecast, with its assumption and its own backtest, and the coverage
// check of the forecast's model with the figures it judges, in English
// and Spanish; the figures are the API's. Where there is none, the page
// says why.
func TestForecastPageScenario(t *testing.T) {
	db := storetest.OpenSQLite(t)
	if _, err := indicators.New(db).ImportBuiltin(auth.OperatorContext(context.Background(), "test"), nil); err != nil {
		t.Fatal(err)
	}
	env := newTestEnv(t, db)
	const q = "country=GTM&indicator=uac_encounters&scope=cbp-enc-nw&frequency=month&horizon=6"
	resp, body := env.do(t, "GET", "/api/v1/forecasts?"+q, "", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("API: %d %s", resp.StatusCode, body)
	}
	var api struct {
		Model    string             `json:"model"`
		Coverage string             `json:"coverage_check"`
		Backtest []indicators.Score `json:"backtest"`
		Scenario *struct {
			Covariate string `json:"covariate"`
			Base      string `json:"base_model"`
			Pairs     int    `json:"pairs"`
			Period    string `json:"covariate_period"`
			Backtest  struct {
				Origins  int `json:"origins"`
				Forecast int `json:"forecasts"`
			} `json:"backtest"`
			Forecast []struct {
				Period   string  `json:"period"`
				Forecast float64 `json:"forecast"`
			} `json:"forecast"`
		} `json:"scenario"`
	}
	if err := json.Unmarshal(body, &api); err != nil {
		t.Fatal(err)
	}
	sc := api.Scenario
	if sc == nil || len(sc.Forecast) != 6 || api.Coverage == "" {
		t.Fatalf("the API gives no scenario or coverage check for %s: %s", q, body)
	}
	var held80 float64
	for _, s := range api.Backtest {
		if s.Model == api.Model {
			held80 = s.Cover80
		}
	}
	pr := numPrinter("en")
	want := map[string][]string{
		"en": {
			`id="coverage-check"`, "Coverage check of the " + api.Model + " model",
			"80% intervals held the actual value " + pr.Sprintf("%.0f%%", 100*held80),
			`<h2 id="scenario">Scenario beside the forecast</h2>`,
			"<strong>Scenario, not a forecast.</strong> The same model (" + sc.Base + ") with a covariate, the series " + sc.Covariate,
			"Assumption: the covariate stays at its last value",
			"(" + sc.Period + "), in every period ahead",
			`<th scope="row">` + sc.Forecast[0].Period + `</th><td class="num">` + fmtValue(pr, fcClip(indicators.Indicator{Kind: "count"}, sc.Forecast[0].Forecast), "count") + `</td>`,
			"The scenario&#39;s own backtest (conditional",
			pr.Sprintf(">%d / %d<", sc.Backtest.Origins, sc.Backtest.Forecast),
			"Scenario, not a forecast (covariate at its last value)", // the chart's line
		},
		"es": {
			"Control de cobertura del modelo " + api.Model,
			"Escenario junto al pronóstico", "<strong>Escenario, no un pronóstico.</strong>",
			"Supuesto: la covariable se mantiene en su último valor",
			"Evaluación retrospectiva propia del escenario",
		},
	}
	if api.Coverage != "" {
		want["en"] = append(want["en"], `coverage-`+api.Coverage)
	}
	for lang, ws := range want {
		page := getLang(t, env.ts.URL+"/indicators/forecast?"+q, lang)
		if i := strings.Index(page, "%!"); i >= 0 {
			t.Errorf("%s forecast page has a format error: %q", lang, page[max(0, i-40):i+20])
		}
		for _, w := range ws {
			if !strings.Contains(page, w) {
				t.Errorf("%s forecast page lacks %q", lang, w)
			}
		}
	}

	// The southwest-border total is the covariate itself: no scenario,
	// and the page says so in the page's language.
	for lang, w := range map[string]string{
		"en": "No scenario for this series: no covariate series: the series is the covariate (ALL) or none overlaps it",
		"es": "Sin escenario para esta serie: no hay serie covariable: la serie es la covariable (ALL) o ninguna la cubre",
	} {
		page := getLang(t, env.ts.URL+"/indicators/forecast?country=ALL&indicator=uac_encounters&horizon=3", lang)
		if !strings.Contains(page, w) || strings.Contains(page, `id="scenario-table"`) {
			t.Errorf("%s: the ALL page should say %q and show no scenario table", lang, w)
		}
	}
}

// getLang is the body of GET url in lang (the language cookie).
func getLang(t *testing.T, url, lang string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.AddCookie(&http.Cookie{Name: "lang", Value: lang})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s (%s): %d %v", url, lang, resp.StatusCode, err)
	}
	return string(b)
}
