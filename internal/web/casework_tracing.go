package web

import (
	"errors"
	"net/http"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/tracing/requests"
)

// caseTracingView is the case page's Tracing section: the relatives
// confirmed by tracing and how many matches wait for a decision.
type caseTracingView struct {
	Links *requests.CaseLinks
	// Loading: the matcher is still being built; the case page is not
	// held up for it.
	Loading bool
	Error   bool
}

// addTracing gives the case page its Tracing section, for the roles that
// read tracing requests. A failure is logged and said in the section; the
// rest of the page stands.
func (h *caseHandlers) addTracing(r *http.Request, id int64, data map[string]any) {
	p, ok := auth.FromContext(r.Context())
	if !ok || h.tracing == nil || !auth.Allowed(p.Role, auth.PermTracingRequest) {
		return
	}
	v := &caseTracingView{}
	data["TR"] = v
	svc, err := h.tracing.Service(r.Context(), 0)
	if err == nil {
		v.Links, err = svc.CaseLinks(r.Context(), id)
	}
	switch {
	case err == nil:
	case errors.Is(err, requests.ErrLoading):
		v.Loading = true
	default:
		h.log.ErrorContext(r.Context(), "case page: tracing", "request_id", requestIDOf(r), "case", id, "err", err)
		v.Error = true
	}
}

// handleCaseLinksAPI answers a case's tracing links (GET
// /api/v1/cases/{id}/tracing); 503 with Retry-After while the matcher is
// being built.
func (h *caseworkHandlers) handleCaseLinksAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	svc, ok := (&tracingHandlers{kit: h.kit, runner: h.tracing}).service(w, r)
	if !ok {
		return
	}
	links, err := svc.CaseLinks(r.Context(), id)
	jsonCall(h.kit, w, r, http.StatusOK, links, err)
}

// caseStates is what the tracing request page says of the children its
// links and candidates are about: the state of those that have left
// custody (no sponsor record is offered for them), and the sponsor a
// child was released to (warned of before a match is confirmed).
type caseStates struct {
	Ended    map[int64]string
	Released map[int64]*release.Sponsor
}

// caseStates reads them for the cases of view v the viewer may see. A
// failure to read a release is logged and the warning left out: the
// decision itself is checked by the service.
func (h *tracingHandlers) caseStates(r *http.Request, svc *requests.Service, v *requests.View) caseStates {
	out := caseStates{Ended: map[int64]string{}, Released: map[int64]*release.Sponsor{}}
	p, _ := auth.FromContext(r.Context())
	for _, c := range v.Candidates {
		if c.Case == nil || !c.Case.State.Terminal() {
			continue
		}
		out.Ended[c.CaseID] = string(c.Case.State)
		if c.Status != requests.CandidateProposed || c.Case.State != custody.StateReleased || !auth.Allowed(p.Role, auth.PermTracingDecide) {
			continue
		}
		if _, done := out.Released[c.CaseID]; done {
			continue
		}
		sp, err := svc.ReleasedTo(r.Context(), c.CaseID)
		if err != nil {
			h.log.ErrorContext(r.Context(), "tracing page: released to", "request_id", requestIDOf(r), "case", c.CaseID, "err", err)
			continue
		}
		out.Released[c.CaseID] = sp
	}
	return out
}

// sponsorRefused says, in the page's language, why no sponsor record was
// made from a link to a child who has left custody.
func (h *tracingHandlers) sponsorRefused(r *http.Request, err error) (string, bool) {
	var ended *requests.CaseEndedError
	if !errors.As(err, &ended) {
		return "", false
	}
	lang := langOf(r)
	return h.translate(lang, "casework.tracing.sponsor_refused", h.translate(lang, "tracing.state."+string(ended.State))), true
}
