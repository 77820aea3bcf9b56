package web

import (
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/children/release"
)

// caseHandlers are the children domain's pages and API: cases, the
// deadline board, facilities and sponsors. Scope (which cases a person
// sees) is enforced by the custody service on every call, not only here.
type caseHandlers struct {
	*kit
	cases      *custody.Service
	facilities *facilities.Service
	release    *release.Service
}

func (h *caseHandlers) routes() []Route {
	return []Route{
		// API: cases.
		{Method: "GET", Path: "/api/v1/cases", Perm: auth.PermCaseRead, Handler: h.handleCaseSearchAPI},
		{Method: "POST", Path: "/api/v1/cases", Perm: auth.PermCaseCreate, Handler: h.handleCaseCreateAPI},
		{Method: "POST", Path: "/api/v1/cases/import", Perm: auth.PermCaseImport, Handler: h.handleCaseImportAPI, MaxBody: 64 << 20},
		{Method: "GET", Path: "/api/v1/cases/board", Perm: auth.PermBoardRead, Handler: h.handleBoardAPI},
		{Method: "GET", Path: "/api/v1/cases/stats", Perm: auth.PermCaseStats, Handler: h.handleCaseStatsAPI},
		{Method: "GET", Path: "/api/v1/cases/{id}", Perm: auth.PermCaseRead, Handler: h.handleCaseGetAPI},
		{Method: "PATCH", Path: "/api/v1/cases/{id}", Perm: auth.PermCaseUpdate, Handler: h.handleCaseIdentityAPI},
		{Method: "POST", Path: "/api/v1/cases/{id}/transitions", Perm: auth.PermCaseUpdate, Handler: h.handleCaseTransitionAPI},
		{Method: "POST", Path: "/api/v1/cases/{id}/placements", Perm: auth.PermCaseUpdate, Handler: h.handleCasePlaceAPI},
		{Method: "GET", Path: "/api/v1/cases/{id}/recommendations", Perm: auth.PermCaseUpdate, Handler: h.handleCaseRecommendAPI},
		// Who may record which deadline is in the clock table (custody.Clocks).
		{Method: "POST", Path: "/api/v1/cases/{id}/deadlines/{kind}", Perm: auth.PermCaseRead, Handler: h.handleCaseDeadlineAPI},
		{Method: "POST", Path: "/api/v1/cases/{id}/siblings", Perm: auth.PermCaseUpdate, Handler: h.handleCaseSiblingAPI},
		{Method: "POST", Path: "/api/v1/cases/{id}/releases", Perm: auth.PermCaseUpdate, Handler: h.handleReleaseRequestAPI},
		{Method: "POST", Path: "/api/v1/cases/{id}/releases/{rid}/approve", Perm: auth.PermCaseReleaseApprove, Handler: h.handleReleaseApproveAPI},
		// API: facilities and sponsors.
		{Method: "GET", Path: "/api/v1/facilities", Perm: auth.PermFacilityRead, Handler: h.handleFacilitiesAPI},
		{Method: "POST", Path: "/api/v1/facilities", Perm: auth.PermFacilityManage, Handler: h.handleFacilityCreateAPI},
		{Method: "GET", Path: "/api/v1/facilities/occupancy", Perm: auth.PermFacilityRead, Handler: h.handleOccupancyAPI},
		{Method: "GET", Path: "/api/v1/facilities/{id}", Perm: auth.PermFacilityRead, Handler: h.handleFacilityAPI},
		{Method: "PUT", Path: "/api/v1/facilities/{id}/beds", Perm: auth.PermFacilityManage, Handler: h.handleFacilityBedsAPI},
		{Method: "POST", Path: "/api/v1/sponsors", Perm: auth.PermSponsorManage, Handler: h.handleSponsorCreateAPI},
		{Method: "GET", Path: "/api/v1/sponsors/{id}", Perm: auth.PermSponsorManage, Handler: h.handleSponsorAPI},
		{Method: "POST", Path: "/api/v1/sponsors/{id}/vetting", Perm: auth.PermSponsorManage, Handler: h.handleVettingAPI},

		// Pages.
		{Method: "GET", Path: "/cases", Perm: auth.PermCaseRead, Handler: h.handleCasesPage},
		{Method: "GET", Path: "/cases/new", Perm: auth.PermCaseCreate, Handler: h.handleCaseNewPage},
		{Method: "POST", Path: "/cases", Perm: auth.PermCaseCreate, Handler: h.handleCaseCreatePage},
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
