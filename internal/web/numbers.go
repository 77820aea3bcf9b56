package web

import (
	"fmt"
	"html/template"
	"math"
	"slices"
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

// A number placed in a message ("Imported: 12,345 activities", "Cases 1 to
// 50 of 12,345") is written the page's way too: translate passes each
// number it is given as a numArg. Record numbers and years are numbers
// but not quantities, and keep the form they are stored and searched in
// ("case 12345", "FY2016"): writtenAsIs names them, by message key and the
// place of the argument (from 0, in the English order the caller gives).
var writtenAsIs = map[string][]int{
	"aid.decide.confirm_title":                       {0},
	"aid.decide.on_evaluation":                       {0},
	"aid.evaluated":                                  {1},
	"aid.evidence.submitted":                         {0},
	"aid.facts.done":                                 {0},
	"aid.report.approved":                            {0},
	"aid.report.proposed":                            {0},
	"aid.report.title":                               {0},
	"aid.review.done":                                {0},
	"aid.msg.a_decision_on_tranche_n_already_awaits": {0},
	"aid.msg.decision_n_is_x_decisions_are_final":    {0},
	"aid.msg.evidence_n_is_already_x":                {0},
	"aid.msg.tranche_n_is_x_it_cannot_become":        {0},
	"aid.msg.tranche_n_is_x_its_conditions_can":      {0},
	"casework.case.review":                           {0},
	"casework.case.yours":                            {0},
	"casework.merge.intro":                           {0},
	"casework.tracing.request":                       {0},
	"children.msg.case_n_merged_into_this_case_x":    {0},
	"children.msg.release_services":                  {0},
	"indicators.note.wpp_projection_year":            {0, 2},
	"indicators.note.reason.fy_months_only":          {0},
	"indicators.note.reason.projections_after":       {0},
	"indicators.note.reason.units_published":         {1},
	"indicators.note.reason.units_multiplied":        {0},
	"legal.case_out_of_scope":                        {0},
	"legal.msg.referral_decided":                     {2},
	"legal.msg.case_n_already_has_a_x_referral":      {0, 2},
	"legal.msg.case_n_already_has_an_open_referral":  {0},
	"legal.msg.case_n_has_no_notice_to_appear":       {0},
	"legal.msg.case_n_has_no_relief_flag_to":         {0},
	"legal.msg.case_n_has_no_relief_flag_only":       {0},
	"legal.msg.case_n_has_not_been_released_follow":  {0},
	"legal.msg.case_not_repatriated":                 {0},
	"legal.msg.escalation_n_is_closed":               {0},
	"legal.msg.no_provider_n":                        {0},
	"legal.msg.referral_is":                          {0},
	"legal.msg.referred_to_x_for_counsel_referral_n": {1},
	"legal.msg.the_screening_of_case_n_was_saved":    {0},
	"tracing.dup.title":                              {0},
	"tracing.view.title":                             {0},
	"tracing.link.case":                              {0},
	"tracing.link.sponsor":                           {0},
	"tracing.case":                                   {0},
	"tracing.msg.candidate_was_already":              {0},
	"tracing.msg.request_is_closed":                  {0},
	"tracing.msg.candidate_decided_meanwhile":        {0},
	"tracing.msg.request_already_closed":             {0},
	"tracing.msg.link_already_sponsor":               {0, 1},
}

// numArg is a quantity placed in a message in lang.
type numArg struct {
	lang string
	v    any
}

// Format writes the number with the message's verb ("%d", "%.0f") the
// way lang writes numbers.
func (a numArg) Format(f fmt.State, verb rune) {
	fmt.Fprint(f, numPrinter(a.lang).Sprintf(fmt.FormatString(f, verb), a.v))
}

// msgArgs are args as the message key in lang places them: each quantity
// a numArg, the rest (words, record numbers, years) as given.
func msgArgs(lang, key string, args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = a
		switch a.(type) {
		case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
			if !slices.Contains(writtenAsIs[key], i) {
				out[i] = numArg{lang, a}
			}
		}
	}
	return out
}
