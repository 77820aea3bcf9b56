package indicators

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// opCtx acts as the command-line operator (admin), who may import.
func opCtx() context.Context { return auth.OperatorContext(context.Background(), "test") }

// TestImportNeedsPermission: imports change what everyone reads, so they
// need indicators.import (admin, or the operator); nobody, or another
// role, is refused with the forbidden kind (403) and nothing is stored.
func TestImportNeedsPermission(t *testing.T) {
	db := storetest.OpenSQLite(t)
	svc := New(db)
	csv := "country_iso3,indicator,period,value,unit,source\nGTM,homicide_rate,2020,15.3,per 100k,test\n"
	for _, c := range []struct {
		name string
		ctx  context.Context
		ok   bool
	}{
		{"nobody", context.Background(), false},
		{"public", auth.NewContext(context.Background(), auth.Principal{UserID: 1, Email: "p@example.org", Role: auth.RolePublic}), false},
		{"caseworker", auth.NewContext(context.Background(), auth.Principal{UserID: 2, Email: "c@example.org", Role: auth.RoleCaseworker}), false},
		{"admin", auth.NewContext(context.Background(), auth.Principal{UserID: 3, Email: "a@example.org", Role: auth.RoleAdmin}), true},
		{"operator", opCtx(), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := svc.Import(c.ctx, Options{Name: "h.csv", Reader: strings.NewReader(csv)})
			if c.ok != (err == nil) {
				t.Fatalf("Import: %v, want allowed %v", err, c.ok)
			}
			if !c.ok && !errors.Is(err, errs.ErrForbidden) {
				t.Errorf("Import refused with %v, want ErrForbidden", err)
			}
			_, err = svc.ImportBuiltin(c.ctx, nil)
			if !c.ok && !errors.Is(err, errs.ErrForbidden) {
				t.Errorf("ImportBuiltin refused with %v, want ErrForbidden", err)
			}
			if c.ok {
				return
			}
			// Reads stay open to anyone.
			if _, err := svc.ListIndicators(c.ctx); err != nil {
				t.Errorf("ListIndicators: %v", err)
			}
		})
	}
}

// TestNoForecastWithoutTrackRecord: the rule that a forecast is shown only
// with its track record lives in the domain: a series long enough to
// forecast but too short to backtest is refused as the caller's problem
// (422 kind) with ErrNoTrackRecord; a long one gets both.
func TestNoForecastWithoutTrackRecord(t *testing.T) {
	db := storetest.OpenSQLite(t)
	svc := New(db)
	ctx := opCtx()
	var b strings.Builder
	b.WriteString("country_iso3,indicator,period,value,unit,source\n")
	for y := 2000; y <= 2019; y++ {
		b.WriteString("GTM,homicide_rate," + itoa(y) + "," + itoa(20+y%7) + ",per 100k,test\n")
	}
	if _, err := svc.Import(ctx, Options{Name: "h.csv", Reader: strings.NewReader(b.String())}); err != nil {
		t.Fatal(err)
	}
	q := SeriesQuery{Country: "GTM", Indicator: "homicide_rate"}

	// Four years: enough for a naive forecast, not for a backtest.
	if _, err := svc.ForecastSeries(ctx, q, "2003", 1, ModelNaive); err != nil {
		t.Fatalf("ForecastSeries on 4 values: %v", err)
	}
	_, err := svc.Forecast(ctx, q, "2003", 1, ModelNaive)
	if !errors.Is(err, ErrNoTrackRecord) || !errs.IsValidation(err) || err.Error() != ErrNoTrackRecord.Error() {
		t.Errorf("Forecast on 4 values: %v, want the ErrNoTrackRecord refusal", err)
	}

	// Twenty years: a forecast with its track record.
	f, err := svc.Forecast(ctx, q, "", 2, ModelNaive)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Periods) != 2 || f.Backtest == nil || len(f.Backtest.Scores) == 0 {
		t.Errorf("Forecast: %d periods, backtest %+v", len(f.Periods), f.Backtest)
	}

	// Too short for the model itself: refused (422), still ErrTooShort.
	_, err = svc.ForecastSeries(ctx, q, "2000", 1, ModelNaive)
	if !errors.Is(err, ErrTooShort) || !errs.IsValidation(err) || !strings.HasPrefix(err.Error(), "indicators: forecast GTM homicide_rate: series too short") {
		t.Errorf("ForecastSeries on 1 value: %v", err)
	}
	// No such series: not found (404).
	_, err = svc.Forecast(ctx, SeriesQuery{Country: "HND", Indicator: "homicide_rate"}, "", 1, ModelNaive)
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Forecast of a missing series: %v, want not found", err)
	}
}
