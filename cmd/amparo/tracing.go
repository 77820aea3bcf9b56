package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"sync"

	"github.com/amparo-project/amparo/internal/progress"
	"github.com/amparo-project/amparo/internal/tracing"
	"github.com/amparo-project/amparo/internal/tracing/synth"
)

func init() {
	register(&command{
		name:    "tracing",
		summary: "find duplicate records and match inquiries to children (dedupe, link, generate)",
		run:     runTracing,
	})
}

const tracingUsage = `Usage: amparo tracing SUBCOMMAND [flags]

Record linkage for family tracing: a Fellegi-Sunter model trained on the
records themselves, tolerant of accents, nicknames, swapped and fused
surnames, typos, Mayan spellings and uncertain birth dates.

Input CSV files have the header
  id,given_names,surname1,surname2,sex,birth_date,birth_country,birth_place,mother_name,father_name
(UTF-8, columns in any order; every column but id may be empty or absent, with
at least one name column; other columns are ignored; birth_date YYYY-MM-DD,
YYYY-MM or YYYY; other forms, such as YYYYMMDD, DD/MM/YYYY or a day typed as
93, are read as far as they go). What was read otherwise is said on stderr.

Subcommands:
  dedupe    --in people.csv --out clusters.csv [--threshold P] [--model M] [--save-model M]
            Group the records of one person. Writes id,cluster_id for every
            input row; rows of one person share a cluster_id.
  link      --left records.csv --right inquiries.csv --out matches.csv [--top K] [--threshold P] [--model M] [--save-model M]
            For each right row (an inquiry), the left rows (children on
            record) most likely the same child. Writes
            right_id,left_id,rank,probability, up to K rows per inquiry with
            probability at least P.
  Without --threshold (or with 0) P is chosen for F1 from the model's own
  posteriors: 0.5 where records say enough, down to 0.2 where they say
  little (a name and a year), where a pair is one person less often but
  declaring it still finds more than it gets wrong.

The model is trained on the records of each run (no labels needed);
--save-model writes it as JSON and --model uses a saved one instead, so
that a run on a small set can reuse what a large one learned. A saved
model is rescaled to the number of records it is used on.
  generate  --people N --out people.csv [--truth truth.csv] [--seed S] [--style febrl [--sparse [--sparse-side both|right]] [--right dups.csv]]
            Write a synthetic set of about 1.8 records per person with the
            variation officers introduce, and the true person of each row.
            --style febrl makes one the FEBRL way instead: N originals and
            their duplicates with typos, OCR and phonetic errors, lost and
            swapped fields (about 2.5 rows per person); with --right, a
            link set: N originals in --out, one duplicate of each in
            --right, truth right_id,left_id. --sparse keeps at most three
            fields of every row; with --right, --sparse-side right keeps
            the left rows full (custody records) and makes only the right
            ones sparse (relatives' inquiries), the same people and right
            rows as --sparse-side both (the default).

Run "amparo tracing SUBCOMMAND --help" for the flags of one subcommand.
`

func runTracing(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, tracingUsage)
		return usagef("missing subcommand (dedupe, link or generate)")
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(os.Stdout, tracingUsage)
		return nil
	case "dedupe":
		return tracingDedupe(ctx, args[1:])
	case "link":
		return tracingLink(ctx, args[1:])
	case "generate":
		return tracingGenerate(ctx, args[1:])
	}
	fmt.Fprint(os.Stderr, tracingUsage)
	return usagef("unknown subcommand %q (want dedupe, link or generate)", args[0])
}

// memoryLimit keeps the garbage collector working harder rather than let
// the heap grow past what the 2 GiB budget of a large dedupe allows (at a
// million records: about 1.75 GB resident; at 1.25 GiB the collector runs
// back to back while pairs are compared, for a tenth more time). The
// GOMEMLIMIT environment variable, when set, wins.
const memoryLimit = 1536 << 20

func setMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}

// startCPUProfile writes a CPU profile to path until the returned
// function is called: where a large dedupe spends its time is what its
// speed work starts from.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("tracing: cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("tracing: cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			slog.Error("tracing: cpuprofile", "err", err)
		}
	}, nil
}

func tracingDedupe(ctx context.Context, args []string) error {
	fs := newFlagSet("tracing dedupe", "--in people.csv --out clusters.csv [--threshold P]")
	in := fs.String("in", "", "input CSV of people (required)")
	out := fs.String("out", "", "output CSV: id,cluster_id (required)")
	threshold := fs.Float64("threshold", 0, "match probability from which two records are one person (0-1); 0 chooses it for F1 from the model, 0.2-0.5")
	modelIn := fs.String("model", "", "use this saved model (from --save-model) instead of training one on the records")
	modelOut := fs.String("save-model", "", "also write the model used as JSON to this file")
	verbose := fs.Bool("v", false, "log each stage on stderr")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *in == "" || *out == "" {
		return usagef("dedupe needs --in and --out")
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	model, err := readModel(*modelIn)
	if err != nil {
		return err
	}
	if *threshold < 0 || *threshold >= 1 {
		return usagef("--threshold must be 0 (chosen for F1) or between 0 and 1, got %v", *threshold)
	}
	setMemoryLimit()
	f, err := os.Open(*in)
	if err != nil {
		return fmt.Errorf("tracing: %w", err)
	}
	defer f.Close()
	var size int64 = -1
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	// Records are prepared as they are read (DedupeCSV), so the bar over
	// the file's bytes covers reading and preparing; the comparing bar
	// starts with the first report of progress, when the number of
	// candidate groups is known.
	hint := countLines(*in)
	readBar := progress.New(size, "reading "+filepath.Base(*in))
	var bar *progress.Bar
	var mu sync.Mutex
	last := 0
	opts := tracing.Options{Threshold: *threshold, Model: model, Logger: logger(*verbose), Progress: func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if bar == nil {
			readBar.Finish()
			bar = progress.New(int64(total), "comparing")
		}
		if done > last {
			bar.Add(done - last)
			last = done
		}
	}}
	res, err := tracing.DedupeCSV(ctx, bufio.NewReaderSize(readBar.Reader(f), 1<<20), hint, opts)
	mu.Lock()
	if bar == nil {
		readBar.Finish()
	} else {
		bar.Finish()
	}
	mu.Unlock()
	if err != nil {
		return fmt.Errorf("%s: %w", *in, err)
	}
	n := len(res.IDs)
	if s := res.Read.String(); s != "" {
		fmt.Fprintf(os.Stderr, "amparo tracing: %s: %s\n", *in, s)
	}
	fmt.Fprintln(os.Stderr, dedupeSummary(res, model != nil))
	if *modelOut != "" {
		if err := writeAtomic(*modelOut, func(w io.Writer) error { return res.Model.WriteJSON(w) }); err != nil {
			return err
		}
	}
	return writeAtomic(*out, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"id", "cluster_id"})
		for i := 0; i < n; i++ {
			_ = cw.Write([]string{res.IDs[i], res.ClusterID[res.Cluster[i]]})
		}
		cw.Flush()
		return cw.Error()
	})
}

// dedupeSummary is the line dedupe writes on stderr: the work done
// (blocking groups, the largest, those compared as sorted neighbourhoods
// and those skipped, comparisons, those of the held-out keys) and the
// result.
func dedupeSummary(res *tracing.DedupeResult, given bool) string {
	st := res.Stats
	model := "fitted to the records"
	switch {
	case res.Model.Fallback != "":
		model = "calibrated defaults (" + res.Model.Fallback + ")"
	case given:
		model = "given (--model)"
	}
	held := ""
	if st.HeldOutComparisons > 0 {
		held = fmt.Sprintf(" (%d of them by the held-out keys of a sparse set)", st.HeldOutComparisons)
	}
	return fmt.Sprintf("tracing dedupe: %d records, %d blocking groups (largest %d records; %d oversized compared as sorted neighbourhoods, %d loose ones skipped), %d comparisons%s, %d clusters; model %s; threshold %.2f",
		st.Records, st.Keys, st.LargestBlock, st.SplitKeys, st.SkippedKeys, st.Comparisons, held, st.Clusters, model, st.Threshold)
}

func tracingLink(ctx context.Context, args []string) error {
	fs := newFlagSet("tracing link", "--left records.csv --right inquiries.csv --out matches.csv [--top K] [--threshold P]")
	left := fs.String("left", "", "CSV of records to search (children on record) (required)")
	right := fs.String("right", "", "CSV of inquiries to answer (required)")
	out := fs.String("out", "", "output CSV: right_id,left_id,rank,probability (required)")
	top := fs.Int("top", 1, "at most this many candidates per inquiry")
	threshold := fs.Float64("threshold", 0, "least match probability of a candidate (0-1); 0 chooses it for F1 from the model, 0.2-0.5, on the chance a candidate is the inquiry's child against its other candidates")
	modelIn := fs.String("model", "", "use this saved model (from --save-model) instead of training one on the records")
	modelOut := fs.String("save-model", "", "also write the model used as JSON to this file")
	verbose := fs.Bool("v", false, "log each stage on stderr")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *left == "" || *right == "" || *out == "" {
		return usagef("link needs --left, --right and --out")
	}
	model, err := readModel(*modelIn)
	if err != nil {
		return err
	}
	if *threshold < 0 || *threshold >= 1 {
		return usagef("--threshold must be 0 (chosen for F1) or between 0 and 1, got %v", *threshold)
	}
	if *top < 1 {
		return usagef("--top must be at least 1, got %d", *top)
	}
	setMemoryLimit()
	lrecs, err := readRecords(*left)
	if err != nil {
		return err
	}
	rrecs, err := readRecords(*right)
	if err != nil {
		return err
	}
	bar := progress.New(int64(len(rrecs)), "searching")
	var mu sync.Mutex
	last := 0
	var used *tracing.Model
	matches, err := tracing.Link(ctx, lrecs, rrecs, *top, tracing.Options{Threshold: *threshold, Model: model, Logger: logger(*verbose),
		OnModel: func(m *tracing.Model) { used = m },
		Progress: func(done, total int) {
			mu.Lock()
			defer mu.Unlock()
			if done > last {
				bar.Add(done - last)
				last = done
			}
		}})
	bar.Finish()
	if err != nil {
		return err
	}
	if *modelOut != "" && used != nil {
		if err := writeAtomic(*modelOut, func(w io.Writer) error { return used.WriteJSON(w) }); err != nil {
			return err
		}
	}
	return writeAtomic(*out, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"right_id", "left_id", "rank", "probability"})
		for _, m := range matches {
			_ = cw.Write([]string{m.RightID, m.LeftID, strconv.Itoa(m.Rank), strconv.FormatFloat(m.Probability, 'f', 4, 64)})
		}
		cw.Flush()
		return cw.Error()
	})
}

func tracingGenerate(ctx context.Context, args []string) error {
	fs := newFlagSet("tracing generate", "--people N --out people.csv [--truth truth.csv] [--seed S] [--style febrl [--sparse [--sparse-side both|right]] [--right dups.csv]]")
	people := fs.Int("people", 0, "number of distinct people (required)")
	out := fs.String("out", "", "output CSV of records (required)")
	truth := fs.String("truth", "", "output CSV id,person_id, or right_id,left_id with --right (optional)")
	seed := fs.Uint64("seed", 1, "random seed (the same seed gives the same set)")
	style := fs.String("style", "amparo", "amparo (families, officers' variation) or febrl (originals and modified duplicates)")
	sparse := fs.Bool("sparse", false, "febrl: keep at most three fields of every row")
	right := fs.String("right", "", "febrl: write a link set, one duplicate of each original to this file")
	side := fs.String("sparse-side", "both", "febrl --sparse --right: both, or right (the left rows stay full)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *people < 1 || *out == "" {
		return usagef("generate needs --people N (N >= 1) and --out")
	}
	if *people > maxGeneratePeople {
		// Each person takes a few hundred bytes and the whole set is
		// held before writing: 10^12 died out of memory with a trace.
		return usagef("generate makes at most %d people (asked %d)", maxGeneratePeople, *people)
	}
	var set, dups synth.Set
	switch *style {
	case "amparo":
		if *sparse || *right != "" || *side != "both" {
			return usagef("--sparse, --sparse-side and --right go with --style febrl")
		}
		set = synth.Generate(*seed, *people)
	case "febrl":
		if *side != "both" && *side != "right" {
			return usagef("--sparse-side must be both or right, got %q", *side)
		}
		if *side == "right" && (!*sparse || *right == "") {
			return usagef("--sparse-side right goes with --sparse and --right")
		}
		o := synth.FEBRLOptions{Sparse: *sparse, FullLeft: *side == "right"}
		if *right != "" {
			set, dups = synth.GenerateFEBRLLink(*seed, *people, o)
		} else {
			set = synth.GenerateFEBRL(*seed, *people, o)
		}
	default:
		return usagef("--style must be amparo or febrl, got %q", *style)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := writeAtomic(*out, func(w io.Writer) error { return tracing.WriteCSV(w, set.Records) }); err != nil {
		return err
	}
	truthOf, header := set, []string{"id", "person_id"}
	if *right != "" {
		if err := writeAtomic(*right, func(w io.Writer) error { return tracing.WriteCSV(w, dups.Records) }); err != nil {
			return err
		}
		truthOf, header = dups, []string{"right_id", "left_id"}
	}
	if *truth != "" {
		return writeAtomic(*truth, func(w io.Writer) error {
			cw := csv.NewWriter(w)
			_ = cw.Write(header)
			for i, r := range truthOf.Records {
				_ = cw.Write([]string{r.ID, truthOf.PersonID[i]})
			}
			cw.Flush()
			return cw.Error()
		})
	}
	return nil
}

func readModel(path string) (*tracing.Model, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tracing: --model: %w", err)
	}
	defer f.Close()
	m, err := tracing.ReadModel(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

func logger(verbose bool) *slog.Logger {
	if !verbose {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, nil))
}

// countLines counts the lines of a file, as a hint of how many records it
// holds (a field with a line break makes it an overestimate, which is
// harmless); 0 if the file cannot be read.
func countLines(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	n := 0
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if err != nil {
			return n
		}
	}
}

// readRecords reads a records CSV, with a progress bar over its bytes.
func readRecords(path string) ([]tracing.Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tracing: %w", err)
	}
	defer f.Close()
	var size int64 = -1
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	bar := progress.New(size, "reading "+filepath.Base(path))
	var notes tracing.ReadNotes
	recs, err := tracing.ReadCSVNoting(bufio.NewReaderSize(bar.Reader(f), 1<<20), &notes)
	bar.Finish()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if s := notes.String(); s != "" {
		fmt.Fprintf(os.Stderr, "amparo tracing: %s: %s\n", path, s)
	}
	return recs, nil
}

// maxGeneratePeople bounds tracing generate: about 18 million records, some
// 6 GB in memory, well past the million-row benchmarks.
const maxGeneratePeople = 10_000_000

// writeAtomic writes a file through a temporary file in the same directory
// renamed into place, so that a failed or interrupted run never leaves a
// half-written file at path. A path that is not a regular file (/dev/null,
// a pipe) is written to in place: renaming over it replaced the device
// with a file when run as root.
func writeAtomic(path string, write func(io.Writer) error) (err error) {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return fmt.Errorf("tracing: write %s: is a directory", path)
		}
		return writeInPlace(path, write)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("tracing: write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err := write(bw); err != nil {
		return fmt.Errorf("tracing: write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("tracing: write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("tracing: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("tracing: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("tracing: write %s: %w", path, err)
	}
	return nil
}

// writeInPlace writes to an existing file that is not a regular one.
func writeInPlace(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("tracing: write %s: %w", path, err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := write(bw); err != nil {
		f.Close()
		return fmt.Errorf("tracing: write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("tracing: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("tracing: write %s: %w", path, err)
	}
	return nil
}
