package tracing

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold reduces a name as written by an officer to the form used for
// comparison: accents removed (Méndez -> mendez, Núñez -> nunez), lower case,
// anything that is not a letter turned into a space, spaces collapsed. The
// result is plain ASCII for the Latin-script names the sets hold, which lets
// the comparison code work on bytes.
func Fold(s string) string {
	if s == "" {
		return ""
	}
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if !ascii {
		s = stripMarks(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := true // suppress leading space
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
			space = false
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + ('a' - 'A'))
			space = false
		case unicode.IsLetter(r):
			lr := unicode.ToLower(r)
			// Letters without a decomposition that still have a plain
			// Latin reading.
			switch lr {
			case 'ß':
				b.WriteString("ss")
			case 'æ':
				b.WriteString("ae")
			case 'ø':
				b.WriteString("o")
			case 'ł':
				b.WriteString("l")
			default:
				b.WriteRune(lr)
			}
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	out := b.String()
	return strings.TrimRight(out, " ")
}

// latin1Base maps the accented letters of Spanish and of the Mayan
// alphabets to their base letters without going through Unicode
// normalisation, which costs an allocation per call; a million records
// hold ten million names.
var latin1Base = map[rune]rune{
	'á': 'a', 'à': 'a', 'â': 'a', 'ä': 'a', 'ã': 'a', 'å': 'a',
	'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e',
	'í': 'i', 'ì': 'i', 'î': 'i', 'ï': 'i',
	'ó': 'o', 'ò': 'o', 'ô': 'o', 'ö': 'o', 'õ': 'o',
	'ú': 'u', 'ù': 'u', 'û': 'u', 'ü': 'u',
	'ñ': 'n', 'ç': 'c', 'ý': 'y', 'ÿ': 'y',
	'Á': 'A', 'À': 'A', 'Â': 'A', 'Ä': 'A', 'Ã': 'A', 'Å': 'A',
	'É': 'E', 'È': 'E', 'Ê': 'E', 'Ë': 'E',
	'Í': 'I', 'Ì': 'I', 'Î': 'I', 'Ï': 'I',
	'Ó': 'O', 'Ò': 'O', 'Ô': 'O', 'Ö': 'O', 'Õ': 'O',
	'Ú': 'U', 'Ù': 'U', 'Û': 'U', 'Ü': 'U',
	'Ñ': 'N', 'Ç': 'C', 'Ý': 'Y',
}

// stripMarks removes accents: the table above for the usual letters,
// golang.org/x/text normalisation (decompose, drop combining marks,
// recompose) for anything else.
func stripMarks(s string) string {
	simple := true
	for _, r := range s {
		if r >= 0x80 {
			if _, ok := latin1Base[r]; !ok {
				simple = false
				break
			}
		}
	}
	if !simple {
		t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
		if out, _, err := transform.String(t, s); err == nil {
			return out
		}
		return s
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r >= 0x80 {
			r = latin1Base[r]
		}
		b = append(b, byte(r))
	}
	return string(b)
}

// surnameParticles are the small words of compound Spanish surnames ("De la
// Cruz", "Del Cid", "De los Santos") that officers keep, drop or fuse.
var surnameParticles = map[string]bool{
	"de": true, "del": true, "la": true, "las": true, "los": true, "y": true, "da": true, "van": true,
}

// fusedParticles are the particle runs as they appear when fused to the
// name: "Delacruz", "DeLeón", "Delosantos".
var fusedParticles = []string{"delos", "delas", "dela", "del", "de"}

// surnameForms returns the fused form of a surname (all letters, no spaces:
// "De la Cruz" and "Delacruz" both give "delacruz") and its core (particles
// removed: "cruz"), so that fused, spaced and cut versions compare equal.
func surnameForms(folded string) (fused, core string) {
	if folded == "" {
		return "", ""
	}
	toks := strings.Fields(folded)
	fused = strings.Join(toks, "")
	var kept []string
	for _, t := range toks {
		if !surnameParticles[t] {
			kept = append(kept, t)
		}
	}
	switch {
	case len(kept) == 0:
		core = fused
	case len(kept) == 1 && len(toks) > 1:
		core = kept[0]
	case len(toks) == 1:
		core = fused
		// A fused particle at the start: "deleon" -> "leon", but only
		// when what is left is a plausible surname, so "Delgado" stays.
		for _, p := range fusedParticles {
			if strings.HasPrefix(fused, p) && len(fused)-len(p) >= 4 && fusedRestOK(fused[len(p):]) {
				core = fused[len(p):]
				break
			}
		}
	default:
		core = strings.Join(kept, "")
	}
	return fused, core
}

// fusedRestOK reports whether what follows a fused particle is a surname
// known to come with that particle. Only these are cut: without a list,
// "Delgado" would become "gado" and "Deras" "ras".
func fusedRestOK(rest string) bool {
	return particleSurnames[rest]
}

var particleSurnames = map[string]bool{
	"leon": true, "cruz": true, "paz": true, "santos": true, "rosa": true, "torre": true,
	"cid": true, "valle": true, "rio": true, "angeles": true, "fuente": true, "jesus": true,
	"garza": true, "vega": true, "rosario": true, "carmen": true, "hoyos": true, "reyes": true,
	"castillo": true, "barrio": true, "toro": true, "luna": true,
}

// canonicalSex maps the ways sex is written (M, F, male, female, masculino,
// femenino, H for hombre, V for varón) to 'm', 'f' or 0 when unknown.
func canonicalSex(s string) byte {
	f := Fold(s)
	switch f {
	case "m", "male", "masculino", "masc", "h", "hombre", "v", "varon", "nino", "boy":
		return 'm'
	case "f", "female", "femenino", "fem", "mujer", "nina", "girl":
		return 'f'
	}
	return 0
}

// countryCodes maps the many ways a country is written (name with or
// without accents or article, ISO alpha-2 and alpha-3 codes) to alpha-2.
var countryCodes = map[string]string{
	"gt": "GT", "gtm": "GT", "guatemala": "GT", "guate": "GT",
	"hn": "HN", "hnd": "HN", "honduras": "HN",
	"sv": "SV", "slv": "SV", "el salvador": "SV", "salvador": "SV", "elsalvador": "SV",
	"mx": "MX", "mex": "MX", "mexico": "MX", "mejico": "MX", "estados unidos mexicanos": "MX",
	"ni": "NI", "nic": "NI", "nicaragua": "NI",
	"cr": "CR", "cri": "CR", "costa rica": "CR",
	"pa": "PA", "pan": "PA", "panama": "PA",
	"bz": "BZ", "blz": "BZ", "belice": "BZ", "belize": "BZ",
	"us": "US", "usa": "US", "estados unidos": "US", "eeuu": "US", "united states": "US",
	"co": "CO", "col": "CO", "colombia": "CO",
	"ve": "VE", "ven": "VE", "venezuela": "VE",
	"ec": "EC", "ecu": "EC", "ecuador": "EC",
	"cu": "CU", "cub": "CU", "cuba": "CU",
	"ht": "HT", "hti": "HT", "haiti": "HT",
}

// canonicalCountry returns the alpha-2 code of a country, or the folded text
// when the country is not in the table (so two identical unknown spellings
// still agree).
func canonicalCountry(s string) string {
	f := Fold(s)
	if f == "" {
		return ""
	}
	if c, ok := countryCodes[f]; ok {
		return c
	}
	if c, ok := countryCodes[strings.ReplaceAll(f, " ", "")]; ok {
		return c
	}
	return f
}

// date is a birth date as far as it is known: month and day are 0 when
// only the year (or year and month) was recorded.
type date struct {
	y     int16
	m, d  int8
	valid bool
}

// parseDate reads YYYY-MM-DD, YYYY-MM or YYYY. Anything else counts as
// missing: a date that cannot be read says nothing about a match.
func parseDate(s string) date {
	s = strings.TrimSpace(s)
	num := func(t string) int {
		n := 0
		if t == "" {
			return -1
		}
		for i := 0; i < len(t); i++ {
			c := t[i]
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	var d date
	switch len(s) {
	case 4:
		y := num(s)
		if y < 1000 {
			return date{}
		}
		d = date{y: int16(y), valid: true}
	case 7:
		if s[4] != '-' {
			return date{}
		}
		y, m := num(s[:4]), num(s[5:])
		if y < 1000 || m < 1 || m > 12 {
			return date{}
		}
		d = date{y: int16(y), m: int8(m), valid: true}
	case 10:
		if s[4] != '-' || s[7] != '-' {
			return date{}
		}
		y, m, dd := num(s[:4]), num(s[5:7]), num(s[8:])
		if y < 1000 || m < 1 || m > 12 || dd < 1 || dd > 31 {
			return date{}
		}
		d = date{y: int16(y), m: int8(m), d: int8(dd), valid: true}
	default:
		return date{}
	}
	return d
}

// validDateString reports whether s is empty or one of the accepted forms.
func validDateString(s string) bool {
	s = strings.TrimSpace(s)
	return s == "" || parseDate(s).valid
}
