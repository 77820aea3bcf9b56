package web

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/amparo-project/amparo/internal/indicators"
)

// The notes importers write on values and sources are stored in English
// (indicators/notes.go) and never rewritten: a page puts them into its
// reader's language when it shows them. Each format has a key
// indicators.note.<name> (i18n/*/indicators_notes.json) whose English text
// is the format exactly; a note is parts joined by indicators.NoteSep, and
// each part is matched against the formats, its values carried over (a
// value may itself be a note part: "Last Updated Date 2022-02-15" inside a
// WDI note). A part none matches (typed by a user, carried in from a
// file's note column) is shown as stored.

// noteTakesRest are the formats whose part runs to the end of the note:
// import_uac.go writes "scope as published: <the file's scope>" and then
// the file's own note column, which may hold "; " too and is shown as
// written.
var noteTakesRest = map[string]bool{indicators.NoteScopeAsPublished: true}

// noteFormat is one note format and the key of its words.
type noteFormat struct {
	key, format string
	re          *regexp.Regexp
	verbs       []byte
}

// noteSet is the formats of one family of keys, read once from the
// English messages, the longest first ("published at %s (indicator %s)"
// before "published at %s").
type noteSet struct {
	prefix string
	once   sync.Once
	list   []noteFormat
}

var (
	// importerNotes: notes and correction reasons the importers write.
	importerNotes = &noteSet{prefix: "indicators.note."}
	// sourceMeta: the licence and retrieval words of the sources Amparo
	// ships (indicators/builtin.go and the formats' default sources), a
	// family of their own so that their short formats ("cite %s", "%s
	// terms of use") never touch a note.
	sourceMeta = &noteSet{prefix: "indicators.srcmeta."}
	// leftOutCounts: what an importer writes as the original of a
	// correction that leaves things out ("12 rows", "3 columns"; import_csv.go,
	// import_unicef.go), shown in the sources page's Original column.
	leftOutCounts = &noteSet{prefix: "indicators.leftout."}
	noteVerb      = regexp.MustCompile(`%(\.0f|[dsq])`)
)

func (k *kit) formatsOf(set *noteSet) []noteFormat {
	set.once.Do(func() {
		for key, text := range k.msgs["en"] {
			if strings.HasPrefix(key, set.prefix) {
				set.list = append(set.list, compileNoteFormat(key, text))
			}
		}
		slices.SortFunc(set.list, func(a, b noteFormat) int {
			if c := cmp.Compare(len(b.format), len(a.format)); c != 0 {
				return c
			}
			return cmp.Compare(a.key, b.key)
		})
	})
	return set.list
}

// noteFormats are the importers' note formats.
func (k *kit) noteFormats() []noteFormat { return k.formatsOf(importerNotes) }

// compileNoteFormat makes the pattern of a format: its text as it is, each
// verb a group. The groups are not greedy, so that "WDI bulk CSV of %s, %s"
// cuts at the first ", " (the code has none; the release text may).
func compileNoteFormat(key, format string) noteFormat {
	f := noteFormat{key: key, format: format}
	var pat strings.Builder
	pat.WriteString("^")
	last := 0
	for _, loc := range noteVerb.FindAllStringIndex(format, -1) {
		pat.WriteString(regexp.QuoteMeta(format[last:loc[0]]))
		v := format[loc[0]+1]
		f.verbs = append(f.verbs, v)
		switch v {
		case 'd', '.': // %d, %.0f
			pat.WriteString(`(-?\d+)`)
		case 'q':
			pat.WriteString(`"(.*?)"`)
		default:
			pat.WriteString(`(.*?)`)
		}
		last = loc[1]
	}
	pat.WriteString(regexp.QuoteMeta(format[last:]) + "$")
	f.re = regexp.MustCompile(pat.String())
	return f
}

// splitNote cuts a note into its parts at each NoteSep outside brackets
// ("(its preamble was removed; downloaded by ...)" is inside one part).
func splitNote(note string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(note); i++ {
		switch note[i] {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		case ';':
			if depth == 0 && strings.HasPrefix(note[i:], indicators.NoteSep) {
				parts = append(parts, note[start:i])
				start = i + len(indicators.NoteSep)
				i = start - 1
			}
		}
	}
	return append(parts, note[start:])
}

// noteMatch is the format of set part matches and the values it carries.
func (k *kit) noteMatch(set *noteSet, part string) (noteFormat, []string, bool) {
	for _, f := range k.formatsOf(set) {
		if sub := f.re.FindStringSubmatch(part); sub != nil {
			return f, sub[1:], true
		}
	}
	return noteFormat{}, nil, false
}

// noteText is a stored note in lang: each part in the words of its format,
// a part of no known format as it is.
func (k *kit) noteText(lang, note string) string { return k.textIn(importerNotes, lang, note) }

// sourceMetaText is a shipped source's licence or retrieval text in lang.
func (k *kit) sourceMetaText(lang, text string) string { return k.textIn(sourceMeta, lang, text) }

// sourceIn is src as a page in lang shows it: its note, licence and
// retrieval words in lang (publisher and title are the source's own).
func (k *kit) sourceIn(lang string, src indicators.Source) indicators.Source {
	src.Note = k.noteText(lang, src.Note)
	src.Licence = k.sourceMetaText(lang, src.Licence)
	src.Retrieved = k.sourceMetaText(lang, src.Retrieved)
	return src
}

func (k *kit) textIn(set *noteSet, lang, note string) string {
	// English pages too: the words are the stored text, but the numbers a
	// part carries are written as the page writes numbers (translate).
	if note == "" {
		return note
	}
	parts := splitNote(note)
	for i, p := range parts {
		if f, _, ok := k.noteMatch(set, p); ok && noteTakesRest[f.format] {
			return strings.Join(append(parts[:i:i], k.notePart(set, lang, strings.Join(parts[i:], indicators.NoteSep))), indicators.NoteSep)
		}
		parts[i] = k.notePart(set, lang, p)
	}
	return strings.Join(parts, indicators.NoteSep)
}

func (k *kit) notePart(set *noteSet, lang, part string) string {
	f, vals, ok := k.noteMatch(set, part)
	if !ok {
		return part
	}
	args := make([]any, len(vals))
	for i, v := range vals {
		switch f.verbs[i] {
		case 'd':
			n, _ := strconv.Atoi(v) // the pattern took digits only
			args[i] = n
		case '.':
			n, _ := strconv.ParseFloat(v, 64)
			args[i] = n
		case 's':
			args[i] = k.textIn(set, lang, v) // shorter than part: the recursion ends
		default:
			args[i] = v
		}
	}
	return k.translate(lang, f.key, args...)
}

// unknownNoteParts are the parts of note that no format matches: what a
// page shows as stored. (The values inside a known part are data: codes,
// addresses, a file's scope text.)
func (k *kit) unknownNoteParts(set *noteSet, note string) []string {
	var out []string
	for _, p := range splitNote(note) {
		f, _, ok := k.noteMatch(set, p)
		if !ok {
			out = append(out, p)
		}
		if noteTakesRest[f.format] {
			break
		}
	}
	return out
}
