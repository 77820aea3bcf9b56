package indicators

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// errMissing marks a cell that holds no value ("", "..", "NA"): a gap in
// the source, which stays a gap.
var errMissing = errors.New("missing value")

// missingMarks are the ways the sources write "no value".
var missingMarks = map[string]bool{"": true, "..": true, "NA": true, "N/A": true, "#N/A": true, "-": true, "n/a": true}

const thousandsReason = "thousands separators removed"

// numberFix is a change made to a cell before reading it as a number.
type numberFix struct {
	corrected string
	reason    string
}

// parseNumber reads a number as the sources write it. It accepts thousands
// separators ("1,533") and CBP's revised-figure marker ("r4,964": the value
// is 4,964, revised), and reports each such fix so that it is recorded. It
// never guesses: anything else that is not a plain number is an error.
func parseNumber(s string) (float64, []numberFix, error) {
	var fixes []numberFix
	t := strings.TrimSpace(s)
	if missingMarks[t] {
		return 0, nil, errMissing
	}
	if len(t) > 1 && (t[0] == 'r' || t[0] == 'R') && (t[1] >= '0' && t[1] <= '9') {
		t = t[1:]
		fixes = append(fixes, numberFix{t, ReasonRevisedMarker})
	}
	if strings.Contains(t, ",") {
		if !validThousands(t) {
			return 0, nil, errors.New("not a number: " + strconv.Quote(s))
		}
		t = strings.ReplaceAll(t, ",", "")
		fixes = append(fixes, numberFix{t, thousandsReason})
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, nil, errors.New("not a number: " + strconv.Quote(s))
	}
	// "0x1p3", "1_000" and the like parse in Go but are not how any
	// publisher writes numbers.
	for _, c := range t {
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return 0, nil, errors.New("not a number: " + strconv.Quote(s))
		}
	}
	return v, fixes, nil
}

// validThousands checks "1,234,567.8" grouping: groups of three after the
// first, so that "1,5" (a decimal comma) is refused rather than misread.
func validThousands(t string) bool {
	intPart := t
	if i := strings.IndexByte(t, '.'); i >= 0 {
		intPart = t[:i]
	}
	intPart = strings.TrimLeft(intPart, "+-")
	groups := strings.Split(intPart, ",")
	if len(groups[0]) == 0 || len(groups[0]) > 3 {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return false
		}
	}
	for _, g := range groups {
		for _, c := range g {
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	return true
}
