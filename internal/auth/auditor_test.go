package auth

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// auditorPermissions is the auditor policy (issue 15 asked to decide it):
// the audit log and aggregate counts, nothing that shows a child's record.
// Children's data is the most sensitive here, so an oversight role gets
// the least that lets it oversee: who did what and when (the audit log)
// and the public aggregates. README.md says the same; the route×role test
// (web.TestEveryRouteEveryRole) holds every route to this table.
var auditorPermissions = []Permission{PermSelf, PermAuditRead, PermCaseStats}

func TestAuditorLeastPrivilege(t *testing.T) {
	var got []Permission
	for _, p := range Permissions() {
		if Allowed(RoleAuditor, p) {
			got = append(got, p)
		}
	}
	slices.Sort(got)
	want := slices.Clone(auditorPermissions)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("the auditor holds %v, the policy is %v", got, want)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(readme)), " ")
	if !strings.Contains(text, "`auditor` (the audit log and aggregate counts only") {
		t.Error("README.md does not describe the auditor as the audit log and aggregate counts only")
	}
	if strings.Contains(text, "read-only everything") {
		t.Error(`README.md still says the auditor reads "everything"`)
	}
}
