package web

import (
	"errors"
	"html/template"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/errs"
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
		// chHoursLeft is the hours to a deadline, or past it, in the unit
		// symbol both languages read ("3.5 h"); the urgency word beside it
		// (overdue, due soon) is translated.
		"chHoursLeft": func(h float64) string {
			return strconv.FormatFloat(math.Abs(h), 'f', 1, 64) + " h"
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
	h.intakePage(w, r, http.StatusOK, nil)
}

// intakePage renders the intake form; refused holds a refused intake's
// values and problems.
func (h *caseHandlers) intakePage(w http.ResponseWriter, r *http.Request, status int, refused *refusedForm) {
	now := time.Now()
	zone := h.intakeZone(r)
	if refused != nil && slices.Contains(childIntakeZones, refused.Values.Get("encounter_zone")) {
		zone = refused.Values.Get("encounter_zone")
	}
	h.render(w, r, status, "cases_new", map[string]any{
		// The prefill is the present in the zone selected beside it, so the
		// untouched form is never "in the future"; intake.js redoes it in
		// another zone when the zone changes and the time was not edited.
		"Now": intakePrefill(now, zone), "NowUTC": now.UTC().Format(time.RFC3339), "Zone": zone,
		"Refused": refused, "Limits": intakeLimits})
}

// intakeLimits are the server's length limits (custody.Intake.Normalize),
// given to the form's maxlength attributes so the browser stops there too.
var intakeLimits = map[string]int{"given_names": 200, "surname1": 200, "surname2": 200, "aka": 400,
	"birth_date_evidence": 4000, "birth_country": 100, "birth_place": 200, "mother_name": 200, "father_name": 200,
	"nationality": 100, "encounter_place": 400, "parent_details": 4000, "notes": 4000}

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

// intakeFromForm reads the intake form, an in-person intake (see
// custody.InPersonMinimum). Tri-state answers (yes, no, unknown) stay
// unknown unless chosen. An approximate age without a birth date becomes an
// estimated birth date: the same day that many years before the encounter.
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
	in.InPerson = true
	v := &errs.ValidationError{}
	if s := f("encountered_at"); s != "" {
		loc := facilities.LoadLocation(f("encounter_zone"))
		t, err := time.ParseInLocation("2006-01-02T15:04", s, loc)
		if err != nil {
			v.Add("encountered_at", "give a date and a time")
		} else {
			in.EncounteredAt = t.UTC()
		}
	}
	if age := strings.TrimSpace(f("approx_age")); age != "" && strings.TrimSpace(in.BirthDate) == "" {
		n, err := strconv.Atoi(age)
		if err != nil || n < 0 || n > 17 {
			v.Add("approx_age", "give the approximate age as a whole number of years from 0 to 17")
		} else if !in.EncounteredAt.IsZero() {
			in.BirthDate = in.EncounteredAt.AddDate(-n, 0, 0).Format(time.DateOnly)
			in.BirthDateEstimated = true
		}
	}
	for _, sib := range strings.FieldsFunc(f("siblings"), func(r rune) bool { return r == ',' || r == ' ' }) {
		id, err := strconv.ParseInt(strings.TrimPrefix(sib, "#"), 10, 64)
		if err != nil {
			v.Add("siblings", "%q is not a case number", sib)
			continue
		}
		in.Siblings = append(in.Siblings, id)
	}
	if len(v.Problems) > 0 {
		// The domain's problems too, so that one submission shows all.
		cp := in
		for _, fe := range errs.Fields(cp.Normalize(time.Now())) {
			if !slices.ContainsFunc(v.Problems, func(p errs.FieldError) bool { return p.Field == fe.Field }) {
				v.Problems = append(v.Problems, fe)
			}
		}
	}
	return in, v.Err()
}

func (h *caseHandlers) handleCaseCreatePage(w http.ResponseWriter, r *http.Request) {
	in, err := childIntakeFromForm(r)
	var c *custody.Case
	if err == nil {
		c, err = h.cases.CreateCase(r.Context(), in)
	}
	if p, status, ok := h.refusal(r, err); ok {
		h.intakePage(w, r, status, &refusedForm{Name: "intake", Values: r.PostForm, Problems: p})
		return
	}
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
	data := map[string]any{"V": v, "Zone": v.Case.FacilityTZ, "Now": time.Now().UTC(), "Refused": (*refusedForm)(nil)}
	// Only the moves a plain state change can make: placement and release
	// have their own actions (the domain decides which).
	data["Next"] = custody.DirectMoves(v.Case, time.Now())
	data["DupCheck"] = h.cases.DuplicateCheckDue(r.Context(), v.Case)
	if auth.Allowed(p.Role, auth.PermCaseUpdate) && (v.Case.State == custody.StateReferred || v.Case.State == custody.StatePlaced) {
		// The ranking is advice: a refusal (unknown sex or age) is shown
		// as the reason there is none.
		recs, err := h.cases.Recommend(r.Context(), id)
		if p, _, ok := h.refusal(r, err); ok {
			data["RecError"] = p[""]
		} else if err != nil {
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
	_, err := h.cases.UpdateIdentity(r.Context(), id, ch)
	h.caseFormAnswer(w, r, id, "identity", err)
}

// caseFormAnswer ends a case page form: back to the case when err is nil;
// the case page again with the form as typed and its problems when
// refused (422, 409); else the error.
func (h *caseHandlers) caseFormAnswer(w http.ResponseWriter, r *http.Request, id int64, form string, err error) {
	if err == nil {
		h.childBackToCase(w, r, id)
		return
	}
	if p, status, ok := h.refusal(r, err); ok {
		h.casePage(w, r, id, status, map[string]any{"Refused": &refusedForm{Name: form, Values: r.PostForm, Problems: p}})
		return
	}
	h.domainError(w, r, err)
}

// formProblem is one field's problem found by the web layer (a choice
// left empty), told in the domain's way so that it is translated alike.
func formProblem(field, problem string) error {
	return &errs.ValidationError{Problems: []errs.FieldError{{Field: field, Problem: problem}}}
}

func (h *caseHandlers) childBackToCase(w http.ResponseWriter, r *http.Request, id int64) {
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

func (h *caseHandlers) handleCaseTransitionPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	if r.FormValue("state") == "" {
		h.caseFormAnswer(w, r, id, "transition", formProblem("state", "choose the new state"))
		return
	}
	c, err := h.cases.Transition(r.Context(), id, custody.State(r.FormValue("state")), r.FormValue("reason"))
	if err != nil {
		h.caseFormAnswer(w, r, id, "transition", err)
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
		h.caseFormAnswer(w, r, id, "place", formProblem("facility_id", "choose a facility"))
		return
	}
	_, err = h.cases.Place(r.Context(), id, fac, r.FormValue("reason"))
	h.caseFormAnswer(w, r, id, "place", err)
}

func (h *caseHandlers) handleCaseDeadlinePage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	err := h.cases.MeetDeadline(r.Context(), id, custody.DeadlineKind(r.FormValue("kind")), r.FormValue("note"))
	h.caseFormAnswer(w, r, id, "deadline", err)
}

func (h *caseHandlers) handleReleaseRequestPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	sp, err := strconv.ParseInt(r.FormValue("sponsor_id"), 10, 64)
	if err != nil {
		h.caseFormAnswer(w, r, id, "release", formProblem("sponsor_id", "choose a sponsor"))
		return
	}
	_, err = h.release.RequestRelease(r.Context(), id, sp)
	h.caseFormAnswer(w, r, id, "release", err)
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
	_, err := h.release.ApproveRelease(r.Context(), id, rid)
	h.caseFormAnswer(w, r, id, "approve-"+strconv.FormatInt(rid, 10), err)
}

func (h *caseHandlers) handleCaseStatsPage(w http.ResponseWriter, r *http.Request) {
	st, err := h.cases.PublicStats(r.Context())
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	// A count hidden only so that a count under 10 cannot be worked out
	// from the total is named in the page's language and explained in
	// its introduction, as "<10" is.
	lang := langOf(r)
	for i := range st.ByState {
		if st.ByState[i].Shown == "suppressed" {
			st.ByState[i].Shown = h.translate(lang, "cases.suppressed")
		}
		if n := st.ByState[i].N; n != nil {
			st.ByState[i].Shown = fmtNum(lang, *n) // numbers.go: 1,234
		}
	}
	if n := st.Total.N; n != nil {
		st.Total.Shown = fmtNum(lang, *n)
	}
	h.render(w, r, http.StatusOK, "cases_stats", st)
}

// The children domain's messages as the case pages show them (see
// problemMessages in kit.go); TestDomainMessagesHaveKeys fails when the
// domain adds a message with no entry here.
func init() {
	st, dl, rel := "children.state.", "children.deadline.", "children.release."
	addProblemMessages(
		problemMessage{format: "longer than %d characters", key: "children.err.too_long"},
		problemMessage{format: "contains a NUL character or bytes that are not UTF-8", key: "children.err.unstorable"},
		problemMessage{format: "a new case starts as encountered or in_border_custody, not %q", key: "children.err.start_state", argKeys: []string{st}},
		problemMessage{format: "must be F, M or unknown, not %q", key: "children.err.sex"},
		problemMessage{format: "the time of encounter is required: every legal clock starts from it", key: "children.err.encountered_required"},
		problemMessage{format: "is in the future", key: "children.err.future"},
		problemMessage{format: "must be YYYY-MM-DD, not %q", key: "children.err.date_format"},
		problemMessage{format: "makes the person 18 or older at encounter; record an estimated date with its evidence if age is disputed", key: "children.err.adult"},
		problemMessage{format: "an estimated birth date needs the evidence it rests on", key: "children.err.estimate_evidence"},
		problemMessage{format: "an estimate was marked but no date given", key: "children.err.estimate_no_date"},
		problemMessage{format: "%d given; at most %d", key: "children.err.too_many"},
		problemMessage{format: "an item is longer than %d characters", key: "children.err.item_too_long"},
		problemMessage{format: "given but the child is recorded as not separated", key: "children.err.parent_not_separated"},
		problemMessage{format: "%d is not a case number", key: "children.err.not_case_number"},
		problemMessage{format: "%q is not a case number", key: "children.err.not_case_number_q"},
		problemMessage{format: "say where the child was found (a place, a road, a port of entry)", key: "children.err.place_required"},
		problemMessage{format: "record a name, or what the child is called in the also-known-as field", key: "children.err.name_required"},
		problemMessage{format: "choose F, M or unknown", key: "children.err.sex_required"},
		problemMessage{format: "give a birth date, or an approximate age: an estimate with what it rests on is enough", key: "children.err.birth_required"},
		// The web layer's own (cases_pages.go).
		problemMessage{format: "give a date and a time", key: "children.err.datetime"},
		problemMessage{format: "give the approximate age as a whole number of years from 0 to 17", key: "children.err.approx_age"},
		problemMessage{format: "choose a facility", key: "children.err.choose_facility"},
		problemMessage{format: "choose a sponsor", key: "children.err.choose_sponsor"},
		problemMessage{format: "choose the new state", key: "children.err.choose_state"},
		problemMessage{format: "is %d characters long; a search takes at most %d", key: "children.err.search_long"},
		problemMessage{format: "has %d words; a search takes at most %d", key: "children.err.search_words"},
		problemMessage{format: "a case cannot be its own sibling", key: "children.err.own_sibling"},
		problemMessage{format: "no case %d that you can see", key: "children.err.no_case"},
		problemMessage{format: "the case has no open %s deadline", key: "children.err.no_open_deadline", argKeys: []string{dl}},
		problemMessage{format: "unknown deadline %q", key: "children.err.unknown_deadline"},
		problemMessage{format: "the %s deadline is met when the case reaches %s", key: "children.err.deadline_met_by", argKeys: []string{dl, st}},
		problemMessage{format: "closing for another reason needs the reason", key: "children.err.close_reason"},
		problemMessage{format: "the birth date is unknown: record it (estimated, with evidence) before recording that the child aged out", key: "children.err.aged_out_unknown"},
		problemMessage{format: "the child is %d by the recorded birth date, not 18", key: "children.err.aged_out_not18"},
		problemMessage{format: "custody: unknown state %q", key: "children.err.unknown_state"},
		problemMessage{format: "say why the identity is corrected (a document, the child's account)", key: "children.err.identity_reason"},
		problemMessage{format: "the child is already in this facility", key: "children.err.same_facility"},
		problemMessage{format: "the facility is not open", key: "children.err.facility_not_open"},
		problemMessage{format: "the child's sex is unknown: beds are licensed by sex, so record it before placement", key: "children.err.place_sex"},
		problemMessage{format: "the birth date is unknown: record it (estimated, with evidence) before placement", key: "children.err.place_birth"},
		problemMessage{format: "the child is %d by the recorded birth date: not placeable in a children's facility", key: "children.err.place_adult"},
		problemMessage{format: "the child's age is unknown or 18 and over: record the birth date (estimated, with evidence) first", key: "children.err.rec_age"},
		problemMessage{format: "placing a child reserves a bed: use the placement action with a facility", key: "children.err.own_place"},
		problemMessage{format: "release needs a vetted sponsor and a second approver: use the release actions", key: "children.err.own_release"},
		problemMessage{format: "the sponsor was proposed for another child", key: "children.err.sponsor_other_child"},
		problemMessage{format: "a release is already awaiting approval for this child", key: "children.err.release_pending"},
		problemMessage{format: "release %d is %s, not awaiting approval", key: "children.err.release_not_pending", argKeys: []string{"", rel}},
		problemMessage{format: "the case is %s", key: "children.err.case_closed", argKeys: []string{st}},
		problemMessage{format: "unknown vetting step %q", key: "children.err.unknown_step"},
		problemMessage{format: "choose a result: passed, failed or pending", key: "sponsors.err.result"},
		problemMessage{format: "a passed step needs a note or a document reference", key: "sponsors.err.evidence"},
		problemMessage{format: "must be passed, failed or pending", key: "children.err.result_known"},
		problemMessage{format: "a sponsor needs a name", key: "sponsors.err.name"},
		problemMessage{format: "choose the sponsor's relationship to the child", key: "sponsors.err.relationship"},
		problemMessage{format: "must be one of the known relationships", key: "children.err.relationship_known"},
		problemMessage{format: "category 4 means no sponsor is identified: there is no sponsor to record", key: "children.err.category4"},
		problemMessage{format: "must be YYYY-MM-DD", key: "children.err.sponsor_birth"},
		problemMessage{format: "member %d has no name", key: "children.err.household_name"},
		// The placement table's reasons (custody.Rank).
		problemMessage{format: "%d free beds for %s %s", key: "children.why.free_beds", argKeys: []string{"", "children.why.sex."}},
		problemMessage{format: "+%d: %d sibling(s) placed here", key: "children.why.siblings"},
		problemMessage{format: "+%d: staff speak Spanish", key: "children.why.spanish"},
		problemMessage{format: "+%d: staff speak %s", key: "children.why.language"},
		problemMessage{format: "+%d: the child needs an interpreter for %s", key: "children.why.interpreter"},
		problemMessage{format: "+0: no sponsor location known yet", key: "children.why.no_sponsor"},
		problemMessage{format: "+0: distance to the sponsor unknown (facility or state location missing)", key: "children.why.distance_unknown"},
		problemMessage{format: "+%d: about %.0f km from the sponsor's state (%s)", key: "children.why.distance"},
		// The vetting table's rules (release.VettingRules).
		problemMessage{format: "all sponsors", key: "children.rule.all"},
		problemMessage{format: "category 2B and 3 sponsors", key: "children.rule.cat2b3"},
		problemMessage{format: "any sponsor when a concern is flagged", key: "children.rule.concern"},
		problemMessage{format: "category 3 sponsors", key: "children.rule.cat3"},
		problemMessage{format: "the child is a victim of severe trafficking (TVPRA)", key: "children.rule.trafficking"},
		problemMessage{format: "the child has a disability with special needs (TVPRA)", key: "children.rule.disability"},
		problemMessage{format: "the child was abused and the sponsor may not protect (TVPRA)", key: "children.rule.abuse"},
		problemMessage{format: "the sponsor presents a risk to the child (TVPRA)", key: "children.rule.risk"},
		problemMessage{format: "child 12 or under (or age unknown) going to a category 3 sponsor", key: "children.rule.young_cat3"},
		// The timeline's reasons the system writes (timelineKinds).
		problemMessage{format: "recorded at intake", key: "children.ev.at_intake"},
		problemMessage{format: "linked to case %d", key: "children.ev.sibling"},
		problemMessage{format: "%s met", key: "children.ev.met", argKeys: []string{dl}},
		problemMessage{format: "%s met: %s", key: "children.ev.met_note", argKeys: []string{dl}},
		problemMessage{format: "sponsor %d proposed (%s, category %s)", key: "children.ev.sponsor", argKeys: []string{"", "children.rel."}},
		problemMessage{format: "sponsor %d: %s %s", key: "children.ev.vetting", argKeys: []string{"", "children.step.", "sponsors.result."}},
		problemMessage{format: "release %d to sponsor %d requested", key: "children.ev.release_request"},
		problemMessage{format: "released to sponsor %d; first follow-up call due %s", key: "children.ev.released"},
	)
	// Refusals that carry codes (states, vetting steps) are told with
	// their words.
	addProblemWords(func(tr func(string, ...any) string, err error) (string, bool) {
		var te *custody.TransitionError
		var ms *release.MissingStepsError
		switch {
		case errors.As(err, &te):
			state := func(s custody.State) string { return tr("children.state." + string(s)) }
			var next []string
			for _, s := range custody.States {
				if custody.CanMove(te.From, s) {
					next = append(next, state(s))
				}
			}
			if len(next) == 0 {
				return tr("children.err.transition_closed", state(te.From)), true
			}
			return tr("children.err.transition", state(te.From), state(te.To), strings.Join(next, ", ")), true
		case errors.As(err, &ms):
			names := make([]string, len(ms.Missing))
			for i, s := range ms.Missing {
				names[i] = tr("children.step." + string(s))
			}
			return tr("children.err.missing_steps", strings.Join(names, "; ")), true
		case errors.Is(err, release.ErrSameApprover):
			return tr("children.err.same_approver"), true
		}
		return "", false
	})
}
