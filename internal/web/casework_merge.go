package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/errs"
)

// mergeRequest is the body of POST /api/v1/cases/{id}/merge: the case
// {id} is kept, duplicate_id is merged into it.
type mergeRequest struct {
	DuplicateID int64  `json:"duplicate_id"`
	Reason      string `json:"reason"`
}

func (h *caseworkHandlers) merge(ctx context.Context, id int64, req mergeRequest) (*custody.Merge, error) {
	return h.cases.MergeCases(ctx, id, req.DuplicateID, req.Reason)
}

// handleMergePage merges from the case page's form; a refusal comes back
// beside its field, or as the reason the two cannot be merged.
func (h *caseworkHandlers) handleMergePage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	dupText, reason := r.PostFormValue("duplicate_id"), r.PostFormValue("reason")
	values := map[string]string{"duplicate_id": dupText, "reason": reason}
	dup, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(dupText), "#"), 10, 64)
	if err != nil || dup <= 0 {
		v := &errs.ValidationError{Problems: []errs.FieldError{{Field: "duplicate_id", Problem: "not a case number"}}}
		if strings.TrimSpace(reason) == "" {
			// MergeCases, not called, would refuse this too: every
			// problem is shown at once.
			v.Add("reason", "say why these are the same child")
		}
		h.refused(w, r, id, "merge", values, v)
		return
	}
	if _, err := h.cases.MergeCases(r.Context(), id, dup, reason); err != nil {
		var c *custody.MergeRefusal
		if errors.As(err, &c) {
			lang := langOf(r)
			why := h.translate(lang, "casework.merge.refused."+c.Code)
			f := caseworkForm{Form: "merge", Values: values, Errors: map[string]string{"duplicate_id": h.translate(lang, "casework.err.merge_refused", why)}}
			h.casePage(w, r, id, http.StatusConflict, map[string]any{"CWForm": f})
			return
		}
		h.refused(w, r, id, "merge", values, err)
		return
	}
	h.backToSection(w, r, id, "timeline")
}
