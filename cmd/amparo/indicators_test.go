package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/indicators"
)

// TestIndicatorsCommands runs the subcommands as an operator would, on a
// fresh SQLite data directory.
func TestIndicatorsCommands(t *testing.T) {
	ctx := operatorContext(context.Background())
	dir := t.TempDir()
	data := []string{"--data", dir}
	var out bytes.Buffer

	if err := indicatorsImport(ctx, append([]string{"--builtin"}, data...), &out); err != nil {
		t.Fatalf("import --builtin: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), `"r4,964" -> "4,964"`) {
		t.Errorf("import report does not show the revised-figure correction:\n%s", out.String())
	}

	out.Reset()
	if err := indicatorsList(ctx, data, &out); err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"uac_encounters", "homicide_rate", "wgi_cc", "cpi_score", "population_0_14"} {
		if !strings.Contains(out.String(), code) {
			t.Errorf("list lacks %s", code)
		}
	}

	// forecast: the CSV has the promised columns, one row per period, and
	// nested intervals.
	fc := filepath.Join(dir, "f.csv")
	out.Reset()
	if err := indicatorsForecast(ctx, append([]string{"--country", "ALL", "--indicator", "uac_encounters", "--horizon", "6", "--until", "2014-05", "--out", fc}, data...), &out); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(fc)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "period,forecast,lower80,upper80,lower95,upper95" || len(recs) != 7 {
		t.Fatalf("forecast CSV: %v", recs)
	}
	if recs[1][0] != "2014-06" {
		t.Errorf("first forecast period %s, want 2014-06 (data up to 2014-05)", recs[1][0])
	}
	for _, r := range recs[1:] {
		var v [5]float64
		for i := range v {
			v[i], _ = strconv.ParseFloat(r[i+1], 64)
		}
		point, l80, u80, l95, u95 := v[0], v[1], v[2], v[3], v[4]
		if !(l95 <= l80 && l80 <= point && point <= u80 && u80 <= u95 && l95 >= 0) {
			t.Errorf("%s: intervals not nested: %v", r[0], r)
		}
	}

	out.Reset()
	if err := indicatorsBacktest(ctx, append([]string{"--country", "ALL", "--indicator", "uac_encounters", "--horizon", "12"}, data...), &out); err != nil {
		t.Fatal(err)
	}
	for _, m := range indicators.Models(12) {
		if !strings.Contains(out.String(), m) {
			t.Errorf("backtest output lacks %s:\n%s", m, out.String())
		}
	}

	// backtest --format csv: one row per model and horizon.
	out.Reset()
	if err := indicatorsBacktest(ctx, append([]string{"--country", "ALL", "--indicator", "uac_encounters", "--horizon", "12", "--format", "csv"}, data...), &out); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(out.String())).ReadAll()
	if err != nil || strings.Join(rows[0], ",") != "model,horizon,n,mase,smape,coverage80,coverage95" || len(rows) != 1+12*(len(indicators.Models(12))+1) {
		t.Errorf("backtest csv: %v\n%s", err, out.String())
	}

	// forecast --total fiscal_year as of May 2014: FY2014 and FY2015 rows,
	// sample-path intervals.
	out.Reset()
	tot := filepath.Join(dir, "t.csv")
	if err := indicatorsForecast(ctx, append([]string{"--country", "ALL", "--indicator", "uac_encounters", "--horizon", "12", "--until", "2014-05", "--total", "fiscal_year", "--out", tot}, data...), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "naive model, the default") || strings.Contains(out.String(), "combination") || !strings.Contains(out.String(), "calibrated") {
		t.Errorf("forecast summary: %s", out.String())
	}
	b, _ := os.ReadFile(tot)
	rows, _ = csv.NewReader(strings.NewReader(string(b))).ReadAll()
	if len(rows) != 3 || strings.Join(rows[0], ",") != "period,forecast,lower80,upper80,lower95,upper95" || rows[1][0] != "FY2014" || rows[2][0] != "FY2015" {
		t.Errorf("totals CSV:\n%s", b)
	}

	// A series too short for a track record is refused, as the API does.
	out.Reset()
	err = indicatorsForecast(ctx, append([]string{"--country", "ALL", "--indicator", "uac_encounters", "--horizon", "1", "--frequency", "fiscal_year", "--until", "FY2014"}, data...), &out)
	if !errors.Is(err, indicators.ErrNoTrackRecord) {
		t.Errorf("forecast of a too-short series: %v, want ErrNoTrackRecord", err)
	}

	// export, then import of the export: accepted (as a source of its own),
	// and no stored value is changed.
	ex := filepath.Join(dir, "gtm.csv")
	if err := indicatorsExport(ctx, append([]string{"--country", "GTM", "--out", ex}, data...), &out); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := indicatorsImport(ctx, append([]string{"--file", ex}, data...), &out); err != nil {
		t.Fatalf("re-import of export: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), " 0 updated") {
		t.Errorf("re-import of the export changed values:\n%s", out.String())
	}

	// export --all-sources: every source of each period (the border total
	// is published by several), so more rows than the default.
	lines := func(args ...string) int {
		path := filepath.Join(dir, "all.csv")
		if err := indicatorsExport(ctx, append(append(args, "--out", path), data...), &out); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(path)
		return strings.Count(string(b), "\n")
	}
	if top, all := lines("--country", "ALL", "--indicator", "uac_encounters"), lines("--country", "ALL", "--indicator", "uac_encounters", "--all-sources"); all <= top {
		t.Errorf("export --all-sources: %d lines, default %d; want more", all, top)
	}

	// A bad file is refused with its row errors.
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("country_iso3,indicator,period,value,unit,source\nGTM,homicide_rate,2020,many,x,y\n"), 0o600)
	out.Reset()
	err = indicatorsImport(ctx, append([]string{"--file", bad}, data...), &out)
	if !errors.Is(err, indicators.ErrInvalidFile) || !strings.Contains(out.String(), "line 2, value") {
		t.Errorf("bad file: %v\n%s", err, out.String())
	}

	if err := indicatorsForecast(ctx, append([]string{"--country", "ALL"}, data...), &out); !errors.Is(err, errUsage) {
		t.Errorf("forecast without --indicator: %v, want a usage error", err)
	}

	// The scenario: Guatemala with the nationwide total as covariate, its
	// conditional track record printed beside the model's; twice the
	// covariate's last value gives more children than the same series at
	// half of it. A level of 0 is a usage error; ALL has no scenario.
	scenario := func(level string) []string {
		t.Helper()
		p := filepath.Join(dir, "s"+level+".csv")
		out.Reset()
		if err := indicatorsForecast(ctx, append([]string{"--country", "GTM", "--indicator", "uac_encounters", "--horizon", "3", "--scenario-level", level, "--out", p}, data...), &out); err != nil {
			t.Fatalf("scenario %s: %v", level, err)
		}
		if !strings.Contains(out.String(), "scenario: seasonal_naive with covariate ALL/uac_encounters/month/cbp-enc-nw") || !strings.Contains(out.String(), "conditional backtest") ||
			!strings.Contains(out.String(), "warning: in the backtest the seasonal_naive model's intervals were too narrow") {
			t.Errorf("scenario summary: %s", out.String())
		}
		b, _ := os.ReadFile(p)
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil || len(recs) != 4 {
			t.Fatalf("scenario CSV %v: %v", err, recs)
		}
		return recs[1]
	}
	hi, lo := scenario("1600"), scenario("400")
	if h, l := parseF(t, hi[1]), parseF(t, lo[1]); !(h > l) {
		t.Errorf("scenario at 1,600: %v, at 400: %v; want more at the higher level", h, l)
	}
	// NaN, +Inf and a level that overflows printed NaN and +Inf forecasts.
	for _, level := range []string{"0", "NaN", "Inf", "1e308"} {
		if err := indicatorsForecast(ctx, append([]string{"--country", "GTM", "--indicator", "uac_encounters", "--horizon", "3", "--scenario-level", level}, data...), &out); !errors.Is(err, errUsage) {
			t.Errorf("--scenario-level %s: %v, want a usage error", level, err)
		}
	}
	if err := indicatorsForecast(ctx, append([]string{"--country", "ALL", "--indicator", "uac_encounters", "--horizon", "3", "--scenario-level", "500"}, data...), &out); err == nil || !strings.Contains(err.Error(), "no scenario") {
		t.Errorf("ALL scenario: %v, want refused with the reason", err)
	}
	// A horizon past the bound is refused before any work: 999,999,999
	// exhausted the machine's memory.
	for _, run := range []func(context.Context, []string, io.Writer) error{indicatorsForecast, indicatorsBacktest} {
		if err := run(ctx, append([]string{"--country", "GTM", "--indicator", "uac_encounters", "--horizon", "999999999"}, data...), &out); !errors.Is(err, errUsage) {
			t.Errorf("--horizon 999999999: %v, want a usage error", err)
		}
	}
}

func parseF(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
