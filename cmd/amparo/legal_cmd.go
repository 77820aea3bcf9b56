package main

import (
	"context"
	"fmt"
	"os"

	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/legal"
)

func init() {
	register(&command{
		name:    "legal",
		summary: "legal services: import the pro bono provider directory, schedule follow-ups of loaded releases",
		run:     runLegal,
	})
}

const legalUsage = `Usage: amparo legal SUBCOMMAND [flags]

Subcommands:
  providers import --file F.csv
            Import a pro bono provider directory, one row per organisation;
            each rejected row is reported with its line and field (the rows
            before and after it are imported). Same as "amparo import providers".
  followups schedule
            Schedule the follow-up calls of released children who have none
            (releases loaded in bulk, without the approval that schedules
            them); children already scheduled are left as they are.

Every subcommand takes --data DIR and --database-url URL.
`

func runLegal(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, legalUsage)
		return usagef("missing subcommand (providers import, followups schedule)")
	}
	switch {
	case args[0] == "-h" || args[0] == "--help" || args[0] == "help":
		fmt.Fprint(stdout, legalUsage)
		return nil
	case len(args) >= 2 && args[0] == "providers" && args[1] == "import":
		return importProviders(ctx, "legal providers import", args[2:])
	case len(args) >= 2 && args[0] == "followups" && args[1] == "schedule":
		return scheduleFollowUps(ctx, args[2:])
	}
	fmt.Fprint(os.Stderr, legalUsage)
	return usagef("unknown subcommand %q (want providers import or followups schedule)", args[0])
}

func scheduleFollowUps(ctx context.Context, args []string) error {
	fs := newFlagSet("legal followups schedule", "")
	sf := addStoreFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = operatorContext(ctx)
	cases := custody.New(db, facilities.New(db, nil), nil)
	n, err := legal.New(db, cases, release.New(db, cases, nil), nil).ScheduleMissing(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d released children scheduled\n", n)
	return nil
}
