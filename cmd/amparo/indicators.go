package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/progress"
	"github.com/amparo-project/amparo/internal/store"
)

func init() {
	register(&command{
		name:    "indicators",
		summary: "public statistics: import, list, export, forecast and backtest",
		run:     runIndicators,
	})
	registerDemo("indicators", nil, func(ctx context.Context, db *store.DB) error {
		_, err := indicators.New(db).ImportBuiltin(ctx, nil)
		return err
	})
}

const indicatorsUsage = `Usage: amparo indicators SUBCOMMAND [flags]

Public statistics with their sources: children encountered at the US border,
homicide, poverty, corruption, governance and population, for Guatemala,
Honduras, El Salvador, Nicaragua, Mexico and the United States.

Subcommands:
  list      [--json]                 indicators in the database, with coverage
  import    --builtin | --file F [--format NAME] [--all-countries]
            A file with any bad row changes nothing; the row errors are printed.
  export    [--country ISO3] [--indicator CODE] [--all-sources] [--out F.csv]
  forecast  --country ISO3 --indicator CODE --horizon N [--until PERIOD]
            [--model naive|seasonal_naive|drift|ets_ana|ets_damped|combination]
            [--total fiscal_year|year] [--scope S] [--frequency month|fiscal_year|year]
            [--scenario-level N] [--out F.csv]
            Without --model, the series' default: the model that beat the
            benchmark (seasonal naive for seasonal series, naive otherwise) by
            more than chance in the backtest with intervals that did not hold
            too rarely, else the benchmark. Intervals are
            calibrated on the model's own past errors at each horizon.
            --total prints one row per window (FY2015) from sample paths.
            --scenario-level writes the scenario instead: the same model with
            the ALL series as covariate standing at N per period; with --out
            its conditional backtest beside the model's is printed.
  backtest  --country ISO3 --indicator CODE --horizon N [--scope S] [--frequency F]
            [--format table|csv]

Formats: %s
`

func formatNames() string {
	s := ""
	for i, f := range indicators.Formats() {
		if i > 0 {
			s += ", "
		}
		s += f.Name
	}
	return s
}

func runIndicators(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprintf(os.Stderr, indicatorsUsage, formatNames())
		return usagef("missing subcommand (list, import, export, forecast or backtest)")
	}
	ctx = operatorContext(ctx)
	switch args[0] {
	case "list":
		return indicatorsList(ctx, args[1:], os.Stdout)
	case "import":
		return indicatorsImport(ctx, args[1:], os.Stdout)
	case "export":
		return indicatorsExport(ctx, args[1:], os.Stdout)
	case "forecast":
		return indicatorsForecast(ctx, args[1:], os.Stdout)
	case "backtest":
		return indicatorsBacktest(ctx, args[1:], os.Stdout)
	case "-h", "--help", "help":
		fmt.Fprintf(os.Stderr, indicatorsUsage, formatNames())
		return nil
	}
	return usagef("unknown subcommand %q", args[0])
}

func indicatorsList(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlagSet("indicators list", "[--json]")
	sf := addStoreFlags(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	list, err := indicators.New(db).ListIndicators(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tNAME\tUNIT\tVALUES\tFROM\tTO\tCOUNTRIES")
	for _, in := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%d\n", in.Code, in.Name, in.Unit, in.Values, in.First, in.Last, len(in.Countries))
	}
	return tw.Flush()
}

func indicatorsImport(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlagSet("indicators import", "--builtin | --file F [--format NAME] [--all-countries]")
	sf := addStoreFlags(fs)
	builtin := fs.Bool("builtin", false, "import the real public files shipped with Amparo")
	file := fs.String("file", "", "file to import (CSV, .csv.gz or .xlsx)")
	format := fs.String("format", "", "file format (default: detected from the header): "+formatNames())
	all := fs.Bool("all-countries", false, "store every country in the file, not only the countries Amparo shows")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *builtin == (*file != "") {
		return usagef("give either --builtin or --file")
	}
	db, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := indicators.New(db)
	if *builtin {
		var bar *progress.Bar
		reps, err := svc.ImportBuiltin(ctx, func(name string, size int64) func(io.Reader) io.Reader {
			if bar != nil {
				bar.Finish()
			}
			bar = progress.New(size, filepath.Base(name))
			return bar.Reader
		})
		if bar != nil {
			bar.Finish()
		}
		for _, r := range reps {
			printReport(out, r)
		}
		return err
	}
	f, err := openInput(*file)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	bar := progress.New(st.Size(), filepath.Base(*file))
	rep, err := svc.Import(ctx, indicators.Options{Format: *format, Name: filepath.Base(*file), Reader: f,
		Size: st.Size(), AllCountries: *all, Progress: bar.Reader})
	bar.Finish()
	if rep != nil {
		printReport(out, rep)
	}
	return err
}

func printReport(out io.Writer, r *indicators.Report) {
	fmt.Fprintf(out, "%s (%s): %d rows read, %d values inserted, %d updated (earlier values kept as revisions), %d unchanged, %d not stored (other countries), %d rows left out",
		r.File, r.Format, r.RowsRead, r.Inserted, r.Updated, r.Unchanged, r.OutOfScope, r.Skipped)
	if r.Projections > 0 {
		fmt.Fprintf(out, ", %d projections", r.Projections)
	}
	fmt.Fprintln(out)
	for _, c := range r.Corrections {
		fmt.Fprintf(out, "  corrected line %d %s: %q -> %q: %s\n", c.Line, c.Field, c.Original, c.Corrected, c.Reason)
	}
	if r.ErrorCount > 0 {
		fmt.Fprintf(out, "  %d bad row(s); nothing from this file was stored:\n", r.ErrorCount)
		for _, e := range r.Errors {
			fmt.Fprintf(out, "  %s\n", e.String())
		}
		if r.ErrorCount > len(r.Errors) {
			fmt.Fprintf(out, "  ... and %d more\n", r.ErrorCount-len(r.Errors))
		}
	}
}

func createOut(path string) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return os.Stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, fmt.Errorf("create %s: %w", path, err)
	}
	return f, f.Close, nil
}

func indicatorsExport(ctx context.Context, args []string, _ io.Writer) error {
	fs := newFlagSet("indicators export", "[--country ISO3] [--indicator CODE] [--all-sources] [--out F.csv]")
	sf := addStoreFlags(fs)
	country := fs.String("country", "", "only this country")
	ind := fs.String("indicator", "", "only this indicator")
	allSources := fs.Bool("all-sources", false, "every source's value of each period (default: the highest-priority source's only)")
	outPath := fs.String("out", "", "output file (default: standard output)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	w, closeFn, err := createOut(*outPath)
	if err != nil {
		return err
	}
	if err := indicators.New(db).ExportCSVWith(ctx, w, indicators.ExportOptions{
		Filter: indicators.SeriesFilter{Country: *country, Indicator: *ind}, AllSources: *allSources}); err != nil {
		closeFn()
		return err
	}
	return closeFn()
}

// maxHorizon bounds --horizon: ten years of months. The work grows faster
// than the horizon (10,000 periods took minutes; 999,999,999 exhausted
// the machine's memory); the web's forecast pages stop at 60.
const maxHorizon = 120

type seriesFlags struct {
	country, indicator, scope, frequency *string
	horizon                              *int
}

func addSeriesFlags(fs interface {
	String(name, value, usage string) *string
	Int(name string, value int, usage string) *int
}) seriesFlags {
	return seriesFlags{
		country:   fs.String("country", "", "ISO3 code (ALL = southwest-border total)"),
		indicator: fs.String("indicator", "", "indicator code, e.g. uac_encounters"),
		scope:     fs.String("scope", "", "scope code (default: the longest series; see the indicator page)"),
		frequency: fs.String("frequency", "", "month, fiscal_year or year (default: monthly when there are 3 years of it)"),
		horizon:   fs.Int("horizon", 0, "number of periods ahead"),
	}
}

func (f seriesFlags) query() (indicators.SeriesQuery, error) {
	if *f.country == "" || *f.indicator == "" {
		return indicators.SeriesQuery{}, usagef("--country and --indicator are required")
	}
	if *f.horizon < 1 || *f.horizon > maxHorizon {
		return indicators.SeriesQuery{}, usagef("--horizon must be from 1 to %d periods", maxHorizon)
	}
	q := indicators.SeriesQuery{Country: *f.country, Indicator: *f.indicator, Frequency: indicators.Frequency(*f.frequency)}
	switch q.Frequency {
	case "", indicators.Monthly, indicators.FiscalYear, indicators.Yearly:
	default:
		return q, usagef("--frequency must be month, fiscal_year or year")
	}
	if *f.scope != "" {
		s := *f.scope
		q.Scope = &s
	}
	return q, nil
}

func indicatorsForecast(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlagSet("indicators forecast", "--country ISO3 --indicator CODE --horizon N [--until PERIOD] [--model M] [--total fiscal_year|year] [--scenario-level N] [--out F.csv]")
	sf := addStoreFlags(fs)
	flags := addSeriesFlags(fs)
	until := fs.String("until", "", "use only data up to this period (2014, FY2014 or 2014-05); default: all")
	model := fs.String("model", indicators.ModelDefault, "naive, seasonal_naive, drift, ets_ana, ets_damped or combination (default: chosen by the backtest)")
	total := fs.String("total", "", "sum the forecast over windows: fiscal_year or year (monthly series)")
	outPath := fs.String("out", "", "output CSV (default: standard output)")
	level := fs.Float64("scenario-level", 0, "write the scenario instead: the same model with the ALL series as covariate, standing at this level (per period) over the horizon")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	q, err := flags.query()
	if err != nil {
		return err
	}
	scenario := false
	fs.Visit(func(f *flag.Flag) { scenario = scenario || f.Name == "scenario-level" })
	// !(> 0) refuses NaN too; +Inf is not a level.
	if scenario && (!(*level > 0) || math.IsInf(*level, 1) || *total != "") {
		return usagef("--scenario-level needs a positive level and no --total")
	}
	db, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	// The same method as the API and the page: a series too short for a
	// track record is refused here too.
	res, err := indicators.New(db).ForecastWindows(ctx, q, *until, *flags.horizon, *model, *total)
	if err != nil {
		return err
	}
	var sf0 indicators.Forecast
	if scenario {
		if res.Scenario == nil {
			return fmt.Errorf("indicators: no scenario for %s %s: %s", q.Country, q.Indicator, res.ScenarioNote)
		}
		if sf0, err = res.Scenario.At(*level); err != nil {
			return err
		}
		// A level far off the series' scale overflows: never print +Inf
		// as a forecast.
		for _, xs := range [][]float64{sf0.Point, sf0.Lower80, sf0.Upper80, sf0.Lower95, sf0.Upper95} {
			for _, x := range xs {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return usagef("--scenario-level %g is too far from the series' values for a finite forecast", *level)
				}
			}
		}
	}
	w, closeFn, err := createOut(*outPath)
	if err != nil {
		return err
	}
	switch {
	case scenario:
		err = writeForecastCSV(w, &indicators.SeriesForecast{Periods: res.Periods, Forecast: sf0})
	case *total != "":
		err = writeTotalsCSV(w, res.Totals)
	default:
		err = writeForecastCSV(w, res.SeriesForecast)
	}
	if err != nil {
		closeFn()
		return err
	}
	if err := closeFn(); err != nil {
		return err
	}
	if *outPath != "" {
		def := ""
		if res.Forecast.Model == res.Backtest.Default {
			def = ", the default from the backtest"
		}
		fmt.Fprintf(stdout, "%s %s %s (%s, scope %q): %s model%s, on %d values %s..%s; intervals calibrated on its own past errors at each horizon; wrote %s\n",
			q.Country, q.Indicator, res.Tail.Series.Frequency, indicators.ScopeLabel(res.Tail.Series.Scope), res.Tail.Series.Scope,
			res.Forecast.Model, def, len(res.Tail.Values), res.Tail.Periods[0], res.Tail.Periods[len(res.Tail.Periods)-1], *outPath)
		switch c := res.Backtest.Coverage; c {
		case indicators.CoverageHonest:
		case indicators.CoverageUnknown:
			fmt.Fprintf(stdout, "note: the backtest has too few forecasts to check whether the %s model's intervals hold as often as they say\n", res.Forecast.Model)
		default:
			fmt.Fprintf(stdout, "warning: in the backtest the %s model's intervals were %s (80%%: 75-85%% held asked; 95%%: 91-98%%); see the backtest's coverage columns\n", res.Forecast.Model, strings.ReplaceAll(c, "_", " "))
		}
		writeScenarioSummary(stdout, res)
	}
	return nil
}

// writeScenarioSummary says what the scenario is and how it did in its
// conditional backtest, beside the model without the covariate.
func writeScenarioSummary(out io.Writer, res *indicators.TrackedForecast) {
	sc := res.Scenario
	if sc == nil {
		fmt.Fprintf(out, "scenario: none (%s)\n", res.ScenarioNote)
		return
	}
	b := sc.Backtest
	v := sc.VsBase
	cmp := "too few origins for a test"
	if v.Tested {
		cmp = fmt.Sprintf("95%% interval %+.3f to %+.3f, p %.2f: %s", v.Lower, v.Upper, v.P, v.Verdict)
	}
	fmt.Fprintf(out, "scenario: %s with covariate %s (beta %.2f on %d one-step error pairs; last %s %.0f); conditional backtest (covariate at its actual values), %d origins: MASE %.3f, %.0f%% / %.0f%% held; vs %s: %+.3f (%s)\n",
		sc.Base, sc.Covariate, sc.Beta, sc.Pairs, sc.CovariatePeriod, sc.CovariateLast, b.Origins, b.MASE, 100*b.Cover80, 100*b.Cover95, sc.Base, v.Diff, cmp)
}

func writeForecastCSV(w io.Writer, res *indicators.SeriesForecast) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"period", "forecast", "lower80", "upper80", "lower95", "upper95"})
	f := res.Forecast
	for i, p := range res.Periods {
		_ = cw.Write([]string{p, num2(f.Point[i]), num2(f.Lower80[i]), num2(f.Upper80[i]), num2(f.Lower95[i]), num2(f.Upper95[i])})
	}
	cw.Flush()
	return cw.Error()
}

func writeTotalsCSV(w io.Writer, totals []indicators.WindowTotal) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"period", "forecast", "lower80", "upper80", "lower95", "upper95"})
	for _, t := range totals {
		_ = cw.Write([]string{t.Period, num2(t.Forecast), num2(t.Lower80), num2(t.Upper80), num2(t.Lower95), num2(t.Upper95)})
	}
	cw.Flush()
	return cw.Error()
}

func num2(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

func indicatorsBacktest(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlagSet("indicators backtest", "--country ISO3 --indicator CODE --horizon N [--format table|csv]")
	sf := addStoreFlags(fs)
	flags := addSeriesFlags(fs)
	format := fs.String("format", "table", "table, or csv: model,horizon,n,mase,smape,coverage80,coverage95 (one row per model and horizon)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	q, err := flags.query()
	if err != nil {
		return err
	}
	if *format != "table" && *format != "csv" {
		return usagef("--format must be table or csv")
	}
	db, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	bt, err := indicators.New(db).BacktestSeries(ctx, q, *flags.horizon)
	if errors.Is(err, indicators.ErrTooShort) {
		return fmt.Errorf("%w (the series is too short for an honest backtest)", err)
	}
	if err != nil {
		return err
	}
	if *format == "csv" {
		cw := csv.NewWriter(out)
		_ = cw.Write([]string{"model", "horizon", "n", "mase", "smape", "coverage80", "coverage95"})
		f := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
		for _, s := range append(slices.Clone(bt.Scores), bt.Selection) {
			for _, h := range s.Horizons {
				_ = cw.Write([]string{s.Model, strconv.Itoa(h.Horizon), strconv.Itoa(h.N), f(h.MASE), f(h.SMAPE), f(h.Cover80), f(h.Cover95)})
			}
		}
		cw.Flush()
		return cw.Error()
	}
	t := bt.Tail
	fmt.Fprintf(out, "%s %s, %s, scope %s (%s): %d values %s..%s, horizon %d, first origin after %d values\n",
		q.Country, q.Indicator, t.Series.Frequency, t.Series.Scope, indicators.ScopeLabel(t.Series.Scope), len(t.Values),
		t.Periods[0], t.Periods[len(t.Periods)-1], *flags.horizon, bt.MinTrain)
	fmt.Fprintln(out, "Intervals are calibrated on each model's own errors at earlier origins, per horizon (never on later data).")
	fmt.Fprintln(out, "MASE: mean absolute error over the in-sample mean absolute error of the seasonal naive forecast (naive for yearly data).")
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "model\tMASE\tvs %s (95%% interval)\tp\tsMAPE %%\tcover 80%%\tcover 95%%\torigins\tforecasts\t\n", bt.Benchmark)
	for _, s := range append(slices.Clone(bt.Scores), bt.Selection) {
		name := s.Model
		if s.Model == bt.Default {
			name += " (default)"
		}
		if s.Model == bt.Benchmark && s.Model != bt.Default {
			name += " (benchmark)"
		}
		vs, p := "", ""
		if c := s.VsBenchmark; c != nil {
			vs = fmt.Sprintf("%+.3f (%+.3f, %+.3f) %s", c.Diff, c.Lower, c.Upper, strings.ReplaceAll(c.Verdict, "_", " "))
			p = fmt.Sprintf("%.3f", c.P)
			if !c.Tested {
				vs, p = fmt.Sprintf("%+.3f (too few origins to test)", c.Diff), ""
			}
		}
		fmt.Fprintf(tw, "%s\t%.3f\t%s\t%s\t%.1f\t%.0f%%\t%.0f%%\t%d\t%d\t\n", name, s.MASE, vs, p, s.SMAPE, 100*s.Cover80, 100*s.Cover95, s.Origins, s.Forecast)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var chosen []string
	for _, m := range indicators.Models(indicators.SeasonOf(t.Series.Frequency)) {
		if n := bt.Choices[m]; n > 0 {
			chosen = append(chosen, fmt.Sprintf("%s at %d", m, n))
		}
	}
	_, err = fmt.Fprintf(out, "%s: the default re-chosen at each origin from the backtest as it stood then (%s origins), scored like a model: the track record of the default itself.\n",
		indicators.SelectionModel, strings.Join(chosen, ", "))
	return err
}
