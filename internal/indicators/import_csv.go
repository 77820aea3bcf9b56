package indicators

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
)

// The generic formats: Amparo's long CSV, Our World in Data exports and the
// World Bank's wide CSV (every WDI download).

var formatLong = &Format{
	Generic:     true,
	Name:        "long",
	Description: "long CSV: country_iso3,indicator,period,value,unit,source",
	Source: Source{Key: "long-csv", Publisher: "(see the source column of each row)", Title: "Long-format indicator table",
		Licence: "as stated by each row's source", Priority: 40},
	Detect: headerIs("country_iso3", "indicator", "period", "value", "unit", "source"),
	Read:   readLong,
}

func readLong(r *reader, in *bufio.Reader) error {
	c, ok := openCSV(r, in, "country_iso3", "indicator", "period", "value", "unit", "source")
	if !ok {
		return nil
	}
	// Amparo's own export adds a scope column.
	scopeCol := c.col("scope")
	for line, rec := range c.rows() {
		country, ind, per, val, unit, src := rec[0], rec[1], rec[2], rec[3], rec[4], rec[5]
		if !validCode(country) {
			r.fail(line, "country_iso3", fmt.Sprintf("%q is not an ISO 3166 alpha-3 code", country))
			continue
		}
		if !validIndicatorCode(ind) {
			r.fail(line, "indicator", fmt.Sprintf("%q is not an indicator code (lower case letters, digits, _)", ind))
			continue
		}
		period, err := ParsePeriod(per)
		if err != nil {
			r.fail(line, "period", err.Error())
			continue
		}
		out := Record{Line: line, Country: country, Indicator: ind, Period: period, Text: val, Unit: unit, Note: src}
		if scopeCol >= 0 {
			out.Scope = rec[scopeCol]
			if scopeRank(out.Scope) == len(knownScopes) {
				r.fail(line, "scope", fmt.Sprintf("unknown scope %q", out.Scope))
				continue
			}
		}
		known, isKnown := KnownIndicator(ind)
		if (isKnown && known.Kind == "text") || (!isKnown && unit == "category") {
			if val == "" {
				continue
			}
			out.IsText = true
		} else {
			v, missing, ok := r.number(line, "value", val)
			if !ok {
				continue
			}
			if missing {
				continue
			}
			out.Value = v
		}
		if err := r.emit(out); err != nil {
			return err
		}
	}
	return nil
}

func validIndicatorCode(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// owidColumns maps the value columns of the OWID exports Amparo ships to
// indicator codes. Other columns are read past (and counted in the report).
var owidColumns = map[string]string{
	"Homicide rate per 100,000 population": "homicide_rate",
	"GDP per capita":                       "gdp_pc_ppp",
	"Corruption Perception Index (Transparency International (2016))": "cpi_score",
	"$2.15 a day - share of population below poverty line":            "poverty_215",
	"$3.65 a day - share of population below poverty line":            "poverty_365",
	"$6.85 a day - share of population below poverty line":            "poverty_685",
	"Gini coefficient":                                                      "gini",
	"Income classifications (World Bank (2021))":                            "income_group",
	"Under 15 years old (UNWPP, 2017)":                                      "population_0_14",
	"Under 5 years old (UNWPP, 2017)":                                       "population_0_4",
	"5-14 years old (UNWPP, 2017)":                                          "population_5_14",
	"15-24 years old (UNWPP, 2017)":                                         "population_15_24",
	"Working age (15-64 years old) (UNWPP, 2017)":                           "population_15_64",
	"65+ years old (UNWPP, 2017)":                                           "population_65_plus",
	"Prevalence of undernourishment (World Bank 2017 & UN FAO SOFI (2018))": "undernourishment_pct",
	"total_affected_drought":                                                "drought_affected",
	"Unemployment rate, ages 15-24":                                         "youth_unemployment_pct",
}

// owidFloors are columns whose publisher writes every value below a floor
// as the floor itself: such a value is an upper bound, not an estimate, and
// is stored with a note saying so. The undernourishment file has no value
// below 5 and 556 values of exactly 5 (FAO publishes "<5").
var owidFloors = map[string]float64{"undernourishment_pct": 5}

// owidZeroUnknown are columns where 0 means "no figure" rather than none:
// OWID sums EM-DAT's events per country and year, and a drought recorded
// without a count of people affected sums to 0 (a year without a recorded
// drought is empty). Such zeros are left out as unknown.
var owidZeroUnknown = map[string]bool{"drought_affected": true}

// owidIgnored are OWID's descriptive columns, not values.
var owidIgnored = map[string]bool{"World region according to OWID": true}

// populationLastYear: the UN WPP 2017 file runs to 2100; beyond 2030 its
// medium-variant projections say little about the years Amparo looks at.
const populationLastYear = 2030

var formatOWID = &Format{
	Generic:     true,
	Name:        "owid",
	Description: "Our World in Data grapher/dataset export: Entity,Code,Year,<indicators> or Entity,Year,<indicators> (gzip too)",
	Source: Source{Key: "owid", Publisher: "Our World in Data (data from the original provider)", Title: "Our World in Data export",
		URL: "https://ourworldindata.org", Licence: "CC BY 4.0 (OWID processing); original provider's terms apply", Priority: 30},
	Detect: func(h []string) bool {
		return headerIs("Entity", "Code", "Year")(h) || headerIs("Entity", "Year")(h)
	},
	Read: readOWID,
}

// owidText are the OWID columns holding categories, stored as text.
var owidText = map[string]bool{"income_group": true}

// populationParts are the three broad age groups that partition every age:
// when a row has all three, their sum is stored as the total population.
var populationParts = map[string]int{"population_0_14": 0, "population_15_64": 1, "population_65_plus": 2}

// owidValueCol is a value column of an OWID file and its indicator code.
type owidValueCol struct {
	i    int
	code string
}

// owidFile is an OWID export's layout and what reading it found.
type owidFile struct {
	header           []string
	codeCol, yearCol int
	cols             []owidValueCol
	isPopulation     bool
	unknownNames     map[string]bool
	popCut           bool
	floored          int // values at a floor (owidFloors), stored with a note
	zeroUnknown      int // zeros read as unknown (owidZeroUnknown), left out
}

func readOWID(r *reader, in *bufio.Reader) error {
	c, ok := openCSV(r, in, "Entity")
	if !ok {
		return nil
	}
	o, ok := owidLayout(r, c)
	if !ok {
		return nil
	}
	for line, rec := range c.rows() {
		if err := o.row(r, line, rec); err != nil {
			return err
		}
	}
	o.report(r)
	return nil
}

// owidLayout reads the header: the Code and Year columns and the value
// columns Amparo knows (owidColumns); the others are reported as not
// imported.
func owidLayout(r *reader, c *csvFile) (*owidFile, bool) {
	o := &owidFile{header: c.header, codeCol: c.col("Code"), yearCol: c.col("Year"), unknownNames: map[string]bool{}}
	if o.yearCol < 0 {
		r.fail(1, "header", "no Year column")
		return nil, false
	}
	var unmapped []string
	for i, h := range c.header {
		if i == 0 || i == o.codeCol || i == o.yearCol || owidIgnored[h] {
			continue
		}
		if code, ok := owidColumns[h]; ok {
			o.cols = append(o.cols, owidValueCol{i, code})
			o.isPopulation = o.isPopulation || strings.HasPrefix(code, "population_")
		} else {
			unmapped = append(unmapped, h)
		}
	}
	if len(o.cols) == 0 {
		r.fail(1, "header", "no column Amparo knows how to read (see owidColumns)")
		return nil, false
	}
	if len(unmapped) > 0 {
		r.correct(1, "header", fmt.Sprintf("%d columns", len(unmapped)), "",
			fmt.Sprintf(ReasonColumnsNotRead, len(unmapped), unmapped[0]))
	}
	return o, true
}

// row reads one entity-year: its values, and the total population when
// the row has the three broad age groups.
func (o *owidFile) row(r *reader, line int, rec []string) error {
	code, ok := o.country(r, line, rec)
	if !ok {
		return nil
	}
	year, err := strconv.Atoi(rec[o.yearCol])
	if err != nil || year < 1800 || year > 2200 {
		r.fail(line, "Year", fmt.Sprintf("%q is not a year", rec[o.yearCol]))
		return nil
	}
	if o.isPopulation && year > populationLastYear {
		o.popCut = true
		return nil
	}
	note := o.note(year)
	var parts [3]float64
	var have [3]bool
	for _, vc := range o.cols {
		out, ok := o.value(r, line, rec[vc.i], vc)
		if !ok {
			continue
		}
		out.Country, out.Period = code, strconv.Itoa(year)
		if note != "" {
			out.Note = note
		}
		if k, isPart := populationParts[vc.code]; isPart {
			parts[k], have[k] = out.Value, true
		}
		if err := r.emit(out); err != nil {
			return err
		}
	}
	if have[0] && have[1] && have[2] {
		// The three broad groups partition every age: their sum is the
		// total population, computed here and labelled so.
		tot := parts[0] + parts[1] + parts[2]
		return r.emit(Record{Line: line, Country: code, Indicator: "population", Period: strconv.Itoa(year),
			Value: tot, Text: strconv.FormatFloat(tot, 'f', -1, 64), Note: note + NoteSep + NoteAgeGroupsSummed})
	}
	return nil
}

// country is the row's country code: the Code column, else the entity's
// name when Amparo knows it. Regions without a code, sub-national entities
// ("Honduras - urban") and countries this file names only by name are read
// past, never guessed.
func (o *owidFile) country(r *reader, line int, rec []string) (string, bool) {
	entity, code := rec[0], ""
	if o.codeCol >= 0 {
		code = rec[o.codeCol]
	}
	if code == "" {
		code = regionForPublisher(r.imp.publisher, entity)
	}
	if code == "" {
		code = ISO3ForName(entity)
	}
	if code == "" {
		o.unknownNames[entity] = true
		return "", false
	}
	if !validCode(code) {
		r.fail(line, "Code", fmt.Sprintf("%q is not a country code", code))
		return "", false
	}
	return code, true
}

// note labels population values as estimates or projections.
func (o *owidFile) note(year int) string {
	switch {
	case !o.isPopulation:
		return ""
	case year > 2015:
		return NoteWPP2017Projection
	default:
		return NoteWPP2017Estimate
	}
}

// value reads one cell: text for categories, else a number; an empty or
// bad cell gives no record (a bad one is a row error).
func (o *owidFile) value(r *reader, line int, cell string, vc owidValueCol) (Record, bool) {
	out := Record{Line: line, Indicator: vc.code, Text: cell}
	if owidText[vc.code] {
		out.IsText = true
		return out, cell != ""
	}
	v, missing, ok := r.number(line, o.header[vc.i], cell)
	if !ok || missing {
		return out, false
	}
	if v == 0 && owidZeroUnknown[vc.code] {
		o.zeroUnknown++
		return out, false
	}
	if floor, ok := owidFloors[vc.code]; ok && v == floor {
		o.floored++
		f := strconv.FormatFloat(floor, 'f', -1, 64)
		out.Note = fmt.Sprintf(NoteAtMostFloor, f, f, f)
	}
	out.Value = v
	return out, true
}

// report records what was read past.
func (o *owidFile) report(r *reader) {
	if len(o.unknownNames) > 0 {
		r.correct(0, "Entity", fmt.Sprintf("%d entities", len(o.unknownNames)), "",
			fmt.Sprintf(ReasonEntitiesReadPast, len(o.unknownNames)))
	}
	if o.floored > 0 {
		r.correct(0, "(values)", fmt.Sprintf("%d values", o.floored), "", fmt.Sprintf(ReasonFloorUpperBounds, o.floored))
	}
	if o.zeroUnknown > 0 {
		r.correct(0, "(values)", fmt.Sprintf("%d zeros", o.zeroUnknown), "", fmt.Sprintf(ReasonZerosUnknown, o.zeroUnknown))
	}
	if o.popCut {
		r.correct(0, "Year", fmt.Sprintf("> %d", populationLastYear), "", fmt.Sprintf(ReasonProjectionsAfter, populationLastYear))
	}
}

var formatWBWide = &Format{
	Generic:     true,
	Name:        "wb-wide",
	Description: "World Bank wide CSV (WDI download): Country Name,Country Code,Indicator Name,Indicator Code,1960,...",
	Source: Source{Key: "wb-wdi", Publisher: "World Bank", Title: "World Development Indicators (bulk download)",
		URL: "https://databank.worldbank.org/source/world-development-indicators", Licence: "CC BY 4.0", Priority: 20},
	Detect: func(h []string) bool {
		return headerIs("Country Name", "Country Code", "Indicator Name", "Indicator Code")(h) ||
			headerIs("Data Source", "World Development Indicators")(h)
	},
	Read: readWBWide,
}

// wdiIndicators maps WDI codes to Amparo's codes where Amparo has its own
// name; any other code is imported as "wdi_" + the code, lower-cased with
// dots as underscores (NY.GDP.PCAP.CD -> wdi_ny_gdp_pcap_cd).
var wdiIndicators = map[string]string{
	"BX.TRF.PWKR.DT.GD.ZS": "remittances_pct_gdp",
	"VC.IHR.PSRC.P5":       "homicide_rate_wdi",
	"SP.POP.TOTL":          "population_wdi",
}

func wdiCode(code string) string {
	if c, ok := wdiIndicators[code]; ok {
		return c
	}
	return "wdi_" + strings.ToLower(strings.NewReplacer(".", "_", "-", "_").Replace(code))
}

func readWBWide(r *reader, in *bufio.Reader) error {
	// A WDI download starts with "Data Source", "Last Updated Date" and a
	// blank line before the header: skip them.
	skipped := 0
	for {
		line, err := peekLine(in)
		if err != nil {
			r.fail(1, "header", "no header line")
			return nil
		}
		l := strings.TrimPrefix(line, bom)
		if strings.HasPrefix(l, `"Country Name"`) || strings.HasPrefix(l, "Country Name") {
			break
		}
		if skipped > 10 {
			r.fail(skipped, "header", "no Country Name header in the first lines")
			return nil
		}
		if _, err := in.ReadString('\n'); err != nil {
			r.fail(skipped+1, "header", "no header line")
			return nil
		}
		skipped++
	}
	c, ok := openCSV(r, in, "Country Name", "Country Code", "Indicator Name", "Indicator Code")
	if !ok {
		return nil
	}
	type yearCol struct {
		i      int
		period string
	}
	var years []yearCol
	seenYear := map[string]bool{}
	for i, h := range c.header[4:] {
		if h == "" {
			continue // WDI files end each line with a comma
		}
		y, err := strconv.Atoi(h)
		if err != nil || y < 1800 || y > 2200 {
			r.fail(1+skipped, "header", fmt.Sprintf("column %q is not a year", h))
			return nil
		}
		if seenYear[h] {
			r.fail(1+skipped, "header", fmt.Sprintf("year %s appears twice", h))
			return nil
		}
		seenYear[h] = true
		years = append(years, yearCol{i + 4, h})
	}
	// One value per (row, year), rows checked for duplicates below: the
	// importer needs no memory per value, only per row.
	r.imp.rowKeyed = true
	seenRow := map[uint64]int{}
	codes := map[string]string{}
	for line, rec := range c.rows() {
		line += skipped
		country, indCode := rec[1], rec[3]
		if !validCode(country) {
			r.fail(line, "Country Code", fmt.Sprintf("%q is not a country code", country))
			continue
		}
		if indCode == "" {
			r.fail(line, "Indicator Code", "empty")
			continue
		}
		rowKey := r.imp.hashKey(country, indCode)
		if first, dup := seenRow[rowKey]; dup {
			r.fail(line, "", fmt.Sprintf("duplicate row: %s %s already on line %d", country, indCode, first))
			continue
		}
		seenRow[rowKey] = line
		code, ok := codes[indCode]
		if !ok {
			code = wdiCode(indCode)
			codes[indCode] = code
		}
		stored := r.imp.all || inDefaultScope(country)
		for _, yc := range years {
			cell := rec[yc.i]
			if cell == "" {
				continue
			}
			if !stored {
				// Validate without building records for countries that
				// are not stored: the file may hold 25 million cells.
				if _, _, err := parseNumber(cell); err != nil && err != errMissing {
					r.fail(line, yc.period, err.Error())
				}
				continue
			}
			v, missing, ok := r.number(line, yc.period, cell)
			if !ok || missing {
				continue
			}
			if err := r.emit(Record{Line: line, Country: country, Indicator: code, Period: yc.period, Value: v, Text: cell, Name: rec[2]}); err != nil {
				return err
			}
		}
		if !stored {
			r.imp.rep.OutOfScope++
		}
	}
	return nil
}
