package indicators

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// Windows a monthly forecast can be summed over.
const (
	WindowFiscalYear = "fiscal_year" // US fiscal year, October to September: FY2015
	WindowYear       = "year"        // calendar year: 2015
)

// Windows lists the windows totals can be asked for.
func Windows() []string { return []string{WindowFiscalYear, WindowYear} }

// ErrWindow refuses totals that cannot be made (an unknown window, or a
// series that is not monthly).
var ErrWindow = errors.New("totals need monthly data and a window of fiscal_year or year")

// samplePathCount is how many sample paths a window's total is read from.
const samplePathCount = 4000

// WindowTotal is a forecast summed over a window: the months already
// observed plus the forecast months, with intervals read from sample
// paths (not the sum of the monthly bounds, which would be too wide).
type WindowTotal struct {
	Period   string  `json:"period"`
	Forecast float64 `json:"forecast"` // the median of the paths' totals
	Lower80  float64 `json:"lower80"`
	Upper80  float64 `json:"upper80"`
	Lower95  float64 `json:"lower95"`
	Upper95  float64 `json:"upper95"`
	// Observed is the part of the total already observed, in
	// ObservedMonths months.
	Observed       float64 `json:"observed"`
	ObservedMonths int     `json:"observed_months"`
	// Actual is what happened, when the database holds every month of the
	// window (a forecast as of a past date).
	Actual *float64 `json:"actual,omitempty"`
}

// windowOf names the window holding month index mi and gives its first
// and last month indexes.
func windowOf(window string, mi int) (name string, first, last int) {
	y := mi / 12
	if window == WindowFiscalYear {
		fy := FiscalYearOfMonth(MonthFromIndex(mi))
		return "FY" + strconv.Itoa(fy), fy*12 - 3, fy*12 + 8
	}
	return strconv.Itoa(y), y * 12, y*12 + 11
}

// windowHorizon checks the window and extends h to the end of the window
// holding the h-th month after the data.
func windowHorizon(tail Tail, h int, window string) (int, error) {
	if !slices.Contains(Windows(), window) || tail.Series.Frequency != Monthly {
		return 0, &refusal{msg: fmt.Sprintf("%s (got %q for a %s series)", ErrWindow.Error(), window, tail.Series.Frequency), cause: ErrWindow}
	}
	last := MonthIndex(tail.Periods[len(tail.Periods)-1])
	_, _, end := windowOf(window, last+h)
	return end - last, nil
}

// windowTotals sums each path over every window the forecast reaches and
// the data and forecast cover together, and reads the total's median and
// 80% and 95% intervals from the paths.
func windowTotals(tail Tail, periods []string, paths [][]float64, window string, stored map[string]float64) []WindowTotal {
	observed := map[int]float64{}
	for i, p := range tail.Periods {
		observed[MonthIndex(p)] = tail.Values[i]
	}
	step := map[int]int{}
	for j, p := range periods {
		step[MonthIndex(p)] = j
	}
	out := []WindowTotal{}
	seen := map[string]bool{}
	for _, p := range periods {
		name, first, last := windowOf(window, MonthIndex(p))
		if seen[name] {
			continue
		}
		seen[name] = true
		wt := WindowTotal{Period: name}
		var steps []int
		complete, actual := true, 0.0
		for mi := first; mi <= last; mi++ {
			if v, ok := observed[mi]; ok {
				wt.Observed += v
				wt.ObservedMonths++
			} else if j, ok := step[mi]; ok {
				steps = append(steps, j)
			} else {
				complete = false
			}
			if v, ok := stored[MonthFromIndex(mi)]; ok && actual >= 0 {
				actual += v
			} else {
				actual = -1
			}
		}
		if !complete {
			continue
		}
		totals := make([]float64, len(paths))
		for k, path := range paths {
			totals[k] = wt.Observed
			for _, j := range steps {
				totals[k] += path[j]
			}
		}
		slices.Sort(totals)
		wt.Forecast = quantileOf(totals, 0.5)
		wt.Lower80, wt.Upper80 = quantileOf(totals, 0.10), quantileOf(totals, 0.90)
		wt.Lower95, wt.Upper95 = quantileOf(totals, 0.025), quantileOf(totals, 0.975)
		if actual >= 0 {
			a := actual
			wt.Actual = &a
		}
		out = append(out, wt)
	}
	return out
}
