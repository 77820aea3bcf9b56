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
	var points int // a point whose series is missing is not in the view
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM ind_points p
		WHERE NOT EXISTS (SELECT 1 FROM ind_series s WHERE s.id = p.series_id)`).Scan(&points); err != nil {
		t.Fatal(err)
	}
	return n + points
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
		// The bulk statement writes the run into itself; the series carry
		// the source.
		var n int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM ind_values v JOIN ind_import_runs r ON r.id = v.run_id
			WHERE v.run_id = ? AND v.source_id = r.source_id`, rep.RunID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if int64(n) != rep.Inserted || rep.Inserted < 2*sqliteBulkRows {
			t.Errorf("%d of %d values carry their run and source", n, rep.Inserted)
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

// oldSchemaValues writes, with SQL, values under the schema of 00300
// (ind_values, one row a value, revisions by value id): two sources of
// one period, a monthly series with a citation and a note, a text value,
// and a value revised once.
func oldSchemaValues(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	if err := ensureCatalog(ctx, db); err != nil {
		t.Fatal(err)
	}
	stmts := []string{
		`INSERT INTO ind_sources (skey, publisher, title, url, retrieved, licence, priority) VALUES ('test-a', 'A', 'A', '', '', '', 10)`,
		`INSERT INTO ind_sources (skey, publisher, title, url, retrieved, licence, priority) VALUES ('test-b', 'B', 'B', '', '', '', 50)`,
		`INSERT INTO ind_import_runs (source_id, format, file_name, file_sha256, started_at, finished_at) VALUES (1, 'long-csv', 'a.csv', '', '2026-11-30T10:00:00.000000Z', '2026-11-30T10:00:01.000000Z')`,
		`INSERT INTO ind_import_runs (source_id, format, file_name, file_sha256, started_at, finished_at) VALUES (2, 'long-csv', 'b.csv', '', '2026-11-30T11:00:00.000000Z', '2026-11-30T11:00:01.000000Z')`,
		`INSERT INTO ind_import_runs (source_id, format, file_name, file_sha256, started_at, finished_at) VALUES (1, 'long-csv', 'a.csv', '', '2026-11-30T12:00:00.000000Z', '2026-11-30T12:00:01.000000Z')`,
	}
	type v struct {
		country, ind, scope, period string
		value                       any
		text, cite, note            string
		source, run                 int
	}
	values := []v{
		{"GTM", "homicide_rate", "", "2020", 15.8, "15.8", "", "", 1, 3},
		{"GTM", "homicide_rate", "", "2020", 16.1, "16.1", "", "", 2, 2},
		{"GTM", "homicide_rate", "", "2019", 15.1, "15.1", "", "", 2, 2},
		{"HND", "homicide_rate", "", "2020", 38.9, "38.9", "", "a note", 1, 1},
		{"ALL", "uac_encounters", "usbp-swb", "2014-06", 10620.0, "10,620", "https://example.org/t", "", 1, 1},
		{"ALL", "uac_encounters", "usbp-swb", "2014-05", 9301.0, "9301", "", "", 1, 1},
		{"HND", "income_group", "", "2020", nil, "Lower middle income", "", "", 2, 2},
	}
	err := db.WithTx(ctx, func(ctx context.Context) error {
		for _, q := range stmts {
			if _, err := db.Exec(ctx, q); err != nil {
				return err
			}
		}
		for _, x := range values {
			if _, err := db.Exec(ctx, `INSERT INTO ind_values (country, indicator, scope, period, value, value_text, source_id, cite_url, note, run_id, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '2026-11-30T10:00:00.500000Z')`,
				x.country, x.ind, x.scope, x.period, x.value, x.text, x.source, x.cite, x.note, x.run); err != nil {
				return err
			}
		}
		_, err := db.Exec(ctx, `INSERT INTO ind_revisions (value_id, old_value, old_text, old_run_id, new_value, new_text, new_run_id, revised_at)
			VALUES (1, 15.3, '15.3', 1, 15.8, '15.8', 3, '2026-11-30T12:00:00.100000Z')`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// dumpValues writes every stored value (through ind_values, a table or,
// since 00302, a view) and every revision with the value it revises, in a
// fixed order.
func dumpValues(t *testing.T, db *store.DB, revisionsByValueID bool) string {
	t.Helper()
	var b strings.Builder
	rev := `SELECT s.skey, v.country, v.indicator, v.scope, r.period, r.id, r.old_value, r.old_text, r.old_run_id, r.new_value, r.new_text, r.new_run_id, r.revised_at
		FROM ind_revisions r JOIN ind_series v ON v.id = r.series_id JOIN ind_sources s ON s.id = v.source_id ORDER BY r.id`
	if revisionsByValueID {
		rev = `SELECT s.skey, v.country, v.indicator, v.scope, v.period, r.id, r.old_value, r.old_text, r.old_run_id, r.new_value, r.new_text, r.new_run_id, r.revised_at
			FROM ind_revisions r JOIN ind_values v ON v.id = r.value_id JOIN ind_sources s ON s.id = v.source_id ORDER BY r.id`
	}
	for _, q := range []string{`SELECT s.skey, v.country, v.indicator, v.scope, v.period, v.value, v.value_text, v.cite_url, v.note, v.run_id
		FROM ind_values v JOIN ind_sources s ON s.id = v.source_id ORDER BY s.skey, v.country, v.indicator, v.scope, v.period`, rev} {
		rows, err := db.Query(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			a := make([]any, len(cols))
			ptrs := make([]any, len(a))
			for i := range a {
				ptrs[i] = &a[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, x := range a {
				if by, ok := x.([]byte); ok {
					a[i] = string(by)
				}
			}
			fmt.Fprintln(&b, a...)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		b.WriteString("--\n")
	}
	return b.String()
}

// TestMigrationsKeepData: the migrations that drop ind_values' foreign
// keys (00301) and move its values to series and points (00302) keep
// every value and revision, on both engines; the data is written under
// the schema of 00300 (both undone), then they are applied again, 00302
// undone and applied once more. The service then reads the migrated data
// as it was written, and a re-import revises a migrated value.
func TestMigrationsKeepData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		up1, down1 := migrationScript(t, db.Dialect, "00301_indicators_values_nofk")
		up2, down2 := migrationScript(t, db.Dialect, "00302_indicators_series")
		execScript(t, db, down2)
		execScript(t, db, down1)
		if got := foreignKeys(t, db); got != 4 {
			t.Fatalf("before: %d foreign keys on ind_values, want 4", got)
		}
		oldSchemaValues(t, db)
		before := dumpValues(t, db, true)
		if strings.Count(before, "\n") != 7+1+1+1 || !strings.Contains(before, "15.3") {
			t.Fatalf("before:\n%s", before)
		}
		execScript(t, db, up1)
		if got := foreignKeys(t, db); got != 0 {
			t.Errorf("after 00301: %d foreign keys on ind_values, want 0", got)
		}
		if after := dumpValues(t, db, true); after != before {
			t.Errorf("after 00301:\n%s\nbefore:\n%s", after, before)
		}
		execScript(t, db, up2)
		if after := dumpValues(t, db, false); after != before {
			t.Errorf("after 00302:\n%s\nbefore:\n%s", after, before)
		}
		execScript(t, db, down2)
		if after := dumpValues(t, db, true); after != before {
			t.Errorf("after 00302 undone:\n%s\nbefore:\n%s", after, before)
		}
		execScript(t, db, up2)
		if after := dumpValues(t, db, false); after != before {
			t.Errorf("after 00302 again:\n%s\nbefore:\n%s", after, before)
		}
		// What the service reads of the migrated data: every source's
		// values (the export with --all-sources), the best source first.
		s := New(db)
		var exp bytes.Buffer
		if err := s.ExportCSVWith(opCtx(), &exp, ExportOptions{AllSources: true}); err != nil {
			t.Fatal(err)
		}
		wantExport := `country_iso3,indicator,period,value,unit,source,scope
ALL,uac_encounters,2014-05,9301,children,test-a,usbp-swb
ALL,uac_encounters,2014-06,10620,children,test-a,usbp-swb
GTM,homicide_rate,2019,15.1,"per 100,000 population",test-b,
GTM,homicide_rate,2020,15.8,"per 100,000 population",test-a,
GTM,homicide_rate,2020,16.1,"per 100,000 population",test-b,
HND,homicide_rate,2020,38.9,"per 100,000 population",test-a,
HND,income_group,2020,Lower middle income,category,test-b,
`
		if exp.String() != wantExport {
			t.Errorf("export:\n%s\nwant:\n%s", exp.String(), wantExport)
		}
		list, err := s.LoadSeries(opCtx(), SeriesFilter{Country: "GTM", Indicator: "homicide_rate"})
		if err != nil || len(list) != 1 || len(list[0].Points) != 2 {
			t.Fatalf("GTM: %v %+v", err, list)
		}
		p := list[0].Points[1]
		if p.SourceKey != "test-a" || len(p.Others) != 1 || p.Others[0].SourceKey != "test-b" || len(p.Revisions) != 1 ||
			*p.Revisions[0].OldValue != 15.3 || *p.Revisions[0].NewValue != 15.8 || p.Revisions[0].RevisedAt != "2026-11-30T12:00:00.100000Z" {
			t.Errorf("GTM 2020: %+v", p)
		}
		if all, err := s.LoadSeries(opCtx(), SeriesFilter{Country: "ALL"}); err != nil || len(all) != 1 ||
			all[0].Points[1].Text != "10,620" || all[0].Points[1].CiteURL != "https://example.org/t" {
			t.Errorf("ALL: %v %+v", err, all)
		}
		if hnd, err := s.LoadSeries(opCtx(), SeriesFilter{Country: "HND", Indicator: "homicide_rate"}); err != nil || len(hnd) != 1 || hnd[0].Points[0].Note != "a note" {
			t.Errorf("HND: %v %+v", err, hnd)
		}
		inds, err := s.ListIndicators(opCtx())
		if err != nil || len(inds) != 3 || inds[0].Code != "homicide_rate" || inds[0].Values != 4 || inds[0].First != "2019" ||
			strings.Join(inds[0].Countries, " ") != "GTM HND" || inds[2].Code != "uac_encounters" || inds[2].Last != "2014-06" {
			t.Errorf("indicators: %v %+v", err, inds)
		}
		countries, err := s.ListCountries(opCtx())
		if err != nil || len(countries) != 3 {
			t.Errorf("countries: %v %+v", err, countries)
		}
		// A re-import of source test-a revises a migrated value (its series
		// found, not made again) and adds a period to a migrated series.
		src := Source{Key: "test-a", Publisher: "A", Title: "A", Priority: 10}
		data := "country_iso3,indicator,period,value,unit,source\nGTM,homicide_rate,2020,15.9,x,t\nGTM,homicide_rate,2021,14,x,t\n"
		rep, err := s.Import(opCtx(), Options{Format: "long", Name: "a.csv", Reader: strings.NewReader(data), Source: &src})
		if err != nil || rep.Updated != 1 || rep.Inserted != 1 {
			t.Fatalf("re-import: %v %+v", err, rep)
		}
		var series, revs int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM ind_series`).Scan(&series); err != nil || series != 5 {
			t.Errorf("%d series (%v), want 5", series, err)
		}
		list, _ = s.LoadSeries(opCtx(), SeriesFilter{Country: "GTM", Indicator: "homicide_rate"})
		if revs = len(list[0].Points[1].Revisions); revs != 2 || *list[0].Points[1].Value != 15.9 || len(list[0].Points) != 3 {
			t.Errorf("after the re-import: %+v", list[0].Points)
		}
	})
}

// migrationScript returns the Up and Down parts of a migration of
// engine-specific files for d, with the migrations' tokens expanded.
func migrationScript(t *testing.T, d store.Dialect, name string) (up, down string) {
	t.Helper()
	b, err := os.ReadFile("../store/migrations/" + name + "." + d.String() + ".sql")
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
