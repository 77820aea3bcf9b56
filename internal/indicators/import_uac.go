package indicators

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
)

// Importers for the child-migration files: Amparo's compiled counts (uac/)
// and the Washington Post's compilation of CBP and HHS tables (cbp-wapo/).

const uacCompiledURL = "https://github.com/amparo-project/amparo/tree/main/internal/indicators/data/uac"

var formatUACFY = &Format{
	Name:        "uac-fy",
	Description: "unaccompanied children by fiscal year and country: fiscal_year,country_iso3,count,scope,source_url,note",
	Source: Source{Key: "amparo-uac-fy", Publisher: "Amparo project, compiled from CBP, CRS and press reports citing CBP",
		Title: "Unaccompanied children encountered by fiscal year and country of origin", URL: uacCompiledURL,
		Retrieved: "2026-11-24", Licence: "US government statistics (public domain); each row cites the page it was read in", Priority: 20},
	Detect: headerIs("fiscal_year", "country_iso3", "count", "scope", "source_url"),
	Read: func(r *reader, in *bufio.Reader) error {
		return readUACCompiled(r, in, false)
	},
}

var formatUACMonth = &Format{
	Name:        "uac-month",
	Description: "unaccompanied children by month: year_month,fiscal_year,country_iso3,count,scope,source_url,note",
	Source: Source{Key: "amparo-uac-month", Publisher: "Amparo project, compiled from CBP, CRS and press reports citing CBP",
		Title: "Unaccompanied children encountered by month", URL: uacCompiledURL,
		Retrieved: "2026-11-24", Licence: "US government statistics (public domain); each row cites the page it was read in", Priority: 30},
	Detect: headerIs("year_month", "fiscal_year", "country_iso3", "count", "scope"),
	Read: func(r *reader, in *bufio.Reader) error {
		return readUACCompiled(r, in, true)
	},
}

func readUACCompiled(r *reader, in *bufio.Reader, monthly bool) error {
	want := []string{"fiscal_year", "country_iso3", "count", "scope", "source_url"}
	if monthly {
		want = append([]string{"year_month"}, want...)
	}
	c, ok := openCSV(r, in, want...)
	if !ok {
		return nil
	}
	noteCol := c.col("note")
	off := 0
	if monthly {
		off = 1
	}
	for line, rec := range c.rows() {
		fy, err := strconv.Atoi(rec[off])
		if err != nil || fy < 1990 || fy > 2100 {
			r.fail(line, "fiscal_year", fmt.Sprintf("%q is not a fiscal year", rec[off]))
			continue
		}
		period := fmt.Sprintf("FY%d", fy)
		if monthly {
			p, err := ParsePeriod(rec[0])
			if err != nil || PeriodFrequency(p) != Monthly {
				r.fail(line, "year_month", fmt.Sprintf("%q is not a month (YYYY-MM)", rec[0]))
				continue
			}
			if FiscalYearOfMonth(p) != fy {
				r.fail(line, "fiscal_year", fmt.Sprintf("%s is in FY%d, not FY%d", p, FiscalYearOfMonth(p), fy))
				continue
			}
			period = p
		}
		country := rec[off+1]
		if !validCode(country) {
			r.fail(line, "country_iso3", fmt.Sprintf("%q is not an ISO3 code (or ALL/NT3)", country))
			continue
		}
		v, missing, ok := r.number(line, "count", rec[off+2])
		if !ok {
			continue
		}
		if missing {
			r.fail(line, "count", "empty count")
			continue
		}
		if v < 0 || v != float64(int64(v)) {
			r.fail(line, "count", fmt.Sprintf("%q is not a whole non-negative count", rec[off+2]))
			continue
		}
		scopeText := rec[off+3]
		scope, known := ClassifyScope(scopeText)
		if !known {
			r.fail(line, "scope", fmt.Sprintf("scope %q matches no rule in scopeRules; add one rather than guess", scopeText))
			continue
		}
		if to, reason, ok := settledScope(country, period, v, scope); ok {
			r.correct(line, "scope", scopeText, ScopeLabel(to), reason)
			scope = to
		}
		if scope == "usbp-swb" {
			era := usbpFYScope(fy)
			if monthly {
				era = usbpMonthScope(period)
			}
			if era != scope {
				r.correct(line, "scope", scopeText, era, ReasonTitle42Apart)
				scope = era
			}
		}
		note := fmt.Sprintf(NoteScopeAsPublished, scopeText)
		if noteCol >= 0 && rec[noteCol] != "" {
			note += ". " + rec[noteCol]
		}
		if err := r.emit(Record{Line: line, Country: country, Indicator: "uac_encounters", Scope: scope, Period: period,
			Value: v, Text: rec[off+2], CiteURL: rec[off+4], Note: note}); err != nil {
			return err
		}
	}
	return nil
}

var formatProjections = &Format{
	Name:        "projections",
	Description: "official projections: made_on,made_by,target_fiscal_year,projected_count,source_url,note",
	Source: Source{Key: "amparo-projections-2014", Publisher: "Amparo project, compiled from US government statements reported in the press",
		Title: "Official 2014 projections of unaccompanied children", URL: uacCompiledURL,
		Retrieved: "2026-11-24", Licence: "US government statements (public domain); each row cites the page it was read in", Priority: 20},
	Detect: headerIs("made_on", "made_by", "target_fiscal_year", "projected_count"),
	Read:   readProjections,
}

func readProjections(r *reader, in *bufio.Reader) error {
	c, ok := openCSV(r, in, "made_on", "made_by", "target_fiscal_year", "projected_count", "source_url")
	if !ok {
		return nil
	}
	noteCol := c.col("note")
	seen := map[string]int{}
	for line, rec := range c.rows() {
		madeOn := rec[0]
		if len(madeOn) < 4 || !isDigits(madeOn[:4]) {
			r.fail(line, "made_on", fmt.Sprintf("%q does not start with a year", madeOn))
			continue
		}
		if rec[1] == "" {
			r.fail(line, "made_by", "empty")
			continue
		}
		fy, err := strconv.Atoi(rec[2])
		if err != nil || fy < 1990 || fy > 2100 {
			r.fail(line, "target_fiscal_year", fmt.Sprintf("%q is not a fiscal year", rec[2]))
			continue
		}
		v, missing, ok := r.number(line, "projected_count", rec[3])
		if !ok {
			continue
		}
		if missing || v < 0 {
			r.fail(line, "projected_count", "empty or negative")
			continue
		}
		key := madeOn + "\x00" + rec[1] + "\x00" + rec[2]
		if first, dup := seen[key]; dup {
			r.fail(line, "", fmt.Sprintf("duplicate projection, first on line %d", first))
			continue
		}
		seen[key] = line
		p := Projection{MadeOn: madeOn, MadeBy: rec[1], Country: "ALL", Indicator: "uac_encounters",
			TargetPeriod: fmt.Sprintf("FY%d", fy), Projected: v, CiteURL: rec[4]}
		if noteCol >= 0 {
			p.Note = rec[noteCol]
		}
		if err := r.emitProjection(p); err != nil {
			return err
		}
	}
	return nil
}

// emitProjection stores an official projection unless the file is already
// refused.
func (r *reader) emitProjection(p Projection) error {
	if r.imp.rep.ErrorCount > 0 || r.imp.err != nil || r.imp.db == nil {
		return r.imp.err
	}
	// The values' writer, if any, must be done with the transaction.
	if err := r.imp.sync(); err != nil {
		r.imp.err = err
		return err
	}
	if err := putProjection(r.ctx, r.imp.db, r.imp.sourceID, p); err != nil {
		r.imp.err = err
		return err
	}
	r.imp.rep.Projections++
	return nil
}

const wapoURL = "https://github.com/wpinvestigative/unaccompanied_minors/tree/c7d5900/output_data"

func wapoSource(key, title, note string, prio int) Source {
	return Source{Key: key, Publisher: "The Washington Post investigative data team (compilation of CBP and HHS statistics)",
		Title: title, URL: wapoURL, Retrieved: "2021-03-11 (commit c7d5900)",
		Licence: "compilation CC BY-NC-SA 4.0; underlying figures US government (public domain)", Priority: prio, Note: note}
}

var fiscalMonths = []string{"October", "November", "December", "January", "February", "March", "April", "May", "June", "July", "August", "September"}

var formatCBPMonthlySector = &Format{
	Name:        "cbp-monthly-sector",
	Description: "US Border Patrol monthly UAC apprehensions by sector, FY2010-FY2019: SECTOR,October..September,Yearly Total,FY",
	Source: wapoSource("cbp-usbp-uac-monthly-sector-fy2010-2019", "U.S. Border Patrol Total Monthly UAC Apprehensions by Sector (FY 2010 - FY 2019)",
		NoteCBPTranscription, 25),
	Detect: headerIs(append([]string{"SECTOR"}, fiscalMonths...)...),
	Read:   readCBPMonthlySector,
}

// sectorRowLabels maps the summary rows to what they count. Typos seen in
// the files are listed as such, so that each fix is deliberate.
var sectorRowLabels = []struct {
	label, canonical, scope string
}{
	{"Southwest Border", "Southwest Border", "usbp-swb"},
	{"Southwest Bord", "Southwest Border", "usbp-swb"}, // FY2019 typo in the source
	{"Monthly Total", "Monthly Total", "usbp-all"},
}

func readCBPMonthlySector(r *reader, in *bufio.Reader) error {
	c, ok := openCSV(r, in, append([]string{"SECTOR"}, fiscalMonths...)...)
	if !ok {
		return nil
	}
	totalCol, fyCol := c.col("Yearly Total"), c.col("FY")
	if totalCol < 0 || fyCol < 0 {
		r.fail(1, "header", "expected Yearly Total and FY columns")
		return nil
	}
	for line, rec := range c.rows() {
		fy, err := strconv.Atoi(rec[fyCol])
		if err != nil || fy < 1990 || fy > 2100 {
			r.fail(line, "FY", fmt.Sprintf("%q is not a fiscal year", rec[fyCol]))
			continue
		}
		// Read every month of every row, so that a bad number anywhere
		// refuses the file, even in a sector row that is not stored.
		var months [12]float64
		var present [12]bool
		bad := false
		for i := range fiscalMonths {
			v, missing, ok := r.number(line, fiscalMonths[i], rec[i+1])
			if !ok {
				bad = true
				continue
			}
			months[i], present[i] = v, !missing
		}
		total, totalMissing, okT := r.number(line, "Yearly Total", rec[totalCol])
		if bad || !okT {
			continue
		}
		label, scope := rec[0], ""
		for _, l := range sectorRowLabels {
			if label == l.label {
				if l.canonical != label {
					r.correct(line, "SECTOR", label, l.canonical, ReasonLabelTypo)
				}
				scope = l.scope
			}
		}
		if scope == "" {
			continue // a single sector: validated, not stored
		}
		sum, all := 0.0, true
		for i := range months {
			sum += months[i]
			all = all && present[i]
		}
		if all && !totalMissing && sum != total {
			r.correct(line, "Yearly Total", rec[totalCol], rec[totalCol],
				fmt.Sprintf(ReasonMonthsSum, sum, total)+NoteSep+ReasonBothKept)
		}
		for i := range fiscalMonths {
			if !present[i] {
				continue
			}
			month := fmt.Sprintf("%04d-%02d", fy-1+boolInt(i >= 3), (i+9)%12+1)
			sc := scope
			if scope == "usbp-swb" {
				sc = usbpMonthScope(month)
			}
			if err := r.emit(Record{Line: line, Country: "ALL", Indicator: "uac_encounters", Scope: sc, Period: month,
				Value: months[i], Text: rec[i+1]}); err != nil {
				return err
			}
		}
		if !totalMissing {
			sc := scope
			if scope == "usbp-swb" {
				sc = usbpFYScope(fy)
			}
			if err := r.emit(Record{Line: line, Country: "ALL", Indicator: "uac_encounters", Scope: sc, Period: fmt.Sprintf("FY%d", fy),
				Value: total, Text: rec[totalCol], Note: NoteYearlyTotal}); err != nil {
				return err
			}
		}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

var formatCBPCountryFY = &Format{
	Name:        "cbp-country-fy",
	Description: "southwest border apprehensions by country and type, by fiscal year: sector,type,year,encounters (sector holds the country)",
	Source: wapoSource("cbp-swb-by-country-fy2014-2021", "Southwest border UAC and family-unit apprehensions by country, FY2014-FY2021 (sbecfydf_20210303)",
		NotePartialFY2021, 30),
	Detect: headerIs("sector", "type", "year", "encounters"),
	Read:   readCBPCountryFY,
}

// cbpTypes maps the type column to indicators.
var cbpTypes = map[string]string{
	"uac":          "uac_encounters",
	"family unit":  "family_unit_encounters",
	"single adult": "single_adult_encounters",
}

// partialFiscalYears are fiscal years the WaPo files hold only in part
// (to early 2021): not imported as if they were whole years.
var partialFiscalYears = map[string]bool{"FY2021": true}

func readCBPCountryFY(r *reader, in *bufio.Reader) error {
	c, ok := openCSV(r, in, "sector", "type", "year", "encounters")
	if !ok {
		return nil
	}
	for line, rec := range c.rows() {
		country := ISO3ForName(rec[0])
		if country == "" {
			r.fail(line, "sector", fmt.Sprintf("country %q unknown (the sector column holds the country)", rec[0]))
			continue
		}
		ind, ok := cbpTypes[strings.ToLower(rec[1])]
		if !ok {
			r.fail(line, "type", fmt.Sprintf("type %q unknown", rec[1]))
			continue
		}
		period, err := ParsePeriod(rec[2])
		if err != nil || PeriodFrequency(period) != FiscalYear {
			r.fail(line, "year", fmt.Sprintf("%q is not a fiscal year (fy14)", rec[2]))
			continue
		}
		v, missing, ok := r.number(line, "encounters", rec[3])
		if !ok {
			continue
		}
		if missing {
			r.fail(line, "encounters", "empty")
			continue
		}
		if partialFiscalYears[period] {
			r.skip(line, "year", rec[2], ReasonPartialFYSource)
			continue
		}
		fy, _ := strconv.Atoi(period[2:])
		if err := r.emit(Record{Line: line, Country: country, Indicator: ind, Scope: usbpFYScope(fy), Period: period, Value: v, Text: rec[3]}); err != nil {
			return err
		}
	}
	return nil
}

var formatCBPSectorMonth = &Format{
	Name:        "cbp-sector-month",
	Description: "monthly Border Patrol apprehensions by sector, Oct 2018 - Jan 2021: sector,fmua,uac,sa,total,month,year",
	Source: wapoSource("cbp-usbp-sector-monthly-2018-2021", "Monthly apprehensions by Border Patrol sector, Oct 2018 - Jan 2021 (secmondf_20210303)",
		NoteSWBTotalOnly, 30),
	Detect: headerIs("sector", "fmua", "uac", "sa", "total", "month", "year"),
	Read:   readCBPSectorMonth,
}

var monthAbbr = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

// sectorTypos are truncated sector names seen in the files.
var sectorTypos = map[string]string{"Yum": "Yuma"}

func readCBPSectorMonth(r *reader, in *bufio.Reader) error {
	c, ok := openCSV(r, in, "sector", "fmua", "uac", "sa", "total", "month", "year")
	if !ok {
		return nil
	}
	// The rows come in blocks, one per month, each ending with the
	// "Southwest Border Total" row. In the published file the labels of
	// May to September are one month late (May is missing and October
	// appears twice each year): the values match CBP's own May-September
	// figures (e.g. the row labelled Jun-2019 holds 11,475, CBP's May 2019).
	// The month is therefore taken from the block's position, and a label
	// that differs in any other way refuses the row.
	start, block := -1, 0
	for line, rec := range c.rows() {
		m, okM := monthAbbr[strings.ToLower(rec[5])]
		y, err := strconv.Atoi(rec[6])
		if !okM || err != nil || y < 1990 || y > 2100 {
			r.fail(line, "month", fmt.Sprintf("%q %q is not a month and year", rec[5], rec[6]))
			continue
		}
		labelled := y*12 + m - 1
		if start < 0 {
			start = labelled
		}
		pos := start + block
		if rec[0] == "Southwest Border Total" {
			block++
		}
		month := MonthFromIndex(pos)
		if labelled != pos {
			posMonth := pos%12 + 1
			if labelled == pos+1 && posMonth >= 5 && posMonth <= 9 {
				if rec[0] == "Southwest Border Total" {
					r.correct(line, "month", rec[5]+"-"+rec[6], month, ReasonMonthLate)
				}
			} else {
				r.fail(line, "month", fmt.Sprintf("labelled %s-%s but in the position of %s", rec[5], rec[6], month))
				continue
			}
		}
		var vals [4]float64
		bad := false
		for i, name := range []string{"fmua", "uac", "sa", "total"} {
			v, missing, ok := r.number(line, name, rec[i+1])
			if !ok || missing {
				if ok {
					r.fail(line, name, "empty")
				}
				bad = true
				continue
			}
			vals[i] = v
		}
		if bad {
			continue
		}
		if fix, ok := sectorTypos[rec[0]]; ok {
			r.correct(line, "sector", rec[0], fix, ReasonSectorTruncated)
		}
		if rec[0] != "Southwest Border Total" {
			continue
		}
		if vals[0]+vals[1]+vals[2] != vals[3] {
			r.correct(line, "total", rec[4], rec[4], ReasonPartsNotTotal+NoteSep+ReasonKeptAsPublished)
		}
		scope := usbpMonthScope(month)
		for i, ind := range []string{"family_unit_encounters", "uac_encounters", "single_adult_encounters"} {
			if err := r.emit(Record{Line: line, Country: "ALL", Indicator: ind, Scope: scope, Period: month, Value: vals[i], Text: rec[i+1]}); err != nil {
				return err
			}
		}
	}
	return nil
}

var formatHHSMonthly = &Format{
	Name:        "hhs-monthly",
	Description: "HHS unaccompanied children program monthly figures: group,category,month,value,number_type",
	Source:      wapoSource("hhs-uc-program-monthly-fy2018-2021", "HHS Unaccompanied Children Program monthly figures, FY2018-FY2021 (fy2018_fy2021)", "", 30),
	Detect:      headerIs("group", "category", "month", "value", "number_type"),
	Read:        readHHSMonthly,
}

// hhsCategories maps the rows Amparo names; the others are imported under a
// code built from group and category.
var hhsCategories = map[string]string{
	"Overall Data|Average Number of Children in Care":                          "hhs_children_in_care",
	"Overall Data|30-Day Average Number of UC Referrals":                       "hhs_referrals_30d",
	"Total Monthly Discharges to Individual Sponsors Only (By Category)|Total": "hhs_discharges_to_sponsors",
}

// hhsGroups gives each group of the HHS table a short code prefix.
var hhsGroups = map[string]string{
	"Overall Data":                         "hhs_",
	"Age":                                  "hhs_age_",
	"Gender":                               "hhs_gender_",
	"Tender Age (0-12) UC By Shelter Type": "hhs_tender_age_",
	"Total Monthly Discharges to Individual Sponsors Only (By Category)": "hhs_discharges_",
}

func slug(s string) string {
	var b strings.Builder
	last := '_'
	for _, c := range strings.ToLower(s) {
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			b.WriteRune(c)
			last = c
		case c == '+':
			b.WriteString("plus")
			last = 's'
		default:
			if last != '_' {
				b.WriteByte('_')
				last = '_'
			}
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

func readHHSMonthly(r *reader, in *bufio.Reader) error {
	c, ok := openCSV(r, in, "group", "category", "month", "value", "number_type")
	if !ok {
		return nil
	}
	colonNoted := false
	for line, rec := range c.rows() {
		cat := rec[1]
		if trimmed := strings.TrimRight(cat, ":*"); trimmed != cat {
			if !colonNoted {
				r.correct(line, "category", cat, trimmed, ReasonCategoryMarks)
				colonNoted = true
			}
			cat = strings.TrimSpace(trimmed)
		}
		period, err := ParsePeriod(rec[2])
		if err != nil || PeriodFrequency(period) != Monthly {
			r.fail(line, "month", fmt.Sprintf("%q is not a month (YYYY-MM-01)", rec[2]))
			continue
		}
		v, missing, ok := r.number(line, "value", rec[3])
		if !ok || missing {
			if ok {
				r.fail(line, "value", "empty")
			}
			continue
		}
		var unit string
		switch rec[4] {
		case "Number":
			unit = hhsUnit(cat)
		case "Percent":
			unit = "%"
		default:
			r.fail(line, "number_type", fmt.Sprintf("%q is neither Number nor Percent", rec[4]))
			continue
		}
		code, ok := hhsCategories[rec[0]+"|"+cat]
		if !ok {
			prefix, ok := hhsGroups[rec[0]]
			if !ok {
				r.fail(line, "group", fmt.Sprintf("group %q unknown", rec[0]))
				continue
			}
			code = prefix + slug(cat)
		}
		if err := r.emit(Record{Line: line, Country: "USA", Indicator: code, Scope: "hhs-orr", Period: period, Value: v, Text: rec[3],
			Name: "HHS: " + rec[0] + ": " + cat, Unit: unit}); err != nil {
			return err
		}
	}
	return nil
}

var formatStatesReleased = &Format{
	Name:        "states-released",
	Description: "children released to sponsors by US state: state,fy15,...,fy21_so_far",
	Source: wapoSource("hhs-uc-released-by-state-fy2015-2021", "Unaccompanied children released to sponsors by state, FY2015-FY2021 (states_children)",
		NotePartialFY2021SoFar, 30),
	Detect: func(h []string) bool {
		return len(h) > 1 && strings.EqualFold(h[0], "state") && strings.HasPrefix(strings.ToLower(h[1]), "fy")
	},
	Read: readStatesReleased,
}

func readStatesReleased(r *reader, in *bufio.Reader) error {
	c, ok := openCSV(r, in, "state")
	if !ok {
		return nil
	}
	type fyCol struct {
		i       int
		period  string
		partial bool
	}
	var cols []fyCol
	for i, h := range c.header[1:] {
		lh := strings.ToLower(h)
		partial := strings.HasSuffix(lh, "_so_far")
		p, err := ParsePeriod(strings.TrimSuffix(lh, "_so_far"))
		if err != nil || PeriodFrequency(p) != FiscalYear {
			r.fail(1, "header", fmt.Sprintf("column %q is not a fiscal year", h))
			return nil
		}
		cols = append(cols, fyCol{i + 1, p, partial})
	}
	for _, fc := range cols {
		if fc.partial {
			r.correct(1, c.header[fc.i], c.header[fc.i], "", ReasonPartialFYSoFar)
		}
	}
	for line, rec := range c.rows() {
		code := usStateCode(rec[0])
		if code == "" {
			r.fail(line, "state", fmt.Sprintf("%q is not a US state or territory Amparo knows", rec[0]))
			continue
		}
		if len(rec[0]) == 2 {
			r.correct(line, "state", rec[0], code, ReasonPostalAbbreviation)
		}
		for _, fc := range cols {
			v, missing, ok := r.number(line, fc.period, rec[fc.i])
			if !ok || missing || fc.partial {
				continue
			}
			if err := r.emit(Record{Line: line, Country: code, Indicator: "uc_released_to_sponsors", Scope: "hhs-orr", Period: fc.period, Value: v, Text: rec[fc.i]}); err != nil {
				return err
			}
		}
	}
	return nil
}

// usStates maps state and territory names to ISO 3166-2:US codes; the
// TOTAL row is the United States.
var usStates = map[string]string{
	"total": "USA", "alabama": "US-AL", "alaska": "US-AK", "arizona": "US-AZ", "arkansas": "US-AR", "california": "US-CA",
	"colorado": "US-CO", "connecticut": "US-CT", "delaware": "US-DE", "district of columbia": "US-DC", "florida": "US-FL",
	"georgia": "US-GA", "guam": "US-GU", "hawaii": "US-HI", "idaho": "US-ID", "illinois": "US-IL", "indiana": "US-IN", "iowa": "US-IA",
	"kansas": "US-KS", "kentucky": "US-KY", "louisiana": "US-LA", "maine": "US-ME", "maryland": "US-MD", "massachusetts": "US-MA",
	"michigan": "US-MI", "minnesota": "US-MN", "mississippi": "US-MS", "missouri": "US-MO", "montana": "US-MT", "nebraska": "US-NE",
	"nevada": "US-NV", "new hampshire": "US-NH", "new jersey": "US-NJ", "new mexico": "US-NM", "new york": "US-NY",
	"north carolina": "US-NC", "north dakota": "US-ND", "northern mariana islands": "US-MP", "ohio": "US-OH", "oklahoma": "US-OK",
	"oregon": "US-OR", "pennsylvania": "US-PA", "puerto rico": "US-PR", "rhode island": "US-RI", "south carolina": "US-SC",
	"south dakota": "US-SD", "tennessee": "US-TN", "texas": "US-TX", "utah": "US-UT", "vermont": "US-VT", "virginia": "US-VA",
	"virgin islands": "US-VI", "washington": "US-WA", "west virginia": "US-WV", "wisconsin": "US-WI", "wyoming": "US-WY",
	"american samoa": "US-AS",
}

// usStateCode returns the code of a state name, or of a postal
// abbreviation ("PR" appears among the names in states_children.csv).
func usStateCode(name string) string {
	n := strings.TrimSpace(name)
	if c, ok := usStates[strings.ToLower(n)]; ok {
		return c
	}
	if len(n) == 2 {
		code := "US-" + strings.ToUpper(n)
		for _, c := range usStates {
			if c == code {
				return c
			}
		}
	}
	return ""
}
