package indicators

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// The indicators domain's rules, as data: when a forecast may be shown,
// how much past a backtest needs, what counts as a surge, which series
// have a per-capita variant and which indicators the correlations test.
// No I/O here; rules_test.go has one test per row.

// ErrNoTrackRecord refuses a forecast whose series is too short to test
// the models on its own past: without a track record there is no
// forecast (noForecastWithoutTrackRecord).
var ErrNoTrackRecord = errors.New("the series is too short to test the forecast on its own past, so no forecast is shown")

// trackRecordRefusal is the rule "no forecast without a track record":
// a backtest that failed because the series is too short refuses the
// forecast (422, ErrNoTrackRecord); any other failure is returned as is.
func trackRecordRefusal(backtestErr error) error {
	if errors.Is(backtestErr, ErrTooShort) {
		return &refusal{msg: ErrNoTrackRecord.Error(), cause: ErrNoTrackRecord}
	}
	return backtestErr
}

// backtestMinTrain is the least data before the first backtest origin, by
// frequency: three years of monthly data, five values otherwise.
var backtestMinTrain = map[Frequency]int{
	Monthly:    36,
	FiscalYear: 5,
	Yearly:     5,
}

// backtestFirstOrigin is the first backtest origin: backtestMinTrain, at
// least six values, and for seasonal data two whole seasons and two more
// (what ETS needs).
func backtestFirstOrigin(f Frequency, season int) int {
	mt, ok := backtestMinTrain[f]
	if !ok {
		mt = 5
	}
	mt = max(mt, 6)
	if season > 1 {
		mt = max(mt, 2*season+2)
	}
	return mt
}

// surgeRules mark surges. A month is a surge when it is at least 1.5 times
// the median of the twelve months before it (so that a seasonal spring rise
// on a low base is not enough); a year when it is at least 1.5 times the
// year before.
var surgeRules = map[Frequency]struct {
	window int
	ratio  float64
}{
	Monthly:    {12, 1.5},
	FiscalYear: {1, 1.5},
	Yearly:     {1, 1.5},
}

// surgeIndicators are the indicators whose charts mark surges: flows of
// children, where a surge is news; a rate or an index has none.
var surgeIndicators = []string{"uac_encounters"}

// MarksSurges reports whether charts of the indicator code mark surges.
func MarksSurges(code string) bool { return slices.Contains(surgeIndicators, code) }

// PerCapitaPopulation is the population series the per-capita variant of
// unaccompanied-children counts divides by. The UN WPP 2017 file has no
// under-18 group, so the variant is per 100,000 people aged 0-14: an
// under-18 figure would have to be estimated, and Amparo does not invent
// numbers. UNICEF's under-18 count (population_0_17) covers 2020-2022
// only, after the Border Patrol Title 8 series below ends in FY2019.
const PerCapitaPopulation = "population_0_14"

// perCapitaVariants are the count series shown per 100,000 children too:
// the yearly Border Patrol counts by country of origin, the one series
// counted the same way for every country.
var perCapitaVariants = []struct {
	indicator string
	frequency Frequency
	scope     string
}{
	{"uac_encounters", FiscalYear, "usbp-swb"},
}

// perCapitaVariant reports whether the series of indicator code in
// frequency f and scope are shown per capita too.
func perCapitaVariant(code string, f Frequency, scope string) bool {
	for _, v := range perCapitaVariants {
		if v.indicator == code && v.frequency == f && v.scope == scope {
			return true
		}
	}
	return false
}

// Forecasting choices: text indicators (income group) cannot be
// forecast, and US states are not offered (their series are releases to
// sponsors, too short and too few).
var (
	unforecastableKinds     = []string{"text"}
	unforecastableCountries = []string{"subdivision"}
)

// Forecastable reports whether series of in may be forecast.
func Forecastable(in Indicator) bool { return !slices.Contains(unforecastableKinds, in.Kind) }

// countryForecastable reports whether c is offered for forecasts.
func countryForecastable(c Country) bool { return !slices.Contains(unforecastableCountries, c.Kind) }

// Drivers are the indicators the seeds name as causes of the flows.
var Drivers = []string{"homicide_rate", "gdp_pc_ppp", "poverty_365", "cpi_score", "wgi_cc", "wgi_rl", "wgi_pv"}

// minCorrelationPairs: below this many (driver, flow) year pairs a
// correlation is unknown (NaN), not computed.
const minCorrelationPairs = 5

// calibMinErrors: a horizon's calibrated interval needs this many past
// errors at that horizon; with fewer it borrows a shorter horizon's,
// widened (calibrate.go).
const calibMinErrors = 10

// calibrationFrom is the first origin whose errors calibrate model's
// intervals: where the model, as it is used at later origins, can first be
// fitted. Each model calibrates on every error it could have made: the
// early ones of a short series hold its breaks (the monthly CBP series
// begin with the 2020 collapse and the 2021 surge), and dropping them (the
// rule before 2026-11-30 started every model where seasonal ETS fits, 26
// values monthly) left the intervals of 74-value series blind to such
// jumps. A model whose form changes with the data's length (ETS without
// its season below two seasons, the combination without damped ETS)
// starts where its final form does.
func calibrationFrom(model string, m int) int {
	switch model {
	case ModelNaive, ModelDrift:
		return 3 // naive(m=1) needs m+2 values, drift 3
	case ModelSeasonalNaive:
		return m + 2
	default: // ETS(A,N,A), damped ETS, the combination (which holds damped ETS)
		return calibrationStart(m)
	}
}

// Coverage verdicts: whether a model's calibrated intervals held about as
// often as they say in its backtest (the bands: 75-85% for the 80%
// interval, 91-98% for the 95%). A forecast whose model is outside them is
// shown with the verdict, so that an 80% interval that held 58% of the
// time is never read as an 80% interval (the per-country monthly series,
// NOTES.md).
const (
	CoverageHonest    = "honest"
	CoverageTooNarrow = "too_narrow" // held less often than they say
	CoverageTooWide   = "too_wide"   // held more often: honest but wider than needed
	CoverageUnknown   = "too_few_forecasts"
)

// minCoverageForecasts: with fewer backtest forecasts no verdict is given.
// The standard error of an 80% coverage measured on n forecasts is
// sqrt(0.16/n): above 6.3 points below 40, more than the band's half-width
// (5 points), so a verdict would be noise (the fiscal-year series: 5).
const minCoverageForecasts = 40

var coverageBands = struct{ lo80, hi80, lo95, hi95 float64 }{0.75, 0.85, 0.91, 0.98}

// coverageVerdict judges a score's coverage; too narrow wins over too wide
// (a 95% interval that held too rarely is the graver fault).
func coverageVerdict(s Score) string {
	b := coverageBands
	switch {
	case s.Forecast < minCoverageForecasts:
		return CoverageUnknown
	case s.Cover80 < b.lo80 || s.Cover95 < b.lo95:
		return CoverageTooNarrow
	case s.Cover80 > b.hi80 || s.Cover95 > b.hi95:
		return CoverageTooWide
	}
	return CoverageHonest
}

// scenarioCovariateCountry: a country's series gets a scenario with the
// covariate of this country's series of the same indicator, scope and
// frequency (for unaccompanied children, all citizenships together: the
// one covariate that overlaps the per-country monthly series over their
// whole length; the HHS monthly figures stop in January 2021).
const scenarioCovariateCountry = "ALL"

// aciRate is how fast calibrated intervals widen after misses and narrow
// after hits (adaptive conformal inference's gamma), and maxLevel the
// widest level they may reach.
const (
	aciRate  = 0.05
	maxLevel = 0.999
)

// significance is the level at which a model is called better or worse
// than naive (a 95% interval of the MASE difference that excludes zero).
const significance = 0.05

// minVerdictBlocks: forecasts from neighbouring origins share most of
// their targets, so n origins of h-step forecasts hold about n/h
// independent comparisons; with fewer than this many a model is never
// called better or worse than naive (the test's large-sample theory does
// not hold), and the default stays the simplest.
const minVerdictBlocks = 5

// chooseDefault is the rule "a model replaces the benchmark only when it is
// better by more than chance, with intervals that held": the default
// forecast of a series is the model with the lowest backtest MASE among
// those whose MASE is lower than the benchmark's with a 95% interval
// excluding zero (Diebold-Mariano) and whose intervals were not too narrow
// in the backtest (coverageVerdict); when none is, the benchmark. The
// benchmark is seasonal naive for seasonal data and naive otherwise
// (benchmarkOf): a forecast of a seasonal series that ignores the season
// repeats the origin's month, so its totals over a year are the month of
// the origin times twelve (as of May 2014, the peak month: 133,712 for
// FY2015 where seasonal naive says 69,466; NOTES.md). A model whose
// intervals held too rarely would show a default that promises more than
// it keeps; one whose intervals were wider than needed stays eligible
// (honest, if wide). Scores without the benchmark give the first
// (simplest) model scored.
func chooseDefault(scores []Score) string {
	bench := benchmarkOf(scores)
	best, bestMASE := "", math.Inf(1)
	for _, s := range scores {
		if s.VsBenchmark == nil || s.VsBenchmark.Verdict != VerdictBetter || s.MASE >= bestMASE {
			continue
		}
		if s.Coverage == CoverageTooNarrow {
			continue
		}
		best, bestMASE = s.Model, s.MASE
	}
	if best == "" {
		return bench
	}
	return best
}

// benchmarkOf is the model every other one is compared with, and the
// default when none is better by more than chance: seasonal naive when it
// was scored (seasonal data; the scale of MASE), else naive, else the
// first (simplest) model scored.
func benchmarkOf(scores []Score) string {
	for _, b := range []string{ModelSeasonalNaive, ModelNaive} {
		if slices.ContainsFunc(scores, func(s Score) bool { return s.Model == b }) {
			return b
		}
	}
	if len(scores) > 0 {
		return scores[0].Model
	}
	return ModelNaive
}

// benchmark is benchmarkOf the models this backtest scored.
func (bt *backtest) benchmark() string { return benchmarkOf(bt.scores) }

// publisherRegionNames: the same region name means different aggregates
// to different publishers. "Latin America and the Caribbean" is a UN
// region in the UN's files (WPP, UNODC), but a World Bank region in the
// World Bank's (PIP): the World Bank's rows are stored under its own code,
// never under the UN's. The first row whose publisher word appears in the
// source's publisher (case-insensitively) wins; names not listed here fall
// back to nameToISO3 and data/country_names.csv.
var publisherRegionNames = []struct {
	publisher, name, code string
}{
	{"world bank", "latin america and the caribbean", "WB_LAC"},
	{"world bank", "latin america and caribbean", "WB_LAC"},
}

// regionForPublisher returns the code a publisher's region name stands
// for, or "" when the publisher's names are the common ones.
func regionForPublisher(publisher, name string) string {
	p, n := strings.ToLower(publisher), strings.ToLower(strings.TrimSpace(name))
	for _, r := range publisherRegionNames {
		if strings.Contains(p, r.publisher) && n == r.name {
			return r.code
		}
	}
	return ""
}

// hhsUnits: the HHS monthly table marks every row "Number" or "Percent";
// some "Number" rows do not count children. The first row whose category
// prefix matches gives the unit; other "Number" rows count children
// ("count"). HHS reports the average length of care in days.
var hhsUnits = []struct {
	prefix, unit string
}{
	{"Average Length of Care", "days"},
	{"Maximum Number of Operations Beds", "beds"},
}

// hhsUnit returns the unit of an HHS category marked "Number".
func hhsUnit(category string) string {
	for _, u := range hhsUnits {
		if strings.HasPrefix(category, u.prefix) {
			return u.unit
		}
	}
	return "count"
}

// settledScopes: compiled rows whose uncertain scope a published table
// settles. CRS labels FY2012's 24,481 "southwest border", but CBP's table
// of monthly apprehensions by sector gives 24,481 as the all-sector total
// (its "Monthly Total" row) and 24,403 for the southwest border: the
// figure counts every sector. A row is settled only when its value is the
// one given here, so a different figure is never relabelled.
var settledScopes = []struct {
	country, period string
	value           float64
	from, to        string
	reason          string
}{
	{"ALL", "FY2012", 24481, "usbp-swb-maybe-all", "usbp-all",
		fmt.Sprintf(ReasonAllSectorTotal, "24,481", "U.S. Border Patrol Total Monthly UAC Apprehensions by Sector (FY 2010 - FY 2019)") + NoteSep + fmt.Sprintf(ReasonSWBRowGives, "24,403")},
}

// settledScope returns the settled scope of a compiled row and the reason,
// or ok false when no row of settledScopes applies.
func settledScope(country, period string, value float64, scope string) (to, reason string, ok bool) {
	for _, s := range settledScopes {
		if s.country == country && s.period == period && s.value == value && s.from == scope {
			return s.to, s.reason, true
		}
	}
	return "", "", false
}

// minSeriesPoints: a panel is drawn as a series (a line chart with a
// frequency in its title) only when one of its series has at least this
// many values; a lone month (the press reported one month for a country)
// is shown as a single figure with its period, not as a "monthly" chart.
const minSeriesPoints = 2

// unicefSeries is how Amparo reads one indicator of a UNICEF Data
// Warehouse export (import_unicef.go): the catalogue code it is stored
// under, the unit of measure UNICEF must give it (anything else refuses
// the file rather than mislabel it), the unit it is stored in and the
// note every value carries.
type unicefSeries struct {
	indicator, unitMeasure, unit, note string
}

// unicefIndicators are the UNICEF indicators Amparo reads; the rest of an
// export is read past and counted. DM_POP_U18 is UNICEF's published count
// of children under 18 (ages 0-17, both sexes), from UN WPP: no sum or
// estimate of Amparo's.
var unicefIndicators = map[string]unicefSeries{
	"DM_POP_U18": {indicator: "population_0_17", unitMeasure: "PS", unit: "persons",
		note: NoteUNICEFUnder18},
}

// unicefBothSexes is the SEX code of the both-sexes total, the row
// stored; the F and M rows are read past (they add up to it).
const unicefBothSexes = "_T"

// unicefAreasReadPast are UNICEF area codes that are neither ISO codes
// nor prefixed aggregates (UNICEF_LAC passes validCode and is stored by
// --all-countries like other aggregates): read past, with the reason.
var unicefAreasReadPast = map[string]string{
	"WORLD": ReasonUNICEFWorld,
}

// wppEstimatesEnd says, for each UN World Population Prospects revision a
// source cites, the last year of estimates: later years are projections,
// and a value for one says so (projectionNote). WPP 2022's estimates run
// from 1950 to 2021, its projections from 2022 (the revision's files are
// split so: WPP2022_..._1950-2021 and WPP2022_..._2022-2100).
var wppEstimatesEnd = []struct {
	cites    string // words of the source's data-source column
	revision string
	lastYear int
}{
	{"World Population Prospects 2022", "WPP 2022", 2021},
}

// projectionNote is "; a <revision> projection ..." when dataSource cites a
// WPP revision whose estimates end before year, else "".
func projectionNote(dataSource string, year int) string {
	for _, w := range wppEstimatesEnd {
		if strings.Contains(dataSource, w.cites) && year > w.lastYear {
			return NoteSep + fmt.Sprintf(NoteWPPProjectionYear, year, w.revision, w.lastYear)
		}
	}
	return ""
}
