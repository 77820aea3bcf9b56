package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const tracingHeader = "id,given_names,surname1,surname2,sex,birth_date,birth_country,birth_place,mother_name,father_name\n"

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// onlyFiles lists the files in dir, to check that a failed run leaves
// nothing behind (no output, no temporary file).
func onlyFiles(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func TestTracingMalformedCSV(t *testing.T) {
	good := tracingHeader + "r1,Ana,Tiul,,F,2014-03-25,GT,Sololá,,\n"
	tests := []struct {
		name, body, want string
	}{
		{"bad utf-8", good + "r2,M\xe9ndez,Tiul,,F,2014,GT,,,\n", "line 3: text is not valid UTF-8"},
		{"missing header", "r1,Ana,Tiul,,F,2014-03-25,GT,Sololá,,\n", "line 1"},
		{"wrong column count", good + "r2,Ana,Tiul\n", "line 3: wrong number of columns"},
		{"empty file", "", "line 1"},
	}
	for _, cmdName := range []string{"dedupe", "link"} {
		for _, tt := range tests {
			t.Run(cmdName+"/"+tt.name, func(t *testing.T) {
				dir := t.TempDir()
				in := writeFile(t, dir, "in.csv", tt.body)
				out := filepath.Join(dir, "out.csv")
				var args []string
				if cmdName == "dedupe" {
					args = []string{"tracing", "dedupe", "--in", in, "--out", out}
				} else {
					ok := writeFile(t, dir, "ok.csv", good)
					args = []string{"tracing", "link", "--left", ok, "--right", in, "--out", out}
				}
				var stderr bytes.Buffer
				code := run(context.Background(), args, &stderr)
				if code == 0 {
					t.Fatalf("exit status 0 for %s", tt.name)
				}
				if !strings.Contains(stderr.String(), tt.want) || !strings.Contains(stderr.String(), "in.csv") {
					t.Errorf("stderr %q does not name the file and %q", stderr.String(), tt.want)
				}
				for _, f := range onlyFiles(t, dir) {
					if f != "in.csv" && f != "ok.csv" {
						t.Errorf("failed run left %s behind", f)
					}
				}
			})
		}
	}
}

func TestTracingUsage(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"tracing"}, &stderr); code != 2 {
		t.Errorf("no subcommand: exit %d, want 2", code)
	}
	if code := run(context.Background(), []string{"tracing", "frobnicate"}, &stderr); code != 2 {
		t.Errorf("unknown subcommand: exit %d, want 2", code)
	}
	if code := run(context.Background(), []string{"tracing", "dedupe", "--in", "x.csv"}, &stderr); code != 2 {
		t.Errorf("dedupe without --out: exit %d, want 2", code)
	}
	if code := run(context.Background(), []string{"tracing", "dedupe", "--in", "x", "--out", "y", "--threshold", "1.5"}, &stderr); code != 2 {
		t.Errorf("threshold 1.5: exit %d, want 2", code)
	}
	if code := run(context.Background(), []string{"tracing", "--help"}, &stderr); code != 0 {
		t.Errorf("--help: exit %d, want 0", code)
	}
	if code := run(context.Background(), []string{"tracing", "link", "--help"}, &stderr); code != 0 {
		t.Errorf("link --help: exit %d, want 0", code)
	}
}

func readCSVFile(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestTracingGenerateDedupeLink(t *testing.T) {
	dir := t.TempDir()
	people := filepath.Join(dir, "people.csv")
	truth := filepath.Join(dir, "truth.csv")
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"tracing", "generate", "--people", "300", "--out", people, "--truth", truth, "--seed", "3"}, &stderr); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, stderr.String())
	}
	in := readCSVFile(t, people)
	if len(in) < 301 || strings.Join(in[0], ",")+"\n" != tracingHeader {
		t.Fatalf("generated %d rows, header %v", len(in), in[0])
	}
	clusters := filepath.Join(dir, "clusters.csv")
	if code := run(context.Background(), []string{"tracing", "dedupe", "--in", people, "--out", clusters}, &stderr); code != 0 {
		t.Fatalf("dedupe: exit %d: %s", code, stderr.String())
	}
	out := readCSVFile(t, clusters)
	if len(out) != len(in) || out[0][0] != "id" || out[0][1] != "cluster_id" {
		t.Fatalf("clusters: %d rows for %d input rows, header %v", len(out), len(in), out[0])
	}
	for i := 1; i < len(out); i++ {
		if out[i][0] != in[i][0] || out[i][1] == "" {
			t.Fatalf("row %d: %v for input id %s", i, out[i], in[i][0])
		}
	}
	// Link the first 50 records against all: each should find itself.
	right := filepath.Join(dir, "right.csv")
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.WriteAll(in[:51])
	writeFile(t, dir, "right.csv", b.String())
	matches := filepath.Join(dir, "matches.csv")
	if code := run(context.Background(), []string{"tracing", "link", "--left", people, "--right", right, "--out", matches, "--top", "3"}, &stderr); code != 0 {
		t.Fatalf("link: exit %d: %s", code, stderr.String())
	}
	ms := readCSVFile(t, matches)
	if strings.Join(ms[0], ",") != "right_id,left_id,rank,probability" {
		t.Fatalf("matches header %v", ms[0])
	}
	// The first candidate of each must be the record itself or another
	// record of the same person (an exact copy and a near one can score
	// alike).
	person := map[string]string{}
	for _, r := range readCSVFile(t, truth)[1:] {
		person[r[0]] = r[1]
	}
	same := 0
	for _, m := range ms[1:] {
		if m[2] == "1" && person[m[0]] == person[m[1]] {
			same++
		}
	}
	if same < 48 {
		t.Errorf("only %d of 50 records found their own person first", same)
	}
}

// A model saved by one run and given to another gives the same clusters as
// the run that trained it, and is used by link too; a file that is not a
// model is refused by name, with nothing written.
func TestTracingSavedModel(t *testing.T) {
	dir := t.TempDir()
	people := filepath.Join(dir, "people.csv")
	ctx := context.Background()
	var stderr bytes.Buffer
	if code := run(ctx, []string{"tracing", "generate", "--people", "400", "--out", people, "--seed", "5"}, &stderr); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, stderr.String())
	}
	model := filepath.Join(dir, "model.json")
	first := filepath.Join(dir, "first.csv")
	if code := run(ctx, []string{"tracing", "dedupe", "--in", people, "--out", first, "--save-model", model}, &stderr); code != 0 {
		t.Fatalf("dedupe --save-model: exit %d: %s", code, stderr.String())
	}
	again := filepath.Join(dir, "again.csv")
	if code := run(ctx, []string{"tracing", "dedupe", "--in", people, "--out", again, "--model", model}, &stderr); code != 0 {
		t.Fatalf("dedupe --model: exit %d: %s", code, stderr.String())
	}
	a, b := readCSVFile(t, first), readCSVFile(t, again)
	if len(a) != len(b) {
		t.Fatalf("%d rows, then %d", len(a), len(b))
	}
	for i := range a {
		if strings.Join(a[i], ",") != strings.Join(b[i], ",") {
			t.Fatalf("row %d: %v with the trained model, %v with the saved one", i, a[i], b[i])
		}
	}
	saved, err := os.ReadFile(model)
	if err != nil || !strings.Contains(string(saved), `"population"`) || !strings.Contains(string(saved), `"trained": true`) {
		t.Fatalf("saved model lacks its population or training mark (%v):\n%.300s", err, saved)
	}

	matches := filepath.Join(dir, "matches.csv")
	linkModel := filepath.Join(dir, "link-model.json")
	if code := run(ctx, []string{"tracing", "link", "--left", people, "--right", people, "--out", matches, "--model", model, "--save-model", linkModel}, &stderr); code != 0 {
		t.Fatalf("link --model: exit %d: %s", code, stderr.String())
	}
	if ms := readCSVFile(t, matches); len(ms) < len(a)/2 {
		t.Fatalf("link with the saved model: %d matches for %d records", len(ms)-1, len(a)-1)
	}
	if _, err := os.Stat(linkModel); err != nil {
		t.Fatalf("link --save-model: %v", err)
	}

	bad := writeFile(t, dir, "bad.json", `{"fields": []}`)
	stderr.Reset()
	out := filepath.Join(dir, "never.csv")
	if code := run(ctx, []string{"tracing", "dedupe", "--in", people, "--out", out, "--model", bad}, &stderr); code == 0 {
		t.Fatal("dedupe with a bad model succeeded")
	}
	if !strings.Contains(stderr.String(), "bad.json") || !strings.Contains(stderr.String(), "fields") {
		t.Errorf("error does not name the file and the problem: %s", stderr.String())
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("an output was written with a bad model")
	}
	stderr.Reset()
	if code := run(ctx, []string{"tracing", "link", "--left", people, "--right", people, "--out", out, "--model", filepath.Join(dir, "missing.json")}, &stderr); code == 0 || !strings.Contains(stderr.String(), "missing.json") {
		t.Errorf("link with a missing model: exit %d, %s", code, stderr.String())
	}
}

func TestTracingGenerateFEBRL(t *testing.T) {
	dir := t.TempDir()
	var stderr strings.Builder
	left, right, truth := filepath.Join(dir, "left.csv"), filepath.Join(dir, "right.csv"), filepath.Join(dir, "truth.csv")
	args := []string{"tracing", "generate", "--style", "febrl", "--people", "50", "--out", left, "--right", right, "--truth", truth, "--seed", "4"}
	if code := run(context.Background(), args, &stderr); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, stderr.String())
	}
	tr := readCSVFile(t, truth)
	if len(readCSVFile(t, left)) != 51 || len(readCSVFile(t, right)) != 51 || len(tr) != 51 || tr[0][0] != "right_id" {
		t.Errorf("link set: want 50 rows in each file and truth right_id,left_id, got truth header %v", tr[0])
	}
	sparse := filepath.Join(dir, "sparse.csv")
	if code := run(context.Background(), []string{"tracing", "generate", "--style", "febrl", "--sparse", "--people", "50", "--out", sparse}, &stderr); code != 0 {
		t.Fatalf("generate --sparse: exit %d: %s", code, stderr.String())
	}
	// The use case: full custody records on the left, sparse inquiries on
	// the right.
	sl, sr := filepath.Join(dir, "sl.csv"), filepath.Join(dir, "sr.csv")
	args = []string{"tracing", "generate", "--style", "febrl", "--sparse", "--sparse-side", "right", "--people", "50", "--out", sl, "--right", sr, "--seed", "4"}
	if code := run(context.Background(), args, &stderr); code != 0 {
		t.Fatalf("generate --sparse-side right: exit %d: %s", code, stderr.String())
	}
	if l, r := readCSVFile(t, sl), readCSVFile(t, sr); len(l) != 51 || len(r) != 51 || l[1][6] == "" || r[1][6] != "" {
		t.Errorf("--sparse-side right: want 50 full left rows (with a birth country) and 50 sparse right ones, got %v / %v", l[1], r[1])
	}
	for _, bad := range [][]string{{"--style", "other"}, {"--sparse"}, {"--right", right}, {"--sparse-side", "right"},
		{"--style", "febrl", "--sparse", "--sparse-side", "right"}, {"--style", "febrl", "--sparse", "--right", right, "--sparse-side", "left"}} {
		stderr.Reset()
		args := append([]string{"tracing", "generate", "--people", "5", "--out", filepath.Join(dir, "x.csv")}, bad...)
		if code := run(context.Background(), args, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2 (usage): %s", bad, code, stderr.String())
		}
	}
}

// TestTracingDatesOutOfForm: a file whose dates are written another way, or
// typed wrongly, is deduplicated and linked whole (it was refused), and the
// operator is told how many dates were read in part and how.
func TestTracingDatesOutOfForm(t *testing.T) {
	body := tracingHeader +
		"r1,Ana,Tiul,,F,2014-03-25,GT,Sololá,,\n" +
		"r2,Ana,Tiul,,F,25/03/2014,GT,Sololá,,\n" +
		"r3,Eva,Lix,,F,2011-02-93,GT,,,\n"
	dir := t.TempDir()
	in := writeFile(t, dir, "in.csv", body)
	left := writeFile(t, dir, "left.csv", tracingHeader+"c1,Ana,Tiul,,F,2014-03-25,GT,Sololá,,\n")
	for _, args := range [][]string{
		{"tracing", "dedupe", "--in", in, "--out", filepath.Join(dir, "out.csv")},
		{"tracing", "link", "--left", left, "--right", in, "--out", filepath.Join(dir, "out.csv")},
	} {
		t.Run(args[1], func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			saved := os.Stderr
			os.Stderr = w
			var stderr bytes.Buffer
			code := run(context.Background(), args, &stderr)
			os.Stderr = saved
			w.Close()
			var said bytes.Buffer
			_, _ = said.ReadFrom(r)
			if code != 0 {
				t.Fatalf("exit status %d: %s", code, stderr.String())
			}
			for _, want := range []string{"in.csv: 2 birth dates", `"25/03/2014" read as 2014-03-25`, `"2011-02-93" read as 2011-02`} {
				if !strings.Contains(said.String(), want) {
					t.Errorf("stderr %q lacks %q", said.String(), want)
				}
			}
			got := map[string]string{}
			for _, row := range readCSVFile(t, filepath.Join(dir, "out.csv"))[1:] {
				got[row[0]] = row[1]
			}
			if args[1] == "dedupe" && (got["r1"] == "" || got["r1"] != got["r2"]) {
				t.Errorf("r1 and r2 (one child, the date written two ways) not in one cluster: %v", got)
			}
			if args[1] == "link" && got["r2"] != "c1" {
				t.Errorf("r2 (25/03/2014) not linked to c1: %v", got)
			}
		})
	}
}
