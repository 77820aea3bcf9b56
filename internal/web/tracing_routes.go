package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/tracing/requests"
)

// tracingHandlers serve the tracing pages and API from the tracing
// runner, which builds the matcher in the background (cmd/amparo serve
// starts it, Server.Close stops it).
type tracingHandlers struct {
	*kit
	runner *requests.Runner
}

// tracingWait is how long a request waits for the matcher while it is
// being built before being told to come back (a variable for tests).
var tracingWait = 3 * time.Second

// service waits for the tracing service; on failure it has already
// answered. While the matcher is still being built (a minute for a
// million cases) the answer is 503 with Retry-After rather than a page
// that hangs.
func (h *tracingHandlers) service(w http.ResponseWriter, r *http.Request) (*requests.Service, bool) {
	svc, err := h.runner.Service(r.Context(), tracingWait)
	switch {
	case err == nil:
		return svc, true
	case errors.Is(err, requests.ErrLoading):
		w.Header().Set("Retry-After", "30")
		h.writeError(w, r, http.StatusServiceUnavailable, "tracing_loading", h.translate(langOf(r), "tracing.loading"))
	case r.Context().Err() != nil:
		// The caller has gone: nobody to answer.
	default:
		h.serverError(w, r, err)
	}
	return nil, false
}

// withService makes a handler that serves with fn once the tracing
// service is there (see service).
func (h *tracingHandlers) withService(fn func(*requests.Service, http.ResponseWriter, *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if svc, ok := h.service(w, r); ok {
			fn(svc, w, r)
		}
	}
}

// ready makes a handler that serves with next once the tracing service is
// there: the kit's JSON handlers, whose calls (tracingCall) then find it.
func (h *tracingHandlers) ready(next http.HandlerFunc) http.HandlerFunc {
	return h.withService(func(_ *requests.Service, w http.ResponseWriter, r *http.Request) { next(w, r) })
}

// tracingCall turns a function of the tracing service (a method
// expression such as (*requests.Service).Create) into the call the kit's
// withBody and withID take. Behind ready the service is there already.
func tracingCall[In, Out any](h *tracingHandlers, fn func(*requests.Service, context.Context, In) (Out, error)) func(context.Context, In) (Out, error) {
	return func(ctx context.Context, in In) (Out, error) {
		svc, err := h.runner.Service(ctx, 0)
		if err != nil {
			var zero Out
			return zero, err
		}
		return fn(svc, ctx, in)
	}
}

// tracingCallID is tracingCall for withIDBody.
func tracingCallID[In, Out any](h *tracingHandlers, fn func(*requests.Service, context.Context, int64, In) (Out, error)) func(context.Context, int64, In) (Out, error) {
	return func(ctx context.Context, id int64, in In) (Out, error) {
		svc, err := h.runner.Service(ctx, 0)
		if err != nil {
			var zero Out
			return zero, err
		}
		return fn(svc, ctx, id, in)
	}
}

func (h *tracingHandlers) routes() []Route {
	svc := h.withService
	return []Route{
		{Method: "GET", Path: "/tracing", Perm: auth.PermTracingRequest, Handler: svc(h.handleList)},
		{Method: "GET", Path: "/tracing/new", Perm: auth.PermTracingRequest, Handler: h.handleNew},
		{Method: "POST", Path: "/tracing/requests", Perm: auth.PermTracingRequest, Handler: svc(h.handleCreate)},
		{Method: "GET", Path: "/tracing/requests/{id}", Perm: auth.PermTracingRequest, Handler: svc(h.handleView)},
		{Method: "POST", Path: "/tracing/requests/{id}/close", Perm: auth.PermTracingRequest, Handler: svc(h.handleClose)},
		{Method: "POST", Path: "/tracing/candidates/{id}/decision", Perm: auth.PermTracingDecide, Handler: svc(h.handleDecide)},
		{Method: "POST", Path: "/tracing/links/{id}/sponsor", Perm: auth.PermTracingDecide, Handler: svc(h.handleSponsor)},
		{Method: "GET", Path: "/tracing/search", Perm: auth.PermTracingSearch, Handler: h.handleSearchPage},
		{Method: "POST", Path: "/tracing/search", Perm: auth.PermTracingSearch, Handler: svc(h.handleSearchPost)},
		{Method: "GET", Path: "/tracing/duplicates", Perm: auth.PermTracingSearch, Handler: h.handleDuplicatesForm},
		{Method: "GET", Path: "/tracing/duplicates/{id}", Perm: auth.PermTracingSearch, Handler: svc(h.handleDuplicates)},

		{Method: "POST", Path: "/api/v1/tracing/search", Perm: auth.PermTracingSearch,
			Handler: h.ready(withBody(h.kit, http.StatusOK, tracingCall(h, tracingSearchAPI)))},
		{Method: "POST", Path: "/api/v1/tracing/requests", Perm: auth.PermTracingRequest,
			Handler: h.ready(withBody(h.kit, http.StatusCreated, tracingCall(h, (*requests.Service).Create)))},
		{Method: "GET", Path: "/api/v1/tracing/requests", Perm: auth.PermTracingRequest,
			Handler: h.ready(withQuery(h.kit, http.StatusOK, tracingListQuery, tracingCall(h, tracingListAPI)))},
		{Method: "GET", Path: "/api/v1/tracing/requests/{id}", Perm: auth.PermTracingRequest,
			Handler: h.ready(withID(h.kit, http.StatusOK, tracingCall(h, (*requests.Service).Get)))},
		{Method: "POST", Path: "/api/v1/tracing/requests/{id}/close", Perm: auth.PermTracingRequest,
			Handler: h.ready(withIDBody(h.kit, http.StatusOK, tracingCallID(h, tracingCloseAPI)))},
		{Method: "POST", Path: "/api/v1/tracing/candidates/{id}/decision", Perm: auth.PermTracingDecide,
			Handler: h.ready(withIDBody(h.kit, http.StatusOK, tracingCallID(h, (*requests.Service).Decide)))},
		{Method: "POST", Path: "/api/v1/tracing/links/{id}/sponsor", Perm: auth.PermTracingDecide,
			Handler: h.ready(withID(h.kit, http.StatusCreated, tracingCall(h, (*requests.Service).MakeSponsor)))},
		{Method: "GET", Path: "/api/v1/cases/{id}/possible-duplicates", Perm: auth.PermTracingSearch, Handler: svc(h.handleDuplicatesAPI)},
	}
}
