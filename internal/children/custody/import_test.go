package custody

import (
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func TestImportCases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		intake, _ := f.user("intake@example.org", auth.RoleIntake)
		csv := "\ufeffgiven_names,surname1,surname2,sex,birth_date,nationality,languages,interpreter_needed,encountered_at,separated,siblings\n" +
			"Ana,Tiul,Caal,F,2012-03-04,Guatemala,Spanish;Q'eqchi',yes,2026-03-01T05:00:00-06:00,no,\n" + // line 2: valid
			"Luis,Pérez,,M,,Mexico,Spanish,,2026-03-01T09:00Z,,\n" + // line 3: valid, birth date unknown
			"Bad,Sex,,X,2012-01-01,Honduras,,,2026-03-01T09:00Z,,\n" + // line 4: sex
			"No,Time,,F,2012-01-01,Honduras,,,,maybe,\n" + // line 5: encountered_at and separated
			"Old,Man,,M,1990-01-01,Honduras,,,2026-03-01T09:00Z,,\n" + // line 6: adult
			"Zone,Less,,M,2012-01-01,Honduras,,,2026-03-01 09:00,,\n" + // line 7: no offset
			"Ghost,Sibling,,M,2012-01-01,Honduras,,,2026-03-01T09:00Z,,99999\n" + // line 8: sibling missing
			"short,row\n" // line 9: wrong number of cells
		res, err := f.s.ImportCases(intake, strings.NewReader(csv), nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Imported != 2 || res.Rejected != 6 {
			t.Errorf("imported %d rejected %d, want 2 and 6: %+v", res.Imported, res.Rejected, res.Errors)
		}
		want := map[int]string{4: "sex", 5: "encountered_at", 6: "birth_date", 7: "encountered_at", 8: "siblings", 9: ""}
		got := map[int]bool{}
		for _, e := range res.Errors {
			if field, ok := want[e.Line]; ok && field == e.Field {
				got[e.Line] = true
			}
			if e.Problem == "" {
				t.Errorf("error without a problem: %+v", e)
			}
		}
		for line, field := range want {
			if !got[line] {
				t.Errorf("no error for line %d field %q in %+v", line, field, res.Errors)
			}
		}
		found, err := f.s.Search(intake, SearchQuery{Q: "tiul"})
		if err != nil || len(found) != 1 {
			t.Fatalf("imported case not found by its importer: %v %v", found, err)
		}
		v, err := f.s.GetCase(intake, found[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Case.InterpreterNeeded == nil || !*v.Case.InterpreterNeeded || len(v.Case.Languages) != 2 || v.Case.Separated == nil || *v.Case.Separated {
			t.Errorf("imported fields: %+v", v.Case)
		}
		if got := v.Case.EncounteredAt.Format("15:04"); got != "11:00" {
			t.Errorf("encounter stored as %s UTC, want 14:00", got)
		}
	})
	t.Run("unknown column rejects the file", func(t *testing.T) {
		db := storetest.OpenSQLite(t)
		f := newFixture(t, db)
		intake, _ := f.user("intake@example.org", auth.RoleIntake)
		res, err := f.s.ImportCases(intake, strings.NewReader("name,encountered_at\nAna,2026-03-01T09:00Z\n"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Imported != 0 || len(res.Errors) != 1 || res.Errors[0].Line != 1 || res.Errors[0].Field != "name" {
			t.Errorf("%+v", res)
		}
	})
	// A file saved as UTF-16, or with ';' or tabs between columns, is named
	// as such in one error, not as every column unknown in garbled bytes.
	t.Run("header in the wrong form", func(t *testing.T) {
		db := storetest.OpenSQLite(t)
		f := newFixture(t, db)
		intake, _ := f.user("intake@example.org", auth.RoleIntake)
		utf16 := "\xff\xfe"
		for _, r := range "given_names,encountered_at\nAna,2026-03-01T09:00Z\n" {
			utf16 += string([]byte{byte(r), 0})
		}
		for name, c := range map[string]struct{ file, want string }{
			"UTF-16 with BOM": {utf16, "UTF-16"},
			"Latin-1 header":  {"given_names,encountered_at,lugar_de_detenci\xf3n\nAna,2026-03-01T09:00Z,x\n", "not UTF-8"},
			"semicolons":      {"given_names;encountered_at\nAna;2026-03-01T09:00Z\n", "separated by ';'"},
			"tabs":            {"given_names\tencountered_at\nAna\t2026-03-01T09:00Z\n", "separated by tabs"},
		} {
			res, err := f.s.ImportCases(intake, strings.NewReader(c.file), nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Imported != 0 || len(res.Errors) != 1 || res.Errors[0].Line != 1 || !strings.Contains(res.Errors[0].Problem, c.want) {
				t.Errorf("%s: %+v, want one error saying %q", name, res, c.want)
			}
		}
	})
}

// The columns tracing compares are read when present; files without them
// still import (above).
func TestImportIdentityColumns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		intake, _ := f.user("intake@example.org", auth.RoleIntake)
		csv := "given_names,surname1,encountered_at,birth_place,mother_name,father_name\n" +
			"Ana,Tiul,2026-03-01T09:00Z,Cobán,Rosa Caal Tiul,Juan Tiul Xol\n"
		res, err := f.s.ImportCases(intake, strings.NewReader(csv), nil)
		if err != nil || res.Imported != 1 {
			t.Fatalf("imported %v, %v", res, err)
		}
		var place, mother, father string
		if err := db.QueryRow(intake, `SELECT birth_place, mother_name, father_name FROM cases`).Scan(&place, &mother, &father); err != nil {
			t.Fatal(err)
		}
		if place != "Cobán" || mother != "Rosa Caal Tiul" || father != "Juan Tiul Xol" {
			t.Errorf("stored %q, %q, %q", place, mother, father)
		}
	})
}

// Issue 15: a quote left open panicked (FieldPos after a read error) with
// the rows before it committed; the error list had no bound.
func TestImportAllOrNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		head := "given_names,surname1,encountered_at,siblings\n"
		rows := strings.Repeat("Ana,Tiul,2026-03-01T09:00Z,\n", 600)
		for _, bad := range []string{"Luis,\"Pérez,2026-03-01T09:00Z,\n", "Luis,Pé\"rez\",2026-03-01T09:00Z,\n", "\"Luis\"x,Pérez,2026-03-01T09:00Z,\n"} {
			res, err := f.s.ImportCases(admin, strings.NewReader(head+rows+bad+rows), nil)
			if err != nil {
				t.Fatalf("%q: %v", bad, err)
			}
			if res.Imported != 0 || res.Aborted == "" || len(res.Errors) != 1 || res.Errors[0].Line != 602 {
				t.Errorf("%q: %+v", bad, res)
			}
			if found, _ := f.s.Search(admin, SearchQuery{Q: "tiul"}); len(found) != 0 {
				t.Errorf("%q: an aborted import committed %d cases", bad, len(found))
			}
		}
		if _, err := f.s.ImportCases(admin, strings.NewReader(""), nil); !errs.IsValidation(err) {
			t.Errorf("empty file: %v", err)
		}
		if res, err := f.s.ImportCases(admin, strings.NewReader("\"given_names\n"), nil); err != nil || res.Aborted == "" {
			t.Errorf("open quote in the header: %+v %v", res, err)
		}
		// Valid rows are imported and invalid ones reported, the list cut.
		ok := "Ana,Tiul,2026-03-01T09:00Z,\n"
		bad := "No,Time,,\n"
		ghost := "Ghost,Sibling,2026-03-01T09:00Z,99999\n"
		res, err := f.s.ImportCases(admin, strings.NewReader(head+ok+ghost+strings.Repeat(bad, 2500)+ok), nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Imported != 2 || res.Rejected != 2501 || len(res.Errors) != MaxImportErrors || res.ErrorsOmitted != 1501 ||
			res.Errors[0].Line != 3 || res.Errors[0].Field != "siblings" || res.Errors[1].Line != 4 {
			t.Errorf("imported %d rejected %d errors %d omitted %d first %+v", res.Imported, res.Rejected, len(res.Errors), res.ErrorsOmitted, res.Errors[:2])
		}
		if found, _ := f.s.Search(admin, SearchQuery{Q: "ghost"}); len(found) != 0 {
			t.Errorf("a row naming a missing sibling was imported")
		}
		// Text neither engine can store alike is a row's problem, not a 500.
		res, err = f.s.ImportCases(admin, strings.NewReader(head+"Nul\x00,Row,2026-03-01T09:00Z,\nBad,\xff\xfe,2026-03-01T09:00Z,\n"+ok), nil)
		if err != nil || res.Imported != 1 || res.Rejected != 2 {
			t.Errorf("NUL and bad UTF-8 cells: %+v %v", res, err)
		}
	})
}
