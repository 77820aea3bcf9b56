package indicators

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// wdiShape is the shape of the full WDI bulk CSV: about 266 economies and
// aggregates times about 1,500 indicators (roughly 400,000 rows), years
// 1960-2023 (64 columns). fill is the share of non-empty cells (about half
// in the real file; an assumption, stated in the note).
type wdiShape struct {
	economies, indicators, firstYear, years int
	fill                                    float64
}

var fullWDI = wdiShape{economies: 266, indicators: 1504, firstYear: 1960, years: 64, fill: 0.5}

// writeWDI writes a synthetic file in the World Bank wide format, with the
// WDI preamble. The focus countries are among the economies, so that a
// default import stores their rows (as it would with the real file).
func writeWDI(w io.Writer, sh wdiShape, seed uint64) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	rng := rand.New(rand.NewPCG(seed, 1))
	fmt.Fprint(bw, "\"Data Source\",\"World Development Indicators\",\n\n\"Last Updated Date\",\"2026-11-24\",\n\n")
	fmt.Fprint(bw, `"Country Name","Country Code","Indicator Name","Indicator Code"`)
	for y := range sh.years {
		fmt.Fprintf(bw, `,"%d"`, sh.firstYear+y)
	}
	fmt.Fprint(bw, ",\n")
	codes := append([]string{}, FocusCountries...)
	for i := 0; len(codes) < sh.economies; i++ {
		codes = append(codes, fmt.Sprintf("Z%c%c", 'A'+i/26%26, 'A'+i%26)) // Z.. codes: no clash with real ones
	}
	buf := make([]byte, 0, 64)
	for _, c := range codes {
		for k := range sh.indicators {
			fmt.Fprintf(bw, `"Economy %s","%s","Synthetic indicator %d (units)","SYN.IND.%04d"`, c, c, k, k)
			for range sh.years {
				bw.WriteString(",")
				if rng.Float64() < sh.fill {
					buf = strconv.AppendFloat(buf[:0], rng.NormFloat64()*1000+5000, 'f', 4, 64)
					bw.WriteByte('"')
					bw.Write(buf)
					bw.WriteByte('"')
				}
			}
			bw.WriteString(",\n")
		}
	}
	return bw.Flush()
}

// TestWBWideSynthetic: the World Bank wide importer on a small generated
// file (no real WDI download was available offline), and on broken ones.
func TestWBWideSynthetic(t *testing.T) {
	var b bytes.Buffer
	if err := writeWDI(&b, wdiShape{economies: 10, indicators: 3, firstYear: 2000, years: 5, fill: 1}, 7); err != nil {
		t.Fatal(err)
	}
	good := b.Bytes()
	db := storetest.OpenSQLite(t)
	rep, err := importBytes(t, db, "", "API_SYN.csv", good)
	if err != nil {
		t.Fatalf("%v %v", err, rep.Errors)
	}
	// 6 focus countries x 3 indicators x 5 years stored; 4 others x 3 read past.
	if rep.Format != "wb-wide" || rep.Inserted != 90 || rep.OutOfScope != 12 || rep.RowsRead != 30 {
		t.Errorf("format %s, inserted %d, out of scope %d, rows %d; want wb-wide, 90, 12, 30", rep.Format, rep.Inserted, rep.OutOfScope, rep.RowsRead)
	}
	lines := bytes.SplitAfter(good, []byte("\n"))
	broken := map[string][]byte{
		"duplicate row": append(append([]byte{}, good...), lines[6]...),
		"non-numeric":   bytes.Replace(good, []byte(`,"SYN.IND.0001","`), []byte(`,"SYN.IND.0001","x`), 1),
		"truncated":     good[:len(good)-40],
		"wrong header":  bytes.Replace(good, []byte(`"2001"`), []byte(`"twothousand and one"`), 1),
	}
	for name, data := range broken {
		t.Run(name, func(t *testing.T) {
			before := countValues(t, db)
			_, err := importBytes(t, db, "wb-wide", "API_SYN.csv", data)
			if !errors.Is(err, ErrInvalidFile) {
				t.Fatalf("got %v, want ErrInvalidFile", err)
			}
			if countValues(t, db) != before {
				t.Error("refused file changed the database")
			}
		})
	}
}

// BenchmarkImportWDISize imports a generated World Bank wide CSV the size
// of the full WDI into SQLite, with the default country scope (the focus
// countries' rows are stored, every cell of every row is parsed and
// validated). It reports the file size, values stored and the peak heap.
// Run: go test -run XXX -bench ImportWDISize -benchtime 1x ./internal/indicators/
func BenchmarkImportWDISize(b *testing.B) { benchmarkWDI(b, fullWDI, false) }

// BenchmarkImportWDIAllCountries stores every country of a tenth of the
// WDI (40,000 rows, about 1.3 million values), to measure the store's
// insert rate when --all-countries is asked for.
// With AMPARO_BENCH_FULL=1 it stores every country of the full-size file
// (about 12.8 million values; a few minutes and a few GB of disk).
func BenchmarkImportWDIAllCountries(b *testing.B) {
	sh := fullWDI
	if os.Getenv("AMPARO_BENCH_FULL") == "" {
		sh.indicators = 150
	}
	benchmarkWDI(b, sh, true)
}

// BenchmarkImportWDIAllCountriesPostgres is the same on PostgreSQL (the
// throwaway cluster storetest starts; skipped without one).
func BenchmarkImportWDIAllCountriesPostgres(b *testing.B) {
	if !storetest.PostgresAvailable() {
		b.Skip("no PostgreSQL")
	}
	sh := fullWDI
	if os.Getenv("AMPARO_BENCH_FULL") == "" {
		sh.indicators = 150
	}
	benchmarkWDIOn(b, sh, true, storetest.OpenPostgres)
}

// BenchmarkImportWDIAllCountriesPostgresValues: PostgreSQL through the
// multi-row VALUES statement SQLite uses, for comparison with COPY.
func BenchmarkImportWDIAllCountriesPostgresValues(b *testing.B) {
	postgresBulk = "values"
	defer func() { postgresBulk = "copy" }()
	BenchmarkImportWDIAllCountriesPostgres(b)
}

// BenchmarkImportWDIAllCountriesPostgresUnnest: PostgreSQL through one
// INSERT ... SELECT FROM unnest per batch (the path without COPY).
func BenchmarkImportWDIAllCountriesPostgresUnnest(b *testing.B) {
	postgresBulk = "unnest"
	defer func() { postgresBulk = "copy" }()
	BenchmarkImportWDIAllCountriesPostgres(b)
}

func benchmarkWDI(b *testing.B, sh wdiShape, all bool) {
	benchmarkWDIOn(b, sh, all, storetest.OpenSQLite)
}

func benchmarkWDIOn(b *testing.B, sh wdiShape, all bool, open func(testing.TB) *store.DB) {
	path := filepath.Join(b.TempDir(), "API_WDI_synthetic.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := writeWDI(f, sh, 1); err != nil {
		b.Fatal(err)
	}
	f.Close()
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	for b.Loop() {
		b.StopTimer()
		db := open(b)
		in, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		var peak atomic.Uint64
		stop := make(chan struct{})
		go func() {
			var ms runtime.MemStats
			for {
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}()
		b.StartTimer()
		rep, err := New(db).Import(opCtx(), Options{Name: "API_WDI_synthetic.csv", Reader: in, AllCountries: all})
		b.StopTimer()
		close(stop)
		in.Close()
		if err != nil {
			b.Fatalf("%v %v", err, rep.Errors)
		}
		b.ReportMetric(float64(rep.RowsRead), "rows")
		b.ReportMetric(float64(rep.Inserted), "values_stored")
		b.ReportMetric(float64(peak.Load())/(1<<20), "peak_heap_MiB")
		b.ReportMetric(float64(st.Size())/(1<<20), "file_MiB")
		b.StartTimer()
	}
}
