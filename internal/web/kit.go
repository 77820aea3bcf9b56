package web

import (
	"context"
	"net/http"
)

// The handler skeleton every JSON endpoint shares (read the path id, decode
// the body, call one domain method, map its error, answer JSON) is written
// once here. A domain's route table names its service methods directly:
//
//	{Method: "PATCH", Path: "/api/v1/cases/{id}", Perm: auth.PermCaseUpdate,
//		Handler: withIDBody(h.kit, http.StatusOK, h.cases.UpdateIdentity)}
//
// Handlers that do more (pages, forms, files) are written out by hand.

// noBody is the input of endpoints that take no request body.
type noBody struct{}

// jsonCall answers call's result as JSON with status, or its error through
// domainError.
func jsonCall[Out any](k *kit, w http.ResponseWriter, r *http.Request, status int, out Out, err error) {
	if err != nil {
		k.domainError(w, r, err)
		return
	}
	k.writeJSON(w, status, out)
}

// withBody serves call with the decoded JSON body.
func withBody[In, Out any](k *kit, status int, call func(context.Context, In) (Out, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var in In
		if !k.decodeJSON(w, r, &in) {
			return
		}
		out, err := call(r.Context(), in)
		jsonCall(k, w, r, status, out, err)
	}
}

// withID serves call with the {id} path value.
func withID[Out any](k *kit, status int, call func(context.Context, int64) (Out, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := k.pathID(w, r, "id")
		if !ok {
			return
		}
		out, err := call(r.Context(), id)
		jsonCall(k, w, r, status, out, err)
	}
}

// withIDBody serves call with the {id} path value and the decoded body.
func withIDBody[In, Out any](k *kit, status int, call func(context.Context, int64, In) (Out, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := k.pathID(w, r, "id")
		if !ok {
			return
		}
		var in In
		if !k.decodeJSON(w, r, &in) {
			return
		}
		out, err := call(r.Context(), id, in)
		jsonCall(k, w, r, status, out, err)
	}
}

// withQuery serves call with the input parse reads from the request (query
// parameters); a parse error is a 400 with its message.
func withQuery[In, Out any](k *kit, status int, parse func(*http.Request) (In, error), call func(context.Context, In) (Out, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		in, err := parse(r)
		if err != nil {
			k.writeError(w, r, http.StatusBadRequest, "bad_query", err.Error())
			return
		}
		out, err := call(r.Context(), in)
		jsonCall(k, w, r, status, out, err)
	}
}
