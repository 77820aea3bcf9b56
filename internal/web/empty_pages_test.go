package web

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestEmptyPagesSayEmpty: on a new installation, with nothing recorded,
// every page each role reaches from its navigation answers 200 in English
// and Spanish, and no table is bare headers: a table with no rows says
// that there is nothing (a row of its own), so that "none" is not mistaken
// for "not loaded". No page shows a template's "<no value>" or a number
// that is not one.
func TestEmptyPagesSayEmpty(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	table := regexp.MustCompile(`(?s)<table[^>]*>.*?</table>`)
	tbody := regexp.MustCompile(`(?s)<tbody[^>]*>(.*?)</tbody>`)
	id := regexp.MustCompile(`^<table[^>]*?(?:id|class)="([^"]*)"`)
	// Pages linked from others, not from the navigation: a role that may
	// not see one is answered 403, and that is all to check there.
	more := []string{"/cases/new", "/sponsors/flagged", "/indicators/flows", "/indicators/projections", "/indicators/projections.csv",
		"/indicators/sources", "/indicators/forecast", "/legal/providers", "/aid/facts", "/tracing/new",
		"/tracing/search", "/tracing/duplicates", "/account"}
	for _, role := range auth.Roles {
		pages := more
		for _, item := range navItems {
			if item.Perm == auth.Anyone || auth.Allowed(role, item.Perm) {
				pages = append(pages, item.Href)
			}
		}
		for _, page := range pages {
			for _, lang := range []string{"en", "es"} {
				status, body := env.getAs(t, env.tokens[role], lang, page)
				if status == http.StatusForbidden && slices.Contains(more, page) {
					continue
				}
				if status != http.StatusOK {
					t.Errorf("%s %s %s: %d", role, lang, page, status)
					continue
				}
				for _, bad := range []string{"&lt;no value&gt;", "<no value>", ">NaN<", "Infinity"} {
					if strings.Contains(body, bad) {
						t.Errorf("%s %s %s shows %q", role, lang, page, bad)
					}
				}
				for _, tb := range table.FindAllString(body, -1) {
					rows := tbody.FindStringSubmatch(tb)
					if rows != nil && !strings.Contains(rows[1], "<tr") {
						name := "a table"
						if m := id.FindStringSubmatch(tb); m != nil {
							name = m[1]
						}
						t.Errorf("%s %s %s: %s has no rows and does not say it is empty", role, lang, page, name)
					}
				}
			}
		}
	}
}
