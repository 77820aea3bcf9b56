package web

import (
	"net/http"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/tracing/requests"
)

// caseHandlers are the children domain's pages and API: cases, the
// deadline board, facilities and sponsors. Scope (which cases a person
// sees) is enforced by the custody service on every call, not only here.
type caseHandlers struct {
	*kit
	cases      *custody.Service
	facilities *facilities.Service
	release    *release.Service
	imports    *importJobs      // background case imports (import_jobs.go)
	tracing    *requests.Runner // the case page's Tracing section (casework_tracing.go)
}

func (h *caseHandlers) routes() []Route {
	return []Route{
		// API: cases. The endpoints that only decode, call and answer are
		// made by the kit's helpers (kit.go); PATCH leaves the fields absent
		// from the body as they are.
		{Method: "GET", Path: "/api/v1/cases", Perm: auth.PermCaseRead, Handler: withQuery(h.kit, http.StatusOK, parseCaseList, h.searchCasesPaged)},
		{Method: "GET", Path: "/api/v1/cases/export", Perm: auth.PermCaseExport, Handler: h.handleCaseExportCSV},
		{Method: "POST", Path: "/api/v1/cases", Perm: auth.PermCaseCreate, Handler: withBody(h.kit, http.StatusCreated, h.cases.CreateCase)},
		{Method: "POST", Path: "/api/v1/cases/import", Perm: auth.PermCaseImport, Handler: h.handleCaseImportAPI, MaxBody: 64 << 20},
		{Method: "GET", Path: "/api/v1/cases/import/jobs/{job}", Perm: auth.PermCaseImport, Handler: h.handleImportJobAPI},
		{Method: "GET", Path: "/api/v1/cases/board", Perm: auth.PermBoardRead, Handler: withQuery(h.kit, http.StatusOK, parseBoardQuery, h.board)},
		{Method: "GET", Path: "/api/v1/cases/stats", Perm: auth.PermCaseStats, Handler: withQuery(h.kit, http.StatusOK, noQuery, h.publicStats)},
		{Method: "GET", Path: "/api/v1/cases/{id}", Perm: auth.PermCaseRead, Handler: withID(h.kit, http.StatusOK, h.release.CaseView)},
		{Method: "PATCH", Path: "/api/v1/cases/{id}", Perm: auth.PermCaseUpdate, Handler: withIDBody(h.kit, http.StatusOK, h.cases.UpdateIdentity)},
		{Method: "POST", Path: "/api/v1/cases/{id}/transitions", Perm: auth.PermCaseUpdate, Handler: withIDBody(h.kit, http.StatusOK, h.transition)},
		{Method: "POST", Path: "/api/v1/cases/{id}/placements", Perm: auth.PermCaseUpdate, Handler: withIDBody(h.kit, http.StatusOK, h.place)},
		{Method: "GET", Path: "/api/v1/cases/{id}/recommendations", Perm: auth.PermCaseUpdate, Handler: withID(h.kit, http.StatusOK, h.recommend)},
		// Who may record which deadline is in the clock table (custody.Clocks).
		{Method: "POST", Path: "/api/v1/cases/{id}/deadlines/{kind}", Perm: auth.PermCaseRead, Handler: h.handleCaseDeadlineAPI},
		{Method: "POST", Path: "/api/v1/cases/{id}/siblings", Perm: auth.PermCaseUpdate, Handler: withIDBody(h.kit, http.StatusOK, h.linkSiblings)},
		{Method: "POST", Path: "/api/v1/cases/{id}/releases", Perm: auth.PermCaseUpdate, Handler: withIDBody(h.kit, http.StatusCreated, h.requestRelease)},
		{Method: "POST", Path: "/api/v1/cases/{id}/releases/{rid}/approve", Perm: auth.PermCaseReleaseApprove, Handler: h.handleReleaseApproveAPI},
		// API: facilities and sponsors.
		{Method: "GET", Path: "/api/v1/facilities", Perm: auth.PermFacilityRead, Handler: withQuery(h.kit, http.StatusOK, noQuery, h.facilityList)},
		{Method: "POST", Path: "/api/v1/facilities", Perm: auth.PermFacilityManage, Handler: withBody(h.kit, http.StatusCreated, h.facilities.CreateFacility)},
		{Method: "GET", Path: "/api/v1/facilities/occupancy", Perm: auth.PermFacilityRead, Handler: withQuery(h.kit, http.StatusOK, noQuery, h.childOccupancy)},
		{Method: "GET", Path: "/api/v1/facilities/{id}", Perm: auth.PermFacilityRead, Handler: withID(h.kit, http.StatusOK, h.facilityWithOccupancy)},
		{Method: "PUT", Path: "/api/v1/facilities/{id}/beds", Perm: auth.PermFacilityManage, Handler: withIDBody(h.kit, http.StatusOK, h.setBeds)},
		{Method: "POST", Path: "/api/v1/sponsors", Perm: auth.PermSponsorManage, Handler: withBody(h.kit, http.StatusCreated, h.release.AddSponsor)},
		{Method: "GET", Path: "/api/v1/sponsors/{id}", Perm: auth.PermSponsorManage, Handler: withID(h.kit, http.StatusOK, h.release.SponsorChecklist)},
		{Method: "POST", Path: "/api/v1/sponsors/{id}/vetting", Perm: auth.PermSponsorManage, Handler: withIDBody(h.kit, http.StatusOK, h.recordVetting)},

		// Pages.
		{Method: "GET", Path: "/cases", Perm: auth.PermCaseRead, Handler: h.handleCaseListPage},
		{Method: "GET", Path: "/cases/export.csv", Perm: auth.PermCaseExport, Handler: h.handleCaseExportCSV},
		{Method: "GET", Path: "/cases/new", Perm: auth.PermCaseCreate, Handler: h.handleCaseNewPage},
		{Method: "GET", Path: "/cases/stats", Perm: auth.PermCaseStats, Handler: h.handleCaseStatsPage},
		{Method: "GET", Path: "/cases/{id}", Perm: auth.PermCaseRead, Handler: h.handleCasePage},
		{Method: "POST", Path: "/cases/{id}/transition", Perm: auth.PermCaseUpdate, Handler: h.handleCaseTransitionPage},
		{Method: "POST", Path: "/cases/{id}/identity", Perm: auth.PermCaseUpdate, Handler: h.handleCaseIdentityPage},
		{Method: "POST", Path: "/cases/{id}/place", Perm: auth.PermCaseUpdate, Handler: h.handleCasePlacePage},
		{Method: "POST", Path: "/cases/{id}/deadline", Perm: auth.PermCaseRead, Handler: h.handleCaseDeadlinePage},
		{Method: "POST", Path: "/cases/{id}/release", Perm: auth.PermCaseUpdate, Handler: h.handleReleaseRequestPage},
		{Method: "POST", Path: "/cases/{id}/release/{rid}/approve", Perm: auth.PermCaseReleaseApprove, Handler: h.handleReleaseApprovePage},
		{Method: "GET", Path: "/board", Perm: auth.PermBoardRead, Handler: h.handleBoardPage},
		{Method: "GET", Path: "/facilities", Perm: auth.PermFacilityRead, Handler: h.handleFacilitiesPage},
		{Method: "GET", Path: "/facilities/{id}", Perm: auth.PermFacilityRead, Handler: h.handleFacilityPage},
		{Method: "POST", Path: "/sponsors", Perm: auth.PermSponsorManage, Handler: h.handleSponsorCreatePage},
		{Method: "GET", Path: "/sponsors/{id}", Perm: auth.PermSponsorManage, Handler: h.handleSponsorPage},
		{Method: "POST", Path: "/sponsors/{id}/vetting", Perm: auth.PermSponsorManage, Handler: h.handleVettingPage},
	}
}
