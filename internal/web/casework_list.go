package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/errs"
)

// casePageSizes are the page sizes the case list offers.
var casePageSizes = []int{25, 50, 100}

// caseListQuery is a case search with its page (1-based) and page size.
type caseListQuery struct {
	custody.SearchQuery
	Page int
}

// parseCaseList reads the search (q, state, facility_id), page and limit
// (the page size, 1 to 500; 50 by default).
func parseCaseList(r *http.Request) (caseListQuery, error) {
	sq, err := childCaseQuery(r)
	if err != nil {
		return caseListQuery{}, err
	}
	page, err := queryInt(r, "page", 1, 1, custody.MaxSearchOffset/sq.Limit+1)
	if err != nil {
		return caseListQuery{}, err
	}
	sq.Offset = (page - 1) * sq.Limit
	return caseListQuery{SearchQuery: sq, Page: page}, nil
}

// caseListPage is a page of the case list, with what paging links need.
type caseListPage struct {
	Cases []custody.CaseSummary `json:"cases"`
	Total int                   `json:"total"`
	Page  int                   `json:"page"`
	Limit int                   `json:"limit"`
	Pages int                   `json:"pages"`
	// First and Last number the rows shown (1-based; 0 when none).
	First int `json:"first"`
	Last  int `json:"last"`
}

func newCaseListPage(pg *custody.CasePage, page int) caseListPage {
	out := caseListPage{Cases: pg.Cases, Total: pg.Total, Page: page, Limit: pg.Limit}
	out.Pages = (pg.Total + pg.Limit - 1) / pg.Limit
	if len(pg.Cases) > 0 {
		out.First, out.Last = pg.Offset+1, pg.Offset+len(pg.Cases)
	}
	return out
}

// searchCasesPaged answers GET /api/v1/cases: a page of the search with
// the total.
func (h *caseHandlers) searchCasesPaged(ctx context.Context, q caseListQuery) (caseListPage, error) {
	pg, err := h.cases.SearchPage(ctx, q.SearchQuery)
	if err != nil {
		return caseListPage{}, err
	}
	return newCaseListPage(pg, q.Page), nil
}

// handleCaseListPage is the case list with paging (page, limit) and, for
// the roles allowed, a CSV export of the same search.
func (h *caseHandlers) handleCaseListPage(w http.ResponseWriter, r *http.Request) {
	q, err := parseCaseList(r)
	if err != nil {
		h.writeError(w, r, http.StatusBadRequest, "bad_query", err.Error())
		return
	}
	pg, err := h.cases.SearchPage(r.Context(), q.SearchQuery)
	if fe := errs.Fields(err); len(fe) > 0 {
		// A search over the bounds: the form again, with what was typed.
		h.render(w, r, http.StatusUnprocessableEntity, "cases_list", map[string]any{"Q": q.SearchQuery, "Results": []custody.CaseSummary{}, "Error": fe[0].Problem})
		return
	}
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	lp := newCaseListPage(pg, q.Page)
	h.render(w, r, http.StatusOK, "cases_list", map[string]any{"Q": q.SearchQuery, "Results": pg.Cases, "HandedOver": r.URL.Query().Get("handed_over"),
		"Paging": lp, "Sizes": casePageSizes, "Links": pagingLinks(r.URL.Query(), lp)})
}

// pagingLinks are the list's URLs for the previous and next pages and the
// export, keeping the search ("" when there is no such page).
func pagingLinks(v url.Values, lp caseListPage) map[string]string {
	at := func(page int) string {
		w := url.Values{}
		for _, k := range []string{"q", "state", "facility_id", "limit"} {
			if x := v.Get(k); x != "" {
				w.Set(k, x)
			}
		}
		if page > 1 {
			w.Set("page", strconv.Itoa(page))
		}
		if len(w) == 0 {
			return "/cases"
		}
		return "/cases?" + w.Encode()
	}
	links := map[string]string{}
	if lp.Page > 1 {
		links["Prev"] = at(lp.Page - 1)
	}
	if lp.Page < lp.Pages {
		links["Next"] = at(lp.Page + 1)
	}
	ex := url.Values{}
	for _, k := range []string{"q", "state", "facility_id"} {
		if x := v.Get(k); x != "" {
			ex.Set(k, x)
		}
	}
	links["Export"] = "/cases/export.csv"
	if len(ex) > 0 {
		links["Export"] += "?" + ex.Encode()
	}
	return links
}

// handleCaseExportCSV exports every case of a search (up to
// custody.ExportMax) within the viewer's scope, audited by the domain.
// Names and places are written so that a spreadsheet never reads them as
// formulas (csvCell).
func (h *caseHandlers) handleCaseExportCSV(w http.ResponseWriter, r *http.Request) {
	sq, err := childCaseQuery(r)
	if err != nil {
		h.writeError(w, r, http.StatusBadRequest, "bad_query", err.Error())
		return
	}
	pg, err := h.cases.Export(r.Context(), sq)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	writeCSVHeaders(w, "amparo-cases.csv")
	// Whether the file holds every match: a truncated export says so in a
	// header, as the rows cannot.
	w.Header().Set("X-Total-Count", strconv.Itoa(pg.Total))
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"case_id", "name", "state", "sex", "birth_date", "nationality", "facility", "encountered_at"})
	for _, c := range pg.Cases {
		_ = cw.Write([]string{strconv.FormatInt(c.ID, 10), csvCell(c.Name), string(c.State), csvCell(deref(c.Sex)), csvCell(deref(c.BirthDate)),
			csvCell(c.Nationality), csvCell(c.FacilityName), c.EncounteredAt.UTC().Format(time.RFC3339)})
	}
	cw.Flush()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
