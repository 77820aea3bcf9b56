package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/errs"
)

// releaseQueueView is the approval queue (home page) or one release of it
// (the confirmation page).
type releaseQueueView struct {
	Items      []queueItem
	Item       *queueItem
	Error      string // a refusal of the approval, in words
	ConfirmErr string // beside the confirmation box
}

// queueItem is a pending release with who requested it, by email ("" when
// the account is unknown).
type queueItem struct {
	release.Pending
	RequestedByEmail string
}

// requesters names who asked for each release; an account the viewer's
// service cannot read stays unnamed (the template says unknown).
func (h *caseworkHandlers) requesters(ctx context.Context) map[int64]string {
	out := map[int64]string{}
	if h.users == nil {
		return out
	}
	users, err := h.users.Users(ctx)
	if err != nil {
		return out
	}
	for _, u := range users {
		out[u.ID] = u.Email
	}
	return out
}

// homeQueue is the approval queue shown on an approver's home page (nil
// for anyone else).
func (h *caseworkHandlers) homeQueue(r *http.Request) (*releaseQueueView, error) {
	p, ok := auth.FromContext(r.Context())
	if !ok || !auth.Allowed(p.Role, auth.PermCaseReleaseApprove) || h.release == nil {
		return nil, nil
	}
	items, err := h.release.PendingReleases(r.Context())
	if err != nil {
		return nil, err
	}
	who := h.requesters(r.Context())
	v := &releaseQueueView{Items: make([]queueItem, len(items))}
	for i, it := range items {
		v.Items[i] = queueItem{Pending: it, RequestedByEmail: who[it.Release.RequestedBy]}
	}
	return v, nil
}

// handleReleaseConfirmPage is the confirmation step: the whole summary
// of one pending release, and (unless the viewer requested it) the
// Approve button behind a confirmation box.
func (h *caseworkHandlers) handleReleaseConfirmPage(w http.ResponseWriter, r *http.Request) {
	h.releaseConfirm(w, r, http.StatusOK, releaseQueueView{})
}

func (h *caseworkHandlers) releaseConfirm(w http.ResponseWriter, r *http.Request, status int, v releaseQueueView) {
	rid, ok := h.pathID(w, r, "rid")
	if !ok {
		return
	}
	it, err := h.release.PendingRelease(r.Context(), rid)
	if err != nil {
		if errors.Is(err, errs.ErrNotFound) {
			h.writeError(w, r, http.StatusNotFound, "not_found", h.translate(langOf(r), "casework.queue.gone"))
			return
		}
		h.domainError(w, r, err)
		return
	}
	v.Item = &queueItem{Pending: *it, RequestedByEmail: h.requesters(r.Context())[it.Release.RequestedBy]}
	h.render(w, r, status, "casework_release", v)
}

// handleReleaseConfirmedPage approves once the approver has ticked the
// confirmation; a refusal re-shows the summary with the reason.
func (h *caseworkHandlers) handleReleaseConfirmedPage(w http.ResponseWriter, r *http.Request) {
	rid, ok := h.pathID(w, r, "rid")
	if !ok {
		return
	}
	lang := langOf(r)
	if r.PostFormValue("confirm") != "yes" {
		h.releaseConfirm(w, r, http.StatusUnprocessableEntity, releaseQueueView{ConfirmErr: h.translate(lang, "casework.queue.confirm_needed")})
		return
	}
	it, err := h.release.PendingRelease(r.Context(), rid)
	if err != nil {
		if errors.Is(err, errs.ErrNotFound) {
			h.writeError(w, r, http.StatusNotFound, "not_found", h.translate(lang, "casework.queue.gone"))
			return
		}
		h.domainError(w, r, err)
		return
	}
	_, err = h.release.ApproveRelease(r.Context(), it.Release.CaseID, rid)
	var missing *release.MissingStepsError
	switch {
	case errors.Is(err, release.ErrSameApprover):
		h.releaseConfirm(w, r, http.StatusConflict, releaseQueueView{Error: h.translate(lang, "casework.queue.own")})
		return
	case errors.As(err, &missing):
		h.releaseConfirm(w, r, http.StatusConflict, releaseQueueView{Error: h.translate(lang, "casework.queue.missing")})
		return
	case err != nil:
		h.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d#release", it.Release.CaseID), http.StatusSeeOther)
}
