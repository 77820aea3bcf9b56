package web

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Numbers on pages are written one way per language, here and nowhere
// else: numPrinter for Go code, Page.Num in templates, numLocale for the
// charts drawn in the browser. CSV and JSON keep the machine form.
//
// Amparo's readers are in the United States and Central America. Spanish
// pages therefore follow Latin American Spanish, not the Spanish of Spain
// (language.Spanish, "12.345,6"): CLDR gives es-419, es-MX, es-GT, es-HN,
// es-SV and es-US the decimal symbol "." and the grouping symbol ","
// ("12,345.6"), with minimumGroupingDigits 1 (1,234 is grouped) —
// unicode-org/cldr-json, cldr-json/cldr-numbers-full/main/<locale>/numbers.json,
// "symbols-numberSystem-latn" (CLDR 45). golang.org/x/text's es-419 data
// agrees (TestNumbersFollowCLDR).

// numberTags is the locale whose number symbols each page language uses.
var numberTags = map[string]language.Tag{
	"en": language.AmericanEnglish,
	"es": language.LatinAmericanSpanish,
}

// numberTag is the number locale of a page in lang (English when the
// language is not one the pages speak).
func numberTag(lang string) language.Tag {
	if t, ok := numberTags[lang]; ok {
		return t
	}
	return language.AmericanEnglish
}

// numPrinter formats numbers the way the reader's language writes them.
func numPrinter(lang string) *message.Printer {
	return message.NewPrinter(numberTag(lang))
}

// numLocale is the BCP 47 tag a chart in the browser formats its numbers
// with (Intl.NumberFormat): "es" alone would be Spain's convention.
func numLocale(lang string) string { return numberTag(lang).String() }

func init() {
	addTemplateFuncs(template.FuncMap{"numLocale": numLocale})
}

// fmtNum writes a whole number or a value in the reader's language; "" for
// a nil *int64 (an amount not stated, which the page shows as unknown).
func fmtNum(lang string, v any) string {
	pr := numPrinter(lang)
	switch x := v.(type) {
	case int:
		return pr.Sprintf("%d", x)
	case int64:
		return pr.Sprintf("%d", x)
	case *int64:
		if x == nil {
			return ""
		}
		return pr.Sprintf("%d", *x)
	case float64:
		return pr.Sprint(x)
	}
	return fmt.Sprint(v)
}

// fmtDecimal writes a value stored as text (strconv's 'f' or 'g' form,
// "6.91006e+06") in the reader's language, with the digits it was stored
// with and no more; text that is not a finite number stays as it is.
func fmtDecimal(lang, s string) string {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return s
	}
	plain := strconv.FormatFloat(f, 'f', -1, 64)
	decimals := 0
	if i := strings.IndexByte(plain, '.'); i >= 0 {
		decimals = len(plain) - i - 1
	}
	return numPrinter(lang).Sprintf("%.*f", decimals, f)
}

// Num writes a number in the page's language (fmtNum).
func (p *Page) Num(v any) string { return fmtNum(p.Lang, v) }
