package indicators

import (
	"context"
	"embed"
	"fmt"
	"io"
	"log/slog"

	"github.com/amparo-project/amparo/internal/auth"
)

// The real public files ship inside the binary, so that a fresh clone shows
// real numbers without a network. data/README.md gives their provenance,
// checksums and licences.
//
//go:embed data/README.md data/country_names.csv data/uac/*.csv data/cbp-wapo/*.csv data/cbp-nationwide/*.csv.gz data/indicators/*
var builtinFS embed.FS

// BuiltinFile is one shipped file and how to read it.
type BuiltinFile struct {
	Path   string
	Format string
	Source *Source // nil: the format's default source
}

// owidSource describes a shipped OWID file; the key is the one a --file
// import of the same file gets ("owid:" + file name), so that re-importing
// it updates the same source.
func owidSource(key, provider, title, url, licence string) *Source {
	return &Source{Key: key, Publisher: provider + ", processed by Our World in Data", Title: title, URL: url,
		Retrieved: "2026-11-24", Licence: licence, Priority: 30}
}

// retrievedOn sets the date a shipped file was collected.
func retrievedOn(date string, s *Source) *Source {
	s.Retrieved = date
	return s
}

// cbpNationwideSource describes one release of CBP's Nationwide Encounters
// state file. Releases overlap (each covers four fiscal years): each is its
// own source, the newer one ranked first, so that a month shows the latest
// release's figure and the earlier ones stay visible as other sources.
func cbpNationwideSource(release, title, url, via string, prio int) *Source {
	return &Source{Key: "cbp-nationwide-encounters-" + release + "-state", Publisher: "U.S. Customs and Border Protection",
		Title: "Nationwide Encounters, " + title, URL: url, Retrieved: "2026-11-30 (" + via + ")",
		Licence: "US government statistics (public domain)", Priority: prio,
		Note: fmt.Sprintf(NotePublishedAt, "https://www.cbp.gov/newsroom/stats/nationwide-encounters") + NoteSep + NoteChildrenSummed}
}

// wdiSource describes a shipped World Bank WDI bulk CSV (one indicator per
// file, as the World Bank's download gives it). The key is the one a --file
// import of the same file gets ("wb-wdi:" + file name).
func wdiSource(file, code, release, title, via, url string) *Source {
	return &Source{Key: "wb-wdi:" + file, Publisher: "World Bank, World Development Indicators", Title: title, URL: url,
		Retrieved: "2026-11-30 (" + via + ")", Licence: "CC BY 4.0", Priority: 20,
		Note: fmt.Sprintf(NoteWDIBulk, code, release) + NoteSep + fmt.Sprintf(NotePublishedAt, "https://data.worldbank.org/indicator/"+code)}
}

// y10Copy is the repository holding the shipped copies of two WDI files
// (secondary enrolment, population aged 0-14): the files as its owner
// downloaded them for a school project, in December 2022.
const y10Copy = "https://github.com/AlexH2006/Y10-Design-Visualization/blob/845db0aae44836edcea47703bd854e1b196f2ed0/"

// BuiltinFiles lists the shipped files in import order.
var BuiltinFiles = []BuiltinFile{
	{"data/uac/uac_by_country_fy.csv", "uac-fy", nil},
	{"data/uac/uac_by_country_month.csv", "uac-month", nil},
	{"data/uac/projections_2014.csv", "projections", nil},
	{"data/cbp-wapo/monthly_uac_apprehensions_by_sector_fy.csv", "cbp-monthly-sector", nil},
	{"data/cbp-wapo/sbecfydf_20210303.csv", "cbp-country-fy", nil},
	{"data/cbp-wapo/secmondf_20210303.csv", "cbp-sector-month", nil},
	{"data/cbp-wapo/fy2018_fy2021.csv", "hhs-monthly", nil},
	{"data/cbp-wapo/states_children.csv", "states-released", nil},
	{"data/cbp-nationwide/nationwide-encounters-fy20-fy23-state.csv.gz", "cbp-nationwide", cbpNationwideSource("fy20-fy23",
		"FY2020-FY2023 release (state file)", "https://github.com/UWCHR/cbp/blob/abd1f5749d38a0819668d4ecec1b8d72544084d4/import/input/cbp-nationwide-encounters-fy20-fy23-state.csv",
		"copy kept by the University of Washington Center for Human Rights (UWCHR/cbp, commit abd1f57)", 17)},
	{"data/cbp-nationwide/nationwide-encounters-fy22-fy25-state.csv.gz", "cbp-nationwide", cbpNationwideSource("fy22-fy25",
		"FY2022-FY2025 release (state file)", "https://github.com/Spacetime99/ICEActivity/blob/3f12e7f6877e4465b9d2bdd3ec55ac33565447fe/assets/data/nationwide-encounters-fy22-fy25-state.csv",
		"copy kept in Spacetime99/ICEActivity (commit 3f12e7f)", 16)},
	{"data/cbp-nationwide/nationwide-encounters-fy23-fy26-nov-state.csv.gz", "cbp-nationwide", cbpNationwideSource("fy23-fy26-nov",
		"FY2023-FY2026 release, to November 2025 (state file)", "https://github.com/Spacetime99/ICEActivity/blob/3f12e7f6877e4465b9d2bdd3ec55ac33565447fe/assets/data/nationwide-encounters-fy23-fy26-nov-state.csv",
		"copy kept in Spacetime99/ICEActivity (commit 3f12e7f)", 15)},
	{"data/indicators/wb-wgi-2024-wgidataset.xlsx", "wgi", nil},
	{"data/indicators/ti-cpi-2023-global-results-trends.xlsx", "ti-cpi", nil},
	{"data/indicators/owid-homicide-rate-unodc.csv", "owid", owidSource("owid:owid-homicide-rate-unodc.csv", "UNODC",
		"Homicide rate per 100,000 population", "https://ourworldindata.org/grapher/homicide-rate-unodc",
		"UNODC terms of use for the data; OWID processing CC BY 4.0")},
	{"data/indicators/owid-gdp-per-capita-worldbank.csv", "owid", owidSource("owid:owid-gdp-per-capita-worldbank.csv", "World Bank WDI",
		"GDP per capita, PPP (constant international $)", "https://ourworldindata.org/grapher/gdp-per-capita-worldbank", "CC BY 4.0")},
	{"data/indicators/owid-cpi-2018.csv", "owid", owidSource("owid:owid-cpi-2018.csv", "Transparency International",
		"Corruption Perception Index (2018 release)", "https://github.com/owid/owid-datasets", "CC BY-ND 4.0 (TI); values unchanged")},
	{"data/indicators/owid-wb-income-classification-2021.csv", "owid", owidSource("owid:owid-wb-income-classification-2021.csv", "World Bank (OGHIST)",
		"Income classification (2021)", "http://databank.worldbank.org/data/download/site-content/OGHIST.xlsx", "CC BY 4.0")},
	{"data/indicators/owid-wb-pip-20220909.csv.gz", "owid", owidSource("owid:owid-wb-pip-20220909.csv.gz", "World Bank Poverty and Inequality Platform",
		"Poverty and inequality (PIP 20220909, 2017 PPP)", "https://github.com/owid/poverty-data", "CC BY 4.0")},
	{"data/indicators/owid-unwpp2017-population-by-age-group.csv.gz", "owid", owidSource("owid:owid-unwpp2017-population-by-age-group.csv.gz", "UN DESA Population Division (WPP 2017)",
		"Population by age group (WPP 2017; medium variant after 2015)", "https://population.un.org/wpp/", "UN terms of use")},
	{"data/indicators/owid-undernourishment-wb2017-sofi2018.csv", "owid", retrievedOn("2026-11-30", owidSource("owid:owid-undernourishment-wb2017-sofi2018.csv",
		"FAO (via World Bank WDI 2017 and UN SOFI 2018)", "Prevalence of undernourishment (World Bank 2017 & UN FAO SOFI 2018)",
		"https://github.com/owid/owid-datasets/tree/48c9992ae317b35ed327fc36d2af75fe8b3ef7ed/datasets/Prevalence%20of%20undernourishment%20-%20World%20Bank%20(2017)%20%26%20UN%20SOFI%20(2018)",
		"World Bank data CC BY 4.0; FAO terms of use; OWID processing CC BY 4.0 (no licence stated in the dataset itself)"))},
	{"data/indicators/owid-emdat-natural-disasters.csv.gz", "owid", retrievedOn("2026-11-30", owidSource("owid:owid-emdat-natural-disasters.csv.gz",
		"EM-DAT, CRED / UCLouvain, Brussels (D. Guha-Sapir)", "Natural disasters by country and year (EM-DAT, aggregated by OWID, 2021-11)",
		"https://github.com/owid/owid-datasets/tree/48c9992ae317b35ed327fc36d2af75fe8b3ef7ed/datasets/Natural%20disasters%20(EMDAT)",
		"EM-DAT terms of use (attribution to CRED / UCLouvain); OWID processing CC BY 4.0 (no licence stated in the dataset itself)"))},
	{"data/indicators/owid-youth-unemployment-ilo.csv", "owid", retrievedOn("2026-11-30", owidSource("owid:owid-youth-unemployment-ilo.csv",
		"ILO Modelled Estimates, via World Bank WDI (2026)", "Youth unemployment rate, ages 15-24 (OWID grapher unemployment-rate-for-young-people, downloaded 2026-02-12)",
		"https://ourworldindata.org/grapher/unemployment-rate-for-young-people",
		"World Bank data CC BY 4.0; OWID processing CC BY 4.0 (the copy states no licence)"))},
	{"data/indicators/API_BX.TRF.PWKR.DT.GD.ZS_DS2_en_csv_v2_3686014.csv", formatWBWide.Name, wdiSource("API_BX.TRF.PWKR.DT.GD.ZS_DS2_en_csv_v2_3686014.csv", "BX.TRF.PWKR.DT.GD.ZS", fmt.Sprintf(NoteWDILastUpdated, "2022-02-15"),
		"Personal remittances, received (% of GDP), BX.TRF.PWKR.DT.GD.ZS (WDI, last updated 2022-02-15)",
		"copy kept by Our World in Data in owid/importers, commit 222b5b8",
		"https://github.com/owid/importers/blob/222b5b882b52cfab8ce6416de5a539e1e94b34e7/migration/input/wb_wdi/remittances_received_share_gdp/API_BX.TRF.PWKR.DT.GD.ZS_DS2_en_csv_v2_3686014.csv")},
	{"data/indicators/API_SI.RMT.COST.IB.ZS_DS2_en_csv_v2_3692955.csv", formatWBWide.Name, wdiSource("API_SI.RMT.COST.IB.ZS_DS2_en_csv_v2_3692955.csv", "SI.RMT.COST.IB.ZS",
		fmt.Sprintf(NoteWDILastUpdated, "2022-02-15")+NoteSep+fmt.Sprintf(NoteSourceOf, "World Bank, Remittance Prices Worldwide"),
		"Average transaction cost of sending remittances to a specific country (%), SI.RMT.COST.IB.ZS (WDI, last updated 2022-02-15)",
		"copy kept by Our World in Data in owid/importers, commit 222b5b8",
		"https://github.com/owid/importers/blob/222b5b882b52cfab8ce6416de5a539e1e94b34e7/migration/input/wb_wdi/average_cost_sending_remittances_to_country/API_SI.RMT.COST.IB.ZS_DS2_en_csv_v2_3692955.csv")},
	{"data/indicators/API_SE.SEC.ENRR_DS2_en_csv_v2_4672725.csv", formatWBWide.Name, wdiSource("API_SE.SEC.ENRR_DS2_en_csv_v2_4672725.csv", "SE.SEC.ENRR",
		fmt.Sprintf(NoteWDIReleaseUnstated, "2022-12-20", "2021")+NoteSep+fmt.Sprintf(NoteSourceOf, "UNESCO Institute for Statistics"),
		"School enrollment, secondary (% gross), SE.SEC.ENRR (WDI, downloaded by 2022-12-20)",
		"copy kept in AlexH2006/Y10-Design-Visualization, commit 845db0a", y10Copy+"API_SE.SEC.ENRR_DS2_en_csv_v2_4672725.csv")},
	{"data/indicators/API_SP.POP.0014.TO_DS2_en_csv_v2_4661114.csv", formatWBWide.Name, wdiSource("API_SP.POP.0014.TO_DS2_en_csv_v2_4661114.csv", "SP.POP.0014.TO",
		fmt.Sprintf(NoteWDIReleaseUnstated, "2022-12-20", "2021"),
		"Population ages 0-14, total, SP.POP.0014.TO (WDI, downloaded by 2022-12-20)",
		"copy kept in AlexH2006/Y10-Design-Visualization, commit 845db0a", y10Copy+"API_SP.POP.0014.TO_DS2_en_csv_v2_4661114.csv")},
	{"data/indicators/unicef-dm-pop-u18-2020-2022.csv.gz", formatUNICEF.Name, &Source{Key: "unicef-dw:unicef-dm-pop-u18-2020-2022.csv.gz",
		Publisher: "UNICEF Data Warehouse (data from UN DESA Population Division, World Population Prospects 2022)",
		Title:     "Population under age 18, DM_POP_U18, 2020-2022 (export of November 2022)",
		URL:       "https://github.com/MikeyJarrell/GBD/blob/1be0c89b86c055267508286988564b8f79dff899/UNICEF%20child%20pop.csv",
		Retrieved: "2026-11-30 (copy kept in MikeyJarrell/GBD, commit 1be0c89, as UNICEF child pop.csv)",
		Licence:   "UNICEF terms of use; the repository holding the copy states no licence", Priority: 25,
		Note: fmt.Sprintf(NotePublishedAtIndicator, "https://data.unicef.org", "DM_POP_U18") + NoteSep + fmt.Sprintf(NoteUNICEFCopy, "DM_POP_U18", "2020-2022")}},
}

// OpenBuiltin opens a shipped file.
func OpenBuiltin(path string) (io.ReadCloser, int64, error) {
	f, err := builtinFS.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("indicators: open built-in %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("indicators: open built-in %s: %w", path, err)
	}
	return f, st.Size(), nil
}

// ImportBuiltin imports every shipped file. It is idempotent: a second run
// reports every value unchanged. It requires auth.PermIndicatorsImport.
func (s *Service) ImportBuiltin(ctx context.Context, progress func(name string, size int64) func(io.Reader) io.Reader) ([]*Report, error) {
	if _, err := auth.Require(ctx, auth.PermIndicatorsImport); err != nil {
		return nil, fmt.Errorf("indicators: import built-in files: %w", err)
	}
	var reports []*Report
	for _, bf := range BuiltinFiles {
		f, size, err := OpenBuiltin(bf.Path)
		if err != nil {
			return reports, err
		}
		opt := Options{Format: bf.Format, Name: bf.Path, Reader: f, Size: size, Source: bf.Source}
		if progress != nil {
			opt.Progress = progress(bf.Path, size)
		}
		rep, err := s.importFile(ctx, opt)
		f.Close()
		if err != nil {
			if rep != nil {
				reports = append(reports, rep)
				for _, e := range rep.Errors {
					slog.Error("indicators: built-in file refused", "file", bf.Path, "row", e.String())
				}
			}
			return reports, fmt.Errorf("indicators: built-in %s: %w", bf.Path, err)
		}
		reports = append(reports, rep)
	}
	return reports, nil
}
