package web

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/amparo-project/amparo/internal/aid"
	"github.com/amparo-project/amparo/internal/auth"
)

// aidHandlers serve the aid scorecard and the aid API from the aid
// service. Reads are public (a watchdog's scorecard); changes need
// aid.manage.
type aidHandlers struct {
	*kit
	aid *aid.Service
}

func (h *aidHandlers) routes() []Route {
	m := auth.PermAidManage
	rs := []Route{
		{Method: "GET", Path: "/scorecard", Perm: auth.Anyone, Handler: h.handleScorecardIndex},
		{Method: "GET", Path: "/scorecard/{code}", Perm: auth.Anyone, Handler: h.handleScorecardCountry},
		{Method: "GET", Path: "/scorecard.csv", Perm: auth.Anyone, Handler: h.handleScorecardCSV},
		{Method: "GET", Path: "/aid/iati.xml", Perm: auth.Anyone, Handler: h.handleIATIExport},
		{Method: "GET", Path: "/aid/decisions/{id}/report", Perm: auth.Anyone, Handler: h.handleDecisionReport},

		{Method: "GET", Path: "/api/v1/aid/scorecard", Perm: auth.Anyone, Handler: withQuery(h.kit, http.StatusOK, readCountry, h.scorecardAPI)},
		{Method: "GET", Path: "/api/v1/aid/packages", Perm: auth.Anyone, Handler: withQuery(h.kit, http.StatusOK, readCountry, h.aid.ListPackages)},
		{Method: "POST", Path: "/api/v1/aid/packages", Perm: m, Handler: withBody(h.kit, http.StatusCreated, h.aid.CreatePackage)},
		{Method: "GET", Path: "/api/v1/aid/packages/{id}", Perm: auth.Anyone, Handler: withID(h.kit, http.StatusOK, h.aid.GetPackage)},
		{Method: "POST", Path: "/api/v1/aid/packages/{id}/programs", Perm: m, Handler: withIDBody(h.kit, http.StatusCreated, h.aid.AddProgram)},
		{Method: "GET", Path: "/api/v1/aid/programs/{id}/results", Perm: auth.Anyone, Handler: withID(h.kit, http.StatusOK, h.aid.ListResults)},
		{Method: "POST", Path: "/api/v1/aid/programs/{id}/results", Perm: m, Handler: withIDBody(h.kit, http.StatusCreated, h.aid.AddResult)},
		{Method: "POST", Path: "/api/v1/aid/packages/{id}/tranches", Perm: m, Handler: withIDBody(h.kit, http.StatusCreated, h.aid.AddTranche)},
		{Method: "GET", Path: "/api/v1/aid/tranches/{id}", Perm: auth.Anyone, Handler: withID(h.kit, http.StatusOK, h.aid.GetTranche)},
		{Method: "POST", Path: "/api/v1/aid/tranches/{id}/conditions", Perm: m, Handler: withIDBody(h.kit, http.StatusCreated, h.aid.AddCondition)},
		{Method: "GET", Path: "/api/v1/aid/tranches/{id}/evaluations", Perm: auth.Anyone, Handler: withID(h.kit, http.StatusOK, h.aid.ListEvaluations)},
		{Method: "POST", Path: "/api/v1/aid/tranches/{id}/evaluations", Perm: m, Handler: withIDBody(h.kit, http.StatusCreated, h.aid.Evaluate)},
		{Method: "GET", Path: "/api/v1/aid/tranches/{id}/decisions", Perm: auth.Anyone, Handler: withID(h.kit, http.StatusOK, h.aid.ListDecisions)},
		{Method: "POST", Path: "/api/v1/aid/tranches/{id}/decisions", Perm: m, Handler: withIDBody(h.kit, http.StatusCreated, h.aid.ProposeDecision)},
		{Method: "GET", Path: "/api/v1/aid/evaluations/{id}", Perm: auth.Anyone, Handler: withID(h.kit, http.StatusOK, h.aid.GetEvaluation)},
		{Method: "GET", Path: "/api/v1/aid/evaluations/{id}/replay", Perm: auth.Anyone, Handler: withID(h.kit, http.StatusOK, h.aid.ReplayEvaluation)},
		{Method: "GET", Path: "/api/v1/aid/decisions/{id}", Perm: auth.Anyone, Handler: withID(h.kit, http.StatusOK, h.aid.GetDecision)},
		{Method: "GET", Path: "/api/v1/aid/decisions/{id}/report", Perm: auth.Anyone, Handler: withID(h.kit, http.StatusOK, h.aid.GetDecisionReport)},
		{Method: "POST", Path: "/api/v1/aid/decisions/{id}/approve", Perm: m, Handler: withID(h.kit, http.StatusOK, h.aid.ApproveDecision)},
		{Method: "GET", Path: "/api/v1/aid/facts", Perm: auth.Anyone, Handler: withQuery(h.kit, http.StatusOK, readCountry, h.aid.ListFacts)},
		{Method: "POST", Path: "/api/v1/aid/facts", Perm: m, Handler: withBody(h.kit, http.StatusCreated, h.aid.RecordFact)},
		{Method: "GET", Path: "/api/v1/aid/evidence", Perm: auth.Anyone, Handler: withQuery(h.kit, http.StatusOK, readEvidenceFilter, h.aid.ListEvidence)},
		{Method: "POST", Path: "/api/v1/aid/evidence", Perm: auth.PermAidEvidenceSubmit, Handler: withBody(h.kit, http.StatusCreated, h.aid.SubmitEvidence),
			MaxBody: aid.MaxDocumentBytes*4/3 + 64<<10}, // the document travels in base64
		{Method: "POST", Path: "/api/v1/aid/evidence/{id}/review", Perm: m, Handler: withIDBody(h.kit, http.StatusOK, h.aid.ReviewEvidence)},
		{Method: "GET", Path: "/api/v1/aid/evidence/{id}/document", Perm: auth.Anyone, Handler: h.handleEvidenceDocument},
		{Method: "POST", Path: "/api/v1/aid/iati", Perm: m, Handler: h.handleIATIImportAPI, MaxBody: aid.MaxIATIBytes},
		{Method: "GET", Path: "/api/v1/aid/iati/activities", Perm: auth.Anyone, Handler: withQuery(h.kit, http.StatusOK, readImportID, h.aid.ListIATIActivities)},
	}
	rs = append(rs, h.aidFormRoutes()...)
	rs = append(rs, h.aidDecideRoutes()...)
	return append(rs, h.aidReviewRoutes()...)
}

// readCountry reads ?country=ISO3 ("" for every country).
func readCountry(r *http.Request) (string, error) {
	return strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("country"))), nil
}

// readEvidenceFilter reads ?country=, ?status= and ?mine=1.
func readEvidenceFilter(r *http.Request) (aid.EvidenceFilter, error) {
	q := r.URL.Query()
	return aid.EvidenceFilter{Country: q.Get("country"), Status: q.Get("status"), Mine: q.Get("mine") == "1"}, nil
}

// readImportID reads ?import=ID (0 for every import).
func readImportID(r *http.Request) (int64, error) {
	n, err := queryInt(r, "import", 0, 0, 1<<62)
	return int64(n), err
}

// handleIATIImportAPI is written out: its body is an IATI XML file, not
// JSON. An empty body is 400, a body over the route's cap 413, a file at
// fault 422 with its line and element; in each case nothing is imported.
func (h *aidHandlers) handleIATIImportAPI(w http.ResponseWriter, r *http.Request) {
	body := bufio.NewReaderSize(r.Body, 1<<16)
	if _, err := body.Peek(1); errors.Is(err, io.EOF) {
		h.writeError(w, r, http.StatusBadRequest, "empty_body", "The request body is empty; an IATI activity XML file is required.")
		return
	}
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "api upload"
	}
	res, err := h.aid.ImportIATI(r.Context(), name, body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		h.writeError(w, r, http.StatusRequestEntityTooLarge, "too_large", "The file is larger than "+fileSize(tooBig.Limit)+"; nothing was imported. Use `amparo aid import-iati`.")
		return
	}
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.writeJSON(w, http.StatusCreated, res)
}

// handleEvidenceDocument answers a document with the type read from its
// bytes when it was submitted, as an attachment.
func (h *aidHandlers) handleEvidenceDocument(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	e, doc, err := h.aid.EvidenceDocument(r.Context(), id)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", e.DocType)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"evidence-%d%s\"", e.ID, docExt(e.DocType)))
	w.Header().Set("X-Content-SHA256", e.DocSHA256)
	_, _ = w.Write(doc)
}

func docExt(t string) string {
	switch {
	case t == "application/pdf":
		return ".pdf"
	case t == "image/png":
		return ".png"
	case t == "image/jpeg":
		return ".jpg"
	}
	return ".txt"
}

// scorecardAPI is one country's scorecard, or every country's.
func (h *aidHandlers) scorecardAPI(ctx context.Context, country string) ([]aid.Scorecard, error) {
	if country == "" {
		return h.aid.ScorecardIndex(ctx)
	}
	sc, err := h.aid.CountryScorecard(ctx, country)
	if err != nil {
		return nil, err
	}
	return []aid.Scorecard{*sc}, nil
}
