// Package web serves Amparo's pages and its JSON API from one route table:
// each route names the permission it needs, and the table is checked
// server-side for every request.
package web

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/amparo-project/amparo/internal/aid"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/legal"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/tracing/requests"
)

// Options tunes a Server.
type Options struct {
	Logger *slog.Logger
	// SecureCookies marks cookies Secure even when the server itself does
	// not terminate TLS (behind a TLS proxy). Over TLS they always are.
	SecureCookies bool
	// MaxBodyBytes caps request bodies for routes that set no cap of their
	// own; 1 MiB when zero.
	MaxBodyBytes int64
	// TrustedProxies are the proxies whose X-Forwarded-For names the
	// client (sign-in throttling counts failures per client address).
	TrustedProxies []netip.Prefix
	// LoginAddressLimit is how many failed sign-ins one address may make
	// before it is slowed; auth.DefaultAddressFree when zero.
	LoginAddressLimit int
}

// kit is what every domain's handlers share: the logger, the options,
// the parsed pages and messages, and through its methods the one way to
// answer (writeJSON, writeError, domainError, render, decodeJSON, pathID).
// It holds no domain service: each domain's handlers are a struct of their
// own holding *kit and that domain's services only.
type kit struct {
	log   *slog.Logger
	opts  Options
	pages map[string]*template.Template
	msgs  map[string]catalog
}

// Server holds the route table, the middleware's state and the core
// (accounts, audit) handlers.
type Server struct {
	*kit
	db   *store.DB
	auth *auth.Service
	// openAPI is the merged OpenAPI document, served as is.
	openAPI []byte

	login *auth.LoginThrottle

	svc       Services
	imports   *importJobs // background case imports
	table     []Route
	mux       *http.ServeMux
	closeOnce sync.Once
	closeErr  error
}

// Close stops the services' background workers (the tracing matcher) and
// waits for them. Call it after the HTTP server has shut down; it is safe
// to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		errl := []error{s.imports.Close()}
		for _, c := range s.svc.closers() {
			errl = append(errl, c.Close())
		}
		s.closeErr = errors.Join(errl...)
	})
	return s.closeErr
}

// Services are the domain services the server answers with. The caller
// (cmd/amparo serve, or a test) builds them and starts their background
// workers; New takes them over, and Close stops every one that has a
// Close method. Each domain adds its field here and reads it in its own
// routes file.
type Services struct {
	Custody    *custody.Service
	Facilities *facilities.Service
	Release    *release.Service
	Indicators *indicators.Service
	Aid        *aid.Service
	Legal      *legal.Service
	// Tracing builds the tracing matcher in the background and runs its
	// sync loop (tracing_routes.go).
	Tracing *requests.Runner
}

// closers lists the services with background work, for Close.
func (sv Services) closers() []io.Closer {
	var out []io.Closer
	for _, v := range []any{sv.Tracing} {
		if c, ok := v.(io.Closer); ok && c != nil {
			out = append(out, c)
		}
	}
	return out
}

// DefaultMaxBody is the request body cap unless a route says otherwise.
const DefaultMaxBody = 1 << 20

// New builds a Server: templates, messages and the OpenAPI document are
// parsed once here, so a broken one fails at start, not on first use.
func New(db *store.DB, svc Services, opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBody
	}
	s := &Server{
		kit:     &kit{log: opts.Logger, opts: opts},
		db:      db,
		auth:    auth.NewService(db),
		svc:     svc,
		imports: newImportJobs(),
		login:   auth.NewLoginThrottle(auth.LoginRules(opts.LoginAddressLimit)),
	}
	var err error
	if s.msgs, err = loadCatalogs(); err != nil {
		return nil, err
	}
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	if s.openAPI, err = mergeOpenAPI(); err != nil {
		return nil, err
	}
	s.table = s.routes()
	s.mux = http.NewServeMux()
	for _, rt := range s.table {
		pattern := rt.Method + " " + rt.Path
		s.mux.Handle(pattern, s.guard(rt))
	}
	allowed, paths := s.methodsByPath()
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// A path the server has, asked with another method: 405 and the
		// methods it takes (RFC 9110 15.5.6), not "no such page".
		if _, p := paths.Handler(r); p != "" {
			ms := allowed[p]
			w.Header().Set("Allow", strings.Join(ms, ", "))
			s.writeError(w, r, http.StatusMethodNotAllowed, "method_not_allowed",
				fmt.Sprintf("%s is not allowed here; use %s", r.Method, strings.Join(ms, ", ")))
			return
		}
		s.writeError(w, r, http.StatusNotFound, "not_found", "No such page: "+r.URL.Path)
	})
	return s, nil
}

// methodsByPath lists the methods each route path takes, and a mux of the
// paths alone (any method) that says which path a request is for.
func (s *Server) methodsByPath() (map[string][]string, *http.ServeMux) {
	allowed := map[string][]string{}
	for _, rt := range s.table {
		ms := append(allowed[rt.Path], rt.Method)
		if rt.Method == http.MethodGet {
			ms = append(ms, http.MethodHead)
		}
		allowed[rt.Path] = ms
	}
	paths := http.NewServeMux()
	for p, ms := range allowed {
		slices.Sort(ms)
		allowed[p] = slices.Compact(ms)
		paths.Handle(p, http.NotFoundHandler())
	}
	return allowed, paths
}

// Handler returns the whole server with its middleware.
func (s *Server) Handler() http.Handler {
	var h http.Handler = s.mux
	h = s.authenticate(h)
	h = s.langParam(h)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(s.crossOriginDenied())
	h = cop.Handler(h)
	h = s.capHeaders(h)
	h = securityHeaders(h)
	h = s.recoverPanics(h)
	h = s.logRequests(h)
	return h
}

// Routes returns the route table (for tests and the OpenAPI check).
func (s *Server) Routes() []Route { return s.table }

// isAPI reports whether r is for the JSON API (errors answer in JSON).
func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/healthz"
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.ErrorContext(r.Context(), "panic", "request_id", requestIDOf(r), "panic", fmt.Sprint(p))
				s.writeError(w, r, http.StatusInternalServerError, "internal", "Something went wrong; the error was logged.")
			}
		}()
		next.ServeHTTP(w, r)
	})
}
