package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/loadtest"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/pgtemp"
	"github.com/amparo-project/amparo/internal/web"
)

func init() {
	register(&command{name: "loadtest", summary: "measure the server under concurrent clients on a throwaway database", run: runLoadtest})
}

// loadConfig is one `amparo loadtest` run.
type loadConfig struct {
	clients   int
	duration  time.Duration
	scenarios []loadtest.Scenario
	seedCases int
}

func runLoadtest(ctx context.Context, args []string) error {
	fs := newFlagSet("loadtest", "[--clients N] [--duration D] [--engines sqlite,postgres] [--scenarios search,create,mix]")
	clients := fs.Int("clients", 50, "concurrent clients, each with one request in flight")
	duration := fs.Duration("duration", 30*time.Second, "how long each scenario runs")
	engines := fs.String("engines", "sqlite,postgres", "engines to measure; postgres runs on a throwaway cluster (skipped, saying so, when PostgreSQL is not installed) unless --database-url is given")
	scenarios := fs.String("scenarios", "search,create,mix", "scenarios to run, in order")
	seed := fs.Int("seed-cases", 2000, "cases stored before the first scenario, for the searches to find")
	dbURL := fs.String("database-url", "", "an empty PostgreSQL database to use instead of a throwaway cluster (it keeps the data)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run (server and clients) to this file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	cfg := loadConfig{clients: *clients, duration: *duration, seedCases: *seed}
	if cfg.clients < 1 || cfg.clients > 1000 || cfg.duration <= 0 || cfg.seedCases < 1 {
		return usagef("--clients must be 1 to 1000, --duration positive, --seed-cases at least 1")
	}
	for _, name := range strings.Split(*scenarios, ",") {
		sc, ok := loadtest.ScenarioNamed(strings.TrimSpace(name))
		if !ok {
			return usagef("unknown scenario %q", name)
		}
		cfg.scenarios = append(cfg.scenarios, sc)
	}
	// Migrations and seeders log at Info: only warnings matter here.
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	var failed []string
	for _, engine := range strings.Split(*engines, ",") {
		db, done, err := openLoadDB(ctx, strings.TrimSpace(engine), *dbURL)
		if errors.Is(err, pgtemp.ErrNoServer) {
			fmt.Fprintf(stdout, "*** %s SKIPPED: %v ***\n", engine, err)
			continue
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "== %s: %d clients, %s per scenario, %d cases seeded\n", engine, cfg.clients, cfg.duration, cfg.seedCases)
		rep, err := loadRun(ctx, stdout, db, cfg)
		done()
		if err != nil {
			return fmt.Errorf("%s: %w", engine, err)
		}
		if !rep.ok() {
			failed = append(failed, fmt.Sprintf("%s: %d errors, %d acknowledged writes missing", engine, rep.errors, rep.lost))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("FAILED: %s", strings.Join(failed, "; "))
	}
	return nil
}

// openLoadDB opens a new, migrated database on engine; done closes it and
// removes what was made for it.
func openLoadDB(ctx context.Context, engine, dbURL string) (*store.DB, func(), error) {
	switch engine {
	case "sqlite":
		dir, err := os.MkdirTemp("", "amparo-load-")
		if err != nil {
			return nil, nil, err
		}
		db, err := (&storeFlags{data: dir}).open(ctx)
		if err != nil {
			os.RemoveAll(dir)
			return nil, nil, err
		}
		return db, func() { db.Close(); os.RemoveAll(dir) }, nil
	case "postgres":
		if dbURL != "" {
			db, err := (&storeFlags{url: dbURL, timeout: store.DefaultStatementTimeout}).open(ctx)
			if err != nil {
				return nil, nil, err
			}
			return db, func() { db.Close() }, nil
		}
		// fsync stays on: commit latency is part of what is measured.
		c, err := pgtemp.Start(ctx, pgtemp.Options{Durable: true})
		if err != nil {
			return nil, nil, err
		}
		u, drop, err := pgtemp.NewDatabase(ctx, c.URL)
		if err != nil {
			c.Stop()
			return nil, nil, err
		}
		db, err := (&storeFlags{url: u, timeout: store.DefaultStatementTimeout}).open(ctx)
		if err != nil {
			drop()
			c.Stop()
			return nil, nil, err
		}
		return db, func() { db.Close(); drop(); c.Stop() }, nil
	}
	return nil, nil, usagef("unknown engine %q (sqlite or postgres)", engine)
}

// loadReport is what a run found.
type loadReport struct {
	results    []*loadtest.Result
	errors     int
	acked      int
	lost       int
	auditRows  int64
	auditError error
}

func (r loadReport) ok() bool { return r.errors == 0 && r.lost == 0 && r.auditError == nil }

// loadRun seeds db, serves it on loopback, runs each scenario against it,
// then checks that every acknowledged creation is stored and that the
// audit chain holds. It writes the figures to w as it goes.
func loadRun(ctx context.Context, w io.Writer, db *store.DB, cfg loadConfig) (loadReport, error) {
	var rep loadReport
	op := operatorContext(ctx)
	accounts := auth.NewService(db)
	tokens := map[auth.Role]string{}
	for _, role := range []auth.Role{auth.RoleAdmin, auth.RoleIntake} {
		email := "load-" + string(role) + "-" + auth.RandomToken(4) + "@load.amparo.example"
		if _, err := accounts.CreateUser(op, email, role, auth.RandomToken(16)); err != nil {
			return rep, err
		}
		tok, err := accounts.CreateAPIToken(op, email, "loadtest")
		if err != nil {
			return rep, err
		}
		tokens[role] = tok
	}
	// Server logs below a warning would measure the log's writer.
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	svc, err := newServices(ctx, db, logger)
	if err != nil {
		return rep, err
	}
	ids, err := seedLoadCases(op, db, svc.Custody, cfg.seedCases)
	if err != nil {
		_ = svc.Tracing.Close()
		return rep, err
	}
	srv, err := web.New(db, svc, web.Options{Logger: logger})
	if err != nil {
		_ = svc.Tracing.Close()
		return rep, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		srv.Close()
		return rep, err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	target := loadtest.Target{
		BaseURL: "http://" + ln.Addr().String(), ReadToken: tokens[auth.RoleAdmin], CreateToken: tokens[auth.RoleIntake],
		SearchTerms: loadtest.SearchTerms, CaseIDs: ids,
	}
	client := loadtest.NewClient(cfg.clients)
	var created []loadtest.Created
	for _, sc := range cfg.scenarios {
		before := db.WriterStats()
		res := loadtest.Run(ctx, client, target, sc, loadtest.Options{Clients: cfg.clients, Duration: cfg.duration})
		res.Write(w)
		writeGateStats(w, sc.Name, before, db.WriterStats(), res.Elapsed)
		rep.results = append(rep.results, res)
		rep.errors += res.Errors()
		created = append(created, res.Created...)
	}
	client.CloseIdleConnections()
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	_ = hs.Shutdown(shutdownCtx)
	srv.Close()

	rep.acked = len(created)
	if rep.lost, err = missingCases(op, svc.Custody, created, w); err != nil {
		return rep, err
	}
	rep.auditRows, rep.auditError = audit.Verify(ctx, db)
	switch {
	case rep.auditError != nil:
		fmt.Fprintf(w, "audit verify: FAILED: %v\n", rep.auditError)
	default:
		fmt.Fprintf(w, "audit verify: chain intact, %d rows\n", rep.auditRows)
	}
	fmt.Fprintf(w, "acknowledged creates: %d, missing: %d; errors: %d\n", rep.acked, rep.lost, rep.errors)
	return rep, nil
}

// seedLoadCases stores n cases in one transaction and returns their ids.
func seedLoadCases(ctx context.Context, db *store.DB, cases *custody.Service, n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	at := time.Now().Add(-24 * time.Hour)
	err := db.WithTx(ctx, func(ctx context.Context) error {
		for i := range n {
			g, s1, s2 := loadtest.SeedName(i)
			c, err := cases.CreateCase(ctx, custody.Intake{Person: identity.Person{GivenNames: g, Surname1: s1, Surname2: s2, Sex: []string{"F", "M"}[i%2]}, Nationality: "HN", EncounteredAt: at, EncounterPlace: "load test seed"})
			if err != nil {
				return fmt.Errorf("seed case %d: %w", i, err)
			}
			ids = append(ids, c.ID)
		}
		return nil
	})
	return ids, err
}

// missingCases counts the acknowledged creations that are not stored with
// the name they were sent with, naming the first few.
func missingCases(ctx context.Context, cases *custody.Service, created []loadtest.Created, w io.Writer) (int, error) {
	ids := make([]int64, len(created))
	for i, c := range created {
		ids[i] = c.ID
	}
	stored, err := cases.Briefs(ctx, ids)
	if err != nil {
		return 0, err
	}
	lost := 0
	for _, c := range created {
		b, ok := stored[c.ID]
		if ok && strings.Contains(b.Name, c.Surname1) {
			continue
		}
		lost++
		if lost <= 5 {
			fmt.Fprintf(w, "MISSING: case %d (%s %s) was acknowledged but is not stored as sent\n", c.ID, c.GivenNames, c.Surname1)
		}
	}
	return lost, nil
}

// writeGateStats prints how SQLite's write gate was used during a
// scenario: how busy it was (held time over elapsed time; near 100% means
// the writers queue for the lock, not for the CPU) and the mean wait.
func writeGateStats(w io.Writer, scenario string, before, after store.WriterStats, elapsed time.Duration) {
	n := after.Writes - before.Writes
	if n == 0 {
		return
	}
	held, waited, commit := after.Held-before.Held, after.Waited-before.Waited, after.Commit-before.Commit
	perWrite := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(n) }
	fmt.Fprintf(w, "%-8s write lock: %d writes, held %.0f%% of the time, %.2fms per write (%.2fms of it committing), mean wait %.1fms, longest hold so far %.1fms\n",
		scenario, n, 100*held.Seconds()/elapsed.Seconds(), perWrite(held), perWrite(commit), perWrite(waited), float64(after.MaxHeld.Microseconds())/1000)
}
