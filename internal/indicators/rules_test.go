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
