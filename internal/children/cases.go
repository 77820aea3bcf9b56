package children

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
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
func (s *Store) CreateCase(ctx context.Context, in Intake) (*Case, error) {
	p, err := require(ctx, auth.PermCaseCreate)
	if err != nil {
		return nil, err
	}
	if err := in.Normalize(s.now()); err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
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
func (s *Store) insertCase(ctx context.Context, in Intake, createdBy *int64, now time.Time) (int64, error) {
	var sex, birth any
	if in.Sex != "" {
		sex = in.Sex
	}
	if in.BirthDate != "" {
		birth = in.BirthDate
	}
	ts := store.FormatTime(now)
	var id int64
	err := s.DB.QueryRow(ctx, `INSERT INTO cases (state, given_names, surname1, surname2, aka, sex, birth_date, birth_date_estimated,
		birth_date_evidence, birth_country, nationality, languages, interpreter_needed, encounter_place, encountered_at, separated,
		parent_details, medical_flags, notes, trafficking_victim, disability_special_needs, abuse_sponsor_may_not_protect,
		created_by, created_at, updated_at, key_given, key_surname1, key_surname2, birth_place, mother_name, father_name)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		string(in.State), in.GivenNames, in.Surname1, in.Surname2, in.AKA, sex, birth, b2i(in.BirthDateEstimated),
		in.BirthDateEvidence, in.BirthCountry, in.Nationality, joinList(in.Languages), nullBool(in.InterpreterNeeded), in.EncounterPlace,
		store.FormatTime(in.EncounteredAt), nullBool(in.Separated), in.ParentDetails, joinList(in.MedicalFlags), in.Notes,
		b2i(in.TraffickingVictim), b2i(in.DisabilitySpecialNeeds), b2i(in.AbuseSponsorMayNotProtect),
		createdBy, ts, ts, Fold(in.GivenNames), Fold(in.Surname1), Fold(in.Surname2), in.BirthPlace, in.MotherName, in.FatherName).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("children: create case: %w", err)
	}
	c := &Case{Nationality: in.Nationality, BirthCountry: in.BirthCountry}
	for _, k := range Clocks {
		if k.Anchor != AnchorEncounter || !k.Applies(c) {
			continue
		}
		if _, err := s.DB.Exec(ctx, `INSERT INTO deadlines (case_id, kind, due_at) VALUES (?, ?, ?)`,
			id, string(k.Kind), store.FormatTime(k.DueAt(in.EncounteredAt))); err != nil {
			return 0, fmt.Errorf("children: create case deadlines: %w", err)
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
	if err := audit.Log(ctx, s.DB, audit.Event{Action: "case.create", ObjectType: "case", ObjectID: fmt.Sprint(id), Detail: string(in.State)}); err != nil {
		return 0, err
	}
	return id, nil
}

func (s *Store) linkSiblings(ctx context.Context, a, b int64) error {
	if a == b {
		return &ValidationError{Problems: []FieldError{{Field: "siblings", Problem: "a case cannot be its own sibling"}}}
	}
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM cases WHERE id = ?`, b).Scan(&n); err != nil {
		return fmt.Errorf("children: link siblings: %w", err)
	}
	if n == 0 {
		return &ValidationError{Problems: []FieldError{{Field: "siblings", Problem: fmt.Sprintf("case %d does not exist", b)}}}
	}
	for _, pair := range [][2]int64{{a, b}, {b, a}} {
		if _, err := s.DB.Exec(ctx, `INSERT INTO case_siblings (case_id, sibling_id) VALUES (?, ?) ON CONFLICT (case_id, sibling_id) DO NOTHING`, pair[0], pair[1]); err != nil {
			return fmt.Errorf("children: link siblings: %w", err)
		}
	}
	return nil
}

// LinkSiblings records that two cases are siblings.
func (s *Store) LinkSiblings(ctx context.Context, a, b int64) error {
	if _, err := require(ctx, auth.PermCaseUpdate); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.caseInScope(ctx, a); err != nil {
			return err
		}
		if err := s.linkSiblings(ctx, a, b); err != nil {
			return err
		}
		if err := s.addEvent(ctx, a, s.now(), Event{Kind: "sibling", Reason: fmt.Sprintf("linked to case %d", b)}); err != nil {
			return err
		}
		return audit.Log(ctx, s.DB, audit.Event{Action: "case.siblings", ObjectType: "case", ObjectID: fmt.Sprint(a), Detail: fmt.Sprintf("sibling of case %d", b)})
	})
}

func (s *Store) addEvent(ctx context.Context, caseID int64, at time.Time, e Event) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO case_events (case_id, at, actor, kind, from_state, to_state, reason, facility_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		caseID, store.FormatTime(at), actorName(ctx), e.Kind, string(e.FromState), string(e.ToState), e.Reason, e.FacilityID)
	if err != nil {
		return fmt.Errorf("children: record event: %w", err)
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
	c.Sex, c.BirthDate = ptrString(sex), ptrString(birth)
	c.BirthDateEstimated, c.TraffickingVictim, c.DisabilitySpecialNeeds, c.AbuseSponsorMayNotProtect = est != 0, tv != 0, dis != 0, abuse != 0
	c.Languages, c.MedicalFlags = splitList(langs), splitList(med)
	c.InterpreterNeeded, c.Separated = ptrBool(interp), ptrBool(sep)
	c.FacilityID, c.CreatedBy = ptrInt(fac), ptrInt(by)
	c.EncounteredAt, c.CreatedAt, c.UpdatedAt = enc.Time, created.Time, updated.Time
	c.PlacedAt = ptrTime(placed)
	return &c, nil
}

// loadCase reads a case without scope check or audit: for code paths that
// have already done both.
func (s *Store) loadCase(ctx context.Context, id int64) (*Case, error) {
	c, err := scanCase(s.DB.QueryRow(ctx, `SELECT `+caseCols+` FROM cases c LEFT JOIN facilities f ON f.id = c.facility_id WHERE c.id = ?`, id))
	if store.IsNoRows(err) {
		return nil, fmt.Errorf("children: case %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("children: case %d: %w", id, err)
	}
	rows, err := s.DB.Query(ctx, `SELECT sibling_id FROM case_siblings WHERE case_id = ? ORDER BY sibling_id`, id)
	if err != nil {
		return nil, fmt.Errorf("children: case %d siblings: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var sib int64
		if err := rows.Scan(&sib); err != nil {
			return nil, fmt.Errorf("children: case %d siblings: %w", id, err)
		}
		c.Siblings = append(c.Siblings, sib)
	}
	return c, rows.Err()
}

// caseInScope loads a case the principal may see. A case out of scope is
// reported as not found, so that its existence does not leak.
func (s *Store) caseInScope(ctx context.Context, id int64) (*Case, error) {
	sc, err := s.ScopeFor(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.loadCase(ctx, id)
	if err != nil {
		return nil, err
	}
	if !sc.Sees(c) {
		return nil, fmt.Errorf("children: case %d: %w", id, store.ErrNotFound)
	}
	return c, nil
}

// CaseView is everything the case page shows.
type CaseView struct {
	Case       *Case       `json:"case"`
	Events     []Event     `json:"events"`
	Deadlines  []Deadline  `json:"deadlines"`
	Placements []Placement `json:"placements"`
	Sponsors   []*Sponsor  `json:"sponsors"`
	Releases   []Release   `json:"releases"`
}

// GetCase reads a case with its timeline, deadlines, placements, sponsors
// and releases, and audits the read.
func (s *Store) GetCase(ctx context.Context, id int64) (*CaseView, error) {
	var v CaseView
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
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
		if v.Placements, err = s.placements(ctx, id); err != nil {
			return err
		}
		if v.Sponsors, err = s.sponsorsOf(ctx, id); err != nil {
			return err
		}
		if v.Releases, err = s.releases(ctx, id); err != nil {
			return err
		}
		return audit.Log(ctx, s.DB, audit.Event{Action: "case.read", ObjectType: "case", ObjectID: fmt.Sprint(id)})
	})
	if err != nil {
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, ErrForbidden) {
			// A refused or missing read is audited too, outside the
			// rolled-back transaction: probing for children's records
			// must leave a trace.
			return nil, s.auditDenied(ctx, id, err)
		}
		return nil, err
	}
	return &v, nil
}

func (s *Store) auditDenied(ctx context.Context, id int64, cause error) error {
	if err := audit.Log(ctx, s.DB, audit.Event{Action: "case.read.denied", ObjectType: "case", ObjectID: fmt.Sprint(id)}); err != nil {
		return errors.Join(cause, err)
	}
	return cause
}

func (s *Store) events(ctx context.Context, id int64) ([]Event, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, at, actor, kind, from_state, to_state, reason, facility_id FROM case_events WHERE case_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("children: case events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at store.Time
		var fac sql.NullInt64
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Kind, &e.FromState, &e.ToState, &e.Reason, &fac); err != nil {
			return nil, fmt.Errorf("children: case events: %w", err)
		}
		e.At, e.FacilityID = at.Time, ptrInt(fac)
		out = append(out, e)
	}
	return out, rows.Err()
}

func (s *Store) deadlines(ctx context.Context, id int64) ([]Deadline, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, case_id, kind, due_at, resolved_at, resolution, resolved_by, facility_id FROM deadlines WHERE case_id = ? ORDER BY due_at, id`, id)
	if err != nil {
		return nil, fmt.Errorf("children: case deadlines: %w", err)
	}
	defer rows.Close()
	var out []Deadline
	for rows.Next() {
		var d Deadline
		var due, res store.Time
		var fac sql.NullInt64
		if err := rows.Scan(&d.ID, &d.CaseID, &d.Kind, &due, &res, &d.Resolution, &d.ResolvedBy, &fac); err != nil {
			return nil, fmt.Errorf("children: case deadlines: %w", err)
		}
		d.DueAt, d.ResolvedAt, d.FacilityID = due.Time, ptrTime(res), ptrInt(fac)
		out = append(out, d)
	}
	return out, rows.Err()
}

func (s *Store) placements(ctx context.Context, id int64) ([]Placement, error) {
	rows, err := s.DB.Query(ctx, `SELECT p.id, p.case_id, p.facility_id, f.name, p.sex, p.age_band, p.start_at, p.end_at, p.end_reason
		FROM placements p JOIN facilities f ON f.id = p.facility_id WHERE p.case_id = ? ORDER BY p.id`, id)
	if err != nil {
		return nil, fmt.Errorf("children: case placements: %w", err)
	}
	defer rows.Close()
	var out []Placement
	for rows.Next() {
		var p Placement
		var start, end store.Time
		if err := rows.Scan(&p.ID, &p.CaseID, &p.FacilityID, &p.FacilityName, &p.Sex, &p.AgeBand, &start, &end, &p.EndReason); err != nil {
			return nil, fmt.Errorf("children: case placements: %w", err)
		}
		p.StartAt, p.EndAt = start.Time, ptrTime(end)
		out = append(out, p)
	}
	return out, rows.Err()
}

// Transition moves a case to another state. Placement and release have
// their own methods (Place, RequestRelease/ApproveRelease) because they
// need more than a reason.
func (s *Store) Transition(ctx context.Context, id int64, to State, reason string) (*Case, error) {
	if _, err := require(ctx, auth.PermCaseUpdate); err != nil {
		return nil, err
	}
	if _, err := ParseState(string(to)); err != nil {
		return nil, &ValidationError{Problems: []FieldError{{Field: "state", Problem: err.Error()}}}
	}
	reason = strings.TrimSpace(reason)
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.caseInScope(ctx, id)
		if err != nil {
			return err
		}
		if err := CheckMove(c.State, to); err != nil {
			return err
		}
		now := s.now()
		switch to {
		case StatePlaced:
			return &ConflictError{Msg: "placing a child reserves a bed: use the placement action with a facility"}
		case StateReleased:
			return &ConflictError{Msg: "release needs a vetted sponsor and a second approver: use the release actions"}
		case StateClosedOther:
			if reason == "" {
				return &ValidationError{Problems: []FieldError{{Field: "reason", Problem: "closing for another reason needs the reason"}}}
			}
		case StateAgedOut:
			if age := c.Age(now); age < 18 {
				if age < 0 {
					return &ConflictError{Msg: "the birth date is unknown: record it (estimated, with evidence) before recording that the child aged out"}
				}
				return &ConflictError{Msg: fmt.Sprintf("the child is %d by the recorded birth date, not 18", age)}
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
		if _, err := s.DB.Exec(ctx, `UPDATE cases SET state = ?, closed_reason = ?, updated_at = ? WHERE id = ?`,
			string(to), closedReason(to, reason), store.FormatTime(now), id); err != nil {
			return fmt.Errorf("children: transition: %w", err)
		}
		if err := s.addEvent(ctx, id, now, Event{Kind: "transition", FromState: c.State, ToState: to, Reason: reason}); err != nil {
			return err
		}
		return audit.Log(ctx, s.DB, audit.Event{Action: "case.transition", ObjectType: "case", ObjectID: fmt.Sprint(id), Detail: fmt.Sprintf("%s -> %s", c.State, to)})
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
func (s *Store) endPlacement(ctx context.Context, c *Case, now time.Time, why string) error {
	if _, err := s.DB.Exec(ctx, `UPDATE placements SET end_at = ?, end_reason = ? WHERE case_id = ? AND end_at IS NULL`, store.FormatTime(now), why, c.ID); err != nil {
		return fmt.Errorf("children: end placement: %w", err)
	}
	if c.FacilityID != nil && c.BedSex != "" {
		if _, err := s.DB.Exec(ctx, `UPDATE facility_beds SET occupied = occupied - 1 WHERE facility_id = ? AND sex = ? AND age_band = ? AND occupied > 0`,
			*c.FacilityID, c.BedSex, c.BedAgeBand); err != nil {
			return fmt.Errorf("children: free bed: %w", err)
		}
	}
	return nil
}

// resolveOpen resolves the case's open deadlines (all, or one kind).
func (s *Store) resolveOpen(ctx context.Context, caseID int64, now time.Time, resolution string, kind DeadlineKind) error {
	q := `UPDATE deadlines SET resolved_at = ?, resolution = ?, resolved_by = ? WHERE case_id = ? AND resolved_at IS NULL`
	args := []any{store.FormatTime(now), resolution, actorName(ctx), caseID}
	if kind != "" {
		q += ` AND kind = ?`
		args = append(args, string(kind))
	}
	if _, err := s.DB.Exec(ctx, q, args...); err != nil {
		return fmt.Errorf("children: resolve deadlines: %w", err)
	}
	return nil
}

// Place puts a referred child in a facility, or transfers a placed child to
// another, reserving a bed of the child's sex and age band. The bed is
// taken by one guarded UPDATE, so concurrent placements never exceed the
// licensed capacity on either engine.
func (s *Store) Place(ctx context.Context, caseID, facilityID int64, reason string) (*Case, error) {
	if _, err := require(ctx, auth.PermCaseUpdate); err != nil {
		return nil, err
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.caseInScope(ctx, caseID)
		if err != nil {
			return err
		}
		transfer := c.State == StatePlaced
		if !transfer && c.State != StateReferred {
			return CheckMove(c.State, StatePlaced)
		}
		if transfer && c.FacilityID != nil && *c.FacilityID == facilityID {
			return &ConflictError{Msg: "the child is already in this facility"}
		}
		now := s.now()
		if c.Sex == nil {
			return &ConflictError{Msg: "the child's sex is unknown: beds are licensed by sex, so record it before placement"}
		}
		age := c.Age(now)
		band := BandFor(age)
		if band == "" {
			if age < 0 {
				return &ConflictError{Msg: "the birth date is unknown: record it (estimated, with evidence) before placement"}
			}
			return &ConflictError{Msg: fmt.Sprintf("the child is %d by the recorded birth date: not placeable in a children's facility", age)}
		}
		var status string
		if err := s.DB.QueryRow(ctx, `SELECT status FROM facilities WHERE id = ?`, facilityID).Scan(&status); err != nil {
			if store.IsNoRows(err) {
				return &ValidationError{Problems: []FieldError{{Field: "facility_id", Problem: fmt.Sprintf("facility %d does not exist", facilityID)}}}
			}
			return fmt.Errorf("children: place: %w", err)
		}
		if status != "open" {
			return &ConflictError{Msg: "the facility is not open"}
		}
		res, err := s.DB.Exec(ctx, `UPDATE facility_beds SET occupied = occupied + 1 WHERE facility_id = ? AND sex = ? AND age_band = ? AND occupied < capacity`,
			facilityID, *c.Sex, band)
		if err != nil {
			return fmt.Errorf("children: reserve bed: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("children: reserve bed: %w", err)
		} else if n != 1 {
			return ErrNoBed
		}
		ts := store.FormatTime(now)
		if transfer {
			if err := s.endPlacement(ctx, c, now, "transfer"); err != nil {
				return err
			}
		}
		if _, err := s.DB.Exec(ctx, `INSERT INTO placements (case_id, facility_id, sex, age_band, start_at) VALUES (?, ?, ?, ?, ?)`,
			caseID, facilityID, *c.Sex, band, ts); err != nil {
			return fmt.Errorf("children: place: %w", err)
		}
		if _, err := s.DB.Exec(ctx, `UPDATE cases SET state = 'placed', facility_id = ?, bed_sex = ?, bed_age_band = ?,
			placed_at = COALESCE(placed_at, ?), updated_at = ? WHERE id = ?`, facilityID, *c.Sex, band, ts, ts, caseID); err != nil {
			return fmt.Errorf("children: place: %w", err)
		}
		if !transfer {
			for _, k := range Clocks {
				if k.Anchor != AnchorPlacement || !k.Applies(c) {
					continue
				}
				if _, err := s.DB.Exec(ctx, `INSERT INTO deadlines (case_id, kind, due_at) VALUES (?, ?, ?) ON CONFLICT (case_id, kind) DO NOTHING`,
					caseID, string(k.Kind), store.FormatTime(k.DueAt(now))); err != nil {
					return fmt.Errorf("children: placement deadlines: %w", err)
				}
			}
			for _, k := range Clocks {
				if k.MetByState == StatePlaced {
					if err := s.resolveOpen(ctx, caseID, now, "met", k.Kind); err != nil {
						return err
					}
				}
			}
		}
		// Open deadlines follow the child, so that the board counts them
		// against the facility that must act.
		if _, err := s.DB.Exec(ctx, `UPDATE deadlines SET facility_id = ? WHERE case_id = ? AND resolved_at IS NULL`, facilityID, caseID); err != nil {
			return fmt.Errorf("children: placement deadlines: %w", err)
		}
		kind, from := "placement", c.State
		if transfer {
			kind = "transfer"
		}
		if err := s.addEvent(ctx, caseID, now, Event{Kind: kind, FromState: from, ToState: StatePlaced, Reason: reason, FacilityID: &facilityID}); err != nil {
			return err
		}
		return audit.Log(ctx, s.DB, audit.Event{Action: "case." + kind, ObjectType: "case", ObjectID: fmt.Sprint(caseID), Detail: fmt.Sprintf("facility %d", facilityID)})
	})
	if err != nil {
		return nil, err
	}
	return s.loadCase(ctx, caseID)
}

// MeetDeadline records that a clock's act was done (notification sent,
// screening recorded, know-your-rights given). Clocks met by a state
// change (transfer) are met by that change, not here.
func (s *Store) MeetDeadline(ctx context.Context, caseID int64, kind DeadlineKind, note string) error {
	k, ok := ClockFor(kind)
	if !ok {
		return &ValidationError{Problems: []FieldError{{Field: "kind", Problem: fmt.Sprintf("unknown deadline %q", kind)}}}
	}
	if k.MetByState != "" {
		return &ConflictError{Msg: fmt.Sprintf("the %s deadline is met when the case reaches %s", kind, k.MetByState)}
	}
	if _, err := require(ctx, k.RecordedWith); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.caseInScope(ctx, caseID); err != nil {
			return err
		}
		now := s.now()
		res, err := s.DB.Exec(ctx, `UPDATE deadlines SET resolved_at = ?, resolution = 'met', resolved_by = ? WHERE case_id = ? AND kind = ? AND resolved_at IS NULL`,
			store.FormatTime(now), actorName(ctx), caseID, string(kind))
		if err != nil {
			return fmt.Errorf("children: meet deadline: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &ConflictError{Msg: fmt.Sprintf("the case has no open %s deadline", kind)}
		}
		if err := s.addEvent(ctx, caseID, now, Event{Kind: "deadline", Reason: string(kind) + " met" + suffix(note)}); err != nil {
			return err
		}
		return audit.Log(ctx, s.DB, audit.Event{Action: "case.deadline.met", ObjectType: "case", ObjectID: fmt.Sprint(caseID), Detail: string(kind)})
	})
}

func suffix(note string) string {
	if note = strings.TrimSpace(note); note != "" {
		return ": " + note
	}
	return ""
}
