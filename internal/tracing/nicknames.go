package tracing

import (
	"bufio"
	_ "embed"
	"fmt"
	"strings"
)

//go:embed data/nicknames.csv
var nicknamesCSV string

// nicknames maps a folded given name to the full names it can stand for
// (several for Beto: Alberto, Roberto, ...). Full names with more than one
// word ("jose maria" for Chema) are kept whole.
var nicknames = mustParseNicknames(nicknamesCSV)

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
		nick, full = Fold(nick), Fold(full)
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
	return nicknames[Fold(name)]
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
