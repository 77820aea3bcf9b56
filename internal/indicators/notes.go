package indicators

// Notes Amparo's importers write on the values they store and on the
// sources they describe. They are stored as English text, as part of the
// record, and never rewritten; a page puts each into its reader's language
// when it shows it, by these formats (internal/web: a key
// indicators.note.<name> whose English text is the format exactly). A note
// is one or more parts joined by NoteSep; a part that matches none of them
// (typed by a user, or carried in from a file's note column) is shown as
// stored. Adding a note here without its words fails
// TestImporterNotesHaveWords.
const (
	// NoteSep joins the parts of one note.
	NoteSep = "; "

	// On values.
	NoteFiscalYearSum      = "sum of the fiscal year's 12 months"
	NoteYearlyTotal        = "Yearly Total as published"
	NoteScopeAsPublished   = "scope as published: %s"
	NoteWPP2017Estimate    = "UN WPP 2017 estimate"
	NoteWPP2017Projection  = "UN WPP 2017 medium-variant projection"
	NoteAgeGroupsSummed    = "computed as under-15 + 15-64 + 65+"
	NoteAtMostFloor        = "at most %s: the source writes every value below %s as %s"
	NoteUNICEFUnder18      = "UNICEF DM_POP_U18 (population under age 18, both sexes), from UN World Population Prospects"
	NoteWPPProjectionYear  = "%d is a %s projection (its estimates end in %d)"
	NotePerCapita          = "per 100,000 aged 0-14 (UN WPP 2017, calendar year %s)"
	NotePerCapitaProjected = "population is a WPP 2017 projection"

	// On sources.
	NotePublishedAt          = "published at %s"
	NotePublishedAtIndicator = "published at %s (indicator %s)"
	NoteChildrenSummed       = "unaccompanied children summed by Amparo"
	NoteWDIBulk              = "WDI bulk CSV of %s, %s"
	NoteWDILastUpdated       = "Last Updated Date %s"
	NoteWDIReleaseUnstated   = "release not stated in the copy (its preamble was removed; downloaded by %s), data to %s"
	NoteSourceOf             = "source %s"
	NoteUNICEFCopy           = "the copy was filtered to %s and %s and its column names cleaned by its owner (data/README.md)"
	NoteCBPTranscription     = "transcription of the CBP PDF of that title"
	NotePartialFY2021        = "FY2021 is partial in the source and is not imported"
	NotePartialFY2021SoFar   = "FY2021 is partial (\"so far\") in the source and is not imported"
	NoteSWBTotalOnly         = "only the Southwest Border Total rows are stored"
)

// Reasons importers give for a correction or a row left out
// (Correction.Reason, on the sources page): notes too, in the same way.
const (
	ReasonBOMRemoved         = "UTF-8 byte-order mark removed"
	ReasonCBPLaterLabel      = "CBP's later label for unaccompanied children, read as the earlier one"
	ReasonFYInProgress       = "fiscal year in progress, label read as its year"
	ReasonFYMonthsOnly       = "FY%d has %d month(s) in the file: no fiscal-year total stored"
	ReasonOtherCitizenships  = "%d citizenship(s) without an ISO code (incl. CBP's OTHER) counted in the all-nationalities total only"
	ReasonColumnsNotRead     = "%d column(s) not imported (no indicator defined), e.g. %q"
	ReasonEntitiesReadPast   = "%d entities without a code Amparo knows were read past (regions, urban/rural series, other countries)"
	ReasonFloorUpperBounds   = "%d value(s) at the source's floor stored as upper bounds, with a note"
	ReasonZerosUnknown       = "%d zero(s) meaning an event recorded without a figure left out as unknown"
	ReasonProjectionsAfter   = "population projections after %d not imported"
	ReasonTitle42Apart       = "Border Patrol counts from March 2020 to May 2023 include Title 42 expulsions (CRS IN11638): kept apart from the Title 8 series"
	ReasonLabelTypo          = "row label typo corrected"
	ReasonMonthsSum          = "the months add up to %.0f, not %.0f"
	ReasonBothKept           = "both kept as published"
	ReasonKeptAsPublished    = "kept as published"
	ReasonAllSectorTotal     = "%s is the all-sector Yearly Total (Monthly Total row) of CBP's %q"
	ReasonSWBRowGives        = "its Southwest Border row gives %s"
	ReasonRowLeftOut         = "row left out: %s"
	ReasonRowsLeftOut        = "rows left out: %s"
	ReasonPartialFYSource    = "partial fiscal year in the source"
	ReasonMonthLate          = "month label one month late in the source (May-September): month taken from the row's position"
	ReasonSectorTruncated    = "truncated sector name corrected"
	ReasonPartsNotTotal      = "family units + UAC + single adults do not add up to the total"
	ReasonCategoryMarks      = "trailing ':' and footnote '*' marks removed from category labels (every such row)"
	ReasonPartialFYSoFar     = "partial fiscal year (\"so far\") not imported"
	ReasonPostalAbbreviation = "postal abbreviation among full state names"
	ReasonIndicatorNotRead   = "indicator %s is not one Amparo reads"
	ReasonBySex              = "by sex (F, M)"
	ReasonBothSexesStored    = "the total for both sexes (_T) is stored"
	ReasonUNICEFWorld        = "area WORLD, UNICEF's world total (Amparo stores the World Bank's and OWID's world aggregates, not UNICEF's)"
	ReasonUnitsPublished     = "%s is published in units of 10^%d"
	ReasonUnitsMultiplied    = "every value multiplied by 10^%d to %s"
	ReasonEconomiesReadPast  = "%d economies read past: the workbook has no code column and Amparo maps only the countries it shows"
	ReasonThousands          = "%d numbers written with thousands separators (\"1,533\") read as plain numbers"
	ReasonRevisedMarker      = "revised-figure marker 'r' removed (the publisher marks revised figures)"
)

// NoteFormats is every note format above (NoteSep aside).
var NoteFormats = []string{
	NoteFiscalYearSum, NoteYearlyTotal, NoteScopeAsPublished, NoteWPP2017Estimate, NoteWPP2017Projection,
	NoteAgeGroupsSummed, NoteAtMostFloor, NoteUNICEFUnder18, NoteWPPProjectionYear, NotePerCapita, NotePerCapitaProjected,
	NotePublishedAt, NotePublishedAtIndicator, NoteChildrenSummed, NoteWDIBulk, NoteWDILastUpdated, NoteWDIReleaseUnstated,
	NoteSourceOf, NoteUNICEFCopy, NoteCBPTranscription, NotePartialFY2021, NotePartialFY2021SoFar, NoteSWBTotalOnly,
	ReasonBOMRemoved, ReasonCBPLaterLabel, ReasonFYInProgress, ReasonFYMonthsOnly, ReasonOtherCitizenships, ReasonColumnsNotRead,
	ReasonEntitiesReadPast, ReasonFloorUpperBounds, ReasonZerosUnknown, ReasonProjectionsAfter, ReasonTitle42Apart, ReasonLabelTypo,
	ReasonMonthsSum, ReasonBothKept, ReasonKeptAsPublished, ReasonAllSectorTotal, ReasonSWBRowGives, ReasonRowLeftOut, ReasonRowsLeftOut,
	ReasonPartialFYSource, ReasonMonthLate, ReasonSectorTruncated, ReasonPartsNotTotal, ReasonCategoryMarks, ReasonPartialFYSoFar,
	ReasonPostalAbbreviation, ReasonIndicatorNotRead, ReasonBySex, ReasonBothSexesStored, ReasonUNICEFWorld, ReasonUnitsPublished,
	ReasonUnitsMultiplied, ReasonEconomiesReadPast, ReasonThousands, ReasonRevisedMarker,
}
