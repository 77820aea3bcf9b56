package tracing

import (
	"bufio"
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"github.com/amparo-project/amparo/internal/identity"
)

//go:embed data/nicknames.csv
var nicknamesCSV string

// nicknames maps a folded given name to the full names it can stand for
// (several for Beto: Alberto, Roberto, ...). Full names with more than one
// word ("jose maria" for Chema) are kept whole.
var nicknames = mustParseNicknames(nicknamesCSV)

// nickForms maps every word of the nickname table (nickname or first word
// of a full name) to all the words that can stand for the same name: the
// full name and all its nicknames. It lets a nickname written with a typo
// ("Chepr", "Lupitta") agree with the full name (José, Guadalupe).
var nickForms = buildNickForms(nicknames)

func buildNickForms(nick map[string][]string) map[string][]string {
	byFull := map[string][]string{}
	for n, fulls := range nick {
		for _, f := range fulls {
			fw := firstWord(f)
			byFull[fw] = append(byFull[fw], n)
		}
	}
	out := map[string][]string{}
	add := func(w string, forms []string) {
		for _, x := range forms {
			if x != w && !slices.Contains(out[w], x) {
				out[w] = append(out[w], x)
			}
		}
	}
	for fw, ns := range byFull {
		forms := append([]string{fw}, ns...)
		add(fw, forms)
		for _, n := range ns {
			add(n, forms)
		}
	}
	for _, v := range out {
		slices.Sort(v)
	}
	return out
}

// nicknameTypo reports whether a is, but for a typo, another form of the
// name b (one of its nicknames or its full name), or the reverse. Only a
// word the table does not know is read as a typo: Chelo (Consuelo) is not
// Cheo (José) misspelt.
func nicknameTypo(a, b string) bool {
	fa, fb := nickForms[a], nickForms[b]
	if fa == nil {
		for _, y := range fb {
			if abs(len(y)-len(a)) <= 2 && typoClose(a, y, jwToken) {
				return true
			}
		}
	}
	if fb == nil {
		for _, x := range fa {
			if abs(len(x)-len(b)) <= 2 && typoClose(x, b, jwToken) {
				return true
			}
		}
	}
	return false
}

func mustParseNicknames(src string) map[string][]string {
	m, err := parseNicknames(src)
	if err != nil {
		panic(err)
	}
	return m
}

func parseNicknames(src string) (map[string][]string, error) {
	out := map[string][]string{}
	err := eachDataLine(src, func(line int, l string) error {
		nick, full, ok := strings.Cut(l, ",")
		nick, full = identity.Fold(nick), identity.Fold(full)
		if !ok || nick == "" || full == "" {
			return fmt.Errorf("tracing: nicknames: line %d: want nickname,name", line)
		}
		dup := false
		for _, f := range out[nick] {
			if f == full {
				dup = true
			}
		}
		if !dup && nick != full {
			out[nick] = append(out[nick], full)
		}
		return nil
	})
	return out, err
}

// eachDataLine calls f with each line of an embedded data file (CSV with
// a header, comments starting with #), trimmed, skipping the header,
// comments and blank lines; line is the 1-based line number.
func eachDataLine(src string, f func(line int, l string) error) error {
	sc := bufio.NewScanner(strings.NewReader(src))
	header := true
	line := 0
	for sc.Scan() {
		line++
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if header {
			header = false
			continue
		}
		if err := f(line, l); err != nil {
			return err
		}
	}
	return sc.Err()
}

// FullNames returns the full given names a nickname stands for ("pepe" ->
// ["jose"]), or nil when the name is not a known nickname.
func FullNames(name string) []string {
	return nicknames[identity.Fold(name)]
}

// canonicalGiven rewrites folded given-name tokens to their full names,
// choosing the first full name of an ambiguous nickname, and expanding
// two-word ones ("chema" -> "jose", "maria"). It is used for blocking keys
// and frequencies; comparison looks at every reading.
func canonicalGiven(tokens []string) []string {
	out := make([]string, 0, len(tokens)+1)
	for _, t := range tokens {
		if full := nicknames[t]; len(full) > 0 {
			out = append(out, strings.Fields(full[0])...)
			continue
		}
		out = append(out, t)
	}
	return out
}
