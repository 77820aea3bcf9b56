package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// TestNumbersFollowCLDR: the locales of Amparo's Spanish-speaking readers
// (CLDR es-419, es-MX, es-GT, es-HN, es-SV, es-US: decimal ".", group ",")
// write numbers as the pages' one function does, in both languages; Spain's
// convention (es) is the one the pages must not use.
func TestNumbersFollowCLDR(t *testing.T) {
	for _, loc := range []string{"es-419", "es-MX", "es-GT", "es-HN", "es-SV", "es-US"} {
		if got := message.NewPrinter(language.MustParse(loc)).Sprintf("%.1f", 12345.67); got != "12,345.7" {
			t.Errorf("%s writes 12345.67 as %q; CLDR gives it decimal \".\" and group \",\"", loc, got)
		}
	}
	if got := message.NewPrinter(language.Spanish).Sprintf("%.1f", 12345.67); got != "12.345,7" {
		t.Errorf("Spain's Spanish writes %q: the test no longer tells the conventions apart", got)
	}
	for _, tc := range []struct {
		lang string
		v    any
		want string
	}{
		{"es", int64(1234567), "1,234,567"},
		{"en", int64(1234567), "1,234,567"},
		{"es", 1234, "1,234"}, // es-419 groups from 4 digits (minimumGroupingDigits 1)
		{"es", int64(-2500), "-2,500"},
		{"es", (*int64)(nil), ""},
		{"xx", int64(1000), "1,000"},
	} {
		if got := fmtNum(tc.lang, tc.v); got != tc.want {
			t.Errorf("fmtNum(%s, %v) = %q, want %q", tc.lang, tc.v, got, tc.want)
		}
	}
	for lang, want := range map[string]string{"es": "29.5", "en": "29.5"} {
		if got := numPrinter(lang).Sprintf("%.1f", 29.5); got != want {
			t.Errorf("numPrinter(%s) writes 29.5 as %q", lang, got)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"6.91006e+06", "6,910,060"}, {"-1.12161", "-1.12161"}, {"12345.5", "12,345.5"}, {"31", "31"},
		{"0.000123", "0.000123"}, {"@aid.x.true", "@aid.x.true"}, {"NaN", "NaN"},
	} {
		for _, lang := range []string{"es", "en"} {
			if got := fmtDecimal(lang, tc.in); got != tc.want {
				t.Errorf("fmtDecimal(%s, %q) = %q, want %q", lang, tc.in, got, tc.want)
			}
		}
	}
	if numLocale("es") != "es-419" || numLocale("en") != "en-US" {
		t.Errorf("chart locales %q, %q", numLocale("es"), numLocale("en"))
	}
}

// TestNumbersOnPagesOneConvention: an aid amount and an indicator's values
// are written the same way on the aid scorecard and on the indicator page,
// in Spanish as in English; the charts in the browser are told the same
// locale; the CSV keeps the machine form.
func TestNumbersOnPagesOneConvention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		csv := "country_iso3,indicator,period,value,unit,source\nGTM,homicide_rate,2014,12345.6,per 100k,test\nGTM,homicide_rate,2015,29.5,per 100k,test\n"
		if _, err := indicators.New(db).Import(auth.OperatorContext(context.Background(), "test"), indicators.Options{Name: "t.csv", Reader: strings.NewReader(csv)}); err != nil {
			t.Fatal(err)
		}
		env := newTestEnv(t, db)
		resp, b := env.do(t, "POST", "/api/v1/aid/packages", env.tokens[auth.RoleAidOfficer],
			`{"title":"Test","donor":"Test donor","recipient":"GTM","fiscal_year":2016,"amount":1234567,"currency":"USD","legal_basis":"Test act","citation":"test"}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("package: %d %s", resp.StatusCode, b)
		}
		var p map[string]any
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		resp, b = env.do(t, "POST", fmt.Sprintf("/api/v1/aid/packages/%v/tranches", p["id"]), env.tokens[auth.RoleAidOfficer], `{"label":"first","amount":250000,"due_date":"2099-09-30"}`)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("tranche: %d %s", resp.StatusCode, b)
		}
		var tr map[string]any
		if err := json.Unmarshal(b, &tr); err != nil {
			t.Fatal(err)
		}
		// An evaluation whose explanation carries the value the rule read
		// (stored as "12345.6"): the pages write it as their tables do.
		tpath := fmt.Sprintf("/api/v1/aid/tranches/%v", tr["id"])
		for _, c := range []struct{ path, body string }{
			{tpath + "/conditions", `{"wording":"w","kind":"indicator_threshold","rule":"series(\"homicide_rate\").at(2014) > 10.0"}`},
			{tpath + "/evaluations", `{"as_of":"2016-06-01"}`},
		} {
			if resp, b := env.do(t, "POST", c.path, env.tokens[auth.RoleAidOfficer], c.body); resp.StatusCode != http.StatusCreated {
				t.Fatalf("%s: %d %s", c.path, resp.StatusCode, b)
			}
		}
		for _, lang := range []string{"es", "en"} {
			page := getLang(t, env.ts.URL+"/scorecard/GTM", lang)
			for _, want := range []string{"1,234,567 USD", ">250,000<", "first: 250,000 ", ").at(2014) = 12,345.6"} {
				if !strings.Contains(page, want) {
					t.Errorf("%s: the scorecard lacks %q", lang, want)
				}
			}
			if strings.Contains(page, "1.234.567") || strings.Contains(page, "250.000") {
				t.Errorf("%s: the scorecard writes an amount in Spain's convention", lang)
			}
			ind := getLang(t, env.ts.URL+"/indicators/indicators/homicide_rate", lang)
			for _, want := range []string{">12,346<", ">29.5<", `data-num-locale="` + numLocale(lang) + `"`} {
				if !strings.Contains(ind, want) {
					t.Errorf("%s: indicator page lacks %q", lang, want)
				}
			}
			for _, bad := range []string{"12.346", "29,5"} {
				if strings.Contains(ind, bad) {
					t.Errorf("%s: indicator page writes %q (Spain's convention)", lang, bad)
				}
			}
		}
		req, _ := http.NewRequest("GET", env.ts.URL+"/indicators/data.csv?indicator=homicide_rate", nil)
		req.AddCookie(&http.Cookie{Name: "lang", Value: "es"})
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if csvBody := readAll(t, r); !strings.Contains(csvBody, "12345.6") {
			t.Errorf("the CSV read in Spanish does not keep the machine form: %s", csvBody)
		}
	})
}

// TestMessagesWriteNumbersOneWay: a number written inside a message (an
// indicator's name, a unit's range) is written in Spanish as the pages
// write numbers, the es-419 way: "Pobreza con 3,65 dólares al día" and
// "de -2,5 a 2,5" were Spain's decimal comma among tables that read
// "25.9" and "-0.24".
func TestMessagesWriteNumbersOneWay(t *testing.T) {
	cats, err := loadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	decimal := regexp.MustCompile(`\d+\.\d+`)
	spainDecimal := regexp.MustCompile(`\d,\d{1,2}\b|\d,\d{4,}\b|\d{1,3}(\.\d{3})+\b`)
	for k, es := range cats["es"] {
		if m := spainDecimal.FindString(es); m != "" {
			t.Errorf("%s: Spanish writes %q in Spain's convention: %q", k, m, es)
		}
		for _, n := range decimal.FindAllString(cats["en"][k], -1) {
			if !strings.Contains(es, n) {
				t.Errorf("%s: English writes %s, Spanish does not: %q", k, n, es)
			}
		}
	}
}
