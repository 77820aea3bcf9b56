package web

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"maps"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/amparo-project/amparo/internal/aid"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
)

// Pages for aid officers (packages, programs, tranches, conditions, IATI
// import) and for civil-society organisations (evidence). A refused form
// is re-shown (422) with what was typed and each problem beside its
// field, in the page's language.

// aidForm is one form's typed values and problems by field.
type aidForm struct {
	V map[string]string
	P map[string]string
}

func blankForm() aidForm { return aidForm{V: map[string]string{}, P: map[string]string{}} }

// readForm keeps the fields named as typed.
func readForm(r *http.Request, fields ...string) aidForm {
	f := blankForm()
	for _, k := range fields {
		f.V[k] = r.FormValue(k)
	}
	return f
}

// aidFieldView is what the "aid-field" partial shows.
type aidFieldView struct {
	Form                     string
	Name, Label, Type, Value string
	Problem                  string
	Required                 bool
}

func init() {
	addTemplateFuncs(template.FuncMap{
		// aidField describes one input of form (its value and problem).
		"aidField": func(form string, f aidForm, name, label, typ string, required bool) aidFieldView {
			return aidFieldView{Form: form, Name: name, Label: label, Type: typ, Value: f.V[name], Problem: f.P[name], Required: required}
		},
		"aidSectors":      func() []string { return aid.Sectors },
		"aidRatings":      func() []string { return aid.EvidenceRatings },
		"aidKinds":        func() []string { return aid.Kinds },
		"aidCombinations": func() []string { return []string{aid.CombineAll, aid.CombineAny, aid.CombineAtLeast} },
	})
}

// aidProblemKeys translates the domain's field problems: a problem that
// starts with a key's English text is shown in the page's language; the
// rest, when it is a list of codes, is kept as it is.
var aidProblemKeys = []struct{ prefix, key string }{
	{"is required", "aid.err.required"},
	{"must be an ISO 3166 alpha-3 code", "aid.err.country"},
	{"must be an ISO 4217 code", "aid.err.currency"},
	{"must be a year", "aid.err.year"},
	{"must be a date YYYY-MM-DD", "aid.err.date"},
	{"must be one of ", "aid.err.one_of"},
	{"must be empty (not rated) or one of ", "aid.err.one_of"},
	{"a rating needs the intervention model and the clearinghouse's link", "aid.err.rating"},
	{"must be 1 or more with at_least_n", "aid.err.at_least_n"},
	{"must be all, any or at_least_n", "aid.err.combination"},
	{"must be supports or contradicts", "aid.err.stance"},
	{"must be an http(s) address", "aid.err.url"},
	{"its content is ", "aid.err.doc_type"},
	{"is larger than ", "aid.err.doc_size"},
	{"must be a whole number", "aid.err.number"},
	{"must be a whole amount from 1 to", "aid.err.amount"},
	{"must be lower-case letters, digits and _", "aid.err.fact_key"},
	{"must be empty or a date YYYY-MM-DD after valid_from", "aid.err.valid_to"},
	{"must be release or withhold", "aid.err.action"},
	{"is an evaluation of another tranche", "aid.err.other_tranche"},
}

// celPosition is the position CEL gives a rule's error.
var celPosition = regexp.MustCompile(`^line (\d+), column (\d+): `)

// iatiPosition is where an IATI file was refused: its line and element
// (aid.IATIError).
var iatiPosition = regexp.MustCompile(`^line (\d+)(?:, <([^>]+)>)?: `)

func (h *aidHandlers) problemText(lang, msg string) string {
	if m := celPosition.FindStringSubmatch(msg); m != nil {
		// The rest is one of the rule compiler's problems (aid/cel.go),
		// each with its words under aid.msg.rule_*.
		return h.translate(lang, "aid.err.rule_at", m[1], m[2]) + " " + h.kit.problemText(lang, msg[len(m[0]):])
	}
	if m := iatiPosition.FindStringSubmatch(msg); m != nil {
		rest := h.kit.problemText(lang, msg[len(m[0]):])
		if m[2] == "" {
			return h.translate(lang, "aid.iati.at_line", m[1], rest)
		}
		return h.translate(lang, "aid.iati.at_line_element", m[1], m[2], rest)
	}
	for _, p := range aidProblemKeys {
		if strings.HasPrefix(msg, p.prefix) {
			t := h.translate(lang, p.key)
			if rest := strings.TrimSpace(strings.TrimPrefix(msg, p.prefix)); p.key == "aid.err.one_of" && rest != "" {
				t += " (" + rest + ")"
			}
			return t
		}
	}
	return h.kit.problemText(lang, msg) // the domain's keyed messages (aid.msg.*)
}

// refused fills f's problems from err and says whether err was the input's
// fault (then the form is to be re-shown).
func (h *aidHandlers) refused(r *http.Request, f *aidForm, err error) bool {
	return h.refusedBut(r, f, err, nil)
}

// refusedBut is refused leaving out the fields in skip.
func (h *aidHandlers) refusedBut(r *http.Request, f *aidForm, err error, skip map[string]string) bool {
	fes := errs.Fields(err)
	if fes == nil {
		return false
	}
	lang := langOf(r)
	for _, fe := range fes {
		field := fe.Field
		if i := strings.IndexByte(field, '['); i > 0 {
			field = field[:i]
		}
		if _, ok := skip[field]; ok {
			continue
		}
		msg := h.problemText(lang, fe.Problem)
		if prev, ok := f.P[field]; ok {
			msg = prev + "; " + msg
		}
		f.P[field] = msg
	}
	return true
}

// reshow says whether the form is to be re-shown: problems found while
// reading it, or the domain's refusal of its input. With problems found
// while reading, the service was not called and err is the domain's check
// of the rest (aid.Check*): its problems are shown too, so that a form
// shows every problem at once, but not for a field reading found at fault
// (the check saw no value there).
func (h *aidHandlers) reshow(r *http.Request, f *aidForm, err error) bool {
	if len(f.P) > 0 {
		lang := langOf(r)
		read := maps.Clone(f.P)
		for k, msg := range f.P {
			f.P[k] = h.problemText(lang, msg)
		}
		h.refusedBut(r, f, err, read)
		return true
	}
	return h.refused(r, f, err)
}

// formInt reads a whole number typed in a form; "" is nil. A bad one is a
// field problem, as the API's JSON decoder would refuse it.
func formInt(f *aidForm, name string) *int64 {
	s := strings.ReplaceAll(strings.TrimSpace(f.V[name]), ",", "")
	if s == "" {
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f.P[name] = "must be a whole number"
		return nil
	}
	return &n
}

// Officers' index: packages, and forms for a new package and an IATI file.

type aidManagePage struct {
	Packages []aid.Package
	Package  aidForm
	IATI     aidForm
	Imported *aid.IATIImport
}

var packageFields = []string{"title", "donor", "recipient", "fiscal_year", "amount", "currency", "legal_basis", "citation", "citation_url"}

func (h *aidHandlers) renderManage(w http.ResponseWriter, r *http.Request, status int, v aidManagePage) {
	pkgs, err := h.aid.ListPackages(r.Context(), "")
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	v.Packages = pkgs
	if v.Package.V == nil {
		v.Package = blankForm()
	}
	if v.IATI.V == nil {
		v.IATI = blankForm()
	}
	h.render(w, r, status, "aid_manage", v)
}

func (h *aidHandlers) handleManagePage(w http.ResponseWriter, r *http.Request) {
	h.renderManage(w, r, http.StatusOK, aidManagePage{})
}

func (h *aidHandlers) handlePackageCreate(w http.ResponseWriter, r *http.Request) {
	f := readForm(r, packageFields...)
	p := aid.Package{Title: f.V["title"], Donor: f.V["donor"], Recipient: f.V["recipient"], Currency: f.V["currency"], LegalBasis: f.V["legal_basis"],
		Citation: f.V["citation"], CitationURL: f.V["citation_url"], Amount: formInt(&f, "amount")}
	if fy := formInt(&f, "fiscal_year"); fy != nil {
		p.FiscalYear = int(*fy)
	}
	var created *aid.Package
	var err error
	if len(f.P) == 0 {
		created, err = h.aid.CreatePackage(r.Context(), p)
	} else {
		err = aid.CheckPackage(p)
	}
	if h.reshow(r, &f, err) {
		h.renderManage(w, r, http.StatusUnprocessableEntity, aidManagePage{Package: f})
		return
	}
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/aid/packages/%d", created.ID), http.StatusSeeOther)
}

// handleIATIUpload imports an IATI file sent from the officers' page.
func (h *aidHandlers) handleIATIUpload(w http.ResponseWriter, r *http.Request) {
	f := blankForm()
	file, hdr, err := r.FormFile("file")
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		// The file's cap, not the route's (which leaves room for the form).
		f.P["file"] = h.translate(langOf(r), "aid.err.too_large", fileSize(aid.MaxIATIBytes))
		h.renderManage(w, r, http.StatusRequestEntityTooLarge, aidManagePage{IATI: f})
		return
	case err != nil:
		f.P["file"] = h.translate(langOf(r), "aid.err.file_missing")
		h.renderManage(w, r, http.StatusUnprocessableEntity, aidManagePage{IATI: f})
		return
	}
	defer file.Close()
	res, err := h.aid.ImportIATI(r.Context(), hdr.Filename, file)
	if h.refused(r, &f, err) {
		h.renderManage(w, r, http.StatusUnprocessableEntity, aidManagePage{IATI: f})
		return
	}
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.renderManage(w, r, http.StatusOK, aidManagePage{Imported: res})
}

// A package's page: programs, tranches and conditions, and their forms.

type aidPackagePage struct {
	P         *aid.PackageView
	Program   aidForm
	Tranche   aidForm
	Condition aidForm
}

var (
	programFields   = []string{"title", "sector", "partner", "amount", "intervention_model", "evidence_rating", "evidence_url", "citation"}
	trancheFields   = []string{"label", "amount", "due_date", "combination", "at_least_n", "program_id"}
	conditionFields = []string{"tranche_id", "ref", "wording", "kind", "rule", "hard", "citation"}
)

func (h *aidHandlers) renderPackage(w http.ResponseWriter, r *http.Request, status int, id int64, v aidPackagePage) {
	pv, err := h.aid.GetPackage(r.Context(), id)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	v.P = pv
	for _, f := range []*aidForm{&v.Program, &v.Tranche, &v.Condition} {
		if f.V == nil {
			*f = blankForm()
		}
	}
	h.render(w, r, status, "aid_package", v)
}

func (h *aidHandlers) handlePackagePage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	h.renderPackage(w, r, http.StatusOK, id, aidPackagePage{})
}

// packageFormAnswer redirects to the package after a change, or re-shows
// the page with the refused form.
func (h *aidHandlers) packageFormAnswer(w http.ResponseWriter, r *http.Request, id int64, f aidForm, set func(*aidPackagePage, aidForm), anchor string, err error) {
	if h.reshow(r, &f, err) {
		var v aidPackagePage
		set(&v, f)
		h.renderPackage(w, r, http.StatusUnprocessableEntity, id, v)
		return
	}
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/aid/packages/%d%s", id, anchor), http.StatusSeeOther)
}

func (h *aidHandlers) handleProgramCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	f := readForm(r, programFields...)
	p := aid.Program{Title: f.V["title"], Sector: f.V["sector"], Partner: f.V["partner"], InterventionModel: f.V["intervention_model"],
		EvidenceRating: f.V["evidence_rating"], EvidenceURL: f.V["evidence_url"], Citation: f.V["citation"]}
	if a := formInt(&f, "amount"); a != nil {
		p.Amount = *a
	} else if _, bad := f.P["amount"]; !bad {
		f.P["amount"] = "is required"
	}
	var err error
	if len(f.P) == 0 {
		_, err = h.aid.AddProgram(r.Context(), id, p)
	} else {
		err = aid.CheckProgram(p)
	}
	h.packageFormAnswer(w, r, id, f, func(v *aidPackagePage, f aidForm) { v.Program = f }, "#programs", err)
}

func (h *aidHandlers) handleTrancheCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	f := readForm(r, trancheFields...)
	t := aid.Tranche{Label: f.V["label"], DueDate: f.V["due_date"], Combination: f.V["combination"], Amount: formInt(&f, "amount"), ProgramID: formInt(&f, "program_id")}
	if n := formInt(&f, "at_least_n"); n != nil {
		t.AtLeastN = int(*n)
	}
	var err error
	var created *aid.Tranche
	if len(f.P) == 0 {
		created, err = h.aid.AddTranche(r.Context(), id, t)
	} else if pv, perr := h.aid.GetPackage(r.Context(), id); perr == nil {
		err = aid.CheckTranche(t, pv.Programs)
	}
	anchor := "#tranches"
	if created != nil {
		anchor = fmt.Sprintf("#tranche-%d", created.ID)
	}
	h.packageFormAnswer(w, r, id, f, func(v *aidPackagePage, f aidForm) { v.Tranche = f }, anchor, err)
}

func (h *aidHandlers) handleConditionCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	f := readForm(r, conditionFields...)
	c := aid.Condition{Ref: f.V["ref"], Wording: f.V["wording"], Kind: f.V["kind"], Rule: f.V["rule"], Hard: f.V["hard"] == "1", Citation: f.V["citation"]}
	tid := formInt(&f, "tranche_id")
	var err error
	switch {
	case tid == nil:
		if _, bad := f.P["tranche_id"]; !bad {
			f.P["tranche_id"] = "is required"
		}
	case !h.trancheOf(r, id, *tid):
		f.P["tranche_id"] = "is required"
	}
	if len(f.P) == 0 {
		_, err = h.aid.AddCondition(r.Context(), *tid, c)
	} else {
		err = h.aid.CheckCondition(r.Context(), c)
	}
	anchor := "#tranches"
	if tid != nil {
		anchor = fmt.Sprintf("#tranche-%d", *tid)
	}
	h.packageFormAnswer(w, r, id, f, func(v *aidPackagePage, f aidForm) { v.Condition = f }, anchor, err)
}

// trancheOf says whether tranche tid belongs to package pkg (a form
// names the tranche in a select; a tranche of another package is refused).
func (h *aidHandlers) trancheOf(r *http.Request, pkg, tid int64) bool {
	t, err := h.aid.GetTranche(r.Context(), tid)
	return err == nil && t.PackageID == pkg
}

// Evidence, for civil-society organisations (and officers).

type aidEvidencePage struct {
	Form      aidForm
	Mine      []aid.Evidence
	Submitted int64
	MaxBytes  int64
}

var evidenceFields = []string{"country", "condition_id", "stance", "title", "summary", "source_url"}

func (h *aidHandlers) renderEvidence(w http.ResponseWriter, r *http.Request, status int, v aidEvidencePage) {
	mine, err := h.aid.ListEvidence(r.Context(), aid.EvidenceFilter{Mine: true})
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	v.Mine, v.MaxBytes = mine, aid.MaxDocumentBytes
	if v.Form.V == nil {
		v.Form = blankForm()
	}
	h.render(w, r, status, "aid_evidence", v)
}

func (h *aidHandlers) handleEvidencePage(w http.ResponseWriter, r *http.Request) {
	v := aidEvidencePage{}
	if n, err := strconv.ParseInt(r.URL.Query().Get("submitted"), 10, 64); err == nil {
		v.Submitted = n
	}
	h.renderEvidence(w, r, http.StatusOK, v)
}

// handleEvidenceSubmit reads the multipart form; the document's type is
// read from its bytes by the domain, not from its name.
func (h *aidHandlers) handleEvidenceSubmit(w http.ResponseWriter, r *http.Request) {
	err := r.ParseMultipartForm(1 << 20)
	var tooBig *http.MaxBytesError
	f := readForm(r, evidenceFields...)
	sub := aid.Submission{Country: f.V["country"], Stance: f.V["stance"], Title: f.V["title"], Summary: f.V["summary"], SourceURL: f.V["source_url"],
		ConditionID: formInt(&f, "condition_id")}
	if errors.As(err, &tooBig) {
		// The fields sent before the document are kept (readUploadForm),
		// and their problems shown with the document's.
		h.reshow(r, &f, aid.CheckSubmission(sub))
		f.P["document"] = h.translate(langOf(r), "aid.err.too_large", fileSize(aid.MaxDocumentBytes))
		h.renderEvidence(w, r, http.StatusRequestEntityTooLarge, aidEvidencePage{Form: f})
		return
	}
	if file, hdr, ferr := r.FormFile("document"); ferr == nil {
		sub.DocName = hdr.Filename
		sub.Document, err = io.ReadAll(io.LimitReader(file, aid.MaxDocumentBytes+1))
		file.Close()
		if err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	var e *aid.Evidence
	err = nil
	if len(f.P) == 0 {
		e, err = h.aid.SubmitEvidence(r.Context(), sub)
	} else {
		err = aid.CheckSubmission(sub)
	}
	if h.reshow(r, &f, err) {
		h.renderEvidence(w, r, http.StatusUnprocessableEntity, aidEvidencePage{Form: f})
		return
	}
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/aid/evidence/new?submitted=%d", e.ID), http.StatusSeeOther)
}

// aidFormRoutes are the pages' routes (added to aidHandlers.routes).
func (h *aidHandlers) aidFormRoutes() []Route {
	m := auth.PermAidManage
	return []Route{
		{Method: "GET", Path: "/aid", Perm: m, Handler: h.handleManagePage},
		{Method: "POST", Path: "/aid/packages", Perm: m, Handler: h.handlePackageCreate},
		{Method: "POST", Path: "/aid/iati", Perm: m, Handler: h.handleIATIUpload, MaxBody: aid.MaxIATIBytes + 1<<20},
		{Method: "GET", Path: "/aid/packages/{id}", Perm: m, Handler: h.handlePackagePage},
		{Method: "POST", Path: "/aid/packages/{id}/programs", Perm: m, Handler: h.handleProgramCreate},
		{Method: "POST", Path: "/aid/packages/{id}/tranches", Perm: m, Handler: h.handleTrancheCreate},
		{Method: "POST", Path: "/aid/packages/{id}/conditions", Perm: m, Handler: h.handleConditionCreate},
		{Method: "GET", Path: "/aid/evidence/new", Perm: auth.PermAidEvidenceSubmit, Handler: h.handleEvidencePage},
		{Method: "POST", Path: "/aid/evidence", Perm: auth.PermAidEvidenceSubmit, Handler: h.handleEvidenceSubmit, MaxBody: aid.MaxDocumentBytes + 1<<20},
	}
}
