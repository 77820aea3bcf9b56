package indicators

import (
	"fmt"
	"strconv"
	"strings"
)

// Frequency of a period.
type Frequency string

const (
	Yearly     Frequency = "year"        // calendar year, "2014"
	FiscalYear Frequency = "fiscal_year" // US federal fiscal year, "FY2014" (Oct 2013 - Sep 2014)
	Monthly    Frequency = "month"       // "2014-03"
	Unknown    Frequency = ""
)

// PeriodFrequency says what kind of period p is; Unknown when p is
// malformed.
func PeriodFrequency(p string) Frequency {
	switch {
	case len(p) == 4 && isDigits(p):
		return Yearly
	case len(p) == 6 && strings.HasPrefix(p, "FY") && isDigits(p[2:]):
		return FiscalYear
	case len(p) == 7 && p[4] == '-' && isDigits(p[:4]) && isDigits(p[5:]):
		m, _ := strconv.Atoi(p[5:])
		if m >= 1 && m <= 12 {
			return Monthly
		}
	}
	return Unknown
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ParsePeriod validates p and returns it in canonical form. It accepts
// "2014", "FY2014", "FY14", "2014-03", "2014-03-01" (a first-of-month
// date, as HHS writes months).
func ParsePeriod(p string) (string, error) {
	p = strings.TrimSpace(p)
	up := strings.ToUpper(p)
	if strings.HasPrefix(up, "FY") && len(up) == 4 && isDigits(up[2:]) {
		// Two-digit fiscal years in the files are all 20xx.
		p = "FY20" + up[2:]
	} else if strings.HasPrefix(up, "FY") {
		p = up
	}
	if len(p) == 10 && p[7] == '-' && p[8:] == "01" {
		p = p[:7]
	}
	if PeriodFrequency(p) == Unknown {
		return "", fmt.Errorf("period %q is not a year (2014), fiscal year (FY2014) or month (2014-03)", p)
	}
	y := periodYear(p)
	if y < 1900 || y > 2200 {
		return "", fmt.Errorf("period %q: year out of range", p)
	}
	return p, nil
}

func periodYear(p string) int {
	s := strings.TrimPrefix(p, "FY")
	y, _ := strconv.Atoi(s[:4])
	return y
}

// MonthIndex turns "2014-03" into a month count (year*12 + month-1), for
// spacing and seasonality.
func MonthIndex(p string) int {
	y, _ := strconv.Atoi(p[:4])
	m, _ := strconv.Atoi(p[5:7])
	return y*12 + m - 1
}

// MonthFromIndex is the inverse of MonthIndex.
func MonthFromIndex(i int) string {
	return fmt.Sprintf("%04d-%02d", i/12, i%12+1)
}

// periodIndex maps a period to an integer position on its own time axis,
// so that gaps can be seen.
func periodIndex(p string) int {
	switch PeriodFrequency(p) {
	case Monthly:
		return MonthIndex(p)
	default:
		return periodYear(p)
	}
}

// periodFromIndex is the inverse of periodIndex for frequency f.
func periodFromIndex(f Frequency, i int) string {
	switch f {
	case Monthly:
		return MonthFromIndex(i)
	case FiscalYear:
		return fmt.Sprintf("FY%04d", i)
	default:
		return fmt.Sprintf("%04d", i)
	}
}

// FiscalYearOfMonth returns the US fiscal year a month belongs to.
func FiscalYearOfMonth(month string) int {
	y, _ := strconv.Atoi(month[:4])
	m, _ := strconv.Atoi(month[5:7])
	if m >= 10 {
		return y + 1
	}
	return y
}

// FillPeriods returns the sorted periods with every missing period of the
// same frequency inserted, so that charts show gaps where data is missing.
// Periods of mixed frequency are returned as given.
func FillPeriods(sorted []string) []string {
	if len(sorted) < 2 {
		return sorted
	}
	f := PeriodFrequency(sorted[0])
	for _, p := range sorted {
		if PeriodFrequency(p) != f || f == Unknown {
			return sorted
		}
	}
	first, last := periodIndex(sorted[0]), periodIndex(sorted[len(sorted)-1])
	if last-first > 5000 {
		return sorted
	}
	out := make([]string, 0, last-first+1)
	for i := first; i <= last; i++ {
		out = append(out, periodFromIndex(f, i))
	}
	return out
}
