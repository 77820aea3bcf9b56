package web

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestForecastBandsNotBelowZero: a rate that swings near zero has
// forecast bands that would go below it; the page stops them at zero and
// says so, in both languages.
func TestForecastBandsNotBelowZero(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := auth.OperatorContext(context.Background(), "test")
	var csv strings.Builder
	csv.WriteString("country_iso3,indicator,period,value,unit,source\n")
	for i, y := 0, 1989; y <= 2023; i, y = i+1, y+1 {
		v := []string{"0.4", "6.5", "0.2", "7.9", "0.3"}[i%5]
		fmt.Fprintf(&csv, "GTM,homicide_rate,%d,%s,per 100k,test\n", y, v)
	}
	if _, err := indicators.New(db).Import(ctx, indicators.Options{Name: "h.csv", Reader: strings.NewReader(csv.String())}); err != nil {
		t.Fatal(err)
	}
	env := newTestEnv(t, db)
	for _, lang := range []string{"en", "es"} {
		page := env.getLang(t, lang, "/indicators/forecast?country=GTM&indicator=homicide_rate&horizon=5&model=naive")
		m := regexp.MustCompile(`(?s)<figure class="ind-chart" id="chart-fc">.*?<script type="application/json" class="chart-data">(.*?)</script>`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("%s: no forecast chart:\n%.2000s", lang, page)
		}
		var spec indChartSpec
		if err := json.Unmarshal([]byte(m[1]), &spec); err != nil {
			t.Fatal(err)
		}
		bands := 0
		for _, d := range spec.Datasets {
			for _, x := range d.Data {
				if x != nil && *x < 0 {
					t.Errorf("%s: %s has %v", lang, d.Label, *x)
				}
				if x != nil && *x == 0 && strings.HasPrefix(d.Style, "band-low") {
					bands++
				}
			}
		}
		if bands == 0 {
			t.Errorf("%s: no band reached zero: the series does not test the floor", lang)
		}
		if lang == "en" {
			api := env.call(t, "GET", "/api/v1/forecasts?country=GTM&indicator=homicide_rate&horizon=5&model=naive", auth.RoleAdmin, "", 200)
			zero := 0
			for _, pt := range api["forecast"].([]any) {
				for _, k := range []string{"forecast", "lower80", "upper80", "lower95", "upper95"} {
					x := pt.(map[string]any)[k].(float64)
					if x < 0 {
						t.Errorf("API %s %v", k, x)
					}
					if x == 0 {
						zero++
					}
				}
			}
			if zero == 0 {
				t.Errorf("API: no band reached zero: the series does not test the floor")
			}
		}
		// The benchmark is not compared with itself: its row says so with
		// a dash, not blank cells.
		scores := regexp.MustCompile(`(?s)<table id="scores-table">.*?</table>`).FindString(page)
		if scores == "" || strings.Contains(scores, "<td></td>") || strings.Contains(scores, `<td class="num"></td>`) {
			t.Errorf("%s: the backtest table has a blank cell or is missing:\n%s", lang, scores)
		}
		note := map[string]string{"en": "cannot be negative stop at zero", "es": "no puede ser negativa se detienen en cero"}[lang]
		if !strings.Contains(page, note) {
			t.Errorf("%s: the floor is not said", lang)
		}
	}
}

// TestForecastPlainErrors: a refused forecast is a plain sentence in the
// page's language, never the domain's code words.
func TestForecastPlainErrors(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := auth.OperatorContext(context.Background(), "test")
	csv := "country_iso3,indicator,period,value,unit,source\nGTM,homicide_rate,2020,15.3,per 100k,test\nGTM,homicide_rate,2021,16.1,per 100k,test\n"
	if _, err := indicators.New(db).Import(ctx, indicators.Options{Name: "h.csv", Reader: strings.NewReader(csv)}); err != nil {
		t.Fatal(err)
	}
	env := newTestEnv(t, db)
	for _, tt := range []struct{ query, en, es string }{
		{"country=GTM&indicator=homicide_rate&model=naive", "too few values", "muy pocos valores"},
		{"country=HND&indicator=homicide_rate", "There are no values for this country and indicator", "No hay valores para este país e indicador"},
		{"country=GTM&indicator=homicide_rate&until=someday", "write a month (2014-05)", "escriba un mes (2014-05)"},
	} {
		for _, lang := range []string{"en", "es"} {
			_, page := env.getLangAny(t, lang, "/indicators/forecast?"+tt.query)
			want := map[string]string{"en": tt.en, "es": tt.es}[lang]
			if !strings.Contains(page, want) {
				t.Errorf("%s (%s): lacks %q", tt.query, lang, want)
			}
			for _, raw := range []string{"series too short", "needs 3 values", "not found", "indicators:", "parse"} {
				if strings.Contains(page, raw) {
					t.Errorf("%s (%s): shows %q", tt.query, lang, raw)
				}
			}
		}
	}
}
