package web

import (
	"context"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestIndicatorsCountryUnder18: the under-18 population imported by
// import --builtin (UNICEF DM_POP_U18, 2020-2022) is on the country page in
// English and Spanish, with its latest value, its unit and its source.
func TestIndicatorsCountryUnder18(t *testing.T) {
	db := storetest.OpenSQLite(t)
	if _, err := indicators.New(db).ImportBuiltin(auth.OperatorContext(context.Background(), "test"), nil); err != nil {
		t.Fatal(err)
	}
	env := newTestEnv(t, db)
	for lang, want := range map[string][]string{
		"en": {`/indicators/indicators/population_0_17">Population under 18</a>`,
			// Guatemala 2022 in the UNICEF file: 6910.065 thousand.
			`<strong class="value">6,910,065</strong> <span class="unit">persons</span> <span class="period">2022</span>`,
			`UNICEF Data Warehouse (data from UN DESA Population Division, World Population Prospects 2022)`},
		"es": {`/indicators/indicators/population_0_17">Población menor de 18 años</a>`,
			`<strong class="value">6,910,065</strong> <span class="unit">personas</span> <span class="period">2022</span>`,
			`UNICEF Data Warehouse (data from UN DESA Population Division, World Population Prospects 2022)`},
	} {
		page := getLang(t, env.ts.URL+"/indicators/countries/GTM", lang)
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("%s: country page lacks %q", lang, w)
			}
		}
	}
}
