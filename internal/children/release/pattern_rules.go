package release

import (
	"strings"
	"unicode"

	"github.com/amparo-project/amparo/internal/identity"
)

// The sponsor trafficking-pattern rules: plain data and pure functions
// (pattern_rules_test.go: one test per row). A flag is a reason for a
// supervisor to look again, never a finding.
//
// Source: U.S. Senate Permanent Subcommittee on Investigations, staff
// report "Protecting Unaccompanied Alien Children from Trafficking and
// Other Abuses: The Role of the Office of Refugee Resettlement" (28
// January 2016): ORR did not notice sponsors accumulating several
// unrelated children, a sign of trafficking; in the Marion, Ohio case
// children were released to sponsors linked to one trafficking ring.

// PatternGroup is what the rules see of a group of sponsor records: all
// the records of one person (matched by personKey), or all the records at
// one address (addressKey).
type PatternGroup struct {
	Sponsors          int `json:"sponsors"`           // distinct sponsor persons
	Children          int `json:"children"`           // distinct children (cases)
	UnrelatedChildren int `json:"unrelated_children"` // children going to a sponsor who is not a close relative (category 3)
}

// Group kinds.
const (
	ByPerson  = "person"
	ByAddress = "address"
)

// PatternRule is one row of the pattern table.
type PatternRule struct {
	Key   string
	By    string // ByPerson or ByAddress
	When  string // the rule in words, shown with the flag
	Match func(g PatternGroup) bool
}

// PatternRules is the pattern table.
var PatternRules = []PatternRule{
	{"several_unrelated_children", ByPerson,
		"one sponsor is proposed for two or more children and is not a close relative (category 3) of at least one of them",
		func(g PatternGroup) bool { return g.Children >= 2 && g.UnrelatedChildren >= 1 }},
	{"shared_address_unrelated_children", ByAddress,
		"two or more sponsors of different children give the same address, and at least one of those children goes to a sponsor who is not a close relative (category 3)",
		func(g PatternGroup) bool { return g.Sponsors >= 2 && g.Children >= 2 && g.UnrelatedChildren >= 1 }},
}

// MatchingRules returns the keys of the rules of kind by that g matches.
func MatchingRules(by string, g PatternGroup) []string {
	out := []string{}
	for _, r := range PatternRules {
		if r.By == by && r.Match(g) {
			out = append(out, r.Key)
		}
	}
	return out
}

// personKey is how two sponsor records are known to be the same person:
// the identity document when one is recorded; else the names and the
// birth date; else the phone number; else nothing ("": the record is only
// itself). Records of one person keyed differently (a document on one,
// none on the other) are not joined: a known limit.
func personKey(sp *Sponsor) string {
	if doc := alnumUpper(sp.IDDocument); len(doc) >= 4 {
		return "doc:" + doc
	}
	names := identity.Fold(sp.GivenNames + " " + sp.Surnames)
	if names != "" && sp.BirthDate != nil && *sp.BirthDate != "" {
		return "name:" + names + "|" + *sp.BirthDate
	}
	if ph := digits(sp.Phone); len(ph) >= 7 {
		return "phone:" + ph
	}
	return ""
}

// addressKey compares addresses: lower case, accents and punctuation
// dropped, common street words shortened, with the city and state; ""
// when no street address is recorded.
func addressKey(sp *Sponsor) string {
	street := foldAddress(sp.Address)
	if street == "" {
		return ""
	}
	return street + "|" + foldAddress(sp.City) + "|" + strings.ToUpper(strings.TrimSpace(sp.USState))
}

// nameKey is the folded full name, for searching.
func nameKey(sp *Sponsor) string { return identity.Fold(sp.GivenNames + " " + sp.Surnames) }

var streetWords = map[string]string{
	"street": "st", "avenue": "ave", "av": "ave", "road": "rd", "drive": "dr", "boulevard": "blvd", "lane": "ln",
	"court": "ct", "place": "pl", "apartment": "apt", "suite": "ste", "north": "n", "south": "s", "east": "e", "west": "w",
	"calle": "c",
}

func foldAddress(s string) string {
	var words []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		w = identity.Fold(w) + keepDigits(w)
		if short, ok := streetWords[w]; ok {
			w = short
		}
		if w != "" {
			words = append(words, w)
		}
	}
	return strings.Join(words, " ")
}

// keepDigits is what Fold drops of a word: its digits (house numbers).
func keepDigits(w string) string {
	var b strings.Builder
	for _, r := range w {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func digits(s string) string { return keepDigits(s) }

func alnumUpper(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}
