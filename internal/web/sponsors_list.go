package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/release"
)

// sponsorListHandlers are the list of sponsors in the caller's scope and
// the sponsors flagged by the trafficking-pattern rules (the sponsor form
// handlers live in sponsors_handlers.go).
type sponsorListHandlers struct {
	*kit
	release *release.Service
}

func (h *sponsorListHandlers) routes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/sponsors", Perm: auth.PermSponsorManage, Handler: withQuery(h.kit, http.StatusOK, parseSponsorQuery, h.release.Sponsors)},
		{Method: "GET", Path: "/api/v1/sponsors/flags", Perm: auth.PermSponsorManage, Handler: withQuery(h.kit, http.StatusOK, noQuery, h.flags)},
		{Method: "GET", Path: "/sponsors/flagged", Perm: auth.PermSponsorManage, Handler: h.handleFlaggedPage},
	}
}

func parseSponsorQuery(r *http.Request) (release.SponsorQuery, error) {
	q := release.SponsorQuery{Q: r.URL.Query().Get("q")}
	var err error
	if q.Limit, err = queryInt(r, "limit", release.DefaultSponsorPage, 1, release.MaxSponsorPage); err != nil {
		return q, err
	}
	q.Offset, err = queryInt(r, "offset", 0, 0, 1<<30)
	return q, err
}

func (h *sponsorListHandlers) flags(ctx context.Context, _ noBody) ([]release.SponsorFlag, error) {
	return h.release.SponsorFlags(ctx, struct{}{})
}

// flaggedView is the flagged-sponsors page.
type flaggedView struct {
	Flags []release.SponsorFlag
	Rules []release.PatternRule
}

func (h *sponsorListHandlers) handleFlaggedPage(w http.ResponseWriter, r *http.Request) {
	fs, err := h.release.SponsorFlags(r.Context(), struct{}{})
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "sponsors_flagged", flaggedView{Flags: fs, Rules: release.PatternRules})
}

func init() {
	addTemplateFuncs(map[string]any{
		// caseLink is the path of a case page.
		"caseLink": func(id int64) string { return "/cases/" + strconv.FormatInt(id, 10) },
		// ruleMsg is the message key of a pattern rule.
		"ruleMsg": func(key string) string { return "sponsors.flag." + strings.ReplaceAll(key, "_", "-") },
	})
}
