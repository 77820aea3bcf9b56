// Package indicators holds Amparo's public statistics: the numbers the
// debate about child migration from Central America cites (children
// encountered at the border, homicide, poverty, corruption, governance),
// each with the source it came from, the importers that read the
// publishers' own files, and honest forecasts with their track record.
package indicators

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"sync"
)

// Focus countries: the Northern Triangle, Nicaragua, Mexico, and the United
// States for comparison.
var FocusCountries = []string{"GTM", "HND", "SLV", "NIC", "MEX", "USA"}

// NorthernTriangle is El Salvador, Guatemala and Honduras.
var NorthernTriangle = []string{"SLV", "GTM", "HND"}

// Country is a row of ind_countries.
type Country struct {
	Code string
	Name string
	Kind string // country, aggregate, special, subdivision
}

// knownCountries names the codes Amparo shows by default. Other ISO3 codes
// found in a file are accepted when the import asks for all countries.
var knownCountries = []Country{
	{"GTM", "Guatemala", "country"},
	{"HND", "Honduras", "country"},
	{"SLV", "El Salvador", "country"},
	{"NIC", "Nicaragua", "country"},
	{"MEX", "Mexico", "country"},
	{"USA", "United States", "country"},
	{"ALL", "All nationalities (border total; see the scope)", "special"},
	{"NT3", "Northern Triangle combined (El Salvador, Guatemala, Honduras)", "special"},
	// Regional aggregates, as the sources code them.
	{"OWID_WRL", "World (OWID)", "aggregate"},
	{"UN_LAC", "Latin America and the Caribbean (UN)", "aggregate"},
	{"LCN", "Latin America & Caribbean (World Bank)", "aggregate"},
	{"WB_LAC", "Latin America and Caribbean (World Bank region, via OWID)", "aggregate"},
	{"WLD", "World (World Bank)", "aggregate"},
}

// nameToISO3 maps country names as the publishers spell them (files without
// a code column: WGI, the OWID CPI/PIP/income/population exports, the
// Washington Post compilation) to ISO3. Only names listed here are matched;
// an unknown name is skipped and reported, never guessed.
var nameToISO3 = map[string]string{
	"guatemala":                       "GTM",
	"honduras":                        "HND",
	"el salvador":                     "SLV",
	"nicaragua":                       "NIC",
	"mexico":                          "MEX",
	"united states":                   "USA",
	"united states of america":        "USA",
	"world":                           "OWID_WRL",
	"latin america and caribbean":     "UN_LAC",
	"latin america and the caribbean": "UN_LAC",
}

// ISO3ForName returns the code for a country name, or "" when unknown:
// first the names above, then data/country_names.csv (the names and codes
// of the OWID and TI files, and the World Bank spellings of the WGI
// workbook), so that every WGI economy can be stored with --all-countries.
func ISO3ForName(name string) string {
	key := strings.ToLower(strings.TrimSpace(name))
	if c, ok := nameToISO3[key]; ok {
		return c
	}
	return countryNames()[key]
}

var countryNames = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	b, err := builtinFS.ReadFile("data/country_names.csv")
	if err != nil {
		panic("indicators: data/country_names.csv is not embedded: " + err.Error())
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		panic("indicators: data/country_names.csv: " + err.Error())
	}
	for _, r := range rows[1:] {
		m[strings.ToLower(r[0])] = r[1]
	}
	return m
})

// CountryName returns the display name of a known code, or the code itself.
func CountryName(code string) string {
	for _, c := range knownCountries {
		if c.Code == code {
			return c.Name
		}
	}
	return code
}

// inDefaultScope says whether a code is stored by a default import: the
// focus countries, the special border codes and the listed aggregates.
func inDefaultScope(code string) bool {
	if strings.HasPrefix(code, "US-") {
		return true // US states, for children released to sponsors
	}
	for _, c := range knownCountries {
		if c.Code == code {
			return true
		}
	}
	return false
}

// Indicator is a row of ind_indicators.
type Indicator struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Unit       string `json:"unit"`
	Definition string `json:"definition"`
	Kind       string `json:"kind"` // number, count, text
}

// Indicators Amparo knows by name. Importers may add others (a long CSV
// with a new code), named by their code until someone describes them.
var knownIndicators = []Indicator{
	{"uac_encounters", "Unaccompanied children encountered", "children", "Unaccompanied alien children (UAC) apprehended or encountered by US authorities at the border; the scope of each value says which agency and which border.", "count"},
	{"family_unit_encounters", "Family-unit members encountered", "persons", "Individuals in family units apprehended by the US Border Patrol at the southwest border.", "count"},
	{"single_adult_encounters", "Single adults encountered", "persons", "Single adults apprehended by the US Border Patrol at the southwest border.", "count"},
	{"homicide_rate", "Intentional homicide rate", "per 100,000 population", "UNODC intentional homicide victims per 100,000 population.", "number"},
	{"gdp_pc_ppp", "GDP per capita, PPP", "international-$ (PPP, constant prices)", "Gross domestic product per person at purchasing power parity, constant international dollars (World Bank WDI via OWID).", "number"},
	{"cpi_score", "Corruption Perceptions Index", "score 0-100 (100 = very clean)", "Transparency International's perceived level of public-sector corruption.", "number"},
	{"wgi_va", "Voice and Accountability (WGI)", "estimate, about -2.5 to 2.5", "Worldwide Governance Indicators: perceptions of citizens' ability to choose their government, and of freedom of expression, association and media.", "number"},
	{"wgi_pv", "Political Stability and Absence of Violence/Terrorism (WGI)", "estimate, about -2.5 to 2.5", "Worldwide Governance Indicators: perceptions of the likelihood of political instability or politically motivated violence.", "number"},
	{"wgi_ge", "Government Effectiveness (WGI)", "estimate, about -2.5 to 2.5", "Worldwide Governance Indicators: perceptions of the quality of public services and policy.", "number"},
	{"wgi_rq", "Regulatory Quality (WGI)", "estimate, about -2.5 to 2.5", "Worldwide Governance Indicators: perceptions of the government's ability to make and carry out sound policies and regulations.", "number"},
	{"wgi_rl", "Rule of Law (WGI)", "estimate, about -2.5 to 2.5", "Worldwide Governance Indicators: perceptions of confidence in and abiding by the rules of society, including crime and violence.", "number"},
	{"wgi_cc", "Control of Corruption (WGI)", "estimate, about -2.5 to 2.5", "Worldwide Governance Indicators: perceptions of the extent to which public power is exercised for private gain.", "number"},
	{"poverty_215", "Poverty at $2.15 a day", "% of population (2017 PPP)", "Share of the population living on less than $2.15 a day (World Bank PIP, 2017 PPP; survey years only).", "number"},
	{"poverty_365", "Poverty at $3.65 a day", "% of population (2017 PPP)", "Share of the population living on less than $3.65 a day (World Bank PIP, 2017 PPP; survey years only).", "number"},
	{"poverty_685", "Poverty at $6.85 a day", "% of population (2017 PPP)", "Share of the population living on less than $6.85 a day (World Bank PIP, 2017 PPP; survey years only).", "number"},
	{"gini", "Gini coefficient", "index 0-1", "Income inequality (World Bank PIP; survey years only).", "number"},
	{"income_group", "World Bank income group", "category", "World Bank historical income classification (by GNI reference year).", "text"},
	{"population", "Population", "persons", "Total population (UN WPP 2017: estimates to 2015, medium-variant projections after).", "count"},
	{"population_0_4", "Population aged 0-4", "persons", "UN WPP 2017.", "count"},
	{"population_5_14", "Population aged 5-14", "persons", "UN WPP 2017.", "count"},
	{"population_0_14", "Population aged 0-14", "persons", "UN WPP 2017. The source has no under-18 group.", "count"},
	{"population_0_17", "Population under 18", "persons", "Children aged 0-17, both sexes, as UNICEF publishes them (DM_POP_U18, from UN WPP 2022; 2022 is a projection). The shipped file holds 2020-2022 only.", "count"},
	{"population_15_24", "Population aged 15-24", "persons", "UN WPP 2017.", "count"},
	{"population_15_64", "Population aged 15-64", "persons", "UN WPP 2017.", "count"},
	{"population_65_plus", "Population aged 65 and over", "persons", "UN WPP 2017.", "count"},
	{"remittances_pct_gdp", "Personal remittances received", "% of GDP", "Personal transfers and compensation of employees received by resident households from abroad, as a share of GDP: World Bank staff estimates based on IMF balance of payments data and World Bank and OECD GDP estimates (WDI BX.TRF.PWKR.DT.GD.ZS, release of 2022-02-15, data to 2020).", "number"},
	// World Bank WDI files without a name of Amparo's own keep the
	// importer's code for them ("wdi_" + the WDI code, import_csv.go).
	{"wdi_si_rmt_cost_ib_zs", "Cost of sending remittances to the country", "% of the amount sent (USD 200)", "Average total cost, as a share of the amount, of sending USD 200 to the country, over the remittance service providers in the World Bank's Remittance Prices Worldwide database (WDI SI.RMT.COST.IB.ZS, release of 2022-02-15, 2011-2020).", "number"},
	{"wdi_se_sec_enrr", "Secondary school enrolment (gross)", "% gross (can exceed 100)", "Pupils of any age enrolled in secondary school, as a share of the population of the official secondary-school age, so it can exceed 100 (UNESCO Institute for Statistics, via the World Bank's WDI SE.SEC.ENRR, a file of 2022 with the years 1960-2021).", "number"},
	{"wdi_sp_pop_0014_to", "Population aged 0-14 (World Bank)", "persons", "Total population aged 0 to 14, World Bank WDI SP.POP.0014.TO as downloaded in 2022 (years 1960-2021). Not an under-18 count.", "count"},
	{"undernourishment_pct", "Prevalence of undernourishment", "% of population", "Share of the population whose usual food intake does not cover the dietary energy needed for a normal, active and healthy life (FAO; World Bank WDI SN.ITK.DEFC.ZS as of 2017, via Our World in Data). Values below 5% are published as 5 and marked as upper bounds.", "number"},
	{"youth_unemployment_pct", "Youth unemployment rate", "% of labour force aged 15-24", "Share of the labour force aged 15-24 without work but available for and seeking work: ILO modelled estimates, via the World Bank's WDI (SL.UEM.1524.ZS, 2026 release), processed by Our World in Data.", "number"},
	{"drought_affected", "People affected by drought (EM-DAT)", "persons", "People injured, made homeless or otherwise affected by the droughts recorded in EM-DAT (CRED / UCLouvain), summed by Our World in Data by country and year. A year without a value had no drought recorded in EM-DAT; a drought recorded without a count is left out as unknown.", "count"},
	{"hhs_children_in_care", "Children in HHS care (monthly average)", "children", "Average number of unaccompanied children in the care of HHS's Office of Refugee Resettlement.", "count"},
	{"hhs_referrals_30d", "Referrals to HHS (30-day average per day)", "children per day", "30-day average number of unaccompanied children referred to HHS each day.", "number"},
	{"hhs_discharges_to_sponsors", "Discharges to individual sponsors", "children", "Children discharged by HHS to individual sponsors in the month (all categories).", "count"},
	{"uc_released_to_sponsors", "Unaccompanied children released to sponsors", "children", "Children released by HHS's Office of Refugee Resettlement to sponsors, by US state of the sponsor.", "count"},
}

// KnownIndicator returns the catalogue entry for code.
func KnownIndicator(code string) (Indicator, bool) {
	for _, in := range knownIndicators {
		if in.Code == code {
			return in, true
		}
	}
	return Indicator{}, false
}

// Units lists every unit the catalogue and the importers give a value:
// the catalogue's own, the HHS table's ("count", "days", "beds") and "%".
// Pages show a unit in the reader's language, so each needs a name there.
func Units() []string {
	var out []string
	for _, in := range knownIndicators {
		out = append(out, in.Unit)
	}
	for _, u := range hhsUnits {
		out = append(out, u.unit)
	}
	out = append(out, hhsUnit(""), "%")
	slices.Sort(out)
	return slices.Compact(out)
}

// Scope is what a count covers.
type Scope struct {
	Code        string `json:"code"`
	Label       string `json:"label"`
	Description string `json:"description"`
}

// Scopes of unaccompanied-children counts. The codes are short so that
// URLs and CSV stay readable; the label says it in words.
var knownScopes = []Scope{
	{"", "As published", "The value as the publisher defines the indicator."},
	{"usbp-swb", "Border Patrol, southwest border", "US Border Patrol apprehensions between ports of entry on the southwest border (Title 8)."},
	{"usbp-swb-t42", "Border Patrol, southwest border, Title 42 era", "US Border Patrol southwest-border encounters from March 2020 to May 2023: Title 8 apprehensions plus Title 42 expulsions."},
	{"usbp-all", "Border Patrol, all borders", "US Border Patrol apprehensions in all sectors (southwest, northern and coastal)."},
	{"usbp-swb-maybe-all", "Border Patrol, labelled southwest border (may include other sectors)", "Labelled southwest border by the citing source, but the figure matches the all-sector total."},
	{"usbp-national-press", "Border Patrol, national level (press)", "Border Patrol figures as reported by the press, described as national level."},
	{"cbp-swb", "CBP southwest border (Border Patrol + ports of entry)", "CBP southwest land border encounters: Border Patrol plus Office of Field Operations at ports of entry."},
	{"cbp-swb-unstated", "CBP southwest border (split not stated)", "CBP southwest border figures whose Border Patrol / ports-of-entry split the citing source does not state."},
	{"cbp-unstated", "CBP (press; scope not stated)", "CBP figures reported by the press without saying whether ports of entry are included."},
	{"cbp-nationwide", "CBP nationwide (all borders, Border Patrol + ports of entry)", "CBP encounters on all borders."},
	// CBP's Nationwide Encounters files (FY2020 on), summed by Amparo from
	// the published rows (import_cbp_nationwide.go): CBP-wide counts, a
	// different series from the Border Patrol ones above.
	{"cbp-enc-nw", "CBP encounters, nationwide (Title 8 + Title 42)", "CBP Nationwide Encounters data: Border Patrol apprehensions and Office of Field Operations inadmissibles (Title 8) plus Title 42 expulsions, on every border and at air and sea ports."},
	{"cbp-enc-nw-t8", "CBP encounters, nationwide, Title 8 only", "CBP Nationwide Encounters data: Border Patrol apprehensions and Office of Field Operations inadmissibles under Title 8, every border."},
	{"cbp-enc-nw-t42", "CBP encounters, nationwide, Title 42 expulsions", "CBP Nationwide Encounters data: Title 42 expulsions (March 2020 to May 2023), every border."},
	{"cbp-enc-swlb", "CBP encounters, southwest land border (Title 8 + Title 42)", "CBP Nationwide Encounters data, southwest land border region: Border Patrol and ports of entry, Title 8 plus Title 42."},
	{"cbp-enc-swlb-t8", "CBP encounters, southwest land border, Title 8 only", "CBP Nationwide Encounters data, southwest land border region: Border Patrol apprehensions and ports-of-entry inadmissibles under Title 8."},
	{"cbp-enc-swlb-t42", "CBP encounters, southwest land border, Title 42 expulsions", "CBP Nationwide Encounters data, southwest land border region: Title 42 expulsions (March 2020 to May 2023)."},
	{"hhs-orr", "HHS Office of Refugee Resettlement", "Figures of the HHS unaccompanied children program."},
}

// ScopeLabel returns the words for a scope code.
func ScopeLabel(code string) string {
	for _, s := range knownScopes {
		if s.Code == code {
			return s.Label
		}
	}
	return code
}

// scopeRules classify the free-text scope written in the compiled UAC files.
// The first rule whose words all appear (case-insensitively) wins. Order
// matters: the more specific wording comes first.
var scopeRules = []struct {
	contains []string
	scope    string
}{
	{[]string{"title 42"}, "usbp-swb-t42"},
	{[]string{"nationwide"}, "cbp-nationwide"},
	{[]string{"national level"}, "usbp-national-press"},
	{[]string{"may include non-swb"}, "usbp-swb-maybe-all"},
	{[]string{"usbp + ofo"}, "cbp-swb"},
	{[]string{"split not stated"}, "cbp-unstated"},
	{[]string{"cbp southwest border"}, "cbp-swb-unstated"},
	{[]string{"usbp southwest border"}, "usbp-swb"},
}

// ClassifyScope maps a source's scope text to a scope code; ok is false
// when no rule matches (the importer then reports the row).
func ClassifyScope(text string) (code string, ok bool) {
	t := strings.ToLower(text)
rules:
	for _, r := range scopeRules {
		for _, w := range r.contains {
			if !strings.Contains(t, w) {
				continue rules
			}
		}
		return r.scope, true
	}
	return "", false
}

// title42Start and title42End bound the months in which Border Patrol
// "encounters" include Title 42 expulsions (March 2020 to May 2023).
const (
	title42Start = "2020-03"
	title42End   = "2023-05"
)

// usbpMonthScope returns the scope of a monthly southwest-border Border
// Patrol count: the Title 42 era is kept apart from the Title 8 series.
func usbpMonthScope(month string) string {
	if month >= title42Start && month <= title42End {
		return "usbp-swb-t42"
	}
	return "usbp-swb"
}

// usbpFYScope does the same for a fiscal year: FY2020 to FY2023 contain
// Title 42 months.
func usbpFYScope(fy int) string {
	if fy >= 2020 && fy <= 2023 {
		return "usbp-swb-t42"
	}
	return "usbp-swb"
}

func init() {
	// Each WGI dimension also has a percentile rank among all economies.
	for _, in := range slices.Clone(knownIndicators) {
		if strings.HasPrefix(in.Code, "wgi_") {
			knownIndicators = append(knownIndicators, Indicator{
				Code: in.Code + "_pctrank", Name: in.Name + ", percentile rank", Unit: "percentile rank 0-100 (100 = best)",
				Definition: in.Definition + " Rank among all economies.", Kind: "number",
			})
		}
	}
}
