package web

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func noteKit(t *testing.T) *kit {
	t.Helper()
	cats, err := loadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	return &kit{log: discardLogger(), msgs: cats}
}

// TestImporterNotesHaveWords: every note format an importer writes has a
// key whose English text is the format exactly, and Spanish words of its
// own that keep its values.
func TestImporterNotesHaveWords(t *testing.T) {
	k := noteKit(t)
	byFormat := map[string]noteFormat{}
	for _, f := range k.noteFormats() {
		byFormat[f.format] = f
	}
	for _, format := range indicators.NoteFormats {
		f, ok := byFormat[format]
		if !ok {
			t.Errorf("the note %q has no key indicators.note.* in i18n/en/indicators_notes.json", format)
			continue
		}
		es := k.msgs["es"][f.key]
		if es == "" || es == format {
			t.Errorf("%s has no Spanish words", f.key)
		}
		if a, b := strings.Join(noteVerb.FindAllString(format, -1), " "), strings.Join(noteVerb.FindAllString(es, -1), " "); a != b {
			t.Errorf("%s: English carries %q, Spanish %q", f.key, a, b)
		}
	}
	if len(byFormat) != len(indicators.NoteFormats) {
		t.Errorf("%d note keys, %d formats in indicators.NoteFormats: a key without a format, or two keys for one", len(byFormat), len(indicators.NoteFormats))
	}
}

// TestNoteText: a note is put into Spanish part by part, with the values
// it carries (numbers, codes, a nested part); what no format matches is
// shown as stored; English is the stored text.
func TestNoteText(t *testing.T) {
	k := noteKit(t)
	for _, c := range []struct{ note, es string }{
		{indicators.NoteFiscalYearSum, "suma de los 12 meses del año fiscal"},
		{"UN WPP 2017 estimate; computed as under-15 + 15-64 + 65+", "estimación de UN WPP 2017; calculado como menores de 15 + 15-64 + 65 y más"},
		{"at most 2.5: the source writes every value below 2.5 as 2.5", "como máximo 2.5: la fuente escribe todo valor inferior a 2.5 como 2.5"},
		{indicators.NoteUNICEFUnder18 + "; 2022 is a WPP 2022 projection (its estimates end in 2021)",
			"UNICEF DM_POP_U18 (población menor de 18 años, ambos sexos), de World Population Prospects de la ONU; 2022 es una proyección de WPP 2022 (sus estimaciones terminan en 2021)"},
		{"WDI bulk CSV of SE.SEC.ENRR, release not stated in the copy (its preamble was removed; downloaded by 2022-12-20), data to 2021; source UNESCO Institute for Statistics; published at https://data.worldbank.org/indicator/SE.SEC.ENRR",
			"CSV completo de los WDI para SE.SEC.ENRR, versión no indicada en la copia (se le quitó el preámbulo; descargada a más tardar el 2022-12-20), datos hasta 2021; fuente: UNESCO Institute for Statistics; publicado en https://data.worldbank.org/indicator/SE.SEC.ENRR"},
		// The file's own words after "scope as published" stay as written.
		{"scope as published: USBP southwest border apprehensions. CBP", "alcance tal como se publicó: USBP southwest border apprehensions. CBP"},
		{"scope as published: USBP. CBP table; also elheraldo.hn", "alcance tal como se publicó: USBP. CBP table; also elheraldo.hn"},
		// Typed by a user or carried in from a file: as stored, around a known part.
		{"checked by phone; Yearly Total as published", "checked by phone; total anual (Yearly Total) tal como se publicó"},
		{"the months add up to 100, not 101; both kept as published", "los meses suman 100, no 101; ambos se mantienen como se publicaron"},
		{"rows left out: by sex (F, M); the total for both sexes (_T) is stored", "filas dejadas fuera: por sexo (F, M); se guarda el total de ambos sexos (_T)"},
		{"revisado (ver acta)", "revisado (ver acta)"},
		{"", ""},
	} {
		if got := k.noteText("es", c.note); got != c.es {
			t.Errorf("noteText(es, %q)\n = %q\nwant %q", c.note, got, c.es)
		}
		if got := k.noteText("en", c.note); got != c.note {
			t.Errorf("noteText(en, %q) = %q, want the stored text", c.note, got)
		}
	}
}

// TestSourceMetaText: the licence and retrieval words of a shipped source
// in Spanish; a licence code and a date stay as they are.
func TestSourceMetaText(t *testing.T) {
	k := noteKit(t)
	for _, c := range []struct{ text, es string }{
		{"compilation CC BY-NC-SA 4.0; underlying figures US government (public domain)", "compilación: CC BY-NC-SA 4.0; cifras de base: gobierno de EE. UU. (dominio público)"},
		{"2026-11-30 (copy kept in MikeyJarrell/GBD, commit 1be0c89, as UNICEF child pop.csv)", "2026-11-30 (copia guardada en MikeyJarrell/GBD, commit 1be0c89, como UNICEF child pop.csv)"},
		{"EM-DAT terms of use (attribution to CRED / UCLouvain); OWID processing CC BY 4.0 (no licence stated in the dataset itself)",
			"términos de uso de EM-DAT (atribución a CRED / UCLouvain); procesamiento de OWID: CC BY 4.0 (el conjunto de datos no indica licencia)"},
		{"CC BY 4.0", "CC BY 4.0"},
		{"2021-03-11 (commit c7d5900)", "2021-03-11 (commit c7d5900)"},
	} {
		if got := k.sourceMetaText("es", c.text); got != c.es {
			t.Errorf("sourceMetaText(es, %q)\n = %q\nwant %q", c.text, got, c.es)
		}
	}
	// A note's words are not a licence's: "cite %s" is not a note format.
	if got := k.noteText("es", "cite the page"); got != "cite the page" {
		t.Errorf("a source-metadata format was applied to a note: %q", got)
	}
}

// TestImporterNotesInSpanish imports every shipped file with Amparo's own
// importers and walks every note they wrote, on values (and the
// per-capita values computed from them) and on sources: each part of each
// is one of the known formats, so a Spanish page shows it in Spanish. The
// indicator and sources pages show them so in Spanish, as stored in
// English.
func TestImporterNotesInSpanish(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := auth.OperatorContext(context.Background(), "test")
	svc := indicators.New(db)
	if _, err := svc.ImportBuiltin(ctx, nil); err != nil {
		t.Fatal(err)
	}
	k := noteKit(t)
	notes := map[string]string{} // note -> where
	series, err := svc.LoadSeries(ctx, indicators.SeriesFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, se := range series {
		for _, p := range se.Points {
			notes[p.Note] = se.Indicator + " " + se.Country + " " + p.Period
		}
	}
	groups, err := svc.IndicatorGroups(ctx, "uac_encounters")
	if err != nil {
		t.Fatal(err)
	}
	for _, se := range svc.PerCapitaSeries(ctx, "uac_encounters", groups) {
		for _, p := range se.Points {
			notes[p.Note] = "per capita " + se.Country + " " + p.Period
		}
	}
	srcs, err := svc.ListSources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	leftOutCount, counts := regexp.MustCompile(`^\d+ [a-z]+$`), 0
	for _, s := range srcs {
		notes[s.Note] = "source " + s.Key
		cs, err := svc.Corrections(ctx, s.Key)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			notes[c.Reason] = "correction in " + s.Key
			// What was left out, counted by the importer ("12 rows"):
			// the sources page shows it in Spanish too.
			if c.Corrected == "" && leftOutCount.MatchString(c.Original) {
				counts++
				if es := k.textIn(leftOutCounts, "es", c.Original); es == c.Original {
					t.Errorf("correction in %s: %q reads the same in Spanish", s.Key, c.Original)
				}
			}
		}
	}
	delete(notes, "")
	if counts == 0 {
		t.Error("no correction counts what was left out: the walk reads the wrong records")
	}
	// The licence and retrieval words of every shipped source: each part
	// is a known format, a licence code or a date.
	codeOrDate := regexp.MustCompile(`^(CC BY[-A-Z]* \d\.\d( \(TI\))?|\d{4}-\d{2}-\d{2}( \(commit [0-9a-f]+\))?)$`)
	for _, s := range srcs {
		for _, text := range []string{s.Licence, s.Retrieved} {
			for _, u := range k.unknownNoteParts(sourceMeta, text) {
				if !codeOrDate.MatchString(u) {
					t.Errorf("source %s: %q has a part of no known format, shown in English on Spanish pages: %q", s.Key, text, u)
				}
			}
		}
	}
	if len(notes) < 50 {
		t.Fatalf("only %d distinct notes: the walk reads the wrong records", len(notes))
	}
	for note, where := range notes {
		if u := k.unknownNoteParts(importerNotes, note); len(u) > 0 {
			t.Errorf("%s: the note %q has parts of no known format, shown in English on Spanish pages: %q", where, note, u)
		}
		if es := k.noteText("es", note); es == note {
			t.Errorf("%s: the note %q reads the same in Spanish", where, note)
		}
	}

	env := newTestEnv(t, db)
	for lang, want := range map[string][]string{
		"en": {indicators.NoteFiscalYearSum, "per 100,000 aged 0-14 (UN WPP 2017, calendar year 2015)"},
		"es": {"suma de los 12 meses del año fiscal", "por cada 100,000 personas de 0 a 14 años (UN WPP 2017, año calendario 2015)"},
	} {
		page := getLang(t, env.ts.URL+"/indicators/indicators/uac_encounters", lang)
		for _, w := range want {
			if !strings.Contains(page, escapeText(w)) {
				t.Errorf("%s: the indicator page lacks the note %q", lang, w)
			}
		}
	}
	es := getLang(t, env.ts.URL+"/indicators/sources", "es")
	for _, w := range []string{"publicado en https://www.cbp.gov/newsroom/stats/nationwide-encounters; niñas, niños y adolescentes no acompañados sumados por Amparo",
		"solo se guardan las filas Southwest Border Total"} {
		if !strings.Contains(es, escapeText(w)) {
			t.Errorf("es: the sources page lacks %q", w)
		}
	}
	if !strings.Contains(es, "<code>416 celdas</code>") || strings.Contains(es, " entities</code>") {
		t.Error("es: the sources page shows what an importer left out in English")
	}
	for _, en := range []string{"published at ", "summed by Amparo", "is not imported", "read past", "row left out", "removed", "corrected", "terms of use", "copy kept", "public domain"} {
		if strings.Contains(es, en) {
			t.Errorf("es: the sources page shows the English note words %q", en)
		}
	}
	// The names the importers give indicators and regions (HHS's
	// "<category>: <label>", the aggregates' names) have Spanish too:
	// only proper names read the same on the Spanish catalogue.
	link := regexp.MustCompile(`<a href="/indicators/(countries|indicators)/([^"]+)">([^<]*)</a>`)
	names := func(page string) map[string]string {
		out := map[string]string{}
		for _, m := range link.FindAllStringSubmatch(page, -1) {
			out[m[1]+"/"+m[2]] = m[3]
		}
		return out
	}
	enNames, esNames := names(getLang(t, env.ts.URL+"/indicators", "en")), names(getLang(t, env.ts.URL+"/indicators", "es"))
	same := map[string]bool{"countries/GTM": true, "countries/HND": true, "countries/SLV": true, "countries/NIC": true}
	for k, n := range esNames {
		if enNames[k] == n && !same[k] {
			t.Errorf("es: the catalogue names %s %q, as in English", k, n)
		}
	}
	if len(esNames) < 40 {
		t.Errorf("only %d names on the catalogue", len(esNames))
	}
	// Stored data is unchanged: the API gives the note as imported.
	_, body := env.do(t, "GET", "/api/v1/series?indicator=uac_encounters", "", "")
	if !strings.Contains(string(body), fmt.Sprintf("%q", indicators.NoteFiscalYearSum)) {
		t.Errorf("the API does not give the stored note: %.300s", body)
	}
}

// escapeText is s as html/template writes it in text and attributes.
func escapeText(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", `"`, "&#34;", "<", "&lt;", ">", "&gt;", "+", "&#43;").Replace(s)
}

// TestScenarioNoteInSpanish: why a forecast has no scenario is said in
// the page's language, the reason inside it too.
func TestScenarioNoteInSpanish(t *testing.T) {
	k := noteKit(t)
	for note, want := range map[string]string{
		"no scenario: series too short: 5 one-step error pairs, the scenario's slope needs 8":      "sin escenario: serie demasiado corta: 5 pares de errores a un paso; la pendiente del escenario necesita 8",
		"no scenario: series too short: the scenario has no calibrated spreads at the last origin": "sin escenario: serie demasiado corta: el escenario no tiene dispersiones calibradas en el último origen",
	} {
		if got := k.problemText("es", note); got != want {
			t.Errorf("%q\n = %q\nwant %q", note, got, want)
		}
	}
}
