package indicators

import (
	"bufio"
	"fmt"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// CBP's "Nationwide Encounters" files (FY2020 on) give one row per fiscal
// month, border region, state (or area of responsibility), demographic,
// citizenship and title of authority. Amparo keeps the unaccompanied
// children: summed by month and citizenship, nationwide and for the
// southwest land border, Title 8 and Title 42 apart and together. These are
// CBP-wide counts (Border Patrol and ports of entry, Title 42 expulsions
// too): new scopes, never joined to the Border Patrol Title 8 series.
var formatCBPNationwide = &Format{
	// Generic: each release (a file) is its own source, so that the
	// overlapping fiscal years of two releases are both kept.
	Generic: true,
	Name:    "cbp-nationwide",
	Description: "CBP Nationwide Encounters (FY2020 on), state or area-of-responsibility file: Fiscal Year,Month Grouping,Month (abbv),...," +
		"Demographic,Citizenship,Title of Authority,Encounter Count; unaccompanied children summed by month, citizenship, region and title",
	Source: Source{Key: "cbp-nationwide-encounters", Publisher: "U.S. Customs and Border Protection", Title: "Nationwide Encounters (FY2020 on)",
		URL: "https://www.cbp.gov/newsroom/stats/nationwide-encounters", Licence: "US government statistics (public domain)", Priority: 15},
	Detect: func(h []string) bool {
		n := normHeader(h)
		for _, c := range cbpNWRequired {
			if !slices.Contains(n, c) {
				return false
			}
		}
		return true
	},
	Read: readCBPNationwide,
}

// cbpNWRequired are the columns read, by normalised name ("Month (abbv)"
// and tidytuesday's month_abbv are both month_abbv).
var cbpNWRequired = []string{"fiscal_year", "month_abbv", "land_border_region", "demographic", "citizenship", "title_of_authority", "encounter_count"}

// normHeader lower-cases column names and turns every run of other
// characters into one underscore.
func normHeader(h []string) []string {
	out := make([]string, len(h))
	for i, s := range h {
		var b strings.Builder
		under := false
		for _, c := range strings.ToLower(strings.TrimPrefix(s, bom)) {
			if unicode.IsLetter(c) || unicode.IsDigit(c) {
				if under && b.Len() > 0 {
					b.WriteByte('_')
				}
				b.WriteRune(c)
				under = false
			} else {
				under = true
			}
		}
		out[i] = b.String()
	}
	return out
}

// cbpDemographics: true for the unaccompanied children. CBP renamed the
// label "UC / Single Minors" to "UAC" in the files of FY2022 on.
var cbpDemographics = map[string]bool{
	"UC / Single Minors": true,
	"UAC":                true,
	"Single Adults":      false,
	"FMUA":               false,
	"Accompanied Minors": false,
}

// cbpRegions: true for the southwest land border. Nationwide is the sum of
// the three regions (CBP's own definition).
var cbpRegions = map[string]bool{"Southwest Land Border": true, "Northern Land Border": false, "Other": false}

// cbpTitles maps the title of authority to the scope suffix.
var cbpTitles = map[string]string{"Title 8": "t8", "Title 42": "t42"}

// Scopes of the summed counts.
const (
	scopeCBPNationwide = "cbp-enc-nw"
	scopeCBPSouthwest  = "cbp-enc-swlb"
)

type cbpNWKey struct {
	country, scope string
	period         string
}

// cbpNWFile is what reading one file has found so far.
type cbpNWFile struct {
	col       map[string]int
	keyCols   []int // every column but the count: a repeated key is a duplicate row
	seed      maphash.Seed
	seen      map[uint64]int
	sums      map[cbpNWKey]float64
	months    map[int]bool // month indexes (year*12 + month-1) present in the file
	countries map[string]bool
	otherCit  map[string]bool // citizenships without an ISO code: counted in ALL only
	fyLabels  map[string]bool
	renamed   bool
}

func readCBPNationwide(r *reader, in *bufio.Reader) error {
	c, ok := openCSV(r, in)
	if !ok {
		return nil
	}
	f := &cbpNWFile{col: map[string]int{}, seed: maphash.MakeSeed(), seen: map[uint64]int{}, sums: map[cbpNWKey]float64{},
		months: map[int]bool{}, countries: map[string]bool{}, otherCit: map[string]bool{}, fyLabels: map[string]bool{}}
	norm := normHeader(c.header)
	for i, n := range norm {
		f.col[n] = i
		if n != "encounter_count" {
			f.keyCols = append(f.keyCols, i)
		}
	}
	for _, want := range cbpNWRequired {
		if _, ok := f.col[want]; !ok {
			r.fail(1, "header", fmt.Sprintf("no %s column (found %s)", want, strings.Join(c.header, ",")))
			return nil
		}
	}
	for line, rec := range c.rows() {
		f.row(r, line, rec)
	}
	if r.imp.rep.ErrorCount > 0 {
		return nil
	}
	return f.emit(r)
}

// row validates one row and adds an unaccompanied child's count to its sums.
func (f *cbpNWFile) row(r *reader, line int, rec []string) {
	if f.duplicate(r, line, rec) {
		return
	}
	month, ok := f.month(r, line, rec)
	title, okT := cbpTitles[rec[f.col["title_of_authority"]]]
	if !okT {
		r.fail(line, "Title of Authority", fmt.Sprintf("%q is neither Title 8 nor Title 42", rec[f.col["title_of_authority"]]))
	}
	swlb, okR := cbpRegions[rec[f.col["land_border_region"]]]
	if !okR {
		r.fail(line, "Land Border Region", fmt.Sprintf("region %q unknown", rec[f.col["land_border_region"]]))
	}
	demo := rec[f.col["demographic"]]
	uc, okD := cbpDemographics[demo]
	if !okD {
		r.fail(line, "Demographic", fmt.Sprintf("demographic %q unknown", demo))
	}
	n, okN := f.count(r, line, rec[f.col["encounter_count"]])
	if !ok || !okT || !okR || !okD || !okN {
		return
	}
	period := MonthFromIndex(month)
	if title == "t42" && (period < title42Start || period > title42End) {
		r.fail(line, "Title of Authority", fmt.Sprintf("Title 42 expulsion in %s, outside March 2020 - May 2023", period))
		return
	}
	codes := f.citizenship(rec[f.col["citizenship"]])
	if !uc {
		return
	}
	if demo == "UAC" && !f.renamed {
		f.renamed = true
		r.correct(line, "Demographic", demo, "UC / Single Minors", ReasonCBPLaterLabel)
	}
	for _, code := range codes {
		for _, sc := range []string{scopeCBPNationwide, scopeCBPNationwide + "-" + title} {
			f.sums[cbpNWKey{code, sc, period}] += n
			if swlb {
				f.sums[cbpNWKey{code, strings.Replace(sc, scopeCBPNationwide, scopeCBPSouthwest, 1), period}] += n
			}
		}
	}
}

// duplicate refuses a row whose every column but the count repeats an
// earlier row's.
func (f *cbpNWFile) duplicate(r *reader, line int, rec []string) bool {
	var h maphash.Hash
	h.SetSeed(f.seed)
	for _, i := range f.keyCols {
		h.WriteString(rec[i])
		h.WriteByte(0x1f)
	}
	k := h.Sum64()
	if first, dup := f.seen[k]; dup {
		r.fail(line, "", fmt.Sprintf("duplicate row: same month, region, place, demographic, citizenship and title as line %d", first))
		return true
	}
	f.seen[k] = line
	return false
}

// month reads the fiscal year and month abbreviation. The file of the
// fiscal year in progress labels it "2026 (FYTD)": read as 2026, recorded.
func (f *cbpNWFile) month(r *reader, line int, rec []string) (int, bool) {
	fyText, abbr := rec[f.col["fiscal_year"]], rec[f.col["month_abbv"]]
	year, rest, _ := strings.Cut(fyText, " ")
	fy, err := strconv.Atoi(year)
	if err != nil || fy < 2000 || fy > 2100 || (rest != "" && rest != "(FYTD)") {
		r.fail(line, "Fiscal Year", fmt.Sprintf("%q is not a fiscal year", fyText))
		return 0, false
	}
	if rest != "" && !f.fyLabels[fyText] {
		f.fyLabels[fyText] = true
		r.correct(line, "Fiscal Year", fyText, year, ReasonFYInProgress)
	}
	m, ok := monthAbbr[strings.ToLower(abbr)]
	if !ok || len(abbr) != 3 {
		r.fail(line, "Month (abbv)", fmt.Sprintf("%q is not a month", abbr))
		return 0, false
	}
	y := fy
	if m >= 10 {
		y-- // October to December belong to the next fiscal year
	}
	idx := y*12 + m - 1
	f.months[idx] = true
	return idx, true
}

// count reads an encounter count: a whole number, never empty.
func (f *cbpNWFile) count(r *reader, line int, cell string) (float64, bool) {
	v, missing, ok := r.number(line, "Encounter Count", cell)
	if !ok {
		return 0, false
	}
	if missing || v < 0 || v != float64(int64(v)) {
		r.fail(line, "Encounter Count", fmt.Sprintf("%q is not a count", cell))
		return 0, false
	}
	return v, true
}

// citizenship returns the codes a row counts for: ALL, and the country when
// Amparo knows the name. CBP lists a fixed set of citizenships (the rest
// are "OTHER"), so a listed country absent from a month had no encounters.
func (f *cbpNWFile) citizenship(name string) []string {
	code := ISO3ForName(name)
	if code == "" || len(code) != 3 {
		f.otherCit[name] = true
		return []string{"ALL"}
	}
	f.countries[code] = true
	return []string{"ALL", code}
}

// emit writes the monthly sums of every month in the file (zero where a
// listed citizenship had no unaccompanied child), and the total of every
// fiscal year the file holds whole.
func (f *cbpNWFile) emit(r *reader) error {
	codes := append([]string{"ALL"}, sortedKeys(f.countries)...)
	months := sortedKeys(f.months)
	byFY := map[int][]string{}
	for _, m := range months {
		period := MonthFromIndex(m)
		fy := m/12 + boolInt(m%12 >= 9)
		byFY[fy] = append(byFY[fy], period)
		if err := f.emitPeriod(r, codes, period, []string{period}); err != nil {
			return err
		}
	}
	for _, fy := range sortedKeys(byFY) {
		if len(byFY[fy]) != 12 {
			r.correct(0, "Fiscal Year", strconv.Itoa(fy), "", fmt.Sprintf(ReasonFYMonthsOnly, fy, len(byFY[fy])))
			continue
		}
		if err := f.emitPeriod(r, codes, fmt.Sprintf("FY%d", fy), byFY[fy]); err != nil {
			return err
		}
	}
	if len(f.otherCit) > 0 {
		r.correct(0, "Citizenship", strings.Join(sortedKeys(f.otherCit), "; "), "ALL",
			fmt.Sprintf(ReasonOtherCitizenships, len(f.otherCit)))
	}
	return nil
}

// emitPeriod writes, for each code and scope, the sum over months. Title 42
// series are written only for periods that overlap the Title 42 era.
func (f *cbpNWFile) emitPeriod(r *reader, codes []string, period string, months []string) error {
	t42 := months[0] <= title42End && months[len(months)-1] >= title42Start
	for _, code := range codes {
		for _, base := range []string{scopeCBPNationwide, scopeCBPSouthwest} {
			for _, suffix := range []string{"", "-t8", "-t42"} {
				if suffix == "-t42" && !t42 {
					continue
				}
				sc := base + suffix
				v := 0.0
				for _, m := range months {
					v += f.sums[cbpNWKey{code, sc, m}]
				}
				rec := Record{Country: code, Indicator: "uac_encounters", Scope: sc, Period: period, Value: v, Text: strconv.FormatFloat(v, 'f', -1, 64)}
				if len(months) > 1 {
					rec.Note = NoteFiscalYearSum
				}
				if err := r.emit(rec); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func sortedKeys[K int | string, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
