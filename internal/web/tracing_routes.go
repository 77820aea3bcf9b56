package web

import (
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/tracing/requests"
)

// tracingSyncInterval is how often new cases are matched against the open
// requests in the background.
const tracingSyncInterval = 5 * time.Second

// tracingState holds the tracing service of one Server. The matcher reads
// every case into memory, which takes seconds on a large database, so it
// is built in the background when the server is made; handlers wait for it.
// It lives here rather than in Server so that the tracing domain stays in
// its own files.
type tracingState struct {
	ready chan struct{}
	svc   *requests.Service
	err   error
}

func startTracing(db *store.DB, log *slog.Logger) (*tracingState, context.CancelFunc) {
	st := &tracingState{ready: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		start := time.Now()
		m, err := requests.NewMatcher(ctx, db, requests.MatcherOptions{Logger: log})
		if err != nil {
			st.err = err
			close(st.ready)
			if ctx.Err() == nil {
				log.Error("tracing: build the matcher", "err", err)
			}
			return
		}
		st.svc = requests.New(db, m)
		close(st.ready)
		log.Info("tracing: matcher ready", "cases", m.Len(), "took", time.Since(start).Round(time.Millisecond).String())
		m.Run(ctx, tracingSyncInterval)
	}()
	return st, cancel
}

// tracingWait is how long a request waits for the matcher while it is
// being built before being told to come back (a variable for tests).
var tracingWait = 3 * time.Second

// service waits for the matcher; on failure it has already answered. While
// the matcher is still being built (a minute for a million cases) the
// answer is 503 with Retry-After rather than a page that hangs.
func (st *tracingState) service(s *Server, w http.ResponseWriter, r *http.Request) (*requests.Service, bool) {
	t := time.NewTimer(tracingWait)
	defer t.Stop()
	select {
	case <-st.ready:
	case <-t.C:
		w.Header().Set("Retry-After", "30")
		s.writeError(w, r, http.StatusServiceUnavailable, "tracing_loading", s.translate(langOf(r), "tracing.loading"))
		return nil, false
	case <-r.Context().Done():
		return nil, false
	}
	if st.err != nil {
		s.serverError(w, r, st.err)
		return nil, false
	}
	return st.svc, true
}

func (s *Server) tracingRoutes() []Route {
	st, cancel := startTracing(s.db, s.log)
	// The background loop ends with the Server (it also ends by itself when
	// the database is closed).
	runtime.AddCleanup(s, func(cancel context.CancelFunc) { cancel() }, cancel)
	h := func(fn func(*tracingState, http.ResponseWriter, *http.Request)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { fn(st, w, r) }
	}
	return []Route{
		{Method: "GET", Path: "/tracing", Perm: auth.PermTracingRequest, Handler: h(s.handleTracingList)},
		{Method: "GET", Path: "/tracing/new", Perm: auth.PermTracingRequest, Handler: h(s.handleTracingNew)},
		{Method: "POST", Path: "/tracing/requests", Perm: auth.PermTracingRequest, Handler: h(s.handleTracingCreate)},
		{Method: "GET", Path: "/tracing/requests/{id}", Perm: auth.PermTracingRequest, Handler: h(s.handleTracingView)},
		{Method: "POST", Path: "/tracing/requests/{id}/close", Perm: auth.PermTracingRequest, Handler: h(s.handleTracingClose)},
		{Method: "POST", Path: "/tracing/candidates/{id}/decision", Perm: auth.PermTracingDecide, Handler: h(s.handleTracingDecide)},
		{Method: "POST", Path: "/tracing/links/{id}/sponsor", Perm: auth.PermTracingDecide, Handler: h(s.handleTracingSponsor)},
		{Method: "GET", Path: "/tracing/search", Perm: auth.PermTracingSearch, Handler: h(s.handleTracingSearchPage)},
		{Method: "POST", Path: "/tracing/search", Perm: auth.PermTracingSearch, Handler: h(s.handleTracingSearchPost)},
		{Method: "GET", Path: "/tracing/duplicates", Perm: auth.PermTracingSearch, Handler: h(s.handleTracingDuplicatesForm)},
		{Method: "GET", Path: "/tracing/duplicates/{id}", Perm: auth.PermTracingSearch, Handler: h(s.handleTracingDuplicates)},

		{Method: "POST", Path: "/api/v1/tracing/search", Perm: auth.PermTracingSearch, Handler: h(s.handleTracingSearchAPI)},
		{Method: "POST", Path: "/api/v1/tracing/requests", Perm: auth.PermTracingRequest, Handler: h(s.handleTracingCreateAPI)},
		{Method: "GET", Path: "/api/v1/tracing/requests", Perm: auth.PermTracingRequest, Handler: h(s.handleTracingListAPI)},
		{Method: "GET", Path: "/api/v1/tracing/requests/{id}", Perm: auth.PermTracingRequest, Handler: h(s.handleTracingGetAPI)},
		{Method: "POST", Path: "/api/v1/tracing/requests/{id}/close", Perm: auth.PermTracingRequest, Handler: h(s.handleTracingCloseAPI)},
		{Method: "POST", Path: "/api/v1/tracing/candidates/{id}/decision", Perm: auth.PermTracingDecide, Handler: h(s.handleTracingDecideAPI)},
		{Method: "POST", Path: "/api/v1/tracing/links/{id}/sponsor", Perm: auth.PermTracingDecide, Handler: h(s.handleTracingSponsorAPI)},
		{Method: "GET", Path: "/api/v1/cases/{id}/possible-duplicates", Perm: auth.PermTracingSearch, Handler: h(s.handleTracingDuplicatesAPI)},
	}
}
