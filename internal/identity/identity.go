// Package identity is who a person is, as records of children, relatives'
// inquiries and sponsors write it: the one set of identity fields, and the
// one way names are folded for comparison and search.
package identity

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Person is a person's identity as a record states it. Every field is
// as written (trimmed); "" is unknown. Cases, tracing requests and the
// record-linkage engine embed it, so the fields are declared once.
type Person struct {
	GivenNames   string `json:"given_names"`
	Surname1     string `json:"surname1"`
	Surname2     string `json:"surname2"`
	Sex          string `json:"sex"`        // F, M, or "" when unknown
	BirthDate    string `json:"birth_date"` // YYYY-MM-DD, YYYY-MM or YYYY; "" when unknown
	BirthCountry string `json:"birth_country"`
	BirthPlace   string `json:"birth_place"`
	MotherName   string `json:"mother_name"`
	FatherName   string `json:"father_name"`
}

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
