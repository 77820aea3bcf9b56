package custody

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/internal/conv"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
)

// Event is one line of a case's timeline.
type Event struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	Kind       string    `json:"kind"` // intake, transition, placement, transfer, deadline, sponsor, vetting, release.request, release.approve
	FromState  State     `json:"from_state,omitempty"`
	ToState    State     `json:"to_state,omitempty"`
	Reason     string    `json:"reason"`
	FacilityID *int64    `json:"facility_id,omitempty"`
}

// Deadline is one legal clock of one case.
type Deadline struct {
	ID         int64        `json:"id"`
	CaseID     int64        `json:"case_id"`
	Kind       DeadlineKind `json:"kind"`
	DueAt      time.Time    `json:"due_at"`
	ResolvedAt *time.Time   `json:"resolved_at"`
	Resolution string       `json:"resolution"` // met, not_applicable, or "" while open
	ResolvedBy string       `json:"resolved_by"`
	FacilityID *int64       `json:"facility_id"`
}

// Placement is one stay in one facility.
type Placement struct {
	ID           int64      `json:"id"`
	CaseID       int64      `json:"case_id"`
	FacilityID   int64      `json:"facility_id"`
	FacilityName string     `json:"facility_name"`
	Sex          string     `json:"sex"`
	AgeBand      string     `json:"age_band"`
	StartAt      time.Time  `json:"start_at"`
	EndAt        *time.Time `json:"end_at"`
	EndReason    string     `json:"end_reason"`
}

// CreateCase records a child's intake.
func (s *Service) CreateCase(ctx context.Context, in Intake) (*Case, error) {
	p, err := auth.Require(ctx, auth.PermCaseCreate)
	if err != nil {
		return nil, err
	}
	if err := in.Normalize(s.now()); err != nil {
		return nil, err
	}
	var id int64
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		id, err = s.insertCase(ctx, in, &p.UserID, s.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.loadCase(ctx, id)
}

// insertCase writes a normalized intake with its deadlines, timeline and
// audit row. It must run inside a transaction.
func (s *Service) insertCase(ctx context.Context, in Intake, createdBy *int64, now time.Time) (int64, error) {
	var sex, birth any
	if in.Sex != "" {
		sex = in.Sex
	}
	if in.BirthDate != "" {
		birth = in.BirthDate
	}
	ts := store.FormatTime(now)
	var id int64
	err := s.db.QueryRow(ctx, `INSERT INTO cases (state, given_names, surname1, surname2, aka, sex, birth_date, birth_date_estimated,
		birth_date_evidence, birth_country, nationality, languages, interpreter_needed, encounter_place, encountered_at, separated,
		parent_details, medical_flags, notes, trafficking_victim, disability_special_needs, abuse_sponsor_may_not_protect,
		created_by, created_at, updated_at, key_given, key_surname1, key_surname2, birth_place, mother_name, father_name)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		string(in.State), in.GivenNames, in.Surname1, in.Surname2, in.AKA, sex, birth, conv.B2I(in.BirthDateEstimated),
		in.BirthDateEvidence, in.BirthCountry, in.Nationality, conv.JoinList(in.Languages), conv.NullBool(in.InterpreterNeeded), in.EncounterPlace,
		store.FormatTime(in.EncounteredAt), conv.NullBool(in.Separated), in.ParentDetails, conv.JoinList(in.MedicalFlags), in.Notes,
		conv.B2I(in.TraffickingVictim), conv.B2I(in.DisabilitySpecialNeeds), conv.B2I(in.AbuseSponsorMayNotProtect),
		createdBy, ts, ts, identity.Fold(in.GivenNames), identity.Fold(in.Surname1), identity.Fold(in.Surname2), in.BirthPlace, in.MotherName, in.FatherName).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("custody: create case: %w", err)
	}
	c := &Case{Nationality: in.Nationality, Person: identity.Person{BirthCountry: in.BirthCountry}}
	for _, k := range Clocks {
		if k.Anchor != AnchorEncounter || !k.Applies(c) {
			continue
		}
		if _, err := s.db.Exec(ctx, `INSERT INTO deadlines (case_id, kind, due_at) VALUES (?, ?, ?)`,
			id, string(k.Kind), store.FormatTime(k.DueAt(in.EncounteredAt))); err != nil {
			return 0, fmt.Errorf("custody: create case deadlines: %w", err)
		}
	}
	if err := s.addEvent(ctx, id, now, Event{Kind: "intake", ToState: StateEncountered}); err != nil {
		return 0, err
	}
	if in.State == StateInBorderCustody {
		if err := s.addEvent(ctx, id, now, Event{Kind: "transition", FromState: StateEncountered, ToState: StateInBorderCustody, Reason: "recorded at intake"}); err != nil {
			return 0, err
		}
	}
	for _, sib := range in.Siblings {
		if err := s.linkSiblings(ctx, id, sib); err != nil {
			return 0, err
		}
	}
	if err := audit.Log(ctx, s.db, audit.Event{Action: "case.create", ObjectType: "case", ObjectID: fmt.Sprint(id), Detail: string(in.State)}); err != nil {
		return 0, err
	}
	s.changed(ctx, Change{Kind: ChangeCreated, CaseID: id})
	return id, nil
}

func (s *Service) linkSiblings(ctx context.Context, a, b int64) error {
	if a == b {
		return &errs.ValidationError{Problems: []errs.FieldError{{Field: "siblings", Problem: "a case cannot be its own sibling"}}}
	}
	// The caller must see the sibling too: linking would show it to them.
	// A case that does not exist and one outside the scope are answered
	// alike, so that ids cannot be probed.
	sc, err := s.ScopeFor(ctx)
	if err != nil {
		return err
	}
	cond, args := sc.where("c")
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM cases c WHERE c.id = ? AND `+cond, append([]any{b}, args...)...).Scan(&n); err != nil {
		return fmt.Errorf("custody: link siblings: %w", err)
	}
	if n == 0 {
		return &errs.ValidationError{Problems: []errs.FieldError{{Field: "siblings", Problem: fmt.Sprintf("no case %d that you can see", b)}}}
	}
	for _, pair := range [][2]int64{{a, b}, {b, a}} {
		if _, err := s.db.Exec(ctx, `INSERT INTO case_siblings (case_id, sibling_id) VALUES (?, ?) ON CONFLICT (case_id, sibling_id) DO NOTHING`, pair[0], pair[1]); err != nil {
			return fmt.Errorf("custody: link siblings: %w", err)
		}
	}
	return nil
}

// LinkSiblings records that two cases are siblings. The caller's scope
// must include both; a case outside it is answered as one that does not
// exist (errs.ErrNotFound).
func (s *Service) LinkSiblings(ctx context.Context, a, b int64) error {
	if _, err := auth.Require(ctx, auth.PermCaseUpdate); err != nil {
		return err
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.caseInScope(ctx, a); err != nil {
			return err
		}
		if a != b {
			// An unknown or unseen sibling is answered as an unknown
			// case in the path is: 404 with the same words.
			if _, err := s.caseInScope(ctx, b); err != nil {
				return err
			}
		}
		if err := s.linkSiblings(ctx, a, b); err != nil {
			return err
		}
		if err := s.addEvent(ctx, a, s.now(), Event{Kind: "sibling", Reason: fmt.Sprintf("linked to case %d", b)}); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "case.siblings", ObjectType: "case", ObjectID: fmt.Sprint(a), Detail: fmt.Sprintf("sibling of case %d", b)})
	})
}

func (s *Service) addEvent(ctx context.Context, caseID int64, at time.Time, e Event) error {
	_, err := s.db.Exec(ctx, `INSERT INTO case_events (case_id, at, actor, kind, from_state, to_state, reason, facility_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		caseID, store.FormatTime(at), actorName(ctx), e.Kind, string(e.FromState), string(e.ToState), e.Reason, e.FacilityID)
	if err != nil {
		return fmt.Errorf("custody: record event: %w", err)
	}
	return nil
}

const caseCols = `c.id, c.state, c.given_names, c.surname1, c.surname2, c.aka, c.sex, c.birth_date, c.birth_date_estimated,
	c.birth_date_evidence, c.birth_country, c.nationality, c.languages, c.interpreter_needed, c.encounter_place, c.encountered_at,
	c.separated, c.parent_details, c.medical_flags, c.notes, c.trafficking_victim, c.disability_special_needs,
	c.abuse_sponsor_may_not_protect, c.facility_id, COALESCE(f.name, ''), COALESCE(f.tz, ''), COALESCE(c.bed_sex, ''), COALESCE(c.bed_age_band, ''),
	c.placed_at, c.closed_reason, c.created_by, c.created_at, c.updated_at, c.birth_place, c.mother_name, c.father_name`

func scanCase(sc interface{ Scan(...any) error }) (*Case, error) {
	var c Case
	var sex, birth sql.NullString
	var est, tv, dis, abuse int
	var langs, med string
	var interp, sep, fac, by sql.NullInt64
	var enc, created, updated, placed store.Time
	err := sc.Scan(&c.ID, &c.State, &c.GivenNames, &c.Surname1, &c.Surname2, &c.AKA, &sex, &birth, &est,
		&c.BirthDateEvidence, &c.BirthCountry, &c.Nationality, &langs, &interp, &c.EncounterPlace, &enc,
		&sep, &c.ParentDetails, &med, &c.Notes, &tv, &dis, &abuse, &fac, &c.FacilityName, &c.FacilityTZ, &c.BedSex, &c.BedAgeBand,
		&placed, &c.ClosedReason, &by, &created, &updated, &c.BirthPlace, &c.MotherName, &c.FatherName)
	if err != nil {
		return nil, err
	}
	c.Sex, c.BirthDate = sex.String, birth.String
	c.BirthDateEstimated, c.TraffickingVictim, c.DisabilitySpecialNeeds, c.AbuseSponsorMayNotProtect = est != 0, tv != 0, dis != 0, abuse != 0
	c.Languages, c.MedicalFlags = conv.SplitList(langs), conv.SplitList(med)
	c.InterpreterNeeded, c.Separated = conv.PtrBool(interp), conv.PtrBool(sep)
	c.FacilityID, c.CreatedBy = conv.PtrInt(fac), conv.PtrInt(by)
	c.EncounteredAt, c.CreatedAt, c.UpdatedAt = enc.Time, created.Time, updated.Time
	c.PlacedAt = conv.PtrTime(placed)
	return &c, nil
}

// loadCase reads a case without scope check or audit: for code paths that
// have already done both.
func (s *Service) loadCase(ctx context.Context, id int64) (*Case, error) {
	c, err := scanCase(s.db.QueryRow(ctx, `SELECT `+caseCols+` FROM cases c LEFT JOIN facilities f ON f.id = c.facility_id WHERE c.id = ?`, id))
	if store.IsNoRows(err) {
		return nil, fmt.Errorf("custody: case %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("custody: case %d: %w", id, err)
	}
	rows, err := s.db.Query(ctx, `SELECT sibling_id FROM case_siblings WHERE case_id = ? ORDER BY sibling_id`, id)
	if err != nil {
		return nil, fmt.Errorf("custody: case %d siblings: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var sib int64
		if err := rows.Scan(&sib); err != nil {
			return nil, fmt.Errorf("custody: case %d siblings: %w", id, err)
		}
		c.Siblings = append(c.Siblings, sib)
	}
	return c, rows.Err()
}

// InScope returns the case when the caller's scope includes it, and an
// error wrapping errs.ErrNotFound when it does not exist or is out of
// scope. It does not audit: it is for other domains' methods that act on
// a case (a sponsor, a release) and audit their act.
func (s *Service) InScope(ctx context.Context, id int64) (*Case, error) {
	if _, err := auth.Require(ctx, auth.PermCaseRead); err != nil {
		return nil, err
	}
	return s.caseInScope(ctx, id)
}

// AddEvent adds a line to the timeline of a case in the caller's scope
// (another domain's act on it: a sponsor proposed, a vetting result). It
// belongs in the caller's transaction.
func (s *Service) AddEvent(ctx context.Context, caseID int64, e Event) error {
	if _, err := auth.Require(ctx, auth.PermCaseRead); err != nil {
		return err
	}
	return s.addEvent(ctx, caseID, s.now(), e)
}

// MarkReleased records a placed child's release, approved by the second
// person (release.Service.ApproveRelease, in whose transaction it runs):
// it frees the bed, closes the open clocks, moves the case to released
// and adds the timeline line.
func (s *Service) MarkReleased(ctx context.Context, c *Case, reason string) error {
	if _, err := auth.Require(ctx, auth.PermCaseReleaseApprove); err != nil {
		return err
	}
	if err := CheckMove(c.State, StateReleased); err != nil {
		return err
	}
	now := s.now()
	// Its own transaction when the caller has none: four writes that
	// stand or fall together.
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.endPlacement(ctx, c, now, "released"); err != nil {
			return err
		}
		if err := s.resolveOpen(ctx, c.ID, now, "not_applicable", ""); err != nil {
			return err
		}
		if _, err := s.db.Exec(ctx, `UPDATE cases SET state = 'released', updated_at = ? WHERE id = ?`, store.FormatTime(now), c.ID); err != nil {
			return fmt.Errorf("custody: release: %w", err)
		}
		return s.addEvent(ctx, c.ID, now, Event{Kind: "release.approve", FromState: c.State, ToState: StateReleased, Reason: reason})
	})
}

// caseInScope loads a case the principal may see. A case out of scope is
// reported as not found, so that its existence does not leak.
func (s *Service) caseInScope(ctx context.Context, id int64) (*Case, error) {
	sc, err := s.ScopeFor(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.loadCase(ctx, id)
	if err != nil {
		return nil, err
	}
	if !sc.Sees(c) {
		return nil, fmt.Errorf("custody: case %d: %w", id, errs.ErrNotFound)
	}
	return c, nil
}

// CaseView is everything the case page shows.
type CaseView struct {
	Case       *Case       `json:"case"`
	Events     []Event     `json:"events"`
	Deadlines  []Deadline  `json:"deadlines"`
	Placements []Placement `json:"placements"`
}

// GetCase reads a case with its timeline, deadlines and placements, and
// audits the read (release.Service.CaseView adds sponsors and releases).
func (s *Service) GetCase(ctx context.Context, id int64) (*CaseView, error) {
	if _, err := auth.Require(ctx, auth.PermCaseRead); err != nil {
		return nil, s.auditDenied(ctx, id, err)
	}
	var v CaseView
	// The reads run outside any transaction, so that on SQLite they do not
	// queue at the write gate behind every writer; only the audit row
	// takes it, in its own short transaction, before anything is returned.
	err := s.db.Read(ctx, func(ctx context.Context) error {
		c, err := s.caseInScope(ctx, id)
		if err != nil {
			return err
		}
		v.Case = c
		if v.Events, err = s.events(ctx, id); err != nil {
			return err
		}
		if v.Deadlines, err = s.deadlines(ctx, id); err != nil {
			return err
		}
		v.Placements, err = s.placements(ctx, id)
		return err
	})
	if err == nil {
		err = audit.Log(ctx, s.db, audit.Event{Action: "case.read", ObjectType: "case", ObjectID: fmt.Sprint(id)})
	}
	if err != nil {
		if errors.Is(err, errs.ErrNotFound) || errors.Is(err, errs.ErrForbidden) {
			// A refused or missing read is audited too, outside the
			// rolled-back transaction: probing for children's records
			// must leave a trace.
			return nil, s.auditDenied(ctx, id, err)
		}
		return nil, err
	}
	return &v, nil
}

func (s *Service) auditDenied(ctx context.Context, id int64, cause error) error {
	if err := audit.Log(ctx, s.db, audit.Event{Action: "case.read.denied", ObjectType: "case", ObjectID: fmt.Sprint(id)}); err != nil {
		return errors.Join(cause, err)
	}
	return cause
}

func (s *Service) events(ctx context.Context, id int64) ([]Event, error) {
	rows, err := s.db.Query(ctx, `SELECT id, at, actor, kind, from_state, to_state, reason, facility_id FROM case_events WHERE case_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("custody: case events: %w", err)
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var at store.Time
		var fac sql.NullInt64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Kind, &e.FromState, &e.ToState, &e.Reason, &fac); err != nil {
			return nil, fmt.Errorf("custody: case events: %w", err)
		}
		e.At, e.FacilityID = at.Time, conv.PtrInt(fac)
		out = append(out, e)
	}
	return out, rows.Err()
}

func (s *Service) deadlines(ctx context.Context, id int64) ([]Deadline, error) {
	rows, err := s.db.Query(ctx, `SELECT id, case_id, kind, due_at, resolved_at, resolution, resolved_by, facility_id FROM deadlines WHERE case_id = ? ORDER BY due_at, id`, id)
	if err != nil {
		return nil, fmt.Errorf("custody: case deadlines: %w", err)
	}
	defer rows.Close()
	out := []Deadline{}
	for rows.Next() {
		var d Deadline
		var due, res store.Time
		var fac sql.NullInt64
		if err := rows.Scan(&d.ID, &d.CaseID, &d.Kind, &due, &res, &d.Resolution, &d.ResolvedBy, &fac); err != nil {
			return nil, fmt.Errorf("custody: case deadlines: %w", err)
		}
		d.DueAt, d.ResolvedAt, d.FacilityID = due.Time, conv.PtrTime(res), conv.PtrInt(fac)
		out = append(out, d)
	}
	return out, rows.Err()
}

func (s *Service) placements(ctx context.Context, id int64) ([]Placement, error) {
	rows, err := s.db.Query(ctx, `SELECT p.id, p.case_id, p.facility_id, f.name, p.sex, p.age_band, p.start_at, p.end_at, p.end_reason
		FROM placements p JOIN facilities f ON f.id = p.facility_id WHERE p.case_id = ? ORDER BY p.id`, id)
	if err != nil {
		return nil, fmt.Errorf("custody: case placements: %w", err)
	}
	defer rows.Close()
	out := []Placement{}
	for rows.Next() {
		var p Placement
		var start, end store.Time
		if err := rows.Scan(&p.ID, &p.CaseID, &p.FacilityID, &p.FacilityName, &p.Sex, &p.AgeBand, &start, &end, &p.EndReason); err != nil {
			return nil, fmt.Errorf("custody: case placements: %w", err)
		}
		p.StartAt, p.EndAt = start.Time, conv.PtrTime(end)
		out = append(out, p)
	}
	return out, rows.Err()
}

// Transition moves a case to another state. Placement and release have
// their own methods (Place, RequestRelease/ApproveRelease) because they
// need more than a reason.
func (s *Service) Transition(ctx context.Context, id int64, to State, reason string) (*Case, error) {
	if _, err := auth.Require(ctx, auth.PermCaseUpdate); err != nil {
		return nil, err
	}
	if _, err := ParseState(string(to)); err != nil {
		return nil, &errs.ValidationError{Problems: []errs.FieldError{{Field: "state", Problem: err.Error()}}}
	}
	reason = strings.TrimSpace(reason)
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.caseInScope(ctx, id)
		if err != nil {
			return err
		}
		if err := CheckMove(c.State, to); err != nil {
			return err
		}
		now := s.now()
		if msg, own := ownAction[to]; own {
			return &errs.ConflictError{Msg: msg}
		}
		switch to {
		case StateClosedOther:
			if reason == "" {
				return &errs.ValidationError{Problems: []errs.FieldError{{Field: "reason", Problem: "closing for another reason needs the reason"}}}
			}
		case StateAgedOut:
			if age := c.Age(now); age < 18 {
				if age < 0 {
					return &errs.ConflictError{Msg: "the birth date is unknown: record it (estimated, with evidence) before recording that the child aged out"}
				}
				return &errs.ConflictError{Msg: fmt.Sprintf("the child is %d by the recorded birth date, not 18", age)}
			}
		}
		if c.State == StatePlaced {
			if err := s.endPlacement(ctx, c, now, string(to)); err != nil {
				return err
			}
		}
		if to.Terminal() {
			if err := s.resolveOpen(ctx, id, now, "not_applicable", ""); err != nil {
				return err
			}
		}
		if _, err := s.db.Exec(ctx, `UPDATE cases SET state = ?, closed_reason = ?, updated_at = ? WHERE id = ?`,
			string(to), closedReason(to, reason), store.FormatTime(now), id); err != nil {
			return fmt.Errorf("custody: transition: %w", err)
		}
		if err := s.addEvent(ctx, id, now, Event{Kind: "transition", FromState: c.State, ToState: to, Reason: reason}); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "case.transition", ObjectType: "case", ObjectID: fmt.Sprint(id), Detail: fmt.Sprintf("%s -> %s", c.State, to)})
	})
	if err != nil {
		return nil, err
	}
	return s.loadCase(ctx, id)
}

func closedReason(to State, reason string) string {
	if to == StateClosedOther {
		return reason
	}
	return ""
}

// endPlacement closes the open placement and frees its bed.
func (s *Service) endPlacement(ctx context.Context, c *Case, now time.Time, why string) error {
	if _, err := s.db.Exec(ctx, `UPDATE placements SET end_at = ?, end_reason = ? WHERE case_id = ? AND end_at IS NULL`, store.FormatTime(now), why, c.ID); err != nil {
		return fmt.Errorf("custody: end placement: %w", err)
	}
	if c.FacilityID != nil && c.BedSex != "" {
		return s.facilities.FreeBed(ctx, *c.FacilityID, c.BedSex, c.BedAgeBand)
	}
	return nil
}

// resolveOpen resolves the case's open deadlines (all, or one kind).
func (s *Service) resolveOpen(ctx context.Context, caseID int64, now time.Time, resolution string, kind DeadlineKind) error {
	q := `UPDATE deadlines SET resolved_at = ?, resolution = ?, resolved_by = ? WHERE case_id = ? AND resolved_at IS NULL`
	args := []any{store.FormatTime(now), resolution, actorName(ctx), caseID}
	if kind != "" {
		q += ` AND kind = ?`
		args = append(args, string(kind))
	}
	if _, err := s.db.Exec(ctx, q, args...); err != nil {
		return fmt.Errorf("custody: resolve deadlines: %w", err)
	}
	return nil
}

// MeetDeadline records that a clock's act was done (notification sent,
// screening recorded, know-your-rights given). Clocks met by a state
// change (transfer) are met by that change, not here.
func (s *Service) MeetDeadline(ctx context.Context, caseID int64, kind DeadlineKind, note string) error {
	met, err := s.meet(ctx, caseID, kind, note)
	if err == nil && !met {
		return &errs.ConflictError{Msg: fmt.Sprintf("the case has no open %s deadline", kind)}
	}
	return err
}

// MeetOpenDeadline is MeetDeadline for another domain's act that meets a
// clock when one is open (a legal screening saved by the legal domain):
// it reports whether a deadline was met, and a case with none open (not
// yet placed, or met before) is not an error. It belongs in the caller's
// transaction.
func (s *Service) MeetOpenDeadline(ctx context.Context, caseID int64, kind DeadlineKind, note string) (bool, error) {
	return s.meet(ctx, caseID, kind, note)
}

func (s *Service) meet(ctx context.Context, caseID int64, kind DeadlineKind, note string) (bool, error) {
	k, ok := ClockFor(kind)
	if !ok {
		return false, &errs.ValidationError{Problems: []errs.FieldError{{Field: "kind", Problem: fmt.Sprintf("unknown deadline %q", kind)}}}
	}
	if k.MetByState != "" {
		return false, &errs.ConflictError{Msg: fmt.Sprintf("the %s deadline is met when the case reaches %s", kind, k.MetByState)}
	}
	if _, err := auth.Require(ctx, k.RecordedWith); err != nil {
		return false, err
	}
	met := false
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.caseInScope(ctx, caseID); err != nil {
			return err
		}
		now := s.now()
		res, err := s.db.Exec(ctx, `UPDATE deadlines SET resolved_at = ?, resolution = 'met', resolved_by = ? WHERE case_id = ? AND kind = ? AND resolved_at IS NULL`,
			store.FormatTime(now), actorName(ctx), caseID, string(kind))
		if err != nil {
			return fmt.Errorf("custody: meet deadline: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		met = true
		if err := s.addEvent(ctx, caseID, now, Event{Kind: "deadline", Reason: string(kind) + " met" + suffix(note)}); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "case.deadline.met", ObjectType: "case", ObjectID: fmt.Sprint(caseID), Detail: string(kind)})
	})
	return met, err
}

func suffix(note string) string {
	if note = strings.TrimSpace(note); note != "" {
		return ": " + note
	}
	return ""
}
