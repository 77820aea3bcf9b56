package web

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

var tocLink = regexp.MustCompile(`<a href="#([a-z-]+)">`)

// TestCaseTableOfContents: every section the case page's table of
// contents names is on the page, and the ranked facilities are folded
// away behind a <details>, closed.
func TestCaseTableOfContents(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	caseID, _ := cwPlaced(t, env, "Casa Alba")
	for _, role := range []auth.Role{auth.RoleAdmin, auth.RoleCaseworker, auth.RoleSupervisor} {
		resp, b := env.do(t, "GET", fmt.Sprintf("/cases/%d", caseID), env.tokens[role], "")
		page := string(b)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", role, resp.StatusCode)
		}
		i := strings.Index(page, `id="case-toc"`)
		if i < 0 {
			t.Fatalf("%s: no table of contents", role)
		}
		toc := page[i:]
		toc = toc[:strings.Index(toc, "</nav>")]
		links := tocLink.FindAllStringSubmatch(toc, -1)
		if len(links) < 7 {
			t.Errorf("%s: %d sections listed", role, len(links))
		}
		for _, m := range links {
			if !strings.Contains(page, `id="`+m[1]+`"`) {
				t.Errorf("%s: the contents link to #%s, which is not on the page", role, m[1])
			}
		}
	}
	page := env.page(t, fmt.Sprintf("/cases/%d", caseID))
	if !strings.Contains(page, `<details id="placement-options"><summary>Show all 1 ranked facilities</summary>`) || !strings.Contains(page, `id="placement-first"`) {
		t.Errorf("the ranked facilities are not folded away")
	}
}
