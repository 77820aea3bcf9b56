package web

import (
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/identity"
)

// childIntakeZones are the zones an intake officer may record the encounter in
// (the border sectors' own zones); the stored instant is UTC.
var childIntakeZones = []string{"America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles", "America/New_York", "UTC"}

func init() {
	addTemplateFuncs(template.FuncMap{
		// zoneOf is the zone a case's times are shown in: its facility's,
		// or UTC while it has none.
		"chZone": func(tz string) string {
			if tz == "" {
				return "UTC"
			}
			return tz
		},
		"chHoursLeft": func(h float64) string {
			if h < 0 {
				return strconv.FormatFloat(-h, 'f', 1, 64) + " h overdue"
			}
			return strconv.FormatFloat(h, 'f', 1, 64) + " h left"
		},
		"chStr": func(v any) string {
			switch v := v.(type) {
			case *string:
				if v != nil {
					return *v
				}
			case string:
				return v
			}
			return ""
		},
		"chTime": func(p *time.Time) time.Time {
			if p == nil {
				return time.Time{}
			}
			return *p
		},
		"chYesNo": func(p *bool) string {
			switch {
			case p == nil:
				return ""
			case *p:
				return "yes"
			default:
				return "no"
			}
		},
		"chStates":        func() []custody.State { return custody.States },
		"chSteps":         func() []release.Step { return release.Steps },
		"chResults":       func() []string { return []string{release.ResultPassed, release.ResultFailed, release.ResultPending} },
		"chRelationships": func() []release.Relationship { return release.Relationships() },
		"chZones":         func() []string { return childIntakeZones },
	})
}

func (h *caseHandlers) handleCaseNewPage(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	zone := h.intakeZone(r)
	h.render(w, r, http.StatusOK, "cases_new", map[string]any{
		// The prefill is the present in the zone selected beside it, so the
		// untouched form is never "in the future"; intake.js redoes it in
		// another zone when the zone changes and the time was not edited.
		"Now": intakePrefill(now, zone), "NowUTC": now.UTC().Format(time.RFC3339), "Zone": zone})
}

// intakePrefill is now as the wall-clock time the encountered_at input
// holds in zone.
func intakePrefill(now time.Time, zone string) string {
	return now.In(facilities.LoadLocation(zone)).Format("2006-01-02T15:04")
}

// intakeZone is the zone the intake form starts on: that of the first
// facility the user works in when it is one of the intake zones, else UTC.
func (h *caseHandlers) intakeZone(r *http.Request) string {
	p, ok := auth.FromContext(r.Context())
	if !ok {
		return "UTC"
	}
	ids, err := h.facilities.UserFacilities(r.Context(), p.UserID)
	if err != nil || len(ids) == 0 {
		return "UTC"
	}
	f, err := h.facilities.Facility(r.Context(), ids[0])
	if err != nil || !slices.Contains(childIntakeZones, f.TZ) {
		return "UTC"
	}
	return f.TZ
}

// intakeFromForm reads the intake form. Tri-state answers (yes, no,
// unknown) stay unknown unless chosen.
func childIntakeFromForm(r *http.Request) (custody.Intake, error) {
	f := r.FormValue
	tri := func(name string) *bool {
		switch f(name) {
		case "yes":
			t := true
			return &t
		case "no":
			n := false
			return &n
		}
		return nil
	}
	in := custody.Intake{Person: identity.Person{GivenNames: f("given_names"), Surname1: f("surname1"), Surname2: f("surname2"), Sex: f("sex"), BirthDate: f("birth_date"), BirthCountry: f("birth_country"), BirthPlace: f("birth_place"), MotherName: f("mother_name"), FatherName: f("father_name")}, State: custody.State(f("state")), AKA: f("aka"), BirthDateEstimated: f("birth_date_estimated") == "on", BirthDateEvidence: f("birth_date_evidence"), Nationality: f("nationality"), Languages: strings.Split(f("languages"), ","), InterpreterNeeded: tri("interpreter_needed"), EncounterPlace: f("encounter_place"), Separated: tri("separated"), ParentDetails: f("parent_details"), MedicalFlags: strings.Split(f("medical_flags"), ","), Notes: f("notes"), TraffickingVictim: f("trafficking_victim") == "on", DisabilitySpecialNeeds: f("disability_special_needs") == "on", AbuseSponsorMayNotProtect: f("abuse_sponsor_may_not_protect") == "on"}
	if v := f("encountered_at"); v != "" {
		loc := facilities.LoadLocation(f("encounter_zone"))
		t, err := time.ParseInLocation("2006-01-02T15:04", v, loc)
		if err != nil {
			return in, validationErr("encountered_at must be a date and time")
		}
		in.EncounteredAt = t.UTC()
	}
	for _, sib := range strings.FieldsFunc(f("siblings"), func(r rune) bool { return r == ',' || r == ' ' }) {
		id, err := strconv.ParseInt(strings.TrimPrefix(sib, "#"), 10, 64)
		if err != nil {
			return in, validationErr("siblings: " + sib + " is not a case number")
		}
		in.Siblings = append(in.Siblings, id)
	}
	return in, nil
}

func (h *caseHandlers) handleCaseCreatePage(w http.ResponseWriter, r *http.Request) {
	in, err := childIntakeFromForm(r)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	c, err := h.cases.CreateCase(r.Context(), in)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
}

func (h *caseHandlers) handleCasePage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	h.casePage(w, r, id, http.StatusOK, nil)
}

// casePage renders a case; extra holds a refused form's values and
// problems, re-shown beside its fields.
func (h *caseHandlers) casePage(w http.ResponseWriter, r *http.Request, id int64, status int, extra map[string]any) {
	v, err := h.release.CaseView(r.Context(), id)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	p, _ := auth.FromContext(r.Context())
	data := map[string]any{"V": v, "Zone": v.Case.FacilityTZ, "Now": time.Now().UTC()}
	// Only the moves a plain state change can make: placement and release
	// have their own actions (the domain decides which).
	data["Next"] = custody.DirectMoves(v.Case, time.Now())
	data["DupCheck"] = h.cases.DuplicateCheckDue(r.Context(), v.Case)
	if auth.Allowed(p.Role, auth.PermCaseUpdate) && (v.Case.State == custody.StateReferred || v.Case.State == custody.StatePlaced) {
		// The ranking is advice: a refusal (unknown sex or age) is shown
		// as the reason there is none.
		recs, err := h.cases.Recommend(r.Context(), id)
		if err != nil {
			data["RecError"] = err.Error()
		}
		data["Recs"] = recs
	}
	data["OpenRecordable"] = h.cases.RecordableDeadlines(r.Context(), v.CaseView)
	var pending []release.Release
	for _, rel := range v.Releases {
		if rel.Status == "requested" {
			pending = append(pending, rel)
		}
	}
	data["Pending"] = pending
	h.addCasework(r, id, data)
	for k, x := range extra {
		data[k] = x
	}
	h.render(w, r, status, "cases_view", data)
}

// handleCaseIdentityPage saves the correction form, which always sends
// every field: the store records only those that changed.
func (h *caseHandlers) handleCaseIdentityPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	v := func(name string) *string {
		x := r.FormValue(name)
		return &x
	}
	est := r.FormValue("birth_date_estimated") == "on"
	ch := custody.IdentityChange{Patch: identity.Patch{GivenNames: v("given_names"), Surname1: v("surname1"), Surname2: v("surname2"), Sex: v("sex"), BirthDate: v("birth_date"), BirthCountry: v("birth_country"), BirthPlace: v("birth_place"), MotherName: v("mother_name"), FatherName: v("father_name")}, AKA: v("aka"), BirthDateEstimated: &est, BirthDateEvidence: v("birth_date_evidence"), Reason: r.FormValue("reason")}
	if _, err := h.cases.UpdateIdentity(r.Context(), id, ch); err != nil {
		h.domainError(w, r, err)
		return
	}
	h.childBackToCase(w, r, id)
}

func (h *caseHandlers) childBackToCase(w http.ResponseWriter, r *http.Request, id int64) {
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

func (h *caseHandlers) handleCaseTransitionPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	c, err := h.cases.Transition(r.Context(), id, custody.State(r.FormValue("state")), r.FormValue("reason"))
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	// An intake officer's view of a case ends at referral: go back to the
	// list, which says so, rather than to a page they may no longer read.
	if sc, err := h.cases.ScopeFor(r.Context()); err == nil && !sc.Sees(c) {
		http.Redirect(w, r, "/cases?handed_over="+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return
	}
	h.childBackToCase(w, r, id)
}

func (h *caseHandlers) handleCasePlacePage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	fac, err := strconv.ParseInt(r.FormValue("facility_id"), 10, 64)
	if err != nil {
		h.writeError(w, r, http.StatusBadRequest, "bad_form", "choose a facility")
		return
	}
	if _, err := h.cases.Place(r.Context(), id, fac, r.FormValue("reason")); err != nil {
		h.domainError(w, r, err)
		return
	}
	h.childBackToCase(w, r, id)
}

func (h *caseHandlers) handleCaseDeadlinePage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	if err := h.cases.MeetDeadline(r.Context(), id, custody.DeadlineKind(r.FormValue("kind")), r.FormValue("note")); err != nil {
		h.domainError(w, r, err)
		return
	}
	h.childBackToCase(w, r, id)
}

func (h *caseHandlers) handleReleaseRequestPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	sp, err := strconv.ParseInt(r.FormValue("sponsor_id"), 10, 64)
	if err != nil {
		h.writeError(w, r, http.StatusBadRequest, "bad_form", "choose a sponsor")
		return
	}
	if _, err := h.release.RequestRelease(r.Context(), id, sp); err != nil {
		h.domainError(w, r, err)
		return
	}
	h.childBackToCase(w, r, id)
}

func (h *caseHandlers) handleReleaseApprovePage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	rid, ok := h.pathID(w, r, "rid")
	if !ok {
		return
	}
	if _, err := h.release.ApproveRelease(r.Context(), id, rid); err != nil {
		h.domainError(w, r, err)
		return
	}
	h.childBackToCase(w, r, id)
}

func (h *caseHandlers) handleCaseStatsPage(w http.ResponseWriter, r *http.Request) {
	st, err := h.cases.PublicStats(r.Context())
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "cases_stats", st)
}
