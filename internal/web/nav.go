package web

import "github.com/amparo-project/amparo/internal/auth"

// NavItem is one link of the main navigation; it shows only to those who
// hold its permission.
type NavItem struct {
	Key     string // message key of the label
	Href    string
	Perm    auth.Permission
	Current bool
}

// navItems is the main navigation in display order. Domains add their
// lines here; it must stay on one line at 1366 px for the role with the
// most links (TestBrowserEveryPageFits), so a page used from another one
// (sponsors flagged for review, from the board) is linked there instead.
var navItems = []NavItem{
	{Key: "nav.home", Href: "/", Perm: auth.Anyone},
	{Key: "nav.cases", Href: "/cases", Perm: auth.PermCaseRead},
	{Key: "nav.board", Href: "/board", Perm: auth.PermBoardRead},
	{Key: "nav.facilities", Href: "/facilities", Perm: auth.PermFacilityRead},
	{Key: "nav.case_stats", Href: "/cases/stats", Perm: auth.PermCaseStats},
	{Key: "nav.indicators", Href: "/indicators", Perm: auth.Anyone},
	{Key: "nav.scorecard", Href: "/scorecard", Perm: auth.Anyone},
	{Key: "nav.aid", Href: "/aid", Perm: auth.PermAidManage},
	{Key: "nav.aid_evidence", Href: "/aid/evidence/new", Perm: auth.PermAidEvidenceSubmit},
	{Key: "nav.tracing", Href: "/tracing", Perm: auth.PermTracingRequest},
	{Key: "nav.legal", Href: "/legal", Perm: auth.PermLegalQueue},
	{Key: "nav.lost_contact", Href: "/followups/lost-contact", Perm: auth.PermFollowUpRead},
	{Key: "nav.audit", Href: "/audit", Perm: auth.PermAuditRead},
	{Key: "nav.users", Href: "/admin/users", Perm: auth.PermUsersAdmin},
}
