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
	"Gini coefficient":                            "gini",
	"Income classifications (World Bank (2021))":  "income_group",
	"Under 15 years old (UNWPP, 2017)":            "population_0_14",
	"Under 5 years old (UNWPP, 2017)":             "population_0_4",
	"5-14 years old (UNWPP, 2017)":                "population_5_14",
	"15-24 years old (UNWPP, 2017)":               "population_15_24",
	"Working age (15-64 years old) (UNWPP, 2017)": "population_15_64",
	"65+ years old (UNWPP, 2017)":                 "population_65_plus",
}

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

func readOWID(r *reader, in *bufio.Reader) error {
	c, ok := openCSV(r, in, "Entity")
	if !ok {
		return nil
	}
	codeCol, yearCol := c.col("Code"), c.col("Year")
	if yearCol < 0 {
		r.fail(1, "header", "no Year column")
		return nil
	}
	type valueCol struct {
		i    int
		code string
	}
	var cols []valueCol
	var unmapped []string
	for i, h := range c.header {
		if i == 0 || i == codeCol || i == yearCol || owidIgnored[h] {
			continue
		}
		if code, ok := owidColumns[h]; ok {
			cols = append(cols, valueCol{i, code})
		} else {
			unmapped = append(unmapped, h)
		}
	}
	if len(cols) == 0 {
		r.fail(1, "header", "no column Amparo knows how to read (see owidColumns)")
		return nil
	}
	if len(unmapped) > 0 {
		r.correct(1, "header", fmt.Sprintf("%d columns", len(unmapped)), "",
			fmt.Sprintf("%d column(s) not imported (no indicator defined), e.g. %q", len(unmapped), unmapped[0]))
	}
	isPopulation := false
	for _, vc := range cols {
		if strings.HasPrefix(vc.code, "population_") {
			isPopulation = true
		}
	}
	unknownNames := map[string]bool{}
	var popCut bool
	for line, rec := range c.rows() {
		entity := rec[0]
		code := ""
		if codeCol >= 0 {
			code = rec[codeCol]
		}
		if code == "" {
			code = ISO3ForName(entity)
		}
		if code == "" {
			// Regions without a code, sub-national entities ("Honduras -
			// urban") and countries this file names only by name: read
			// past, never guessed.
			unknownNames[entity] = true
			continue
		}
		if !validCode(code) {
			r.fail(line, "Code", fmt.Sprintf("%q is not a country code", code))
			continue
		}
		year, err := strconv.Atoi(rec[yearCol])
		if err != nil || year < 1800 || year > 2200 {
			r.fail(line, "Year", fmt.Sprintf("%q is not a year", rec[yearCol]))
			continue
		}
		if isPopulation && year > populationLastYear {
			popCut = true
			continue
		}
		note := ""
		if isPopulation {
			note = "UN WPP 2017 estimate"
			if year > 2015 {
				note = "UN WPP 2017 medium-variant projection"
			}
		}
		var parts [3]float64
		var have [3]bool
		for _, vc := range cols {
			cell := rec[vc.i]
			out := Record{Line: line, Country: code, Indicator: vc.code, Period: strconv.Itoa(year), Text: cell, Note: note}
			if vc.code == "income_group" {
				if cell == "" {
					continue
				}
				out.IsText = true
			} else {
				v, missing, ok := r.number(line, c.header[vc.i], cell)
				if !ok || missing {
					continue
				}
				out.Value = v
				switch vc.code {
				case "population_0_14":
					parts[0], have[0] = v, true
				case "population_15_64":
					parts[1], have[1] = v, true
				case "population_65_plus":
					parts[2], have[2] = v, true
				}
			}
			if err := r.emit(out); err != nil {
				return err
			}
		}
		if have[0] && have[1] && have[2] {
			// The three broad groups partition every age: their sum is the
			// total population, computed here and labelled so.
			tot := parts[0] + parts[1] + parts[2]
			if err := r.emit(Record{Line: line, Country: code, Indicator: "population", Period: strconv.Itoa(year),
				Value: tot, Text: strconv.FormatFloat(tot, 'f', -1, 64), Note: note + "; computed as under-15 + 15-64 + 65+"}); err != nil {
				return err
			}
		}
	}
	if len(unknownNames) > 0 {
		r.correct(0, "Entity", fmt.Sprintf("%d entities", len(unknownNames)), "",
			fmt.Sprintf("%d entities without a code Amparo knows were read past (regions, urban/rural series, other countries)", len(unknownNames)))
	}
	if popCut {
		r.correct(0, "Year", fmt.Sprintf("> %d", populationLastYear), "", fmt.Sprintf("population projections after %d not imported", populationLastYear))
	}
	return nil
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
