package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/amparo-project/amparo/internal/auth"
)

func init() {
	register(&command{name: "users", summary: "add, list, disable or enable accounts", run: runUsers})
	register(&command{name: "tokens", summary: "create API tokens", run: runTokens})
}

const usersUsage = `Usage:
  amparo users add --email E --role ROLE [--password-stdin]   (prints a generated password otherwise)
  amparo users list
  amparo users disable --email E
  amparo users enable --email E
  amparo users password --email E [--password-stdin]
Roles: admin, intake, caseworker, legal, aid_officer, auditor, public.
Every subcommand takes --data DIR and --database-url URL.`

// stdin is replaced in tests.
var stdin io.Reader = os.Stdin
var stdout io.Writer = os.Stdout

// usersArgs are the flags of one `users` subcommand, parsed and checked.
type usersArgs struct {
	email     string
	role      auth.Role
	password  string
	generated bool // password was made here: print it once
}

// usersSub is one `users` subcommand: which flags it takes, and what it
// does with the account service once the flags are checked.
type usersSub struct {
	email, role, password bool
	run                   func(ctx context.Context, svc *auth.Service, sub string, a usersArgs) error
}

var usersSubs = map[string]usersSub{
	"add":      {email: true, role: true, password: true, run: usersAdd},
	"password": {email: true, password: true, run: usersPassword},
	"disable":  {email: true, run: usersSetDisabled},
	"enable":   {email: true, run: usersSetDisabled},
	"list":     {run: usersList},
}

func runUsers(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(os.Stderr, usersUsage)
		if len(args) == 0 {
			return usagef("a subcommand is required")
		}
		return nil
	}
	sub, args := args[0], args[1:]
	spec, ok := usersSubs[sub]
	if !ok {
		fmt.Fprintln(os.Stderr, usersUsage)
		return usagef("unknown subcommand %q", sub)
	}
	fs := newFlagSet("users "+sub, "--email E ...")
	sf := addStoreFlags(fs)
	var email, role string
	var pwStdin bool
	if spec.email {
		fs.StringVar(&email, "email", "", "the account's email address (required)")
	}
	if spec.role {
		fs.StringVar(&role, "role", "", "the account's role (required): "+rolesList())
	}
	if spec.password {
		fs.BoolVar(&pwStdin, "password-stdin", false, "read the password from standard input instead of generating one")
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	a, err := spec.check(email, role, pwStdin)
	if err != nil {
		return err
	}
	ctx = operatorContext(ctx)
	db, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	return spec.run(ctx, auth.NewService(db), sub, a)
}

// check refuses missing flags, and reads or makes the password.
func (spec usersSub) check(email, role string, pwStdin bool) (usersArgs, error) {
	var a usersArgs
	switch {
	case spec.email && email == "":
		return a, usagef("--email is required")
	case spec.role && role == "":
		return a, usagef("--role is required (%s)", rolesList())
	}
	a.email = email
	if spec.role {
		r, err := auth.ParseRole(role)
		if err != nil {
			return a, fmt.Errorf("%w: %v", errUsage, err)
		}
		a.role = r
	}
	if !spec.password {
		return a, nil
	}
	if !pwStdin {
		a.password, a.generated = auth.RandomToken(15), true
		return a, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return a, fmt.Errorf("read password: %w", err)
	}
	a.password = strings.TrimRight(line, "\r\n")
	return a, nil
}

func printGenerated(a usersArgs) {
	if a.generated {
		fmt.Fprintf(stdout, "password: %s\n", a.password)
	}
}

func usersAdd(ctx context.Context, svc *auth.Service, _ string, a usersArgs) error {
	u, err := svc.CreateUser(ctx, a.email, a.role, a.password)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s (%s)\n", u.Email, u.Role)
	printGenerated(a)
	return nil
}

func usersPassword(ctx context.Context, svc *auth.Service, _ string, a usersArgs) error {
	if err := svc.SetPassword(ctx, a.email, a.password); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "password changed for %s; its sessions were ended\n", a.email)
	printGenerated(a)
	return nil
}

func usersSetDisabled(ctx context.Context, svc *auth.Service, sub string, a usersArgs) error {
	if err := svc.SetDisabled(ctx, a.email, sub == "disable"); err != nil {
		return err
	}
	if sub == "disable" {
		fmt.Fprintf(stdout, "disabled %s; its sessions were ended and its API tokens revoked (enabling it again does not restore them)\n", a.email)
		return nil
	}
	fmt.Fprintf(stdout, "enabled %s; its old API tokens stay revoked: create new ones with 'amparo tokens create'\n", a.email)
	return nil
}

func usersList(ctx context.Context, svc *auth.Service, _ string, _ usersArgs) error {
	users, err := svc.Users(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tROLE\tSTATUS\tCREATED")
	for _, u := range users {
		status := "active"
		if u.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Email, u.Role, status, u.CreatedAt.Format("2006-01-02"))
	}
	return tw.Flush()
}

func rolesList() string {
	s := make([]string, len(auth.Roles))
	for i, r := range auth.Roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

func runTokens(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(os.Stderr, "Usage: amparo tokens create --email E [--name LABEL] [--data DIR] [--database-url URL]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return usagef("expected 'tokens create'")
	}
	fs := newFlagSet("tokens create", "--email E [--name LABEL]")
	sf := addStoreFlags(fs)
	email := fs.String("email", "", "the account the token acts as (required)")
	name := fs.String("name", "", "a label to recognise the token by")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *email == "" {
		return usagef("--email is required")
	}
	ctx = operatorContext(ctx)
	db, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	token, err := auth.NewService(db).CreateAPIToken(ctx, *email, *name)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, token)
	return nil
}
