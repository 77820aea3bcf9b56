package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
)

// auditFilter reads the audit filters shared by the page and the API.
func auditFilter(r *http.Request) (audit.Filter, error) {
	q := r.URL.Query()
	f := audit.Filter{Actor: q.Get("actor"), Action: q.Get("action"), ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id")}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return f, validationErr(p.name + " must be an RFC 3339 time, e.g. 2026-01-31T00:00:00Z")
			}
			*p.dst = t
		}
	}
	var err error
	if f.Limit, err = queryInt(r, "limit", 100, 1, 1000); err != nil {
		return f, validationErr(err.Error())
	}
	before, err := queryInt(r, "before_id", 0, 0, 1<<62)
	if err != nil {
		return f, validationErr(err.Error())
	}
	f.BeforeID = int64(before)
	return f, nil
}

func (s *Server) handleAuditAPI(w http.ResponseWriter, r *http.Request) {
	f, err := auditFilter(r)
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, "bad_query", err.Error())
		return
	}
	entries, err := audit.List(r.Context(), s.db, f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if entries == nil {
		entries = []audit.Entry{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"entries": entries})
}

func (s *Server) handleAuditPage(w http.ResponseWriter, r *http.Request) {
	f, err := auditFilter(r)
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, "bad_query", err.Error())
		return
	}
	entries, err := audit.List(r.Context(), s.db, f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	next := ""
	if len(entries) == f.Limit {
		q := r.URL.Query()
		q.Set("before_id", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		next = "/audit?" + q.Encode()
	}
	s.render(w, r, http.StatusOK, "audit", map[string]any{"Filter": f, "Entries": entries, "Next": next})
}

type validationErr string

func (e validationErr) Error() string    { return string(e) }
func (e validationErr) Validation() bool { return true }

func itoa(n int) string { return strconv.Itoa(n) }
