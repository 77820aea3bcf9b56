package aid

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// genIATI writes an IATI activity file of about size bytes, shaped like a
// large publisher's: each activity with organisations, a sector (which
// Amparo keeps as read), two budgets, eight transactions with provider and
// receiver, two conditions and a result with two indicators over three
// periods (about 5 KB an activity).
func genIATI(w io.Writer, size int64) (int, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	cw := &countWriter{w: bw}
	fmt.Fprintf(cw, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<iati-activities version=\"2.03\" generated-datetime=\"2026-01-01T00:00:00Z\">\n")
	n := 0
	for cw.n < size {
		n++
		fmt.Fprintf(cw, `  <iati-activity last-updated-datetime="2025-12-01T00:00:00Z" xml:lang="en" default-currency="USD">
    <iati-identifier>XM-BENCH-%[1]d</iati-identifier>
    <reporting-org ref="XM-BENCH" type="10"><narrative>Benchmark donor &amp; partners</narrative></reporting-org>
    <title><narrative>Violence prevention program %[1]d</narrative></title>
    <description type="1"><narrative>Community violence prevention and youth services in municipality %[1]d, with a results framework.</narrative></description>
    <participating-org ref="XM-BENCH" role="1" type="10"><narrative>Benchmark donor</narrative></participating-org>
    <participating-org role="4" type="22"><narrative>Implementing partner %[1]d</narrative></participating-org>
    <activity-status code="2"/>
    <activity-date type="1" iso-date="2016-10-01"/>
    <activity-date type="3" iso-date="2019-09-30"/>
    <recipient-country code="GT" percentage="100"/>
    <sector vocabulary="1" code="15220" percentage="100"><narrative>Civilian peace-building, conflict prevention and resolution</narrative></sector>
`, n)
		for y := 2017; y <= 2018; y++ {
			fmt.Fprintf(cw, `    <budget type="1" status="2"><period-start iso-date="%d-10-01"/><period-end iso-date="%d-09-30"/><value currency="USD" value-date="%d-10-01">%d.50</value></budget>
`, y-1, y, y-1, 100000+n)
		}
		for i := 1; i <= 8; i++ {
			fmt.Fprintf(cw, `    <transaction ref="tx-%d-%d">
      <transaction-type code="3"/>
      <transaction-date iso-date="2017-%02d-15"/>
      <value currency="USD" value-date="2017-%02d-15">%d</value>
      <description><narrative>Quarterly disbursement %d</narrative></description>
      <provider-org ref="XM-BENCH" type="10"><narrative>Benchmark donor</narrative></provider-org>
      <receiver-org type="22"><narrative>Implementing partner %d</narrative></receiver-org>
    </transaction>
`, n, i, i, i, 12500+i, i, n)
		}
		fmt.Fprintf(cw, `    <conditions attached="1">
      <condition type="1"><narrative>The recipient government certifies steps against corruption (policy).</narrative></condition>
      <condition type="2"><narrative>Homicide rate falls by a tenth from its 2014 level (performance).</narrative></condition>
    </conditions>
    <result type="2" aggregation-status="0">
      <title><narrative>Fewer young people victims of violence</narrative></title>
`)
		for k := 1; k <= 2; k++ {
			fmt.Fprintf(cw, `      <indicator measure="1" ascending="0">
        <title><narrative>Indicator %d of program %d</narrative></title>
        <baseline year="2015" value="%d"><comment><narrative>Administrative records</narrative></comment></baseline>
`, k, n, 40+k)
			for y := 2016; y <= 2018; y++ {
				fmt.Fprintf(cw, `        <period><period-start iso-date="%d-01-01"/><period-end iso-date="%d-12-31"/><target value="%d"/><actual value="%d"/></period>
`, y, y, 40-y+2016, 41-y+2016)
			}
			fmt.Fprintf(cw, "      </indicator>\n")
		}
		fmt.Fprintf(cw, "    </result>\n  </iati-activity>\n")
	}
	fmt.Fprintf(cw, "</iati-activities>\n")
	if cw.err != nil {
		return n, cw.err
	}
	return n, bw.Flush()
}

type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}

// TestGeneratedIATIValidates: the benchmark's file is valid IATI, so the
// benchmark measures what a real file costs.
func TestGeneratedIATIValidates(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("*** xmllint is not installed: SKIPPED ***")
	}
	file := filepath.Join(t.TempDir(), "gen.xml")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	n, err := genIATI(f, 20_000)
	if err != nil || f.Close() != nil || n < 3 {
		t.Fatalf("generate: %d activities, %v", n, err)
	}
	if out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "iati-schema", "iati-activities-schema.xsd"), file).CombinedOutput(); err != nil {
		t.Fatalf("xmllint: %v\n%s", err, out)
	}
	db := storetest.OpenSQLite(t)
	s := New(db, indicators.New(db), nil)
	r, _ := os.Open(file)
	defer r.Close()
	res, err := s.ImportIATI(auth.OperatorContext(context.Background(), "test"), "gen.xml", r)
	if err != nil || res.Activities != n || res.Transactions != 8*n || res.Indicators != 2*n || res.Unmodelled["sector"] != n {
		t.Errorf("import = %+v, %v (want %d activities)", res, err, n)
	}
}

// peakHeap samples the live heap every 5 ms until stop is called, and
// returns the highest value seen.
func peakHeap() (stop func() uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); wg.Wait(); return peak }
}

// BenchmarkImportIATI imports generated files of 5 MB and 50 MB on each
// engine; peak-heap-MB staying alike for both sizes is the flat memory.
// Set AMPARO_IATI_BENCH_FILE=path to keep the 50 MB file (for the CLI's
// peak RSS, measured with /usr/bin/time -v).
//
//	go test ./internal/aid/ -run '^$' -bench ImportIATI -benchtime 1x -benchmem
func BenchmarkImportIATI(b *testing.B) {
	for _, mb := range []int64{5, 50} {
		file := filepath.Join(b.TempDir(), "gen.xml")
		if keep := os.Getenv("AMPARO_IATI_BENCH_FILE"); keep != "" && mb == 50 {
			file = keep
		}
		f, err := os.Create(file)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := genIATI(f, mb<<20); err != nil || f.Close() != nil {
			b.Fatal(err)
		}
		for _, e := range storetest.Engines(b) {
			b.Run(fmt.Sprintf("%s/%dMB", e.Name, mb), func(b *testing.B) {
				var peak uint64
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					db := e.Open(b)
					s := New(db, indicators.New(db), nil)
					r, err := os.Open(file)
					if err != nil {
						b.Fatal(err)
					}
					stop := peakHeap()
					b.StartTimer()
					_, err = s.ImportIATI(auth.OperatorContext(context.Background(), "bench"), "gen.xml", bufio.NewReaderSize(r, 1<<16))
					b.StopTimer()
					peak = max(peak, stop())
					r.Close()
					if err != nil {
						b.Fatal(err)
					}
				}
				b.SetBytes(mb << 20)
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			})
		}
	}
}
