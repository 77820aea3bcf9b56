package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/legal"
)

func init() {
	registerImport("providers", "pro bono legal providers from CSV (one row per organisation)", runImportProviders)
}

// runImportProviders is "amparo import providers" (kept as an alias of
// "amparo legal providers import").
func runImportProviders(ctx context.Context, args []string) error {
	return importProviders(ctx, "import providers", args)
}

func importProviders(ctx context.Context, name string, args []string) error {
	fs := newFlagSet(name, "--file F.csv")
	sf := addStoreFlags(fs)
	file := fs.String("file", "", "CSV file with a header row; columns: "+strings.Join(legal.ProviderColumns, ", ")+"; lists separated by ';' (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f, db, err := sf.importInput(ctx, *file)
	if err != nil {
		return err
	}
	defer f.Close()
	defer db.Close()
	ctx = operatorContext(ctx)
	cases := custody.New(db, facilities.New(db, nil), nil)
	res, err := legal.New(db, cases, release.New(db, cases, nil), nil).ImportProviders(ctx, f)
	if err != nil {
		return err
	}
	for _, e := range res.Errors {
		field := e.Field
		if field == "" {
			field = "(row)"
		}
		fmt.Fprintf(stdout, "line %d: %s: %s\n", e.Line, field, e.Problem)
	}
	fmt.Fprintf(stdout, "%d providers imported, %d rows rejected\n", res.Imported, res.Rejected)
	if res.Imported == 0 && len(res.Errors) > 0 {
		return errors.New("nothing imported")
	}
	return nil
}
