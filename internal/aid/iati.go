package aid

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"time"
)

// IATI activity XML 2.03 export: one activity per package, with its
// participating organisations (donor, implementing partners), the budget
// for its fiscal year when the amount is stated, a disbursement per
// released tranche, the conditions of its tranches (type 1 policy, 2
// performance), and its programs' results. Import: iati_import.go.

// ReportingOrg names who publishes the file.
type ReportingOrg struct {
	Ref  string // an IATI organisation identifier
	Type string // IATI OrganisationType code, e.g. 90 (other)
	Name string
}

// DefaultReportingOrg is used when the caller names none.
var DefaultReportingOrg = ReportingOrg{Ref: "XX-AMPARO", Type: "90", Name: "Amparo aid accountability (publisher of this file)"}

// iso2 maps the recipient countries Amparo knows to IATI's ISO 3166-1
// alpha-2 codes; a recipient outside it (NT3, a group) gets no
// recipient-country.
var iso2 = map[string]string{"GTM": "GT", "HND": "HN", "SLV": "SV", "NIC": "NI", "MEX": "MX", "USA": "US"}

type xNarr struct {
	Text string `xml:",chardata"`
}

type xText struct {
	Narratives []xNarr `xml:"narrative"`
}

func text(s string) *xText { return &xText{Narratives: []xNarr{{s}}} }

type xOrg struct {
	Ref       string  `xml:"ref,attr,omitempty"`
	Type      string  `xml:"type,attr,omitempty"`
	Role      string  `xml:"role,attr,omitempty"`
	Narrative []xNarr `xml:"narrative"`
}

type xCode struct {
	Code       string `xml:"code,attr,omitempty"`
	Type       string `xml:"type,attr,omitempty"`
	ISODate    string `xml:"iso-date,attr,omitempty"`
	Percentage string `xml:"percentage,attr,omitempty"`
}

type xValue struct {
	Currency  string `xml:"currency,attr,omitempty"`
	ValueDate string `xml:"value-date,attr"`
	Value     int64  `xml:",chardata"`
}

type xBudget struct {
	Type   string `xml:"type,attr"`
	Status string `xml:"status,attr"`
	Start  xCode  `xml:"period-start"`
	End    xCode  `xml:"period-end"`
	Value  xValue `xml:"value"`
}

type xTransaction struct {
	Ref         string `xml:"ref,attr,omitempty"`
	Type        xCode  `xml:"transaction-type"`
	Date        xCode  `xml:"transaction-date"`
	Value       xValue `xml:"value"`
	Description *xText `xml:"description,omitempty"`
}

type xCondition struct {
	Type      string  `xml:"type,attr"`
	Narrative []xNarr `xml:"narrative"`
}

type xConditions struct {
	Attached  string       `xml:"attached,attr"`
	Condition []xCondition `xml:"condition"`
}

type xPeriodValue struct {
	Value   string `xml:"value,attr,omitempty"`
	Comment *xText `xml:"comment,omitempty"`
}

type xResultPeriod struct {
	Start  xCode         `xml:"period-start"`
	End    xCode         `xml:"period-end"`
	Target *xPeriodValue `xml:"target,omitempty"`
	Actual *xPeriodValue `xml:"actual,omitempty"`
}

type xBaseline struct {
	Year    string `xml:"year,attr"`
	ISODate string `xml:"iso-date,attr,omitempty"`
	Value   string `xml:"value,attr,omitempty"`
}

type xIndicator struct {
	Measure   string          `xml:"measure,attr"`
	Ascending string          `xml:"ascending,attr"`
	Title     *xText          `xml:"title"`
	Baseline  *xBaseline      `xml:"baseline,omitempty"`
	Periods   []xResultPeriod `xml:"period"`
}

type xResult struct {
	Type        string       `xml:"type,attr"`
	Aggregation string       `xml:"aggregation-status,attr"`
	Title       *xText       `xml:"title"`
	Indicators  []xIndicator `xml:"indicator"`
}

type xActivity struct {
	XMLName       xml.Name       `xml:"iati-activity"`
	LastUpdated   string         `xml:"last-updated-datetime,attr,omitempty"`
	Lang          string         `xml:"xml:lang,attr,omitempty"`
	Currency      string         `xml:"default-currency,attr,omitempty"`
	Identifier    string         `xml:"iati-identifier"`
	ReportingOrg  xOrg           `xml:"reporting-org"`
	Title         *xText         `xml:"title"`
	Description   *xText         `xml:"description"`
	Participating []xOrg         `xml:"participating-org"`
	Status        xCode          `xml:"activity-status"`
	Dates         []xCode        `xml:"activity-date"`
	Recipient     *xCode         `xml:"recipient-country,omitempty"`
	Budgets       []xBudget      `xml:"budget"`
	Transactions  []xTransaction `xml:"transaction"`
	Conditions    *xConditions   `xml:"conditions,omitempty"`
	Results       []xResult      `xml:"result"`
}

// fyStart and fyEnd bound a US federal fiscal year.
func fyStart(fy int) string { return fmt.Sprintf("%d-10-01", fy-1) }
func fyEnd(fy int) string   { return fmt.Sprintf("%d-09-30", fy) }

// conditionType is IATI's ConditionType: 2 performance for rules on
// measured results, 1 policy for the others.
func conditionType(kind string) string {
	if measured(kind) {
		return "2"
	}
	return "1"
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// ExportIATI writes every package as IATI activity XML 2.03, followed by
// every imported activity as it was read (what Amparo does not model
// included). Public data.
func (s *Service) ExportIATI(ctx context.Context, org ReportingOrg, w io.Writer) error {
	if org.Ref == "" {
		org = DefaultReportingOrg
	}
	pkgs, err := s.ListPackages(ctx, "")
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	root := xml.StartElement{Name: xml.Name{Local: "iati-activities"}, Attr: []xml.Attr{
		{Name: xml.Name{Local: "version"}, Value: "2.03"}, {Name: xml.Name{Local: "generated-datetime"}, Value: s.now().UTC().Format(time.RFC3339)}}}
	if err := enc.EncodeToken(root); err != nil {
		return fmt.Errorf("aid: export IATI: %w", err)
	}
	for _, p := range pkgs {
		a, err := s.iatiActivity(ctx, org, p)
		if err != nil {
			return err
		}
		if err := enc.Encode(a); err != nil {
			return fmt.Errorf("aid: export IATI: %w", err)
		}
	}
	if err := s.encodeImported(ctx, enc); err != nil {
		return err
	}
	if err := enc.EncodeToken(root.End()); err != nil {
		return fmt.Errorf("aid: export IATI: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("aid: export IATI: %w", err)
	}
	_, err = io.WriteString(w, "\n")
	return err
}

func (s *Service) iatiActivity(ctx context.Context, org ReportingOrg, p Package) (*xActivity, error) {
	pv, err := s.GetPackage(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	a := &xActivity{Lang: "en", Currency: p.Currency, Identifier: fmt.Sprintf("%s-aid-package-%d", org.Ref, p.ID),
		ReportingOrg:  xOrg{Ref: org.Ref, Type: org.Type, Narrative: []xNarr{{org.Name}}},
		Title:         text(p.Title),
		Description:   text(fmt.Sprintf("%s. Legal basis: %s. Source: %s %s", p.Title, p.LegalBasis, p.Citation, p.CitationURL)),
		Participating: []xOrg{{Role: "1", Narrative: []xNarr{{p.Donor}}}},
		Status:        xCode{Code: "2"},
		Dates:         []xCode{{Type: "1", ISODate: fyStart(p.FiscalYear)}},
	}
	if c, ok := iso2[p.Recipient]; ok {
		a.Recipient = &xCode{Code: c}
	}
	seen := map[string]bool{}
	for _, pr := range pv.Programs {
		if !seen[pr.Partner] {
			seen[pr.Partner] = true
			a.Participating = append(a.Participating, xOrg{Role: "4", Narrative: []xNarr{{pr.Partner}}})
		}
	}
	if p.Amount != nil {
		a.Budgets = append(a.Budgets, xBudget{Type: "1", Status: "2", Start: xCode{ISODate: fyStart(p.FiscalYear)}, End: xCode{ISODate: fyEnd(p.FiscalYear)},
			Value: xValue{Currency: p.Currency, ValueDate: fyStart(p.FiscalYear), Value: *p.Amount}})
	}
	var conds []xCondition
	for _, t := range pv.Tranches {
		for _, c := range t.Conditions {
			w := c.Wording
			if c.Ref != "" {
				w = c.Ref + ": " + w
			}
			if c.Rule != "" {
				w += " [rule: " + c.Rule + "]"
			}
			conds = append(conds, xCondition{Type: conditionType(c.Kind), Narrative: []xNarr{{fmt.Sprintf("%s (%s)", w, t.Label)}}})
		}
		if t.State != StateReleased || t.Amount == nil {
			continue
		}
		decs, err := s.ListDecisions(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		for _, d := range decs {
			if d.Action == "release" && d.ApprovedAt != nil {
				day := d.ApprovedAt.UTC().Format(time.DateOnly)
				a.Transactions = append(a.Transactions, xTransaction{Ref: fmt.Sprintf("decision-%d", d.ID), Type: xCode{Code: "3"}, Date: xCode{ISODate: day},
					Value: xValue{Currency: p.Currency, ValueDate: day, Value: *t.Amount}, Description: text(t.Label)})
			}
		}
	}
	if len(conds) > 0 {
		a.Conditions = &xConditions{Attached: "1", Condition: conds}
	}
	for _, pr := range pv.Programs {
		if len(pr.Results) == 0 {
			continue
		}
		res := xResult{Type: "2", Aggregation: "0", Title: text(pr.Title)}
		for _, r := range pr.Results {
			res.Indicators = append(res.Indicators, iatiIndicator(r))
		}
		a.Results = append(a.Results, res)
	}
	return a, nil
}

func iatiIndicator(r Result) xIndicator {
	in := xIndicator{Measure: map[string]string{"unit": "1", "percentage": "2"}[r.Measure], Ascending: "0", Title: text(r.Title)}
	if r.Ascending {
		in.Ascending = "1"
	}
	if r.BaselineYear != nil && r.BaselineValue != nil {
		in.Baseline = &xBaseline{Year: strconv.Itoa(*r.BaselineYear), Value: num(*r.BaselineValue)}
	}
	for _, p := range r.Periods {
		end, _ := periodEnd(p.Period)
		start := time.Date(end.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
		if len(p.Period) == 6 { // FY
			start = end.AddDate(-1, 0, 1)
		}
		rp := xResultPeriod{Start: xCode{ISODate: start.Format(time.DateOnly)}, End: xCode{ISODate: end.Format(time.DateOnly)}}
		if p.Target != nil {
			rp.Target = &xPeriodValue{Value: num(*p.Target)}
		}
		if p.Actual != nil {
			rp.Actual = &xPeriodValue{Value: num(*p.Actual)}
			if p.ActualCitation != "" {
				rp.Actual.Comment = text("Source: " + p.ActualCitation)
			}
		}
		in.Periods = append(in.Periods, rp)
	}
	return in
}
