package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/demo"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/progress"
	"github.com/amparo-project/amparo/internal/store"
)

func init() {
	register(&command{name: "import", summary: "bulk-load records from a file: amparo import KIND --file F (kinds: " + "cases" + ")", run: runImport})
	register(&command{name: "demo", summary: "load demonstration data (every domain) and demo accounts into a database", run: runDemoCommand})
	register(&command{name: "facilities", summary: "list facilities, add one, or give a user access to a facility's cases", run: runFacilities})
	registerImport("cases", "children's intakes from CSV (one row per child)", runImportCases)
	registerDemo("children", nil, seedChildrenDemo)
}

// importKind is one kind of `amparo import`. Other domains add theirs
// with registerImport from their own files.
type importKind struct {
	summary string
	run     func(ctx context.Context, args []string) error
}

var importKinds = map[string]importKind{}

func registerImport(kind, summary string, run func(ctx context.Context, args []string) error) {
	importKinds[kind] = importKind{summary, run}
}

func importUsage() string {
	var b strings.Builder
	b.WriteString("Usage: amparo import KIND --file F [--data DIR | --database-url URL]\n\nKinds:\n")
	kinds := make([]string, 0, len(importKinds))
	for k := range importKinds {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(&b, "  %-10s %s\n", k, importKinds[k].summary)
	}
	return b.String()
}

func runImport(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(os.Stderr, importUsage())
		if len(args) == 0 {
			return usagef("the kind of records to import is required")
		}
		return nil
	}
	k, ok := importKinds[args[0]]
	if !ok {
		fmt.Fprint(os.Stderr, importUsage())
		return usagef("unknown kind %q", args[0])
	}
	return k.run(ctx, args[1:])
}

func runImportCases(ctx context.Context, args []string) error {
	fs := newFlagSet("import cases", "--file F.csv [--errors OUT.csv] [--resume-from N]")
	sf := addStoreFlags(fs)
	file := fs.String("file", "", "CSV file with a header row; columns: "+strings.Join(custody.ImportColumns, ", ")+" (required)")
	errorsOut := fs.String("errors", "", "also write the row-level error report to this CSV file (line,field,problem)")
	resume := fs.Int("resume-from", 0, "skip the rows before this line (the header is line 1): the line a stopped import of the same file said to go on from")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *resume < 0 {
		return usagef("--resume-from must be a line number (0 or more), not %d", *resume)
	}
	// The report's file is created first: a path that cannot be written
	// is refused before anything is imported, not after the rows have
	// been committed (the failure then read as if nothing had been).
	var report *os.File
	if *errorsOut != "" {
		var err error
		if report, err = os.Create(*errorsOut); err != nil {
			return fmt.Errorf("write error report: %w", err)
		}
		defer func() {
			if report != nil { // not written: the import stopped before its report
				report.Close()
				os.Remove(*errorsOut)
			}
		}()
	}
	f, db, err := sf.importInput(ctx, *file)
	if err != nil {
		return err
	}
	defer f.Close()
	defer db.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("open %s: %w", *file, err)
	}
	ctx = operatorContext(ctx)
	bar := progress.New(st.Size(), "importing cases")
	res, err := custody.New(db, facilities.New(db, nil), nil).ImportCasesWith(ctx, bar.Reader(f), custody.ImportOptions{ResumeFrom: *resume})
	bar.Finish()
	var stopped *custody.ImportStoppedError
	if errors.As(err, &stopped) {
		return fmt.Errorf("%w (to go on: amparo import cases --file %s --resume-from %d)", err, *file, stopped.ResumeFrom)
	}
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
	if report != nil {
		err := writeImportErrors(report, res.Errors)
		report = nil
		if err != nil {
			return err
		}
	}
	if res.ErrorsOmitted > 0 {
		fmt.Fprintf(stdout, "(%d more problems not listed)\n", res.ErrorsOmitted)
	}
	if res.Aborted != "" && res.ResumeFrom > 0 {
		return fmt.Errorf("%s (to go on once the file is fixed: amparo import cases --file %s --resume-from %d)", res.Aborted, *file, res.ResumeFrom)
	}
	if res.Aborted != "" {
		return errors.New(res.Aborted)
	}
	fmt.Fprintf(stdout, "%d cases imported, %d rows rejected\n", res.Imported, res.Rejected)
	if res.Imported == 0 && len(res.Errors) > 0 {
		return errors.New("nothing imported")
	}
	return nil
}

func writeImportErrors(f *os.File, errs []custody.ImportError) error {
	w := csv.NewWriter(f)
	_ = w.Write([]string{"line", "field", "problem"})
	for _, e := range errs {
		_ = w.Write([]string{strconv.Itoa(e.Line), e.Field, e.Problem})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("write error report: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write error report: %w", err)
	}
	return nil
}

// runDemoCommand loads every domain's demo data and the demo accounts,
// as `serve --demo` does, without starting the server.
func runDemoCommand(ctx context.Context, args []string) error {
	fs := newFlagSet("demo", "[--data DIR | --database-url URL]")
	sf := addStoreFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	accounts, err := seedDemo(ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Demo data loaded. Demo accounts (passwords are new at every run; write them down):")
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	for _, a := range accounts {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", a.role, a.email, a.password)
	}
	return tw.Flush()
}

// Demo size: enough for the board and charts to show something real.
const (
	demoCases      = 5000
	demoFacilities = 20
)

// seedChildrenDemo loads 5,000 synthetic cases in 20 facilities. Releases
// name the demo caseworker as requester and the demo supervisor as
// approver; the demo caseworker, supervisor and legal provider work in
// the three busiest facilities.
func seedChildrenDemo(ctx context.Context, db *store.DB) error {
	svc := auth.NewService(db)
	ids := map[auth.Role]int64{}
	for _, role := range []auth.Role{auth.RoleSupervisor, auth.RoleCaseworker, auth.RoleLegal} {
		u, err := svc.UserByEmail(ctx, string(role)+"@demo.amparo.example")
		if err != nil {
			return fmt.Errorf("children demo: the demo accounts must exist first: %w", err)
		}
		ids[role] = u.ID
	}
	return demo.SeedDemo(ctx, db, facilities.New(db, nil), demo.Options{
		Cases: demoCases, Facilities: demoFacilities, Seed: 2026,
		RequesterID: ids[auth.RoleCaseworker], ApproverID: ids[auth.RoleSupervisor],
		Staff: []int64{ids[auth.RoleCaseworker], ids[auth.RoleSupervisor], ids[auth.RoleLegal]},
	})
}

const facilitiesUsage = `Usage:
  amparo facilities list
  amparo facilities add --name N --type T --tz ZONE [--city C --state ST --lat L --lon L --languages "Spanish,Mam"] --beds F:13-17:20,M:0-12:10
  amparo facilities assign --email E --facility NAME     (the user sees that facility's cases)
  amparo facilities unassign --email E --facility NAME
Types: shelter, staff_secure, secure, residential_treatment, transitional_foster_care, influx.
Every subcommand takes --data DIR and --database-url URL.`

func runFacilities(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(os.Stderr, facilitiesUsage)
		if len(args) == 0 {
			return usagef("a subcommand is required")
		}
		return nil
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet("facilities "+sub, "...")
	sf := addStoreFlags(fs)
	var email, name, typ, tz, city, state, langs, beds *string
	var lat, lon *float64
	switch sub {
	case "list":
	case "assign", "unassign":
		email = fs.String("email", "", "the user's email (required)")
		name = fs.String("facility", "", "the facility's exact name (required)")
	case "add":
		name = fs.String("name", "", "name (required)")
		typ = fs.String("type", "shelter", "type")
		tz = fs.String("tz", "", "IANA time zone, e.g. America/Chicago (required)")
		city = fs.String("city", "", "city")
		state = fs.String("state", "", "US state code")
		langs = fs.String("languages", "Spanish,English", "languages staff speak, comma-separated")
		beds = fs.String("beds", "", "licensed beds as SEX:BAND:N, comma-separated (bands 0-12, 13-17)")
		lat = fs.Float64("lat", 0, "latitude")
		lon = fs.Float64("lon", 0, "longitude")
	default:
		fmt.Fprintln(os.Stderr, facilitiesUsage)
		return usagef("unknown subcommand %q", sub)
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if email != nil && *email == "" {
		return usagef("--email is required")
	}
	if name != nil && *name == "" {
		return usagef("the facility name is required")
	}
	db, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = operatorContext(ctx)
	s := facilities.New(db, nil)
	switch sub {
	case "list":
		return listFacilities(ctx, s)
	case "add":
		f := facilities.Facility{Name: *name, Type: *typ, TZ: *tz, City: *city, USState: *state, Languages: strings.Split(*langs, ",")}
		fs.Visit(func(fl *flag.Flag) {
			if fl.Name == "lat" {
				f.Lat = lat
			}
			if fl.Name == "lon" {
				f.Lon = lon
			}
		})
		return addFacility(ctx, s, f, *beds)
	default: // assign, unassign
		return assignFacility(ctx, db, s, sub, *email, *name)
	}
}

func listFacilities(ctx context.Context, s *facilities.Service) error {
	fac, err := s.Facilities(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tTYPE\tPLACE\tZONE\tBEDS\tOCCUPIED\tSTATUS")
	for _, f := range fac {
		c, o := f.Capacity()
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s, %s\t%s\t%d\t%d\t%s\n", f.ID, f.Name, f.Type, f.City, f.USState, f.TZ, c, o, f.Status)
	}
	return tw.Flush()
}

func addFacility(ctx context.Context, s *facilities.Service, f facilities.Facility, beds string) error {
	for _, spec := range strings.Split(beds, ",") {
		if spec = strings.TrimSpace(spec); spec == "" {
			continue
		}
		parts := strings.Split(spec, ":")
		n, err := strconv.Atoi(parts[len(parts)-1])
		if len(parts) != 3 || err != nil {
			return usagef("--beds %q: want SEX:BAND:N, e.g. F:13-17:20", spec)
		}
		f.Beds = append(f.Beds, facilities.Beds{Sex: parts[0], AgeBand: parts[1], Capacity: n})
	}
	out, err := s.CreateFacility(ctx, f)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "facility %d %q added\n", out.ID, out.Name)
	return nil
}

func assignFacility(ctx context.Context, db *store.DB, s *facilities.Service, sub, email, name string) error {
	u, err := auth.NewService(db).UserByEmail(ctx, email)
	if err != nil {
		return err
	}
	f, err := s.FacilityByName(ctx, name)
	if err != nil {
		return err
	}
	if sub == "assign" {
		if u.Role != auth.RoleCaseworker && u.Role != auth.RoleSupervisor && u.Role != auth.RoleLegal {
			fmt.Fprintf(os.Stderr, "note: %s is %s; facility access matters only for caseworkers, supervisors and legal providers\n", u.Email, u.Role)
		}
		err = s.AssignFacility(ctx, u.ID, f.ID)
	} else {
		err = s.UnassignFacility(ctx, u.ID, f.ID)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s %sed %s\n", u.Email, sub, f.Name)
	return nil
}
