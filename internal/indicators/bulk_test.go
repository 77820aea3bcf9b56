package indicators

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// orphanValues counts stored values whose country, indicator, source or
// run is missing: what ind_values' foreign keys refused before migration
// 00301 and the importer now guarantees itself.
func orphanValues(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM ind_values v
		WHERE NOT EXISTS (SELECT 1 FROM ind_countries c WHERE c.code = v.country)
		   OR NOT EXISTS (SELECT 1 FROM ind_indicators i WHERE i.code = v.indicator)
		   OR NOT EXISTS (SELECT 1 FROM ind_sources s WHERE s.id = v.source_id)
		   OR NOT EXISTS (SELECT 1 FROM ind_import_runs r WHERE r.id = v.run_id)`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportLeavesNoOrphans: every value an import stores, in bulk (a
// source's first import, COPY on PostgreSQL) or one by one (a re-import),
// has its country, indicator, source and run stored beside it.
func TestImportLeavesNoOrphans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var b bytes.Buffer
		if err := writeWDI(&b, wdiShape{economies: 12, indicators: 40, firstYear: 1990, years: 30, fill: 0.6}, 5); err != nil {
			t.Fatal(err)
		}
		rep, err := New(db).Import(opCtx(), Options{Name: "API_orphans.csv", Reader: bytes.NewReader(b.Bytes()), AllCountries: true})
		if err != nil {
			t.Fatalf("%v %v", err, rep.Errors)
		}
		// The bulk statement writes the run, source and time into itself.
		var n int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM ind_values v JOIN ind_import_runs r ON r.id = v.run_id
			WHERE v.run_id = ? AND v.source_id = r.source_id AND v.updated_at >= r.started_at AND v.updated_at <= r.finished_at`, rep.RunID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if int64(n) != rep.Inserted || rep.Inserted < 2*sqliteBulkRows {
			t.Errorf("%d of %d values carry their run, source and a time within the run", n, rep.Inserted)
		}
		// A second source, then a re-import of it that adds and changes values.
		v1 := "country_iso3,indicator,period,value,unit,source\nGTM,homicide_rate,2020,15.3,per 100k,test\n"
		v2 := v1[:len(v1)-len("GTM,homicide_rate,2020,15.3,per 100k,test\n")] +
			"GTM,homicide_rate,2020,15.8,per 100k,test\nGTM,new_indicator_x,2021,2,count,test\n"
		for _, data := range []string{v1, v2} {
			if _, err := importBytes(t, db, "", "a.csv", []byte(data)); err != nil {
				t.Fatal(err)
			}
		}
		if n := countValues(t, db); int64(n) != rep.Inserted+2 {
			t.Fatalf("%d values stored, want %d", n, rep.Inserted+2)
		}
		if n := orphanValues(t, db); n != 0 {
			t.Errorf("%d values without their country, indicator, source or run", n)
		}
	})
}

// TestCopyIsOneTransaction: on PostgreSQL the values go through COPY on
// the import's own connection; a file refused after values were copied
// leaves nothing (neither values nor the run), and the values of an
// accepted one are read back exactly.
func TestCopyIsOneTransaction(t *testing.T) {
	db := storetest.OpenPostgres(t)
	var b bytes.Buffer
	if err := writeWDI(&b, wdiShape{economies: 8, indicators: 60, firstYear: 1990, years: 30, fill: 1}, 9); err != nil {
		t.Fatal(err)
	}
	good := b.Bytes()
	// A bad cell on the last row: several batches have been copied by then.
	i := bytes.LastIndex(good, []byte(`,"SYN.IND.0059","`)) + len(`,"SYN.IND.0059","`)
	bad := append(append(append([]byte{}, good[:i]...), 'x'), good[i:]...)
	_, err := New(db).Import(opCtx(), Options{Name: "API_bad.csv", Reader: bytes.NewReader(bad), AllCountries: true})
	if !errors.Is(err, ErrInvalidFile) {
		t.Fatalf("bad file: %v", err)
	}
	var runs int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM ind_import_runs`).Scan(&runs); err != nil {
		t.Fatal(err)
	}
	if n := countValues(t, db); n != 0 || runs != 0 {
		t.Fatalf("refused file left %d values and %d runs", n, runs)
	}
	rep, err := New(db).Import(opCtx(), Options{Name: "API_good.csv", Reader: bytes.NewReader(good), AllCountries: true})
	if err != nil || rep.Inserted != 8*60*30 || rep.Inserted < postgresBulkRows {
		t.Fatalf("good file: %v, %d inserted", err, rep.Inserted)
	}
	// One value as written in the file, read back through the service.
	list, err := New(db).LoadSeries(opCtx(), SeriesFilter{Country: FocusCountries[0], Indicator: "wdi_syn_ind_0007"})
	if err != nil || len(list) != 1 || len(list[0].Points) != 30 {
		t.Fatalf("series: %v %d", err, len(list))
	}
	p := list[0].Points[3]
	line := string(good[bytes.Index(good, []byte(`"`+FocusCountries[0]+`","Synthetic indicator 7 `)):])
	line = line[:strings.IndexByte(line, '\n')]
	cells := strings.Split(line, ",")
	if want := strings.Trim(cells[3+3], `"`); p.Period != "1993" || p.Text != want || fmt.Sprintf("%.4f", *p.Value) != want {
		t.Errorf("1993: %s %q %v, want %s", p.Period, p.Text, *p.Value, want)
	}
}

// TestMigration00301KeepsData: the migration that drops ind_values'
// foreign keys keeps every value, id and revision, on both engines: the
// data is written under the old schema (00301 undone), then 00301 is
// applied again.
func TestMigration00301KeepsData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		up, down := migration00301(t, db.Dialect)
		execScript(t, db, down)
		if got := foreignKeys(t, db); got != 4 {
			t.Fatalf("before: %d foreign keys on ind_values, want 4", got)
		}
		v1 := "country_iso3,indicator,period,value,unit,source\nGTM,homicide_rate,2020,15.3,per 100k,test\nHND,homicide_rate,2020,38.9,per 100k,test\n"
		v2 := strings.Replace(v1, "15.3", "15.8", 1)
		for _, data := range []string{v1, v2} {
			if _, err := importBytes(t, db, "", "a.csv", []byte(data)); err != nil {
				t.Fatal(err)
			}
		}
		dump := func() string {
			rows, err := db.Query(ctx, `SELECT v.id, v.country, v.indicator, v.period, v.value, v.value_text, v.source_id, v.run_id, v.updated_at,
				r.id, r.old_value, r.new_value FROM ind_values v LEFT JOIN ind_revisions r ON r.value_id = v.id ORDER BY v.id`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var b strings.Builder
			for rows.Next() {
				var a [12]any
				ptrs := make([]any, len(a))
				for i := range a {
					ptrs[i] = &a[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				fmt.Fprintln(&b, a[:]...)
			}
			return b.String()
		}
		before := dump()
		if strings.Count(before, "\n") != 2 || !strings.Contains(before, "15.3") {
			t.Fatalf("before: %s", before)
		}
		execScript(t, db, up)
		if got := foreignKeys(t, db); got != 0 {
			t.Errorf("after: %d foreign keys on ind_values, want 0", got)
		}
		if after := dump(); after != before {
			t.Errorf("after the migration:\n%s\nbefore:\n%s", after, before)
		}
		// New ids continue after the kept ones.
		if _, err := importBytes(t, db, "", "b.csv", []byte("country_iso3,indicator,period,value,unit,source\nSLV,homicide_rate,2020,7.8,per 100k,test\n")); err != nil {
			t.Fatal(err)
		}
		var maxID int64
		if err := db.QueryRow(ctx, `SELECT MAX(id) FROM ind_values`).Scan(&maxID); err != nil || maxID != 3 {
			t.Errorf("new value's id %d (%v), want 3", maxID, err)
		}
	})
}

// migration00301 returns the Up and Down parts of migration 00301 for d,
// with the migrations' tokens expanded.
func migration00301(t *testing.T, d store.Dialect) (up, down string) {
	t.Helper()
	b, err := os.ReadFile("../store/migrations/00301_indicators_values_nofk." + d.String() + ".sql")
	if err != nil {
		t.Fatal(err)
	}
	id, float := "INTEGER PRIMARY KEY AUTOINCREMENT", "REAL"
	if d == store.Postgres {
		id, float = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "DOUBLE PRECISION"
	}
	s := strings.NewReplacer("{{ID}}", id, "{{FLOAT}}", float).Replace(string(b))
	up, down, ok := strings.Cut(s, "-- +goose Down")
	if !ok {
		t.Fatal("no Down section")
	}
	return up, down
}

// execScript runs a migration's statements (each ends a line with ';')
// in one transaction.
func execScript(t *testing.T, db *store.DB, script string) {
	t.Helper()
	err := db.WithTx(context.Background(), func(ctx context.Context) error {
		for _, st := range strings.SplitAfter(script, ";\n") {
			var lines []string
			for _, l := range strings.Split(st, "\n") {
				if !strings.HasPrefix(strings.TrimSpace(l), "--") {
					lines = append(lines, l)
				}
			}
			if q := strings.TrimSpace(strings.Join(lines, "\n")); q != "" {
				if _, err := db.Exec(ctx, q); err != nil {
					return fmt.Errorf("%s: %w", q, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func foreignKeys(t *testing.T, db *store.DB) int {
	t.Helper()
	q := `SELECT COUNT(*) FROM pragma_foreign_key_list('ind_values')`
	if db.Dialect == store.Postgres {
		q = `SELECT COUNT(*) FROM pg_constraint WHERE conrelid = 'ind_values'::regclass AND contype = 'f'`
	}
	var n int
	if err := db.QueryRow(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
