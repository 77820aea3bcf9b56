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
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestIndicatorsPublicPages: the indicators pages and API are open to
// anyone (no account, and the public role) and show the real built-in data
// with sources, charts, tables and CSV downloads.
func TestIndicatorsPublicPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, err := indicators.New(db).ImportBuiltin(auth.OperatorContext(context.Background(), "test"), nil); err != nil {
			t.Fatal(err)
		}
		env := newTestEnv(t, db)
		pages := []struct {
			path string
			want []string
		}{
			{"/indicators", []string{"Guatemala", "uac_encounters", "/indicators/projections", "/indicators/countries/OWID_WRL"}},
			{"/indicators/countries/GTM", []string{"class=\"ind-chart", "chart-data", "Data table", "Worldwide Governance Indicators", "weak evidence", "17,057", "CBP encounters, nationwide (Title 8 + Title 42)"}},
			{"/indicators/countries/HND", []string{"Honduras", "homicide"}},
			{"/indicators/countries/SLV", []string{"El Salvador"}},
			{"/indicators/countries/NIC", []string{"Nicaragua", "Corruption Perceptions Index"}},
			{"/indicators/countries/MEX", []string{"Mexico"}},
			{"/indicators/indicators/uac_encounters", []string{"per 100,000 people aged 0–14", "Border Patrol, southwest border", "Title 42"}},
			{"/indicators/flows", []string{"surge-mark", "Border Patrol, all borders"}},
			{"/indicators/sources", []string{"Southwest Bord", "r4,964", "month label one month late", "CC BY-ND 4.0"}},
			{"/indicators/projections", []string{"142,000", "39,970", "68,541", "Amparo forecast"}},
			{"/indicators/forecast?country=ALL&indicator=uac_encounters&horizon=12&until=2014-05", []string{"Track record", "seasonal_naive", "MASE", "2015-05", "re-chosen at each origin"}},
		}
		for _, p := range pages {
			for _, token := range []string{"", env.tokens[auth.RolePublic]} {
				resp, body := env.do(t, "GET", p.path, token, "")
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("GET %s: %d\n%s", p.path, resp.StatusCode, body)
				}
				for _, w := range p.want {
					if !strings.Contains(string(body), w) {
						t.Errorf("GET %s lacks %q", p.path, w)
					}
				}
			}
		}

		resp, _ := env.do(t, "GET", "/indicators/countries/ZZZ", "", "")
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown country: %d", resp.StatusCode)
		}
		resp, _ = env.do(t, "GET", "/indicators/forecast?horizon=500", "", "")
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("horizon 500: %d", resp.StatusCode)
		}
		// A series too short for a track record gets no forecast.
		resp, body := env.do(t, "GET", "/api/v1/forecasts?country=MEX&indicator=uac_encounters&horizon=1&until=FY2015", "", "")
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("forecast without track record: %d %s", resp.StatusCode, body)
		}

		// CSV downloads.
		resp, body = env.do(t, "GET", "/indicators/data.csv?country=GTM&indicator=uac_encounters", "", "")
		if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "country_iso3,indicator,period,value,unit,source,scope\n") ||
			!strings.Contains(string(body), "GTM,uac_encounters,FY2014,17057,children,amparo-uac-fy,usbp-swb") {
			t.Errorf("data.csv: %d\n%.300s", resp.StatusCode, body)
		}
		resp, body = env.do(t, "GET", "/indicators/projections.csv", "", "")
		if resp.StatusCode != 200 || strings.Count(string(body), "\n") != 7 {
			t.Errorf("projections.csv: %d\n%s", resp.StatusCode, body)
		}
		resp, body = env.do(t, "GET", "/indicators/forecast.csv?country=ALL&horizon=3", "", "")
		if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "period,forecast,lower80,upper80,lower95,upper95\n") || strings.Count(string(body), "\n") != 4 {
			t.Errorf("forecast.csv: %d\n%s", resp.StatusCode, body)
		}

		// API.
		resp, body = env.do(t, "GET", "/api/v1/indicators", "", "")
		var list struct {
			Indicators []indicators.IndicatorInfo `json:"indicators"`
			Sources    []indicators.Source        `json:"sources"`
		}
		if resp.StatusCode != 200 || json.Unmarshal(body, &list) != nil || len(list.Indicators) < 20 || len(list.Sources) < 10 {
			t.Errorf("/api/v1/indicators: %d, %d indicators, %d sources", resp.StatusCode, len(list.Indicators), len(list.Sources))
		}
		resp, body = env.do(t, "GET", "/api/v1/series?country=ALL&indicator=uac_encounters&frequency=month&scope=usbp-swb", "", "")
		var ser struct {
			Series []struct {
				Scope  string             `json:"scope"`
				Points []indicators.Point `json:"points"`
			} `json:"series"`
		}
		if resp.StatusCode != 200 || json.Unmarshal(body, &ser) != nil || len(ser.Series) != 1 || len(ser.Series[0].Points) < 120 {
			t.Fatalf("/api/v1/series: %d %.300s", resp.StatusCode, body)
		}
		for _, p := range ser.Series[0].Points {
			if p.Period == "2018-10" {
				// Two sources: the CBP table (r4,964) first, the press copy beside it.
				if *p.Value != 4964 || len(p.Others) == 0 {
					t.Errorf("2018-10: %v with %d other sources", *p.Value, len(p.Others))
				}
			}
		}
		resp, _ = env.do(t, "GET", "/api/v1/series", "", "")
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("series without filter: %d", resp.StatusCode)
		}
		resp, body = env.do(t, "GET", "/api/v1/forecasts?country=ALL&indicator=uac_encounters&horizon=12", env.tokens[auth.RolePublic], "")
		var fc struct {
			Forecast []map[string]any `json:"forecast"`
			Backtest []indicators.Score
			Scope    string `json:"scope"`
		}
		if resp.StatusCode != 200 || json.Unmarshal(body, &fc) != nil || len(fc.Forecast) != 12 || len(fc.Backtest) != len(indicators.Models(12)) || fc.Scope != "usbp-swb" {
			t.Errorf("/api/v1/forecasts: %d %.400s", resp.StatusCode, body)
		}
		// As of May 2014, with fiscal-year totals: FY2014 and FY2015 with
		// what happened, and every forecast month with its actual.
		resp, body = env.do(t, "GET", "/api/v1/forecasts?country=ALL&indicator=uac_encounters&horizon=12&until=2014-05&total=fiscal_year", "", "")
		var tot struct {
			Model    string `json:"model"`
			Default  string `json:"default_model"`
			Forecast []struct {
				Period string   `json:"period"`
				Actual *float64 `json:"actual"`
			} `json:"forecast"`
			Totals []indicators.WindowTotal `json:"totals"`
			Track  []indicators.TrackRow    `json:"track_record"`
		}
		if resp.StatusCode != 200 || json.Unmarshal(body, &tot) != nil || len(tot.Totals) != 2 || tot.Totals[1].Period != "FY2015" ||
			tot.Totals[1].Actual == nil || *tot.Totals[1].Actual != 39970 || len(tot.Forecast) != 16 || tot.Model != tot.Default || len(tot.Track) == 0 {
			t.Errorf("/api/v1/forecasts with totals: %d %.600s", resp.StatusCode, body)
		}
		for _, p := range tot.Forecast {
			if p.Actual == nil {
				t.Errorf("%s: in the database but no actual", p.Period)
			}
		}
		// The page for that cut-off: totals, what happened, every origin,
		// the calibration said; nothing in the database "not yet observed".
		resp, body = env.do(t, "GET", "/indicators/forecast?country=ALL&indicator=uac_encounters&horizon=12&until=2014-05&total=fiscal_year", "", "")
		page := string(body)
		if resp.StatusCode != 200 {
			t.Errorf("forecast page as of 2014-05: %d", resp.StatusCode)
		}
		for _, want := range []string{"FY2015", "39,970", "What happened", "calibrated on this model&#39;s own errors", `id="origins-table"`, "2013-12"} {
			if !strings.Contains(page, want) {
				t.Errorf("forecast page as of 2014-05 lacks %q", want)
			}
		}
		if strings.Contains(page, "not yet observed") || strings.Contains(page, "combination ✓") {
			t.Errorf("forecast page as of 2014-05 labels stored data not yet observed, or calls naive combination")
		}
	})
}

// TestIndicatorsSpanish: the pages speak Spanish.
func TestIndicatorsSpanish(t *testing.T) {
	db := storetest.OpenSQLite(t)
	if _, err := indicators.New(db).ImportBuiltin(auth.OperatorContext(context.Background(), "test"), nil); err != nil {
		t.Fatal(err)
	}
	env := newTestEnv(t, db)
	req, _ := http.NewRequest("GET", env.ts.URL+"/indicators/countries/MEX", nil)
	req.AddCookie(&http.Cookie{Name: "lang", Value: "es"})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 1<<16)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	for _, w := range []string{"México", "Tabla de datos", "Tasa de homicidios intencionales", `title="fuente: `} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("Spanish page lacks %q", w)
		}
	}
	// A value's tooltip says where it came from in Spanish too.
	for _, w := range []string{`title="source: `, "also reported: "} {
		if strings.Contains(b.String(), w) {
			t.Errorf("Spanish page shows %q", w)
		}
	}
}

// TestIndicatorsRevisionShown: a re-import that changes a value shows the
// earlier value on the series page.
func TestIndicatorsRevisionShown(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := auth.OperatorContext(context.Background(), "test")
	for _, v := range []string{"15.3", "15.8"} {
		csv := "country_iso3,indicator,period,value,unit,source\nGTM,homicide_rate,2020," + v + ",per 100k,test\n"
		if _, err := indicators.New(db).Import(ctx, indicators.Options{Name: "h.csv", Reader: strings.NewReader(csv)}); err != nil {
			t.Fatal(err)
		}
	}
	env := newTestEnv(t, db)
	_, body := env.do(t, "GET", "/indicators/indicators/homicide_rate", "", "")
	if !strings.Contains(string(body), "Revised: Guatemala, 2020: 15.3 → 15.8") {
		t.Errorf("revision not shown:\n%s", body)
	}
}

// TestIndicatorsDomainErrors: the domain's refusals answer with the status
// and message they had when the handlers decided them: a forecast without
// a track record 422 (API and CSV) and the form again with the reason
// (page), a missing series 404, a bad query 400.
func TestIndicatorsDomainErrors(t *testing.T) {
	db := storetest.OpenSQLite(t)
	if _, err := indicators.New(db).ImportBuiltin(auth.OperatorContext(context.Background(), "test"), nil); err != nil {
		t.Fatal(err)
	}
	env := newTestEnv(t, db)
	short := "country=MEX&indicator=uac_encounters&horizon=1&until=FY2015"
	cases := []struct {
		path   string
		status int
		want   string
	}{
		{"/api/v1/forecasts?" + short, http.StatusUnprocessableEntity, indicators.ErrNoTrackRecord.Error()},
		{"/indicators/forecast.csv?" + short, http.StatusUnprocessableEntity, indicators.ErrNoTrackRecord.Error()},
		{"/indicators/forecast?" + short, http.StatusOK, "too few values, up to the chosen date, to test a forecast on its own past, so no forecast is shown"},
		{"/api/v1/forecasts?country=ZZZ&indicator=uac_encounters", http.StatusNotFound, "indicators: no uac_encounters values for ZZZ: not found"},
		{"/indicators/forecast.csv?country=ZZZ", http.StatusNotFound, "not found"},
		{"/indicators/forecast?country=ZZZ", http.StatusOK, "There are no values for this country and indicator"},
		{"/api/v1/forecasts?indicator=no_such", http.StatusNotFound, `indicator \"no_such\": not found`},
		{"/api/v1/forecasts?model=oracle", http.StatusBadRequest, `unknown model \"oracle\"`},
		{"/api/v1/series?frequency=day&country=GTM", http.StatusBadRequest, "frequency must be month, fiscal_year or year"},
		{"/indicators/indicators/no_such", http.StatusNotFound, "not found"},
	}
	for _, c := range cases {
		resp, body := env.do(t, "GET", c.path, "", "")
		if resp.StatusCode != c.status || !strings.Contains(string(body), c.want) {
			t.Errorf("GET %s: %d, want %d with %q\n%.400s", c.path, resp.StatusCode, c.status, c.want, body)
		}
	}
}

// TestIndicatorsCountryRootCauses: the root-cause series added for issue 12
// (remittances, undernourishment, youth unemployment, drought, secondary
// enrolment, the World Bank's population aged 0-14, the cost of sending
// remittances) are on the
// country page in English and Spanish, each with its latest value, its unit
// and its source.
func TestIndicatorsCountryRootCauses(t *testing.T) {
	db := storetest.OpenSQLite(t)
	if _, err := indicators.New(db).ImportBuiltin(auth.OperatorContext(context.Background(), "test"), nil); err != nil {
		t.Fatal(err)
	}
	env := newTestEnv(t, db)
	pages := map[string][]string{
		"en": {
			`/indicators/indicators/remittances_pct_gdp">Personal remittances received</a>`,
			// Honduras 2020 in the World Bank file: 23.6184253756916.
			`<strong class="value">23.6</strong> <span class="unit">% of GDP</span> <span class="period">2020</span>`,
			`rel="external">World Bank, World Development Indicators</a>`,
			`(CC BY 4.0; retrieved 2026-11-30`,
			`Prevalence of undernourishment</a>`, `<span class="unit">% of population</span>`,
			`Youth unemployment rate</a>`, `<span class="unit">% of labour force aged 15-24</span>`,
			`People affected by drought (EM-DAT)</a>`,
			`Secondary school enrolment (gross)</a>`, `<span class="unit">% gross (can exceed 100)</span>`,
			`Population aged 0-14 (World Bank)</a>`,
			`Cost of sending remittances to the country</a>`, `<span class="unit">% of the amount sent (USD 200)</span>`,
		},
		"es": {
			`/indicators/indicators/remittances_pct_gdp">Remesas personales recibidas</a>`,
			`<strong class="value">23.6</strong> <span class="unit">% del PIB</span> <span class="period">2020</span>`,
			`rel="external">World Bank, World Development Indicators</a>`,
			`Prevalencia de la subalimentación</a>`, `<span class="unit">% de la población</span>`,
			`Tasa de desempleo juvenil</a>`, `<span class="unit">% de la población activa de 15 a 24 años</span>`,
			`Personas afectadas por sequías (EM-DAT)</a>`,
			`Matrícula en educación secundaria (bruta)</a>`, `<span class="unit">% bruta (puede superar 100)</span>`,
			`Población de 0 a 14 años (Banco Mundial)</a>`,
			`Costo de enviar remesas al país</a>`, `<span class="unit">% del monto enviado (200 USD)</span>`,
		},
	}
	for lang, want := range pages {
		req, _ := http.NewRequest("GET", env.ts.URL+"/indicators/countries/HND", nil)
		req.AddCookie(&http.Cookie{Name: "lang", Value: lang})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %v", lang, resp.StatusCode, err)
		}
		for _, w := range want {
			if !strings.Contains(string(body), w) {
				t.Errorf("%s: country page lacks %q", lang, w)
			}
		}
	}
}
