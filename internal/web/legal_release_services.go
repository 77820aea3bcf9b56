package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"strconv"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/legal"
)

// Post-release services (recorded by the release domain, they bring more
// follow-up calls) and the lost-contact counts export.

func (h *legalHandlers) releaseServicesRoutes() []Route {
	return []Route{
		{Method: "PUT", Path: "/api/v1/cases/{id}/releases/{release}/post-release-services", Perm: auth.PermCaseUpdate, Handler: h.handleServicesAPI},
		{Method: "POST", Path: "/cases/{id}/post-release-services", Perm: auth.PermCaseUpdate, Handler: h.handleServicesForm},
		{Method: "GET", Path: "/followups/lost-contact-counts.csv", Perm: auth.PermFollowUpRead, Handler: h.handleLostCountsCSV},
	}
}

func (h *legalHandlers) handleServicesAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	rid, ok := h.pathID(w, r, "release")
	if !ok {
		return
	}
	var in release.ServicesInput
	if !h.decodeJSON(w, r, &in) {
		return
	}
	out, err := h.release.SetPostReleaseServices(r.Context(), id, rid, in)
	jsonCall(h.kit, w, r, http.StatusOK, out, err)
}

// latestRelease is the case's latest approved release as the caller may
// see it (404 when none).
func (h *legalHandlers) latestRelease(ctx context.Context, caseID int64) (release.ReleaseFacts, error) {
	fs, err := h.release.ReleaseFactsOf(ctx, []int64{caseID})
	if err != nil {
		return release.ReleaseFacts{}, err
	}
	f, ok := fs[caseID]
	if !ok {
		return f, errs.NotFound("release of case", caseID)
	}
	return f, nil
}

// handleServicesForm records, from the follow-up page, that a released
// child receives post-release services (the form has one answer: yes).
func (h *legalHandlers) handleServicesForm(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	f, err := h.latestRelease(r.Context(), id)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	on := r.FormValue("post_release_services") == "yes"
	if _, err := h.release.SetPostReleaseServices(r.Context(), id, f.ReleaseID, release.ServicesInput{PostReleaseServices: &on}); err != nil {
		h.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(id, 10)+"/followups", http.StatusSeeOther)
}

// handleLostCountsCSV exports the lost-contact board's counts: one row a
// month of release and one a sponsor category.
func (h *legalHandlers) handleLostCountsCSV(w http.ResponseWriter, r *http.Request) {
	b, err := h.legal.LostContact(r.Context(), legal.LostQuery{Limit: 1}) // the counts cover every lost child, whatever the page
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	writeCSVHeaders(w, "amparo-lost-contact-counts.csv")
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"dimension", "value", "children"})
	for _, m := range b.ByReleaseMonth {
		_ = cw.Write([]string{"release_month", m.Month, strconv.Itoa(m.Count)})
	}
	for _, c := range b.BySponsorCategory {
		_ = cw.Write([]string{"sponsor_category", c.Category, strconv.Itoa(c.Count)})
	}
	cw.Flush()
}
