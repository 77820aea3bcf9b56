package web

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// msgVerb is a verb of a message format.
var msgVerb = regexp.MustCompile(`%(\.0f|[dsqv])`)

// TestMessageCountsWrittenAsThePage: every message format that places a
// number is rendered with 12345 in each number's place, in English and
// Spanish: a quantity reads "12,345" (the pages' convention, numbers.go),
// a record number or a year (writtenAsIs) "12345". Counts of 1,000 or more
// were written "12345" inside messages.
func TestMessageCountsWrittenAsThePage(t *testing.T) {
	k := noteKit(t)
	walked := 0
	for key, en := range k.msgs["en"] {
		verbs := msgVerb.FindAllStringSubmatch(strings.ReplaceAll(en, "%%", ""), -1)
		var args []any
		quantities, asIs := 0, 0
		for i, v := range verbs {
			switch v[1] {
			case "d", "v":
				args = append(args, 12345)
			case ".0f":
				args = append(args, 12345.0)
			default:
				args = append(args, "x")
				continue
			}
			if slices.Contains(writtenAsIs[key], i) {
				asIs++
			} else {
				quantities++
			}
		}
		if quantities+asIs == 0 {
			continue
		}
		walked++
		for _, lang := range []string{"en", "es"} {
			got := k.translate(lang, key, args...)
			if n := strings.Count(got, "12,345"); n != quantities {
				t.Errorf("%s, %s: %q writes %d of its %d quantities as 12,345", key, lang, got, n, quantities)
			}
			if n := strings.Count(got, "12345"); n != asIs {
				t.Errorf("%s, %s: %q writes %d of its %d record numbers and years as 12345", key, lang, got, n, asIs)
			}
		}
	}
	if walked < 100 {
		t.Errorf("only %d formats with numbers walked", walked)
	}
}

// TestRecordNumbersNamed: a number that follows the name of a record
// ("case %d", "decision %d", "request #%d") or is a year ("FY%d") is
// listed in writtenAsIs, and each entry of writtenAsIs names a message
// and a number in it.
func TestRecordNumbersNamed(t *testing.T) {
	k := noteKit(t)
	record := regexp.MustCompile(`(?i)\b(case|decision|evaluation|evidence|fact|account|tranche|release|request|referral|escalation|provider|candidate|link|sponsor|record|FY|10\^)\s*[#(]?$`)
	for key, en := range k.msgs["en"] {
		plain := strings.ReplaceAll(en, "%%", "")
		for i, loc := range msgVerb.FindAllStringSubmatchIndex(plain, -1) {
			if v := plain[loc[2]:loc[3]]; v != "d" {
				continue
			}
			before := plain[:loc[0]]
			if m := record.FindString(before); m != "" && !slices.Contains(writtenAsIs[key], i) {
				t.Errorf("%s: the number after %q is a record's number or a year, not in writtenAsIs: %q", key, strings.TrimSpace(m), en)
			}
		}
	}
	for key, places := range writtenAsIs {
		en, ok := k.msgs["en"][key]
		verbs := msgVerb.FindAllStringSubmatch(strings.ReplaceAll(en, "%%", ""), -1)
		for _, i := range places {
			if !ok || i >= len(verbs) || verbs[i][1] != "d" {
				t.Errorf("writtenAsIs: %s has no number at %d: %q", key, i, en)
			}
		}
	}
}

// TestNoteCountsWrittenAsThePage: a note an importer wrote carries its
// numbers as stored ("12345"); pages in either language write them as
// they write numbers, and a year as it is.
func TestNoteCountsWrittenAsThePage(t *testing.T) {
	k := noteKit(t)
	for _, c := range []struct{ lang, note, want string }{
		{"en", "the months add up to 12345, not 12000", "the months add up to 12,345, not 12,000"},
		{"es", "the months add up to 12345, not 12000", "los meses suman 12,345, no 12,000"},
		{"en", "FY2016 has 11 month(s) in the file: no fiscal-year total stored", "FY2016 has 11 month(s) in the file: no fiscal-year total stored"},
	} {
		if got := k.noteText(c.lang, c.note); got != c.want {
			t.Errorf("%s: %q reads %q, want %q", c.lang, c.note, got, c.want)
		}
	}
}

// TestPageCountsGrouped: counts the facility pages and the evidence lists
// show outside messages (beds, children in care, a document's bytes) are
// written as the page writes numbers: a facility of 12,345 beds read
// "12345".
func TestPageCountsGrouped(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	fac := env.call(t, "POST", "/api/v1/facilities", auth.RoleAdmin, `{"name":"Big","type":"influx","tz":"America/Chicago","beds":[{"sex":"F","age_band":"13-17","capacity":12345}]}`, 201)
	doc := "%PDF-1.4\n" + strings.Repeat("x", 12345-9)
	env.call(t, "POST", "/api/v1/aid/evidence", auth.RoleCivilSociety, fmt.Sprintf(`{"country":"GTM","stance":"supports","title":"Report","summary":"Counts.","doc_name":"r.pdf","document":%q}`, base64.StdEncoding.EncodeToString([]byte(doc))), 201)
	for _, c := range []struct {
		path string
		role auth.Role
		want string
	}{
		{"/facilities", auth.RoleAdmin, "<strong>12,345</strong>"},
		{fmt.Sprintf("/facilities/%d", int64(fac["id"].(float64))), auth.RoleAdmin, "<strong>12,345</strong>"},
		{"/aid/evidence/new", auth.RoleCivilSociety, "12,345 B"},
		{"/aid/evidence/review", auth.RoleAidOfficer, "12,345 B"},
	} {
		for _, lang := range []string{"en", "es"} {
			_, b := env.do(t, "GET", c.path+"?lang="+lang, env.tokens[c.role], "")
			if page := string(b); !strings.Contains(page, c.want) || strings.Contains(page, ">12345<") || strings.Contains(page, "12345 B") {
				t.Errorf("%s, %s: the count is not written %q", c.path, lang, c.want)
			}
		}
	}
}
