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

// NoteFormats is every note format above (NoteSep aside).
var NoteFormats = []string{
	NoteFiscalYearSum, NoteYearlyTotal, NoteScopeAsPublished, NoteWPP2017Estimate, NoteWPP2017Projection,
	NoteAgeGroupsSummed, NoteAtMostFloor, NoteUNICEFUnder18, NoteWPPProjectionYear, NotePerCapita, NotePerCapitaProjected,
	NotePublishedAt, NotePublishedAtIndicator, NoteChildrenSummed, NoteWDIBulk, NoteWDILastUpdated, NoteWDIReleaseUnstated,
	NoteSourceOf, NoteUNICEFCopy, NoteCBPTranscription, NotePartialFY2021, NotePartialFY2021SoFar, NoteSWBTotalOnly,
}
