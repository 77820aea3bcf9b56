package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children"
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
		"chStr": func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
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
		"chStates":        func() []children.State { return children.States },
		"chSteps":         func() []children.Step { return children.Steps },
		"chRelationships": func() []children.Relationship { return children.Relationships() },
		"chZones":         func() []string { return childIntakeZones },
	})
}

func (s *Server) handleCasesPage(w http.ResponseWriter, r *http.Request) {
	q, err := childCaseQuery(r)
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, "bad_query", err.Error())
		return
	}
	res, err := s.childrenStore().Search(r.Context(), q)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "cases_list", map[string]any{"Q": q, "Results": res, "HandedOver": r.URL.Query().Get("handed_over")})
}

func (s *Server) handleCaseNewPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "cases_new", map[string]any{"Now": time.Now().UTC().Format("2006-01-02T15:04")})
}

// intakeFromForm reads the intake form. Tri-state answers (yes, no,
// unknown) stay unknown unless chosen.
func childIntakeFromForm(r *http.Request) (children.Intake, error) {
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
	in := children.Intake{
		State:      children.State(f("state")),
		GivenNames: f("given_names"), Surname1: f("surname1"), Surname2: f("surname2"), AKA: f("aka"),
		Sex: f("sex"), BirthDate: f("birth_date"), BirthDateEstimated: f("birth_date_estimated") == "on",
		BirthDateEvidence: f("birth_date_evidence"), BirthCountry: f("birth_country"), Nationality: f("nationality"),
		BirthPlace: f("birth_place"), MotherName: f("mother_name"), FatherName: f("father_name"),
		Languages: strings.Split(f("languages"), ","), InterpreterNeeded: tri("interpreter_needed"),
		EncounterPlace: f("encounter_place"), Separated: tri("separated"), ParentDetails: f("parent_details"),
		MedicalFlags: strings.Split(f("medical_flags"), ","), Notes: f("notes"),
		TraffickingVictim: f("trafficking_victim") == "on", DisabilitySpecialNeeds: f("disability_special_needs") == "on",
		AbuseSponsorMayNotProtect: f("abuse_sponsor_may_not_protect") == "on",
	}
	if v := f("encountered_at"); v != "" {
		loc := children.LoadLocation(f("encounter_zone"))
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

func (s *Server) handleCaseCreatePage(w http.ResponseWriter, r *http.Request) {
	in, err := childIntakeFromForm(r)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	c, err := s.childrenStore().CreateCase(r.Context(), in)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
}

func (s *Server) handleCasePage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	st := s.childrenStore()
	v, err := st.GetCase(r.Context(), id)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	p, _ := auth.FromContext(r.Context())
	data := map[string]any{"V": v, "Zone": v.Case.FacilityTZ, "Next": v.Case.State.Next(), "Now": time.Now().UTC()}
	// At intake (the case's first day) the page looks for possible
	// duplicates by itself; later the link to them is enough.
	data["DupCheck"] = auth.Allowed(p.Role, auth.PermTracingSearch) && time.Since(v.Case.CreatedAt) < intakeDuplicateWindow
	if auth.Allowed(p.Role, auth.PermCaseUpdate) && (v.Case.State == children.StateReferred || v.Case.State == children.StatePlaced) {
		// The ranking is advice: a refusal (unknown sex or age) is shown
		// as the reason there is none.
		recs, err := st.Recommend(r.Context(), id)
		if err != nil {
			data["RecError"] = err.Error()
		}
		data["Recs"] = recs
	}
	var open []children.Deadline
	for _, d := range v.Deadlines {
		if d.ResolvedAt == nil {
			if k, ok := children.ClockFor(d.Kind); ok && k.MetByState == "" && auth.Allowed(p.Role, k.RecordedWith) {
				open = append(open, d)
			}
		}
	}
	data["OpenRecordable"] = open
	var pending []children.Release
	for _, rel := range v.Releases {
		if rel.Status == "requested" {
			pending = append(pending, rel)
		}
	}
	data["Pending"] = pending
	s.render(w, r, http.StatusOK, "cases_view", data)
}

// handleCaseIdentityPage saves the correction form, which always sends
// every field: the store records only those that changed.
func (s *Server) handleCaseIdentityPage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	v := func(name string) *string {
		x := r.FormValue(name)
		return &x
	}
	est := r.FormValue("birth_date_estimated") == "on"
	ch := children.IdentityChange{GivenNames: v("given_names"), Surname1: v("surname1"), Surname2: v("surname2"), AKA: v("aka"),
		Sex: v("sex"), BirthDate: v("birth_date"), BirthDateEstimated: &est, BirthDateEvidence: v("birth_date_evidence"),
		BirthCountry: v("birth_country"), BirthPlace: v("birth_place"), MotherName: v("mother_name"), FatherName: v("father_name"),
		Reason: r.FormValue("reason")}
	if _, err := s.childrenStore().UpdateIdentity(r.Context(), id, ch); err != nil {
		s.domainError(w, r, err)
		return
	}
	s.childBackToCase(w, r, id)
}

// intakeDuplicateWindow is how long after intake a case's page shows its
// possible duplicates without being asked.
const intakeDuplicateWindow = 24 * time.Hour

func (s *Server) childBackToCase(w http.ResponseWriter, r *http.Request, id int64) {
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

func (s *Server) handleCaseTransitionPage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	st := s.childrenStore()
	c, err := st.Transition(r.Context(), id, children.State(r.FormValue("state")), r.FormValue("reason"))
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	// An intake officer's view of a case ends at referral: go back to the
	// list, which says so, rather than to a page they may no longer read.
	if sc, err := st.ScopeFor(r.Context()); err == nil && !sc.Sees(c) {
		http.Redirect(w, r, "/cases?handed_over="+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return
	}
	s.childBackToCase(w, r, id)
}

func (s *Server) handleCasePlacePage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	fac, err := strconv.ParseInt(r.FormValue("facility_id"), 10, 64)
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, "bad_form", "choose a facility")
		return
	}
	if _, err := s.childrenStore().Place(r.Context(), id, fac, r.FormValue("reason")); err != nil {
		s.domainError(w, r, err)
		return
	}
	s.childBackToCase(w, r, id)
}

func (s *Server) handleCaseDeadlinePage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	if err := s.childrenStore().MeetDeadline(r.Context(), id, children.DeadlineKind(r.FormValue("kind")), r.FormValue("note")); err != nil {
		s.domainError(w, r, err)
		return
	}
	s.childBackToCase(w, r, id)
}

func (s *Server) handleReleaseRequestPage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	sp, err := strconv.ParseInt(r.FormValue("sponsor_id"), 10, 64)
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, "bad_form", "choose a sponsor")
		return
	}
	if _, err := s.childrenStore().RequestRelease(r.Context(), id, sp); err != nil {
		s.domainError(w, r, err)
		return
	}
	s.childBackToCase(w, r, id)
}

func (s *Server) handleReleaseApprovePage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	rid, ok := s.pathID(w, r, "rid")
	if !ok {
		return
	}
	if _, err := s.childrenStore().ApproveRelease(r.Context(), id, rid); err != nil {
		s.domainError(w, r, err)
		return
	}
	s.childBackToCase(w, r, id)
}

func (s *Server) handleCaseStatsPage(w http.ResponseWriter, r *http.Request) {
	st, err := s.childrenStore().PublicStats(r.Context())
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "cases_stats", st)
}
