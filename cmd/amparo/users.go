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

func runUsers(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(os.Stderr, usersUsage)
		if len(args) == 0 {
			return usagef("a subcommand is required")
		}
		return nil
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet("users "+sub, "--email E ...")
	sf := addStoreFlags(fs)
	var email, role *string
	var pwStdin *bool
	switch sub {
	case "add":
		email = fs.String("email", "", "the account's email address (required)")
		role = fs.String("role", "", "the account's role (required): "+rolesList())
		pwStdin = fs.Bool("password-stdin", false, "read the password from standard input instead of generating one")
	case "password":
		email = fs.String("email", "", "the account's email address (required)")
		pwStdin = fs.Bool("password-stdin", false, "read the password from standard input instead of generating one")
	case "disable", "enable":
		email = fs.String("email", "", "the account's email address (required)")
	case "list":
	default:
		fmt.Fprintln(os.Stderr, usersUsage)
		return usagef("unknown subcommand %q", sub)
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if email != nil && *email == "" {
		return usagef("--email is required")
	}
	if role != nil && *role == "" {
		return usagef("--role is required (%s)", rolesList())
	}
	var r auth.Role
	if role != nil {
		var err error
		if r, err = auth.ParseRole(*role); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
	}
	password := ""
	generated := false
	if pwStdin != nil {
		if *pwStdin {
			line, err := bufio.NewReader(stdin).ReadString('\n')
			if err != nil && !errors.Is(err, io.EOF) {
				return fmt.Errorf("read password: %w", err)
			}
			password = strings.TrimRight(line, "\r\n")
		} else {
			password, generated = auth.RandomToken(15), true
		}
	}

	ctx = operatorContext(ctx)
	db, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := auth.NewService(db)
	switch sub {
	case "add":
		u, err := svc.CreateUser(ctx, *email, r, password)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s (%s)\n", u.Email, u.Role)
		if generated {
			fmt.Fprintf(stdout, "password: %s\n", password)
		}
	case "password":
		if err := svc.SetPassword(ctx, *email, password); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password changed for %s; its sessions were ended\n", *email)
		if generated {
			fmt.Fprintf(stdout, "password: %s\n", password)
		}
	case "disable", "enable":
		if err := svc.SetDisabled(ctx, *email, sub == "disable"); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%sd %s\n", sub, *email)
	case "list":
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
	return nil
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
