package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"text/tabwriter"

	"github.com/amparo-project/amparo/internal/aid"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store"
)

func init() {
	register(&command{
		name:    "aid",
		summary: "aid conditions: evaluate a package's tranches on the indicators",
		run:     runAid,
	})
	// Aid conditions are evaluated on the real indicators: they load first.
	registerDemo("aid", []string{"indicators"}, func(ctx context.Context, db *store.DB) error {
		return aid.New(db, indicators.New(db), nil).SeedDemo(ctx)
	})
}

const aidUsage = `Usage: amparo aid SUBCOMMAND [flags]

Subcommands:
  evaluate  --package ID [--as-of YYYY-MM-DD] [--json]
            Evaluate every tranche of the package as of the date (default
            today) and store each evaluation with its inputs frozen.

  export-iati --out F.xml [--org-ref REF --org-type CODE --org-name NAME]
            Every package as IATI activity XML 2.03.

  import-iati --file F.xml
            Import an IATI activity XML 2.03 file (any size, read as a
            stream): all of it, or nothing if any part is at fault (the line
            and element are named).
`

func runAid(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, aidUsage)
		return usagef("missing subcommand (evaluate, export-iati, import-iati)")
	}
	ctx = operatorContext(ctx)
	switch args[0] {
	case "evaluate":
		return aidEvaluate(ctx, args[1:], os.Stdout)
	case "export-iati":
		return aidExportIATI(ctx, args[1:])
	case "import-iati":
		return aidImportIATI(ctx, args[1:], os.Stdout)
	case "-h", "--help", "help":
		fmt.Fprint(os.Stderr, aidUsage)
		return nil
	}
	return usagef("unknown subcommand %q", args[0])
}

func aidEvaluate(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlagSet("aid evaluate", "--package ID [--as-of DATE] [--json]")
	sf := addStoreFlags(fs)
	pkg := fs.Int64("package", 0, "package id")
	asOf := fs.String("as-of", "", "evaluate as of this date (YYYY-MM-DD; default today)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *pkg <= 0 {
		return usagef("--package is required")
	}
	db, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	evs, err := aid.New(db, indicators.New(db), nil).EvaluatePackage(ctx, *pkg, aid.EvaluateRequest{AsOf: *asOf})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(evs)
	}
	return printEvaluations(out, evs)
}

func aidExportIATI(ctx context.Context, args []string) error {
	fs := newFlagSet("aid export-iati", "--out F.xml")
	sf := addStoreFlags(fs)
	out := fs.String("out", "", "file to write")
	org := aid.DefaultReportingOrg
	fs.StringVar(&org.Ref, "org-ref", org.Ref, "reporting organisation's IATI identifier")
	fs.StringVar(&org.Type, "org-type", org.Type, "reporting organisation's IATI type code")
	fs.StringVar(&org.Name, "org-name", org.Name, "reporting organisation's name")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out is required")
	}
	db, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := aid.New(db, indicators.New(db), nil).ExportIATI(ctx, org, f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func aidImportIATI(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlagSet("aid import-iati", "--file F.xml")
	sf := addStoreFlags(fs)
	file := fs.String("file", "", "IATI activity XML 2.03 file (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f, db, err := sf.importInput(ctx, *file)
	if err != nil {
		return err
	}
	defer f.Close()
	defer db.Close()
	res, err := aid.New(db, indicators.New(db), nil).ImportIATI(ctx, filepath.Base(*file), bufio.NewReaderSize(f, 1<<16))
	var ie *aid.IATIError
	if errors.As(err, &ie) {
		return fmt.Errorf("%s: %w; nothing was imported", *file, ie)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "import %d: %d activities, %d budgets, %d transactions, %d conditions, %d result indicators (%d bytes, sha256 %s)\n",
		res.ID, res.Activities, res.Budgets, res.Transactions, res.Conditions, res.Indicators, res.Size, res.SHA256)
	for _, k := range slices.Sorted(maps.Keys(res.Unmodelled)) {
		fmt.Fprintf(out, "  kept as read, written back on export: <%s> in %d activities\n", k, res.Unmodelled[k])
	}
	return nil
}

func printEvaluations(out io.Writer, evs []aid.Evaluation) error {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, e := range evs {
		fmt.Fprintf(tw, "tranche %d\tevaluation %d\t%s\n", e.TrancheID, e.ID, e.Explanation)
		for _, r := range e.Results {
			hard := ""
			if r.Hard {
				hard = " (hard)"
			}
			fmt.Fprintf(tw, "  %s%s\t%s\t%s\n", r.Ref, hard, r.Status, r.Explanation)
		}
	}
	return tw.Flush()
}
