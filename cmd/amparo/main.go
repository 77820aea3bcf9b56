// Command amparo is the whole of Amparo: the web server, the JSON API and
// the operators' subcommands, in one binary.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/amparo-project/amparo/internal/store"
)

// command is one subcommand. Each domain registers its own from its own file
// (tracing.go, indicators.go, ...) so that main stays small.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string) error
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// errUsage marks a mistake in the command line: exit status 2, not 1.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(os.Stdout)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "amparo: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	err := c.run(ctx, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "amparo %s: %v\n", c.name, err)
		return 2
	default:
		fmt.Fprintf(stderr, "amparo %s: %v\n", c.name, err)
		return 1
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Amparo: case management, family tracing and aid accountability for unaccompanied children.")
	fmt.Fprintln(w, "\nUsage: amparo COMMAND [flags]    (amparo COMMAND --help for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
}

// usagef reports a command-line mistake.
func usagef(format string, a ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, a...))
}

// newFlagSet returns a flag set that reports errors instead of exiting, with
// a usage line naming the subcommand.
func newFlagSet(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("amparo "+name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: amparo %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args and refuses stray positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	var bad string
	fs.Visit(func(f *flag.Flag) {
		if v := f.Value.String(); bad == "" && !pathFlags[f.Name] && (!utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0) {
			bad = f.Name
		}
	})
	if bad != "" {
		return usagef("--%s: not UTF-8 text, or holds a NUL character", bad)
	}
	return nil
}

// pathFlags name files, whose names may be any bytes. Every other flag's
// value is text that may be stored (a user's email, a facility's name):
// bytes that are not UTF-8 were stored as they came on SQLite and refused
// with a raw driver error on PostgreSQL; the web and the API refuse them.
var pathFlags = map[string]bool{
	"data": true, "file": true, "out": true, "errors": true, "in": true, "left": true, "right": true,
	"truth": true, "model": true, "save-model": true, "cpuprofile": true, "tls-cert": true, "tls-key": true,
}

// demoSeeder fills a fresh database with one domain's demonstration data.
// Domains register theirs from their own files, naming the seeders whose
// data theirs needs (tracing requests describe demo cases; aid conditions
// read indicators); `serve --demo` and `amparo demo` run each after those.
type demoSeeder struct {
	name  string
	after []string
	seed  func(ctx context.Context, db *store.DB) error
}

var demoSeeders []demoSeeder

func registerDemo(name string, after []string, seed func(ctx context.Context, db *store.DB) error) {
	demoSeeders = append(demoSeeders, demoSeeder{name, after, seed})
}

// demoOrder returns the seeders so that each comes after those it names,
// and otherwise in name order (so that the order is the same every run).
// A seeder naming an unknown seeder, or a cycle, is a programming error.
func demoOrder(all []demoSeeder) ([]demoSeeder, error) {
	byName := make(map[string]demoSeeder, len(all))
	for _, d := range all {
		byName[d.name] = d
	}
	names := make([]string, 0, len(all))
	for _, d := range all {
		names = append(names, d.name)
	}
	sort.Strings(names)
	var out []demoSeeder
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(name string, path []string) error
	visit = func(name string, path []string) error {
		d, ok := byName[name]
		if !ok {
			return fmt.Errorf("demo data: %q needs seeder %q, which no domain registers", path[len(path)-1], name)
		}
		switch state[name] {
		case 2:
			return nil
		case 1:
			return fmt.Errorf("demo data: seeders depend on each other in a cycle: %s", strings.Join(append(path, name), " -> "))
		}
		state[name] = 1
		after := slices.Clone(d.after)
		sort.Strings(after)
		for _, dep := range after {
			if err := visit(dep, append(path, name)); err != nil {
				return err
			}
		}
		state[name] = 2
		out = append(out, d)
		return nil
	}
	for _, n := range names {
		if err := visit(n, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}
