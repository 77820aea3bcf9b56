package web

import "github.com/amparo-project/amparo/internal/auth"

// routes is the whole route table. Each domain keeps its routes in its own
// file and adds one line here.
func (s *Server) routes() []Route {
	var rs []Route
	rs = append(rs, s.coreRoutes()...)
	rs = append(rs, (&tracingHandlers{kit: s.kit, runner: s.svc.Tracing}).routes()...)
	rs = append(rs, (&caseHandlers{kit: s.kit, cases: s.svc.Custody, facilities: s.svc.Facilities, release: s.svc.Release, imports: s.imports, tracing: s.svc.Tracing}).routes()...)
	rs = append(rs, s.casework().routes()...)
	rs = append(rs, (&indicatorHandlers{kit: s.kit, ind: s.svc.Indicators}).routes()...)
	rs = append(rs, (&aidHandlers{kit: s.kit, aid: s.svc.Aid}).routes()...)
	rs = append(rs, (&sponsorListHandlers{kit: s.kit, release: s.svc.Release}).routes()...)
	rs = append(rs, (&legalHandlers{kit: s.kit, legal: s.svc.Legal, release: s.svc.Release}).routes()...)
	return rs
}

func (s *Server) coreRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/healthz", Perm: auth.Anyone, Handler: s.handleHealth},
		{Method: "GET", Path: "/static/", Perm: auth.Anyone, Handler: s.handleStatic},
		{Method: "GET", Path: "/favicon.ico", Perm: auth.Anyone, Handler: faviconRedirect},
		{Method: "GET", Path: "/{$}", Perm: auth.Anyone, Handler: s.handleHome},
		{Method: "GET", Path: "/lang/{code}", Perm: auth.Anyone, Handler: s.handleLang},
		{Method: "GET", Path: "/login", Perm: auth.Anyone, Handler: s.handleLoginPage},
		{Method: "POST", Path: "/login", Perm: auth.Anyone, Handler: s.handleLogin},
		{Method: "POST", Path: "/logout", Perm: auth.PermSelf, Handler: s.handleLogout},
		{Method: "GET", Path: "/audit", Perm: auth.PermAuditRead, Handler: s.handleAuditPage},
		{Method: "GET", Path: "/account", Perm: auth.PermSelf, Handler: s.handleAccountPage},
		{Method: "POST", Path: "/account/password", Perm: auth.PermSelf, Handler: s.handleAccountPassword},
		{Method: "GET", Path: "/admin/users", Perm: auth.PermUsersAdmin, Handler: s.handleUsersPage},
		{Method: "POST", Path: "/admin/users", Perm: auth.PermUsersAdmin, Handler: s.handleUserCreate},
		{Method: "POST", Path: "/admin/users/status", Perm: auth.PermUsersAdmin, Handler: s.handleUserDisable},
		{Method: "POST", Path: "/admin/users/facilities", Perm: auth.PermFacilityManage, Handler: s.handleUserFacility},

		{Method: "GET", Path: "/api/v1/openapi.json", Perm: auth.Anyone, Handler: s.handleOpenAPI},
		{Method: "GET", Path: "/api/v1/me", Perm: auth.PermSelf, Handler: s.handleMe},
		{Method: "GET", Path: "/api/v1/audit", Perm: auth.PermAuditRead, Handler: s.handleAuditAPI},
	}
}
