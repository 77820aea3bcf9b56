package web

import (
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children"
)

// childrenRoutes are the custody flow's pages and API: cases, the deadline
// board, facilities and sponsors. Scope (which cases a person sees) is
// enforced by the children store on every call, not only here.
func (s *Server) childrenRoutes() []Route {
	return []Route{
		// API: cases.
		{Method: "GET", Path: "/api/v1/cases", Perm: auth.PermCaseRead, Handler: s.handleCaseSearchAPI},
		{Method: "POST", Path: "/api/v1/cases", Perm: auth.PermCaseCreate, Handler: s.handleCaseCreateAPI},
		{Method: "POST", Path: "/api/v1/cases/import", Perm: auth.PermCaseImport, Handler: s.handleCaseImportAPI, MaxBody: 64 << 20},
		{Method: "GET", Path: "/api/v1/cases/board", Perm: auth.PermBoardRead, Handler: s.handleBoardAPI},
		{Method: "GET", Path: "/api/v1/cases/stats", Perm: auth.PermCaseStats, Handler: s.handleCaseStatsAPI},
		{Method: "GET", Path: "/api/v1/cases/{id}", Perm: auth.PermCaseRead, Handler: s.handleCaseGetAPI},
		{Method: "PATCH", Path: "/api/v1/cases/{id}", Perm: auth.PermCaseUpdate, Handler: s.handleCaseIdentityAPI},
		{Method: "POST", Path: "/api/v1/cases/{id}/transitions", Perm: auth.PermCaseUpdate, Handler: s.handleCaseTransitionAPI},
		{Method: "POST", Path: "/api/v1/cases/{id}/placements", Perm: auth.PermCaseUpdate, Handler: s.handleCasePlaceAPI},
		{Method: "GET", Path: "/api/v1/cases/{id}/recommendations", Perm: auth.PermCaseUpdate, Handler: s.handleCaseRecommendAPI},
		// Who may record which deadline is in the clock table (children.Clocks).
		{Method: "POST", Path: "/api/v1/cases/{id}/deadlines/{kind}", Perm: auth.PermCaseRead, Handler: s.handleCaseDeadlineAPI},
		{Method: "POST", Path: "/api/v1/cases/{id}/siblings", Perm: auth.PermCaseUpdate, Handler: s.handleCaseSiblingAPI},
		{Method: "POST", Path: "/api/v1/cases/{id}/releases", Perm: auth.PermCaseUpdate, Handler: s.handleReleaseRequestAPI},
		{Method: "POST", Path: "/api/v1/cases/{id}/releases/{rid}/approve", Perm: auth.PermCaseReleaseApprove, Handler: s.handleReleaseApproveAPI},
		// API: facilities and sponsors.
		{Method: "GET", Path: "/api/v1/facilities", Perm: auth.PermFacilityRead, Handler: s.handleFacilitiesAPI},
		{Method: "POST", Path: "/api/v1/facilities", Perm: auth.PermFacilityManage, Handler: s.handleFacilityCreateAPI},
		{Method: "GET", Path: "/api/v1/facilities/occupancy", Perm: auth.PermFacilityRead, Handler: s.handleOccupancyAPI},
		{Method: "GET", Path: "/api/v1/facilities/{id}", Perm: auth.PermFacilityRead, Handler: s.handleFacilityAPI},
		{Method: "PUT", Path: "/api/v1/facilities/{id}/beds", Perm: auth.PermFacilityManage, Handler: s.handleFacilityBedsAPI},
		{Method: "POST", Path: "/api/v1/sponsors", Perm: auth.PermSponsorManage, Handler: s.handleSponsorCreateAPI},
		{Method: "GET", Path: "/api/v1/sponsors/{id}", Perm: auth.PermSponsorManage, Handler: s.handleSponsorAPI},
		{Method: "POST", Path: "/api/v1/sponsors/{id}/vetting", Perm: auth.PermSponsorManage, Handler: s.handleVettingAPI},

		// Pages.
		{Method: "GET", Path: "/cases", Perm: auth.PermCaseRead, Handler: s.handleCasesPage},
		{Method: "GET", Path: "/cases/new", Perm: auth.PermCaseCreate, Handler: s.handleCaseNewPage},
		{Method: "POST", Path: "/cases", Perm: auth.PermCaseCreate, Handler: s.handleCaseCreatePage},
		{Method: "GET", Path: "/cases/stats", Perm: auth.PermCaseStats, Handler: s.handleCaseStatsPage},
		{Method: "GET", Path: "/cases/{id}", Perm: auth.PermCaseRead, Handler: s.handleCasePage},
		{Method: "POST", Path: "/cases/{id}/transition", Perm: auth.PermCaseUpdate, Handler: s.handleCaseTransitionPage},
		{Method: "POST", Path: "/cases/{id}/identity", Perm: auth.PermCaseUpdate, Handler: s.handleCaseIdentityPage},
		{Method: "POST", Path: "/cases/{id}/place", Perm: auth.PermCaseUpdate, Handler: s.handleCasePlacePage},
		{Method: "POST", Path: "/cases/{id}/deadline", Perm: auth.PermCaseRead, Handler: s.handleCaseDeadlinePage},
		{Method: "POST", Path: "/cases/{id}/release", Perm: auth.PermCaseUpdate, Handler: s.handleReleaseRequestPage},
		{Method: "POST", Path: "/cases/{id}/release/{rid}/approve", Perm: auth.PermCaseReleaseApprove, Handler: s.handleReleaseApprovePage},
		{Method: "GET", Path: "/board", Perm: auth.PermBoardRead, Handler: s.handleBoardPage},
		{Method: "GET", Path: "/facilities", Perm: auth.PermFacilityRead, Handler: s.handleFacilitiesPage},
		{Method: "GET", Path: "/facilities/{id}", Perm: auth.PermFacilityRead, Handler: s.handleFacilityPage},
		{Method: "POST", Path: "/sponsors", Perm: auth.PermSponsorManage, Handler: s.handleSponsorCreatePage},
		{Method: "GET", Path: "/sponsors/{id}", Perm: auth.PermSponsorManage, Handler: s.handleSponsorPage},
		{Method: "POST", Path: "/sponsors/{id}/vetting", Perm: auth.PermSponsorManage, Handler: s.handleVettingPage},
	}
}

// childrenStore is the domain store on the server's database.
func (s *Server) childrenStore() *children.Store { return children.New(s.db) }
