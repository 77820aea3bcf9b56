package indicators

import (
	"bufio"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// UNICEF's Data Warehouse (data.unicef.org) exports CSV "with labels":
// every coded column holds "CODE: Label" ("GTM: Guatemala", "_T: Total",
// "3: Thousands"). Amparo reads the rows of the indicators it names
// (unicefIndicators, rules.go) for both sexes together, and stores them in
// the catalogue's unit (persons, not the thousands UNICEF publishes).
var formatUNICEF = &Format{
	// Generic: an export can hold any of UNICEF's indicators, each from its
	// own custodian, so each file is its own source.
	Generic: true,
	Name:    "unicef-dw",
	Description: "UNICEF Data Warehouse CSV export with labels: REF_AREA:Geographic area, INDICATOR:Indicator, SEX:Sex, TIME_PERIOD, " +
		"OBS_VALUE, UNIT_MULTIPLIER, UNIT_MEASURE (column names as UNICEF writes them or as janitor::clean_names rewrites them); " +
		"the indicators Amparo names, both sexes",
	Source: Source{Key: "unicef-dw", Publisher: "UNICEF", Title: "UNICEF Data Warehouse export", URL: "https://data.unicef.org/",
		Licence: "UNICEF terms of use", Priority: 25},
	Detect: func(h []string) bool {
		n := normHeader(h)
		for _, c := range unicefRequired {
			if !slices.Contains(n, c) {
				return false
			}
		}
		return true
	},
	Read: readUNICEF,
}

// unicefRequired are the columns read, by normalised name: UNICEF's
// "REF_AREA:Geographic area" and janitor's ref_area_geographic_area are
// both ref_area_geographic_area.
var unicefRequired = []string{"ref_area_geographic_area", "indicator_indicator", "sex_sex", "time_period_time_period",
	"obs_value_observation_value", "unit_multiplier_unit_multiplier", "unit_measure_unit_of_measure"}

// unicefCode returns the code of a "CODE: Label" cell ("GTM: Guatemala" ->
// "GTM"); a cell without a label is its own code.
func unicefCode(cell string) string {
	code, _, _ := strings.Cut(cell, ":")
	return strings.TrimSpace(code)
}

// unicefFile is a UNICEF export being read: the columns, and what was left
// out, recorded once per reason at the end rather than once per row.
type unicefFile struct {
	area, ind, sex, period, value, mult, unit, source int
	leftOut                                           map[[2]string]int // {column, reason} -> rows
	scaled                                            map[string]bool
}

func readUNICEF(r *reader, in *bufio.Reader) error {
	c, ok := openCSV(r, in)
	if !ok {
		return nil
	}
	n := normHeader(c.header)
	idx := func(name string) int { return slices.Index(n, name) }
	u := &unicefFile{area: idx("ref_area_geographic_area"), ind: idx("indicator_indicator"), sex: idx("sex_sex"),
		period: idx("time_period_time_period"), value: idx("obs_value_observation_value"), mult: idx("unit_multiplier_unit_multiplier"),
		unit: idx("unit_measure_unit_of_measure"), source: idx("data_source_data_source"), leftOut: map[[2]string]int{}, scaled: map[string]bool{}}
	for _, i := range []int{u.area, u.ind, u.sex, u.period, u.value, u.mult, u.unit} {
		if i < 0 {
			r.fail(1, "header", "expected the columns "+strings.Join(unicefRequired, ", ")+", found "+strings.Join(c.header, ","))
			return nil
		}
	}
	for line, rec := range c.rows() {
		if err := u.row(r, line, rec); err != nil {
			return err
		}
	}
	keys := make([][2]string, 0, len(u.leftOut))
	for k := range u.leftOut {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]string) int { return strings.Compare(a[0]+a[1], b[0]+b[1]) })
	for _, k := range keys {
		r.imp.rep.Skipped += int64(u.leftOut[k])
		r.correct(0, k[0], fmt.Sprintf("%d rows", u.leftOut[k]), "", fmt.Sprintf(ReasonRowsLeftOut, k[1]))
	}
	return nil
}

// row reads one data row: refused when a cell cannot be read, left out
// (and counted) when it is not a series Amparo stores.
func (u *unicefFile) row(r *reader, line int, rec []string) error {
	indCode := unicefCode(rec[u.ind])
	spec, ok := unicefIndicators[indCode]
	if !ok {
		u.leftOut[[2]string{"INDICATOR", fmt.Sprintf(ReasonIndicatorNotRead, indCode)}]++
		return nil
	}
	if sex := unicefCode(rec[u.sex]); sex != unicefBothSexes {
		if sex != "F" && sex != "M" {
			r.fail(line, "SEX", fmt.Sprintf("unknown sex code %q", rec[u.sex]))
			return nil
		}
		u.leftOut[[2]string{"SEX", ReasonBySex + NoteSep + ReasonBothSexesStored}]++
		return nil
	}
	area := unicefCode(rec[u.area])
	if reason, skip := unicefAreasReadPast[area]; skip {
		u.leftOut[[2]string{"REF_AREA", reason}]++
		return nil
	}
	if !validCode(area) {
		r.fail(line, "REF_AREA", fmt.Sprintf("%q is not a country or aggregate code", rec[u.area]))
		return nil
	}
	if unit := unicefCode(rec[u.unit]); unit != spec.unitMeasure {
		r.fail(line, "UNIT_MEASURE", fmt.Sprintf("%s is in %q, Amparo reads it in %s", indCode, rec[u.unit], spec.unitMeasure))
		return nil
	}
	period, err := ParsePeriod(rec[u.period])
	if err != nil || PeriodFrequency(period) != Yearly {
		r.fail(line, "TIME_PERIOD", fmt.Sprintf("%q is not a year", rec[u.period]))
		return nil
	}
	exp, err := strconv.Atoi(unicefCode(rec[u.mult]))
	if err != nil || exp < 0 || exp > 9 {
		r.fail(line, "UNIT_MULTIPLIER", fmt.Sprintf("%q is not a power of ten from 0 to 9", rec[u.mult]))
		return nil
	}
	cell := rec[u.value]
	v, missing, ok := r.number(line, "OBS_VALUE", cell)
	if !ok || missing {
		return nil
	}
	if exp > 0 {
		v = scaleDecimal(cell, v, exp)
		if key := indCode + "/" + rec[u.mult]; !u.scaled[key] {
			u.scaled[key] = true
			r.correct(line, "OBS_VALUE", cell+" ("+rec[u.mult]+")", strconv.FormatFloat(v, 'f', -1, 64),
				fmt.Sprintf(ReasonUnitsPublished, indCode, exp)+NoteSep+fmt.Sprintf(ReasonUnitsMultiplied, exp, spec.unit))
		}
	}
	note := spec.note
	if u.source >= 0 {
		note += projectionNote(rec[u.source], periodYear(period))
	}
	return r.emit(Record{Line: line, Country: area, Indicator: spec.indicator, Period: period, Value: v, Text: cell, Note: note})
}

// scaleDecimal multiplies a published decimal by 10^exp by moving its
// decimal point ("6947.9615" and 3 give 6947961.5 exactly, where
// 6947.9615*1000 in floating point may not); v, the parsed cell, is
// scaled in floating point when the cell is not a plain decimal.
func scaleDecimal(cell string, v float64, exp int) float64 {
	if s, err := strconv.ParseFloat(strings.TrimSpace(cell)+"e"+strconv.Itoa(exp), 64); err == nil && !strings.ContainsAny(cell, "eE,") {
		return s
	}
	return v * math.Pow10(exp)
}
