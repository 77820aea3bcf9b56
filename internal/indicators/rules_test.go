package indicators

import (
	"errors"
	"fmt"
	"testing"

	"github.com/amparo-project/amparo/internal/errs"
)

// One case per row of scopeRules, with the wording found in the files.
func TestScopeRules(t *testing.T) {
	cases := []struct{ text, want string }{
		{"USBP southwest border encounters (Title 8 apprehensions + Title 42 expulsions)", "usbp-swb-t42"},
		{"CBP nationwide encounters (all borders, USBP + OFO), as reported by EFE citing CBP", "cbp-nationwide"},
		{"USBP UAC apprehensions as reported by El Imparcial citing Border Patrol statistics (described as national level)", "usbp-national-press"},
		{"USBP apprehensions (labelled southwest border by CRS; may include non-SWB sectors)", "usbp-swb-maybe-all"},
		{"CBP southwest land border encounters (USBP + OFO ports of entry), as reported by press citing CBP", "cbp-swb"},
		{"CBP encounters as reported by press citing CBP (USBP vs OFO split not stated)", "cbp-unstated"},
		{"CBP southwest border (per IOM compilation of CBP data)", "cbp-swb-unstated"},
		{"USBP southwest border apprehensions", "usbp-swb"},
	}
	if len(cases) != len(scopeRules) {
		t.Fatalf("%d cases for %d rules: add a case for the new rule", len(cases), len(scopeRules))
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			if got, ok := ClassifyScope(c.text); !ok || got != c.want {
				t.Errorf("ClassifyScope(%q) = %q, %v; want %q", c.text, got, ok, c.want)
			}
		})
	}
	if _, ok := ClassifyScope("children seen somewhere"); ok {
		t.Error("unknown wording was classified; it must be refused")
	}
}

func TestTitle42Era(t *testing.T) {
	for month, want := range map[string]string{"2020-02": "usbp-swb", "2020-03": "usbp-swb-t42", "2023-05": "usbp-swb-t42", "2023-06": "usbp-swb"} {
		if got := usbpMonthScope(month); got != want {
			t.Errorf("usbpMonthScope(%s) = %s, want %s", month, got, want)
		}
	}
	for fy, want := range map[int]string{2019: "usbp-swb", 2020: "usbp-swb-t42", 2023: "usbp-swb-t42", 2024: "usbp-swb"} {
		if got := usbpFYScope(fy); got != want {
			t.Errorf("usbpFYScope(%d) = %s, want %s", fy, got, want)
		}
	}
}

func TestParseNumber(t *testing.T) {
	cases := []struct {
		in    string
		want  float64
		fixes int
		err   bool
		miss  bool
	}{
		{"1533", 1533, 0, false, false},
		{"1,533", 1533, 1, false, false},
		{"r4,964", 4964, 2, false, false},
		{"-1.2917", -1.2917, 0, false, false},
		{"1.8192649999999999", 1.8192649999999999, 0, false, false},
		{"..", 0, 0, false, true},
		{"", 0, 0, false, true},
		{"1,5", 0, 0, true, false}, // a decimal comma is refused, not read as 15
		{"12,34,567", 0, 0, true, false},
		{"0x10", 0, 0, true, false},
		{"1_000", 0, 0, true, false},
		{"NaN", 0, 0, true, false},
		{"Inf", 0, 0, true, false},
		{"17O57", 0, 0, true, false},
	}
	for _, c := range cases {
		v, fixes, err := parseNumber(c.in)
		switch {
		case c.miss:
			if !errors.Is(err, errMissing) {
				t.Errorf("%q: %v, want missing", c.in, err)
			}
		case c.err:
			if err == nil || errors.Is(err, errMissing) {
				t.Errorf("%q: read as %v, want an error", c.in, v)
			}
		default:
			if err != nil || v != c.want || len(fixes) != c.fixes {
				t.Errorf("%q: %v, %d fixes, %v; want %v, %d fixes", c.in, v, len(fixes), err, c.want, c.fixes)
			}
		}
	}
}

// One case per row of backtestMinTrain, and the seasonal floor.
func TestBacktestFirstOrigin(t *testing.T) {
	cases := []struct {
		f      Frequency
		season int
		want   int
	}{
		{Monthly, 12, 36},     // three years of months (more than 2*12+2)
		{FiscalYear, 1, 6},    // five values, raised to six
		{Yearly, 1, 6},        // likewise
		{Frequency(""), 1, 6}, // an unknown frequency: as yearly
	}
	if len(cases)-1 != len(backtestMinTrain) {
		t.Fatalf("%d cases for %d rows: add a case for the new row", len(cases)-1, len(backtestMinTrain))
	}
	for _, c := range cases {
		if got := backtestFirstOrigin(c.f, c.season); got != c.want {
			t.Errorf("backtestFirstOrigin(%q, %d) = %d, want %d", c.f, c.season, got, c.want)
		}
	}
	if got := backtestFirstOrigin(Yearly, 4); got != 10 {
		t.Errorf("seasonal yearly data: first origin %d, want 2*4+2", got)
	}
}

// The rule "no forecast without a track record": a backtest too short
// refuses the forecast (422); any other failure is the server's.
func TestNoTrackRecordRule(t *testing.T) {
	err := trackRecordRefusal(fmt.Errorf("%w: 5 values", ErrTooShort))
	if !errors.Is(err, ErrNoTrackRecord) || !errs.IsValidation(err) || err.Error() != ErrNoTrackRecord.Error() {
		t.Errorf("too short: %v", err)
	}
	other := errors.New("disk on fire")
	if err := trackRecordRefusal(other); err != other || errs.IsValidation(err) {
		t.Errorf("other failure: %v", err)
	}
}

// One case per row of surgeIndicators and perCapitaVariants.
func TestChartRules(t *testing.T) {
	if len(surgeIndicators) != 1 || !MarksSurges("uac_encounters") || MarksSurges("homicide_rate") {
		t.Error("surges: only flows of children are marked")
	}
	if len(perCapitaVariants) != 1 || !perCapitaVariant("uac_encounters", FiscalYear, "usbp-swb") ||
		perCapitaVariant("uac_encounters", Monthly, "usbp-swb") || perCapitaVariant("uac_encounters", FiscalYear, "cbp-swb") {
		t.Error("per capita: Border Patrol fiscal-year counts only")
	}
}

// One case per row of the forecasting choices.
func TestForecastableRules(t *testing.T) {
	if Forecastable(Indicator{Kind: "text"}) || !Forecastable(Indicator{Kind: "count"}) || !Forecastable(Indicator{Kind: "number"}) {
		t.Error("text indicators are not forecast; counts and numbers are")
	}
	if countryForecastable(Country{Kind: "subdivision"}) || !countryForecastable(Country{Kind: "country"}) || !countryForecastable(Country{Kind: "aggregate"}) {
		t.Error("US states are not offered; countries and aggregates are")
	}
}

// The rule "a model replaces the benchmark only when it is better by more
// than chance, with intervals that did not hold too rarely"
// (chooseDefault), one case per clause.
func TestChooseDefaultRule(t *testing.T) {
	better := &Comparison{Verdict: VerdictBetter, Tested: true}
	none := &Comparison{Verdict: VerdictNoDifference, Tested: true}
	worse := &Comparison{Verdict: VerdictWorse, Tested: true}
	cases := []struct {
		name   string
		scores []Score
		want   string
	}{
		{"nothing significant: naive", []Score{{Model: ModelNaive, MASE: 1.7}, {Model: ModelCombination, MASE: 1.2, VsBenchmark: none}}, ModelNaive},
		{"one better: that one", []Score{{Model: ModelNaive, MASE: 1.7}, {Model: ModelETSANA, MASE: 1.5, VsBenchmark: better}}, ModelETSANA},
		{"two better: the lower MASE", []Score{{Model: ModelNaive, MASE: 1.7}, {Model: ModelETSANA, MASE: 1.5, VsBenchmark: better},
			{Model: ModelCombination, MASE: 1.4, VsBenchmark: better}}, ModelCombination},
		{"a lower MASE not significant loses to a significant one", []Score{{Model: ModelNaive, MASE: 1.7}, {Model: ModelETSANA, MASE: 1.6, VsBenchmark: better},
			{Model: ModelCombination, MASE: 1.0, VsBenchmark: none}}, ModelETSANA},
		{"worse is never chosen", []Score{{Model: ModelNaive, MASE: 1.7}, {Model: ModelDrift, MASE: 1.9, VsBenchmark: worse}}, ModelNaive},
		{"seasonal data: seasonal naive is the benchmark", []Score{{Model: ModelNaive, MASE: 1.7, VsBenchmark: none}, {Model: ModelSeasonalNaive, MASE: 1.9},
			{Model: ModelCombination, MASE: 1.8, VsBenchmark: none}}, ModelSeasonalNaive},
		{"seasonal data: naive better than the benchmark by more than chance", []Score{{Model: ModelNaive, MASE: 1.2, VsBenchmark: better},
			{Model: ModelSeasonalNaive, MASE: 1.9}}, ModelNaive},
		{"better but intervals too narrow: not chosen", []Score{{Model: ModelSeasonalNaive, MASE: 1.9},
			{Model: ModelCombination, MASE: 1.6, VsBenchmark: better, Coverage: CoverageTooNarrow}}, ModelSeasonalNaive},
		{"better with intervals too narrow loses to better with honest ones", []Score{{Model: ModelSeasonalNaive, MASE: 1.9},
			{Model: ModelCombination, MASE: 1.6, VsBenchmark: better, Coverage: CoverageTooNarrow},
			{Model: ModelETSANA, MASE: 1.7, VsBenchmark: better, Coverage: CoverageHonest}}, ModelETSANA},
		{"better with intervals too wide stays eligible", []Score{{Model: ModelSeasonalNaive, MASE: 1.9},
			{Model: ModelETSANA, MASE: 1.7, VsBenchmark: better, Coverage: CoverageTooWide}}, ModelETSANA},
		{"neither benchmark scored: the first (simplest)", []Score{{Model: ModelDrift, MASE: 1.0}, {Model: ModelCombination, MASE: 0.9}}, ModelDrift},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := chooseDefault(c.scores); got != c.want {
				t.Errorf("chooseDefault = %s, want %s", got, c.want)
			}
		})
	}
}

// minVerdictBlocks and significance: with fewer than 5·h origins no
// verdict; with enough, a clear gap is called at the 95% level.
func TestVerdictRules(t *testing.T) {
	clear := func(n int) ([]float64, []float64) {
		d, s := make([]float64, n), make([]float64, n)
		for i := range d {
			d[i], s[i] = -1+0.1*float64(i%3), 1
		}
		return d, s
	}
	d, s := clear(minVerdictBlocks*3 - 1)
	if c := dieboldMariano(d, s, 2); c.Tested || c.Verdict != VerdictNoDifference {
		t.Errorf("%d origins at h=3: %+v, want untested", len(d), c)
	}
	d, s = clear(minVerdictBlocks * 3)
	if c := dieboldMariano(d, s, 2); !c.Tested || c.Verdict != VerdictBetter {
		t.Errorf("%d origins at h=3: %+v, want better", len(d), c)
	}
	if significance != 0.05 {
		t.Errorf("significance %v: the pages and NOTES say 95%% intervals", significance)
	}
}

// calibMinErrors, aciRate and maxLevel: the constants the calibration
// note on the page and NOTES.md quote.
func TestCalibrationRules(t *testing.T) {
	if calibMinErrors != 10 || aciRate != 0.05 || maxLevel != 0.999 {
		t.Errorf("calibration constants changed (%d, %v, %v): update NOTES.md and the page's note", calibMinErrors, aciRate, maxLevel)
	}
}

// One case per branch of calibrationFrom: each model calibrates from the
// first origin where its final form can be fitted, and a calibrated
// forecast from that origin really uses the errors of the earliest one.
func TestCalibrationFrom(t *testing.T) {
	cases := []struct {
		model string
		m     int
		want  int
	}{
		{ModelNaive, 12, 3},
		{ModelDrift, 12, 3},
		{ModelSeasonalNaive, 12, 14},
		{ModelETSANA, 12, 26},
		{ModelETS, 12, 26},
		{ModelCombination, 12, 26},
		{ModelNaive, 1, 3},
		{ModelETS, 1, 6},
		{ModelCombination, 1, 6},
	}
	y := make([]float64, 40)
	for i := range y {
		y[i] = 100 + float64(i%7)
	}
	r, err := newRolling(y, 1, ForecastOptions{Season: 12}, Models(12))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if got := calibrationFrom(c.model, c.m); got != c.want {
			t.Errorf("calibrationFrom(%s, %d) = %d, want %d", c.model, c.m, got, c.want)
		}
		if c.m != 12 {
			continue
		}
		if r.at(c.model, c.want-1) != nil || r.at(c.model, c.want) == nil {
			t.Errorf("%s: forecasts kept from origin %d, want from %d", c.model, c.want-1, c.want)
		}
		// At origin 40, horizon 1 holds one error per origin c.want..39.
		sp, err := r.spreads(c.model, 40, 1)
		if err != nil {
			t.Fatal(err)
		}
		if sp[0].N != 40-c.want {
			t.Errorf("%s: %d errors at origin 40, want %d", c.model, sp[0].N, 40-c.want)
		}
	}
}

// One case per edge of coverageBands, and the figures of NOTES.md.
func TestCoverageVerdict(t *testing.T) {
	cases := []struct {
		c80, c95 float64
		want     string
	}{
		{1, 1, CoverageUnknown},           // fewer than minCoverageForecasts (GTM, fiscal years: 5)
		{0.790, 0.924, CoverageHonest},    // ALL, naive
		{0.75, 0.91, CoverageHonest},      // lower edges held
		{0.85, 0.98, CoverageHonest},      // upper edges held
		{0.749, 0.95, CoverageTooNarrow},  // 80% too rarely
		{0.80, 0.909, CoverageTooNarrow},  // 95% too rarely
		{0.577, 0.846, CoverageTooNarrow}, // GTM, naive
		{0.851, 0.95, CoverageTooWide},
		{0.941, 0.979, CoverageTooWide}, // NIC, naive
		{0.70, 0.99, CoverageTooNarrow}, // narrow at 80% wins over wide at 95%
	}
	for i, c := range cases {
		n := minCoverageForecasts
		if i == 0 {
			n--
		}
		if got := coverageVerdict(Score{Cover80: c.c80, Cover95: c.c95, Forecast: n}); got != c.want {
			t.Errorf("%.3f / %.3f: %s, want %s", c.c80, c.c95, got, c.want)
		}
	}
}

// One case per row of publisherRegionNames, and the UN's own name.
func TestPublisherRegionNames(t *testing.T) {
	cases := []struct{ publisher, name, want string }{
		{"World Bank Poverty and Inequality Platform, processed by Our World in Data", "Latin America and the Caribbean", "WB_LAC"},
		{"World Bank WDI", "Latin America and Caribbean", "WB_LAC"},
	}
	if len(cases) != len(publisherRegionNames) {
		t.Fatalf("%d cases for %d rows: add a case for the new row", len(cases), len(publisherRegionNames))
	}
	for _, c := range cases {
		if got := regionForPublisher(c.publisher, c.name); got != c.want {
			t.Errorf("regionForPublisher(%q, %q) = %q, want %q", c.publisher, c.name, got, c.want)
		}
	}
	if got := regionForPublisher("UN DESA Population Division (WPP 2017), processed by Our World in Data", "Latin America and the Caribbean"); got != "" {
		t.Errorf("the UN's region was given %q; it falls back to UN_LAC", got)
	}
	if ISO3ForName("Latin America and the Caribbean") != "UN_LAC" {
		t.Error("the common name is the UN's region")
	}
}

// One case per row of hhsUnits, and the default.
func TestHHSUnits(t *testing.T) {
	cases := []struct{ category, want string }{
		{"Average Length of Care (for those discharged)", "days"},
		{"Maximum Number of Operations Beds", "beds"},
	}
	if len(cases) != len(hhsUnits) {
		t.Fatalf("%d cases for %d rows: add a case for the new row", len(cases), len(hhsUnits))
	}
	for _, c := range cases {
		if got := hhsUnit(c.category); got != c.want {
			t.Errorf("hhsUnit(%q) = %q, want %q", c.category, got, c.want)
		}
	}
	if got := hhsUnit("Average Number of Children in Care"); got != "count" {
		t.Errorf("children in care: %q, want count", got)
	}
}

// One case per row of settledScopes; a different figure is not settled.
func TestSettledScopes(t *testing.T) {
	cases := []struct {
		country, period string
		value           float64
		from, want      string
	}{
		{"ALL", "FY2012", 24481, "usbp-swb-maybe-all", "usbp-all"},
	}
	if len(cases) != len(settledScopes) {
		t.Fatalf("%d cases for %d rows: add a case for the new row", len(cases), len(settledScopes))
	}
	for _, c := range cases {
		if got, reason, ok := settledScope(c.country, c.period, c.value, c.from); !ok || got != c.want || reason == "" {
			t.Errorf("settledScope(%s %s %v %s) = %q, %v", c.country, c.period, c.value, c.from, got, ok)
		}
		if _, _, ok := settledScope(c.country, c.period, c.value+1, c.from); ok {
			t.Errorf("%s %s: a different figure was settled", c.country, c.period)
		}
	}
}

// minSeriesPoints: a lone value is not drawn as a series.
func TestLonePanelRule(t *testing.T) {
	v := 1.0
	one := Series{Points: []Point{{Period: "2015-03", Value: &v}}}
	two := Series{Points: []Point{{Period: "2015-03", Value: &v}, {Period: "2015-04", Value: &v}}}
	if !lonePanel([]Series{one}) || !lonePanel([]Series{one, one}) || lonePanel([]Series{one, two}) {
		t.Error("a panel is lone when no series has two values")
	}
}

// One case per row of unicefIndicators: each UNICEF code maps to a
// catalogued count stored in the unit UNICEF's unit of measure gives.
func TestUNICEFIndicatorRules(t *testing.T) {
	cases := []struct{ code, indicator, unitMeasure string }{
		{"DM_POP_U18", "population_0_17", "PS"},
	}
	if len(cases) != len(unicefIndicators) {
		t.Fatalf("%d cases for %d rules: add a case for the new rule", len(cases), len(unicefIndicators))
	}
	for _, c := range cases {
		spec, ok := unicefIndicators[c.code]
		if !ok || spec.indicator != c.indicator || spec.unitMeasure != c.unitMeasure {
			t.Errorf("%s: %+v", c.code, spec)
		}
		in, ok := KnownIndicator(spec.indicator)
		if !ok || in.Unit != spec.unit || in.Kind != "count" {
			t.Errorf("%s: catalogue entry %+v (%v), rule stores %s", c.code, in, ok, spec.unit)
		}
	}
}

// One case per row of unicefAreasReadPast: the codes it lists are the ones
// validCode would refuse, so without the row the file would be refused.
func TestUNICEFAreasReadPast(t *testing.T) {
	cases := []string{"WORLD"}
	if len(cases) != len(unicefAreasReadPast) {
		t.Fatalf("%d cases for %d rules: add a case for the new rule", len(cases), len(unicefAreasReadPast))
	}
	for _, code := range cases {
		if _, ok := unicefAreasReadPast[code]; !ok || validCode(code) {
			t.Errorf("%s: listed %v, valid code %v", code, ok, validCode(code))
		}
	}
	if !validCode("UNICEF_LAC") {
		t.Error("UNICEF's prefixed aggregates are valid codes and need no row")
	}
}

// One case per row of wppEstimatesEnd: the last estimate year has no note,
// the year after is a projection, and a source citing another revision
// gets no note.
func TestWPPEstimatesEnd(t *testing.T) {
	cases := []struct {
		source            string
		estimate, project int
	}{
		{"United Nations, Department of Economic and Social Affairs, Population Division (2022). World Population Prospects 2022, Online Edition.", 2021, 2022},
	}
	if len(cases) != len(wppEstimatesEnd) {
		t.Fatalf("%d cases for %d rules: add a case for the new rule", len(cases), len(wppEstimatesEnd))
	}
	for _, c := range cases {
		if n := projectionNote(c.source, c.estimate); n != "" {
			t.Errorf("%d: %q, want no note", c.estimate, n)
		}
		if n := projectionNote(c.source, c.project); n != fmt.Sprintf("; %d is a WPP 2022 projection (its estimates end in 2021)", c.project) {
			t.Errorf("%d: %q", c.project, n)
		}
	}
	if n := projectionNote("World Population Prospects 2019", 2030); n != "" {
		t.Errorf("a revision without a row got %q", n)
	}
}
