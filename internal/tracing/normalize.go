package tracing

import (
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
