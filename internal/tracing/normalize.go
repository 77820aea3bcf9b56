package tracing

import (
	"fmt"
	"strings"

	"github.com/amparo-project/amparo/internal/identity"
)

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
	f := identity.Fold(s)
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
	f := identity.Fold(s)
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

// parseDate reads a birth date as far as it can be read (readDate).
func parseDate(s string) date {
	d, _ := readDate(s)
	return d
}

// readDate reads a birth date as far as it can be read, and reports
// whether s was in one of the forms asked for (YYYY-MM-DD, YYYY-MM, YYYY,
// or empty) with every part valid. Files made elsewhere also hold
// YYYYMMDD, DD/MM/YYYY and MM/DD/YYYY, and dates typed wrongly (a month of
// 80, a day of 93): a wrong day does not make the year wrong, so the
// parts that can be read are kept and the rest is unknown. DD/MM against
// MM/DD is settled only by a number over 12; otherwise the year alone is
// kept. A month over 12 with a day of 12 or less, year first, is read as
// day and month written the other way round. What cannot be read at all
// counts as missing: it says nothing about a match.
func readDate(s string) (date, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return date{}, true
	}
	parts, n, asked := splitDate(s)
	if n <= 0 { // more than three parts, or separators alone
		return date{}, false
	}
	y, m, d, inOrder := orderDate(parts[:n])
	asked = asked && inOrder
	if y < 1000 {
		return date{}, false
	}
	out := date{y: int16(y), valid: true}
	if n == 1 {
		return out, asked
	}
	if m < 1 || m > 12 {
		return out, false
	}
	out.m = int8(m)
	if n == 2 {
		return out, asked
	}
	if d < 1 || d > 31 {
		return out, false
	}
	out.d = int8(d)
	return out, asked
}

// splitDate splits s on separators into at most three parts (n is -1 for
// more), without allocating: every record of a million-row file comes
// through here. asked says the separators were dashes; eight digits are
// read as YYYYMMDD.
func splitDate(s string) (parts [3]string, n int, asked bool) {
	start, dashes := -1, 0
	for i := 0; i <= len(s); i++ {
		sep := i == len(s) || s[i] == '-' || s[i] == '/' || s[i] == '.' || s[i] == ' '
		if i < len(s) && s[i] == '-' {
			dashes++
		}
		switch {
		case !sep && start < 0:
			start = i
		case sep && start >= 0:
			if n == len(parts) {
				return parts, -1, false
			}
			parts[n], n, start = s[start:i], n+1, -1
		}
	}
	if n == 1 && len(s) == 8 {
		return [3]string{s[:4], s[4:6], s[6:]}, 3, false
	}
	return parts, n, dashes == n-1
}

// orderDate reads year, month and day from a date's parts, year first or
// last; inOrder says they were YYYY, MM and DD as asked. Parts that are no
// number are -1.
func orderDate(parts []string) (y, m, d int, inOrder bool) {
	y = -1
	switch {
	case len(parts[0]) == 4:
		y, inOrder = dateNum(parts[0]), true
		if len(parts) > 1 {
			m, inOrder = dateNum(parts[1]), len(parts[1]) == 2
		}
		if len(parts) > 2 {
			d, inOrder = dateNum(parts[2]), inOrder && len(parts[2]) == 2
		}
		if m > 12 && m <= 31 && d >= 1 && d <= 12 {
			m, d, inOrder = d, m, false
		}
	case len(parts) == 2 && len(parts[1]) == 4:
		y, m = dateNum(parts[1]), dateNum(parts[0])
	case len(parts) == 3 && len(parts[2]) == 4:
		y = dateNum(parts[2])
		a, b := dateNum(parts[0]), dateNum(parts[1])
		switch {
		case a > 12 && b >= 1 && b <= 12:
			d, m = a, b
		case b > 12 && a >= 1 && a <= 12:
			m, d = a, b
		case a == b:
			m, d = a, b
		}
	}
	return y, m, d, inOrder
}

// dateNum reads up to four digits; anything else is -1.
func dateNum(t string) int {
	if t == "" || len(t) > 4 {
		return -1
	}
	n := 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// String writes the date as far as it is known: YYYY-MM-DD, YYYY-MM or
// YYYY; "" when nothing is.
func (d date) String() string {
	switch {
	case !d.valid:
		return ""
	case d.m == 0:
		return fmt.Sprintf("%04d", d.y)
	case d.d == 0:
		return fmt.Sprintf("%04d-%02d", d.y, d.m)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.y, d.m, d.d)
}
