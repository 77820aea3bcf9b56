package web

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/legal"
)

// followUpView is a released child's follow-up page: the schedule,
// contact status, attempts and escalations, and the attempt form (re-shown
// with what was typed when refused).
type followUpView struct {
	F *legal.FollowUps
	// Release is the release's sponsor category and services (nil when
	// the release domain shows none to the caller).
	Release  *release.ReleaseFacts
	Outcomes []legal.CallOutcome
	Form     attemptForm
	Problems map[string]string
}

type attemptForm struct {
	Outcome, Safe, InSchool, KnowsCourt, Notes string
}

func init() {
	addTemplateFuncs(template.FuncMap{
		"followUpQuestions": func() []string { return []string{"safe", "in_school", "knows_court_date"} },
		"followUpAnswer": func(f attemptForm, q string) string {
			switch q {
			case "safe":
				return f.Safe
			case "in_school":
				return f.InSchool
			}
			return f.KnowsCourt
		},
	})
}

var callOutcomes = []legal.CallOutcome{legal.CallReached, legal.CallConcern, legal.CallNotReached, legal.CallWrongContact}

func (h *legalHandlers) handleFollowUpPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	h.renderFollowUp(w, r, http.StatusOK, id, attemptForm{}, nil)
}

func (h *legalHandlers) renderFollowUp(w http.ResponseWriter, r *http.Request, status int, id int64, form attemptForm, problems []errs.FieldError) {
	fu, err := h.legal.FollowUpsOf(r.Context(), id)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	v := followUpView{F: fu, Outcomes: callOutcomes, Form: form, Problems: map[string]string{}}
	if rf, err := h.latestRelease(r.Context(), id); err == nil {
		v.Release = &rf
	} else if !errors.Is(err, errs.ErrNotFound) {
		h.domainError(w, r, err)
		return
	}
	if problems != nil {
		v.Problems = h.fieldMessages(r, "followup", problems)
	}
	h.render(w, r, status, "legal_followups", v)
}

func formBool(v string) *bool {
	switch v {
	case "yes":
		b := true
		return &b
	case "no":
		b := false
		return &b
	}
	return nil
}

func (h *legalHandlers) handleFollowUpRecord(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	form := attemptForm{Outcome: r.FormValue("outcome"), Safe: r.FormValue("safe"), InSchool: r.FormValue("in_school"),
		KnowsCourt: r.FormValue("knows_court_date"), Notes: r.FormValue("notes")}
	_, err := h.legal.RecordAttempt(r.Context(), id, legal.AttemptInput{Outcome: legal.CallOutcome(form.Outcome),
		Safe: formBool(form.Safe), InSchool: formBool(form.InSchool), KnowsCourtDate: formBool(form.KnowsCourt), Notes: form.Notes})
	if fields := errs.Fields(err); fields != nil {
		h.renderFollowUp(w, r, http.StatusUnprocessableEntity, id, form, fields)
		return
	}
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(id, 10)+"/followups", http.StatusSeeOther)
}

func (h *legalHandlers) handleEscalationClose(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	e, err := h.legal.CloseEscalation(r.Context(), id, legal.CloseInput{Note: r.FormValue("note")})
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(e.CaseID, 10)+"/followups", http.StatusSeeOther)
}

// courtForm is the notice-to-appear and hearing forms as typed.
type courtForm struct {
	NTADate, Court, At, Kind, Outcome string
}

func (h *legalHandlers) handleNTAPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	f := courtForm{NTADate: r.FormValue("nta_date"), Court: r.FormValue("court")}
	_, err := h.legal.RecordNTA(r.Context(), id, legal.ProceedingsInput{NTADate: f.NTADate, Court: f.Court})
	h.courtAnswer(w, r, id, f, err)
}

func (h *legalHandlers) handleHearingPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	f := courtForm{At: r.FormValue("at"), Kind: r.FormValue("kind"), Outcome: r.FormValue("outcome")}
	// A time that does not parse is sent as none, so that the service's
	// checks of the other fields are shown with it, all at once; the
	// service refuses a hearing without a time, so nothing is stored.
	at, perr := time.Parse("2006-01-02T15:04", f.At)
	_, err := h.legal.AddHearing(r.Context(), id, legal.HearingInput{At: at, Kind: f.Kind, Outcome: f.Outcome})
	var v *errs.ValidationError
	if perr != nil && errors.As(err, &v) {
		for i := range v.Problems {
			if v.Problems[i].Field == "at" {
				v.Problems[i].Problem = "a date and time"
			}
		}
	}
	h.courtAnswer(w, r, id, f, err)
}

// courtAnswer ends the court forms of the screening page.
func (h *legalHandlers) courtAnswer(w http.ResponseWriter, r *http.Request, id int64, f courtForm, err error) {
	h.screeningAnswer(w, r, id, err, func(v *screeningView, fields []errs.FieldError) {
		v.CourtForm = f
		for _, p := range fields {
			v.CourtProblems[p.Field] = h.problemText(langOf(r), p.Problem)
		}
	})
}
