package custody

import (
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/auth/authtest"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// FuzzImportCases: whatever the file, an import never panics and never
// fails but for a reason the caller can fix (a validation error); it
// reports at most MaxImportErrors problems, and an aborted import imports
// nothing. (On SQLite: a fuzzing run per engine would mostly measure the
// server; TestImportAllOrNothing runs the seeds' cases on both.)
func FuzzImportCases(f *testing.F) {
	head := "given_names,surname1,encountered_at,siblings,languages,sex,birth_date\n"
	ok := "Ana,Tiul,2026-03-01T09:00Z,,Spanish;K'iche',F,2012-01-01\n"
	for _, seed := range []string{
		"", head, head + ok, head + ok + "Luis,\"Pérez,2026-03-01T09:00Z,,,,\n" + ok,
		head + "Luis,Pé\"rez\",2026-03-01T09:00Z,,,,\n", head + "\"Luis\"x,Pérez,2026-03-01T09:00Z,,,,\n",
		"\"given_names\n", "\ufeff" + head + ok, head + "Nul\x00,Row,2026-03-01T09:00Z,,,,\n", head + "Bad,\xff\xfe,2026-03-01T09:00Z,,,,\n",
		head + "Ghost,Sibling,2026-03-01T09:00Z,99999,,,\n", head + "Self,Sib,2026-03-01T09:00Z,1;1;2;#3,,,\n",
		head + "short,row\n", "unknown_column\nx\n", head + strings.Repeat("No,Time,,,,,\n", 50),
		head + "A,B,2026-03-01T09:00Z,," + strings.Repeat("l;", 40) + ",,\n",
	} {
		f.Add(seed)
	}
	db := storetest.OpenSQLite(f)
	ctx, _ := authtest.User(f, db, "admin@example.org", auth.RoleAdmin)
	s := New(db, facilities.New(db, nil), nil)
	f.Fuzz(func(t *testing.T, file string) {
		res, err := s.ImportCases(ctx, strings.NewReader(file), nil)
		if err != nil {
			if !errs.IsValidation(err) {
				t.Fatalf("%q: %v", file, err)
			}
			return
		}
		if len(res.Errors) > MaxImportErrors || res.Imported < 0 || res.Rejected < 0 {
			t.Fatalf("%q: %+v", file, res)
		}
		if res.Aborted != "" && res.Imported != 0 {
			t.Fatalf("%q: aborted but %d imported", file, res.Imported)
		}
	})
}
