package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/aid"
	"github.com/amparo-project/amparo/internal/errs"
)

func init() {
	addTemplateFuncs(template.FuncMap{
		// aidExplain is an explanation in the page's language, from its
		// messages; text stored before messages were is shown as it is.
		"aidExplain": func(p *Page, ms []aid.Msg, english string) string {
			if len(ms) == 0 {
				return english
			}
			return aid.RenderAllNumbers(ms, func(key string) string { return p.T(key) }, func(v string) string { return fmtDecimal(p.Lang, v) })
		},
		"aidChart":  aidChart,
		"deref":     func(p *int64) int64 { return *p },
		"derefTime": func(p *time.Time) time.Time { return *p },
		"derefInt":  func(p *int) int { return *p },
		"derefBool": func(p *bool) bool { return *p },
		"deref64":   func(p *float64) string { return strconv.FormatFloat(*p, 'g', 6, 64) },
		// aidSources lists the distinct sources of a result's inputs.
		"aidSources": func(r aid.ConditionResult) []string {
			seen := map[string]bool{}
			var out []string
			for _, in := range r.Inputs {
				for _, d := range in.Data {
					k := d.Source
					if k == "" {
						k = d.Citation
					}
					if k != "" && !seen[k] {
						seen[k] = true
						out = append(out, k)
					}
				}
			}
			sort.Strings(out)
			return out
		},
	})
}

// aidScorecardPage is what aid_scorecard.html shows: every country's card
// (the index) or one.
type aidScorecardPage struct {
	Cards  []aid.Scorecard
	Single bool
}

func (h *aidHandlers) handleScorecardIndex(w http.ResponseWriter, r *http.Request) {
	cards, err := h.aid.ScorecardIndex(r.Context())
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "aid_scorecard", aidScorecardPage{Cards: cards})
}

func (h *aidHandlers) handleScorecardCountry(w http.ResponseWriter, r *http.Request) {
	code := strings.ToUpper(r.PathValue("code"))
	sc, err := h.aid.CountryScorecard(r.Context(), code)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	if len(sc.Packages) == 0 {
		h.domainError(w, r, errs.NotFound("aid: scorecard for", code))
		return
	}
	h.render(w, r, http.StatusOK, "aid_scorecard", aidScorecardPage{Cards: []aid.Scorecard{*sc}, Single: true})
}

// handleScorecardCSV writes one row per condition, with its latest
// evaluation (?country=ISO3 for one country).
func (h *aidHandlers) handleScorecardCSV(w http.ResponseWriter, r *http.Request) {
	country, _ := readCountry(r)
	cards, err := h.scorecardAPI(r.Context(), country)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	name := "aid-scorecard.csv"
	if country != "" {
		name = "aid-scorecard-" + country + ".csv"
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"country", "package_id", "package", "donor", "fiscal_year", "legal_basis", "package_citation", "tranche_id", "tranche",
		"amount", "currency", "due_date", "state", "condition_id", "ref", "wording", "kind", "hard", "rule", "status", "as_of", "explanation", "sources"})
	for _, sc := range cards {
		for _, p := range sc.Packages {
			for _, t := range p.Tranches {
				results := map[int64]aid.ConditionResult{}
				asOf := ""
				if t.Evaluation != nil {
					asOf = t.Evaluation.AsOf
					for _, res := range t.Evaluation.Results {
						results[res.ConditionID] = res
					}
				}
				for _, c := range t.Conditions {
					res, ok := results[c.ID]
					status, expl, srcs := "not_evaluated", "", ""
					if ok {
						status, expl = res.Status, res.Explanation
						var list []string
						seen := map[string]bool{}
						for _, in := range res.Inputs {
							for _, d := range in.Data {
								if s := strings.TrimSpace(d.Source + " " + d.CiteURL + " " + d.Citation); !seen[s] {
									seen[s] = true
									list = append(list, s)
								}
							}
						}
						srcs = strings.Join(list, " | ")
					}
					_ = cw.Write([]string{sc.Country, fmt.Sprint(p.ID), p.Title, p.Donor, fmt.Sprint(p.FiscalYear), p.LegalBasis, p.Citation, fmt.Sprint(t.ID),
						t.Label, aidAmountCSV(t.Amount), p.Currency, t.DueDate, t.State, fmt.Sprint(c.ID), c.Ref, c.Wording, c.Kind, fmt.Sprint(c.Hard), c.Rule,
						status, asOf, expl, srcs})
				}
			}
		}
	}
	cw.Flush()
}

// aidAmountCSV is an amount for CSV: digits, or "" when not stated.
func aidAmountCSV(a *int64) string {
	if a == nil {
		return ""
	}
	return strconv.FormatInt(*a, 10)
}

// handleDecisionReport is a decision's printable certification report.
func (h *aidHandlers) handleDecisionReport(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	rep, err := h.aid.GetDecisionReport(r.Context(), id)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "aid_report", rep)
}

// aidChartSpec is what static/aid.js draws: money by fiscal year (the
// package's), one bar series each for pledged, released and withheld.
type aidChartSpec struct {
	Labels   []string  `json:"labels"`
	Series   []aidBars `json:"series"`
	Currency string    `json:"currency"`
}

type aidBars struct {
	Key    string  `json:"key"`
	Label  string  `json:"label"`
	Values []int64 `json:"values"`
}

// aidChart is a scorecard's chart data as JSON (stated amounts only).
func aidChart(sc aid.Scorecard, lang string) (template.JS, error) {
	spec := aidChartSpec{Labels: []string{}, Series: []aidBars{}}
	names := map[string][3]string{"en": {"Pledged", "Released", "Withheld"}, "es": {"Comprometido", "Liberado", "Retenido"}}[lang]
	if names[0] == "" {
		names = [3]string{"Pledged", "Released", "Withheld"}
	}
	bars := []aidBars{{Key: "pledged", Label: names[0], Values: []int64{}}, {Key: "released", Label: names[1], Values: []int64{}}, {Key: "withheld", Label: names[2], Values: []int64{}}}
	for _, y := range sc.ByYear() {
		spec.Labels = append(spec.Labels, fmt.Sprintf("FY%d %s", y.FiscalYear, y.Currency))
		bars[0].Values = append(bars[0].Values, y.Pledged)
		bars[1].Values = append(bars[1].Values, y.Released)
		bars[2].Values = append(bars[2].Values, y.Withheld)
	}
	spec.Series = bars
	b, err := json.Marshal(spec)
	return template.JS(b), err
}

// handleIATIExport answers every package as IATI activity XML 2.03.
func (h *aidHandlers) handleIATIExport(w http.ResponseWriter, r *http.Request) {
	var buf bytes.Buffer
	if err := h.aid.ExportIATI(r.Context(), aid.ReportingOrg{}, &buf); err != nil {
		h.domainError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="amparo-aid-iati.xml"`)
	_, _ = w.Write(buf.Bytes())
}
