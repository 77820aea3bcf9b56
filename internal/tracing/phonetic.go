package tracing

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/amparo-project/amparo/internal/identity"
)

//go:embed data/phonetic.csv
var phoneticCSV string

type phoneticRule struct {
	pattern string // letters to match at the current position
	start   bool   // only at the start of the name
	next    string // the following letter must be one of these ("" = any)
	code    string
}

// phoneticRules holds the rules of data/phonetic.csv by their first letter,
// in file order.
var phoneticRules = mustParsePhonetic(phoneticCSV)

func mustParsePhonetic(src string) map[byte][]phoneticRule {
	rules, err := parsePhonetic(src)
	if err != nil {
		panic(err)
	}
	return rules
}

func parsePhonetic(src string) (map[byte][]phoneticRule, error) {
	out := map[byte][]phoneticRule{}
	err := eachDataLine(src, func(line int, l string) error {
		pat, code, ok := strings.Cut(l, ",")
		if !ok || pat == "" {
			return fmt.Errorf("tracing: phonetic rules: line %d: want pattern,code", line)
		}
		r := phoneticRule{code: code}
		if strings.HasPrefix(pat, "^") {
			r.start = true
			pat = pat[1:]
		}
		if i := strings.IndexByte(pat, '{'); i >= 0 {
			if !strings.HasSuffix(pat, "}") {
				return fmt.Errorf("tracing: phonetic rules: line %d: unclosed {", line)
			}
			r.next = strings.ReplaceAll(pat[i+1:len(pat)-1], "V", "aeiou")
			pat = pat[:i]
		}
		if pat == "" {
			return fmt.Errorf("tracing: phonetic rules: line %d: empty pattern", line)
		}
		r.pattern = pat
		out[pat[0]] = append(out[pat[0]], r)
		return nil
	})
	return out, err
}

// Phonetic returns the Spanish phonetic key of a name: the folded letters
// rewritten by the rules of data/phonetic.csv, with repeated codes merged.
// "Xiloj" and "Shiloj", "Velásquez" and "Belazquez", "Yesenia" and
// "Llesenia" give the same key.
func Phonetic(name string) string {
	f := identity.Fold(name)
	return phoneticFolded(strings.ReplaceAll(f, " ", ""))
}

// phoneticFolded is Phonetic for a name already folded, without spaces.
func phoneticFolded(s string) string {
	if s == "" {
		return ""
	}
	var b []byte
	var buf [32]byte
	b = buf[:0]
	for i := 0; i < len(s); {
		rules := phoneticRules[s[i]]
		matched := false
		for _, r := range rules {
			if r.start && i != 0 {
				continue
			}
			if !strings.HasPrefix(s[i:], r.pattern) {
				continue
			}
			j := i + len(r.pattern)
			if r.next != "" && (j >= len(s) || strings.IndexByte(r.next, s[j]) < 0) {
				continue
			}
			for k := 0; k < len(r.code); k++ {
				if len(b) == 0 || b[len(b)-1] != r.code[k] {
					b = append(b, r.code[k])
				}
			}
			i = j
			matched = true
			break
		}
		if !matched {
			// A letter no rule knows keeps itself, upper-cased so that
			// it cannot be confused with a code.
			c := s[i]
			if c >= 'a' && c <= 'z' {
				c -= 'a' - 'A'
			}
			if len(b) == 0 || b[len(b)-1] != c {
				b = append(b, c)
			}
			i++
		}
	}
	return string(b)
}
