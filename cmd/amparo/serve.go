package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"github.com/amparo-project/amparo/internal/aid"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/legal"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/tracing/requests"
	"github.com/amparo-project/amparo/internal/web"
)

func init() {
	register(&command{name: "serve", summary: "run the web server and API", run: runServe})
}

func runServe(ctx context.Context, args []string) error {
	fs := newFlagSet("serve", "[--data DIR] [--addr HOST:PORT] [--database-url URL] [--demo]")
	sf := addStoreFlags(fs)
	addr := fs.String("addr", envOr("AMPARO_ADDR", "127.0.0.1:8080"), "address to listen on (env AMPARO_ADDR)")
	demo := fs.Bool("demo", false, "load demonstration data and demo accounts (one per role), printing their one-time passwords")
	secure := fs.Bool("secure-cookies", os.Getenv("AMPARO_SECURE_COOKIES") == "1", "mark cookies Secure although this process serves plain HTTP (behind a TLS proxy)")
	tlsCert := fs.String("tls-cert", os.Getenv("AMPARO_TLS_CERT"), "TLS certificate file (PEM); with --tls-key, serve HTTPS (env AMPARO_TLS_CERT)")
	tlsKey := fs.String("tls-key", os.Getenv("AMPARO_TLS_KEY"), "TLS private key file (PEM) (env AMPARO_TLS_KEY)")
	proxyList := fs.String("trusted-proxies", os.Getenv("AMPARO_TRUSTED_PROXIES"), "comma-separated CIDR prefixes or addresses of reverse proxies whose X-Forwarded-For names the client, for sign-in throttling (env AMPARO_TRUSTED_PROXIES)")
	addressLimit := fs.Int("login-address-limit", auth.DefaultAddressFree, "failed sign-ins one client address may make before its attempts are slowed")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	proxies, err := auth.ParseTrustedProxies(*proxyList)
	if err != nil {
		return usagef("--trusted-proxies: %v", err)
	}
	if *addressLimit < 1 {
		return usagef("--login-address-limit must be at least 1")
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return usagef("--tls-cert and --tls-key go together")
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	slog.SetDefault(logger)
	setServerGC()

	db, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	var accounts []demoAccount
	if *demo {
		if accounts, err = seedDemo(ctx, db); err != nil {
			ln.Close()
			return err
		}
	}
	svc, err := newServices(ctx, db, logger)
	if err != nil {
		ln.Close()
		return err
	}
	srv, err := web.New(db, svc, web.Options{Logger: logger, SecureCookies: *secure, TrustedProxies: proxies, LoginAddressLimit: *addressLimit})
	if err != nil {
		_ = svc.Tracing.Close()
		ln.Close()
		return err
	}
	// The services' background workers stop after the last request has
	// been answered (Shutdown below), before the database closes.
	defer srv.Close()
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		// Above web.MaxHeaderBytes, which answers 431 in the API's or the
		// page's error shape; only requests beyond this get Go's plain one.
		MaxHeaderBytes: 1 << 20,
		ErrorLog:       slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	scheme := "http"
	if *tlsCert != "" {
		scheme = "https"
	}
	url := scheme + "://" + ln.Addr().String() + "/"
	fmt.Fprintf(os.Stdout, "Amparo is listening on %s (database: %s)\n", url, describeDB(db))
	if len(accounts) > 0 {
		fmt.Fprintln(os.Stdout, "Demo accounts (passwords are new at every start; write them down):")
		for _, a := range accounts {
			fmt.Fprintf(os.Stdout, "  %-12s %-32s %s\n", a.role, a.email, a.password)
		}
	}
	logger.Info("listening", "addr", ln.Addr().String(), "database", db.Dialect.String())

	errc := make(chan error, 1)
	go func() {
		if *tlsCert != "" {
			errc <- hs.ServeTLS(ln, *tlsCert, *tlsKey)
			return
		}
		errc <- hs.Serve(ln)
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// newServices builds every domain's service on db and starts their
// background workers; the web server takes them over and stops them.
func newServices(ctx context.Context, db *store.DB, logger *slog.Logger) (web.Services, error) {
	fac := facilities.New(db, nil)
	cases := custody.New(db, fac, nil)
	rel := release.New(db, cases, nil)
	ind := indicators.New(db)
	return web.Services{
		Custody:    cases,
		Facilities: fac,
		Release:    rel,
		Indicators: ind,
		Aid:        aid.New(db, ind, nil),
		Legal:      legal.New(db, cases, rel, nil),
		// The matcher reads every case into memory, which takes seconds
		// on a large database: it is built in the background, and the
		// tracing pages answer 503 until it is there.
		// It runs until Server.Close, after the last request has been
		// answered, not until the signal that begins the shutdown.
		Tracing: requests.Start(context.WithoutCancel(ctx), db, requests.RunnerOptions{
			MatcherOptions: requests.MatcherOptions{Logger: logger, Cases: cases},
			Release:        rel,
		}),
	}, nil
}

func describeDB(db *store.DB) string {
	if db.Dialect == store.SQLite {
		return "SQLite " + db.Path
	}
	return "PostgreSQL"
}

type demoAccount struct {
	role     auth.Role
	email    string
	password string
}

// seedDemo creates (or resets) one account per role and loads every
// domain's demo data once.
func seedDemo(ctx context.Context, db *store.DB) ([]demoAccount, error) {
	ctx = operatorContext(ctx)
	svc := auth.NewService(db)
	var out []demoAccount
	for _, role := range auth.Roles {
		email := string(role) + "@demo.amparo.example"
		pw := auth.RandomToken(12)
		_, err := svc.UserByEmail(ctx, email)
		switch {
		case errors.Is(err, auth.ErrUserNotFound):
			_, err = svc.CreateUser(ctx, email, role, pw)
		case err == nil:
			err = svc.SetPassword(ctx, email, pw)
		}
		if err != nil {
			return nil, fmt.Errorf("demo account %s: %w", email, err)
		}
		out = append(out, demoAccount{role, email, pw})
	}
	if err := runDemoSeeders(ctx, db); err != nil {
		return nil, err
	}
	return out, nil
}

// runDemoSeeders runs each registered seeder that has not run on this
// database before.
func runDemoSeeders(ctx context.Context, db *store.DB) error {
	order, err := demoOrder(demoSeeders)
	if err != nil {
		return err
	}
	for _, d := range order {
		key := "demo." + d.name
		if _, done, err := db.Meta(ctx, key); err != nil {
			return err
		} else if done {
			continue
		}
		start := time.Now()
		if err := d.seed(ctx, db); err != nil {
			return fmt.Errorf("demo data %s: %w", d.name, err)
		}
		if err := db.SetMeta(ctx, key, time.Now().UTC().Format(time.RFC3339)); err != nil {
			return err
		}
		slog.InfoContext(ctx, "demo data loaded", "domain", d.name, "duration", time.Since(start).Round(time.Millisecond).String())
	}
	return nil
}

// serverGCPercent: most of a server's heap is long-lived (the tracing
// index of every case), and the collector's default lets the heap grow to
// twice what is live before it runs, which a server pays in resident
// memory all the time: a 50 MB import peaked at 346 MB resident for 158 MB
// live (internal/loadtest/NOTES.md). Requests make little garbage next to
// the index, so collecting at 1.5 times costs little CPU. The GOGC
// environment variable, when set, wins.
const serverGCPercent = 50

func setServerGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}
}
