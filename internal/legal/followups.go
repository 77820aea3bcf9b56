package legal

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

// Call is one scheduled follow-up call.
type Call struct {
	ID     int64      `json:"id"`
	Kind   string     `json:"kind"`
	DueAt  time.Time  `json:"due_at"`
	DoneAt *time.Time `json:"done_at"`
}

// Attempt is one try at a follow-up call.
type Attempt struct {
	ID             int64       `json:"id"`
	At             time.Time   `json:"at"`
	By             string      `json:"by"`
	Outcome        CallOutcome `json:"outcome"`
	Safe           *bool       `json:"safe"`
	InSchool       *bool       `json:"in_school"`
	KnowsCourtDate *bool       `json:"knows_court_date"`
	Notes          string      `json:"notes"`
}

// Escalation is a concern for a supervisor to act on.
type Escalation struct {
	ID       int64      `json:"id"`
	CaseID   int64      `json:"case_id"`
	Reason   string     `json:"reason"`
	DueAt    time.Time  `json:"due_at"`
	ClosedAt *time.Time `json:"closed_at"`
}

// FollowUps is a released child's follow-up: the schedule, the attempts
// (newest first), the contact status and the escalations.
type FollowUps struct {
	CaseID      int64        `json:"case_id"`
	ReleasedAt  time.Time    `json:"released_at"`
	Calls       []Call       `json:"calls"`
	Attempts    []Attempt    `json:"attempts"`
	Failures    int          `json:"failures"` // attempts in a row without reaching the child
	ContactLost bool         `json:"contact_lost"`
	LostAt      *time.Time   `json:"lost_at"`
	LostReason  string       `json:"lost_reason"`
	Escalations []Escalation `json:"escalations"`
	// Step is what the recorded attempt did (only in the answer to one).
	Step *ContactStep `json:"step,omitempty"`
}

// AttemptInput is a follow-up attempt. At is now when zero.
type AttemptInput struct {
	At             time.Time   `json:"at"`
	Outcome        CallOutcome `json:"outcome"`
	Safe           *bool       `json:"safe"`
	InSchool       *bool       `json:"in_school"`
	KnowsCourtDate *bool       `json:"knows_court_date"`
	Notes          string      `json:"notes"`
}

// scheduleFollowUps is the release hook (release.Service.OnRelease): it
// writes the call schedule and the child's contact row in the approving
// transaction.
func (s *Service) scheduleFollowUps(ctx context.Context, r release.Release) error {
	at := s.now()
	if r.ReleasedAt != nil {
		at = *r.ReleasedAt
	}
	if err := s.insertCalls(ctx, r, at, ScheduleFor(r.PostReleaseServices)); err != nil {
		return err
	}
	if _, err := s.db.Exec(ctx, `DELETE FROM legal_contacts WHERE case_id = ?`, r.CaseID); err != nil {
		return fmt.Errorf("legal: follow-up schedule: %w", err)
	}
	if _, err := s.db.Exec(ctx, `INSERT INTO legal_contacts (case_id, released_at) VALUES (?, ?)`, r.CaseID, store.FormatTime(at)); err != nil {
		return fmt.Errorf("legal: follow-up schedule: %w", err)
	}
	return nil
}

func (s *Service) insertCalls(ctx context.Context, r release.Release, at time.Time, calls []ScheduledCall) error {
	for _, c := range calls {
		if _, err := s.db.Exec(ctx, `INSERT INTO legal_followups (case_id, release_id, released_at, kind, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			r.CaseID, r.ID, store.FormatTime(at), c.Kind, store.FormatTime(at.Add(c.After)), store.FormatTime(s.now())); err != nil {
			return fmt.Errorf("legal: follow-up schedule: %w", err)
		}
	}
	return nil
}

// addServiceCalls is the release domain's hook for post-release services
// recorded after release (release.Service.OnServices): it adds the calls
// of the schedule that only such children get, counted from the release.
func (s *Service) addServiceCalls(ctx context.Context, r release.Release) error {
	if !r.PostReleaseServices || r.ReleasedAt == nil {
		return nil
	}
	extra := []ScheduledCall{}
	for _, c := range ScheduleFor(true) {
		if c.PRSOnly {
			extra = append(extra, c)
		}
	}
	return s.insertCalls(ctx, r, *r.ReleasedAt, extra)
}

// ScheduleMissing schedules the follow-up calls of the released children
// in the caller's scope who have none: releases recorded without the
// approval hook (a bulk load, the children domain's demo seeder). Children
// already scheduled are left as they are. It returns how many children it
// scheduled.
func (s *Service) ScheduleMissing(ctx context.Context) (int, error) {
	if _, err := auth.Require(ctx, auth.PermFollowUpRecord); err != nil {
		return 0, err
	}
	rel, err := s.release.Released(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		have := map[int64]bool{}
		rows, err := s.db.Query(ctx, `SELECT case_id FROM legal_contacts`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			have[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, f := range rel {
			if have[f.CaseID] {
				continue
			}
			at := f.ReleasedAt
			r := release.Release{ID: f.ReleaseID, CaseID: f.CaseID, SponsorID: f.SponsorID, ReleasedAt: &at, PostReleaseServices: f.PostReleaseServices}
			if err := s.scheduleFollowUps(ctx, r); err != nil {
				return err
			}
			n++
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "legal.followup.schedule", ObjectType: "legal_followups", ObjectID: "missing", Detail: fmt.Sprintf("%d children", n)})
	})
	if err != nil {
		return 0, fmt.Errorf("legal: schedule missing follow-ups: %w", err)
	}
	return n, nil
}

// FollowUpsOf returns a released child's follow-up (404 for a case out of
// scope; 409 for a child not released).
func (s *Service) FollowUpsOf(ctx context.Context, caseID int64) (*FollowUps, error) {
	return readForCase(ctx, s, auth.PermFollowUpRead, caseID, "legal.followup.read", "follow-ups", func(ctx context.Context, c *custody.Case) (*FollowUps, error) {
		return s.loadFollowUps(ctx, caseID)
	})
}

// RecordAttempt records a follow-up call attempt and applies the contact
// table: a concern opens an escalation for a supervisor, the third failure
// in a row or a wrong contact marks the child contact_lost, reaching a
// lost child finds them again. Refused (409) for a child not released.
func (s *Service) RecordAttempt(ctx context.Context, caseID int64, in AttemptInput) (*FollowUps, error) {
	if _, err := auth.Require(ctx, auth.PermFollowUpRecord); err != nil {
		return nil, err
	}
	now := s.now().Truncate(time.Microsecond)
	v := &errs.ValidationError{}
	if in.At.IsZero() {
		in.At = now
	}
	if in.At.After(now.Add(time.Minute)) {
		v.Add("at", "an attempt is recorded once made, not in the future")
	}
	if _, err := NextContact(0, false, in.Outcome); err != nil {
		v.Add("outcome", "one of reached, concern, not_reached, wrong_contact")
	}
	in.Notes = strings.TrimSpace(in.Notes)
	if in.Outcome == CallConcern && in.Notes == "" {
		v.Add("notes", "say what the concern is, for the supervisor")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *FollowUps
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.cases.InScope(ctx, caseID); err != nil {
			return err
		}
		fu, err := s.loadFollowUps(ctx, caseID)
		if err != nil {
			return err
		}
		step, _ := NextContact(fu.Failures, fu.ContactLost, in.Outcome)
		if in.At.Before(fu.ReleasedAt) {
			return &errs.ValidationError{Problems: []errs.FieldError{{Field: "at", Problem: "before the release"}}}
		}
		if err := s.writeAttempt(ctx, caseID, fu, in, step); err != nil {
			return err
		}
		if out, err = s.loadFollowUps(ctx, caseID); err != nil {
			return err
		}
		out.Step = &step
		reason := "follow-up call: " + string(in.Outcome)
		switch {
		case step.NewlyLost:
			reason += "; contact lost"
		case step.Found:
			reason += "; contact found again"
		}
		if err := s.cases.AddEvent(ctx, caseID, custody.Event{Kind: "followup", Reason: reason}); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "legal.followup.attempt", ObjectType: "case", ObjectID: fmt.Sprint(caseID), Detail: reason})
	})
	if err != nil {
		return nil, fmt.Errorf("legal: follow-up of case %d: %w", caseID, err)
	}
	return out, nil
}

func nullBool(b *bool) sql.NullInt64 {
	if b == nil {
		return sql.NullInt64{}
	}
	if *b {
		return sql.NullInt64{Int64: 1, Valid: true}
	}
	return sql.NullInt64{Int64: 0, Valid: true}
}

func (s *Service) writeAttempt(ctx context.Context, caseID int64, fu *FollowUps, in AttemptInput, step ContactStep) error {
	var callID sql.NullInt64
	for _, c := range fu.Calls {
		if c.DoneAt == nil {
			callID = sql.NullInt64{Int64: c.ID, Valid: true}
			break
		}
	}
	var attemptID int64
	if err := s.db.QueryRow(ctx, `INSERT INTO legal_followup_attempts (case_id, followup_id, at, by_actor, outcome, safe, in_school, knows_court_date, notes)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, caseID, callID, store.FormatTime(in.At), actorName(ctx), string(in.Outcome),
		nullBool(in.Safe), nullBool(in.InSchool), nullBool(in.KnowsCourtDate), in.Notes).Scan(&attemptID); err != nil {
		return err
	}
	reached := in.Outcome == CallReached || in.Outcome == CallConcern
	if reached && callID.Valid {
		if _, err := s.db.Exec(ctx, `UPDATE legal_followups SET done_at = ? WHERE id = ?`, store.FormatTime(in.At), callID.Int64); err != nil {
			return err
		}
	}
	var err error
	switch {
	case reached:
		_, err = s.db.Exec(ctx, `UPDATE legal_contacts SET failures = 0, lost_at = NULL, lost_reason = '' WHERE case_id = ?`, caseID)
	case step.NewlyLost:
		_, err = s.db.Exec(ctx, `UPDATE legal_contacts SET failures = ?, lost_at = ?, lost_reason = ? WHERE case_id = ?`,
			step.Failures, store.FormatTime(in.At), string(in.Outcome), caseID)
	default:
		_, err = s.db.Exec(ctx, `UPDATE legal_contacts SET failures = ? WHERE case_id = ?`, step.Failures, caseID)
	}
	if err != nil {
		return err
	}
	if step.Escalate {
		_, err = s.db.Exec(ctx, `INSERT INTO legal_escalations (case_id, attempt_id, reason, due_at, created_at) VALUES (?, ?, ?, ?, ?)`,
			caseID, attemptID, in.Notes, store.FormatTime(in.At.Add(EscalationWithin)), store.FormatTime(s.now()))
	}
	return err
}

func (s *Service) loadFollowUps(ctx context.Context, caseID int64) (*FollowUps, error) {
	fu := &FollowUps{CaseID: caseID, Calls: []Call{}, Attempts: []Attempt{}, Escalations: []Escalation{}}
	var rel, lost store.Time
	err := s.db.QueryRow(ctx, `SELECT released_at, failures, lost_at, lost_reason FROM legal_contacts WHERE case_id = ?`, caseID).
		Scan(&rel, &fu.Failures, &lost, &fu.LostReason)
	if store.IsNoRows(err) {
		return nil, errs.Conflict("case %d has not been released: follow-up calls start at release", caseID)
	}
	if err != nil {
		return nil, err
	}
	fu.ReleasedAt, fu.LostAt, fu.ContactLost = rel.Time, timePtr(lost), !lost.IsZero()
	rows, err := s.db.Query(ctx, `SELECT id, kind, due_at, done_at FROM legal_followups WHERE case_id = ? ORDER BY due_at, id`, caseID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var c Call
		var due, done store.Time
		if err := rows.Scan(&c.ID, &c.Kind, &due, &done); err != nil {
			rows.Close()
			return nil, err
		}
		c.DueAt, c.DoneAt = due.Time, timePtr(done)
		fu.Calls = append(fu.Calls, c)
	}
	rows.Close()
	rows, err = s.db.Query(ctx, `SELECT id, at, by_actor, outcome, safe, in_school, knows_court_date, notes FROM legal_followup_attempts WHERE case_id = ? ORDER BY at DESC, id DESC`, caseID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var a Attempt
		var at store.Time
		var safe, school, court sql.NullInt64
		if err := rows.Scan(&a.ID, &at, &a.By, &a.Outcome, &safe, &school, &court, &a.Notes); err != nil {
			rows.Close()
			return nil, err
		}
		a.At, a.Safe, a.InSchool, a.KnowsCourtDate = at.Time, boolPtr(safe), boolPtr(school), boolPtr(court)
		fu.Attempts = append(fu.Attempts, a)
	}
	rows.Close()
	es, err := s.escalations(ctx, "e.case_id = ?", []any{caseID})
	fu.Escalations = es
	return fu, err
}

func boolPtr(n sql.NullInt64) *bool {
	if !n.Valid {
		return nil
	}
	b := n.Int64 != 0
	return &b
}

func (s *Service) escalations(ctx context.Context, cond string, args []any) ([]Escalation, error) {
	rows, err := s.db.Query(ctx, `SELECT e.id, e.case_id, e.reason, e.due_at, e.closed_at FROM legal_escalations e WHERE `+cond+` ORDER BY e.due_at, e.id LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Escalation{}
	for rows.Next() {
		var e Escalation
		var due, closed store.Time
		if err := rows.Scan(&e.ID, &e.CaseID, &e.Reason, &due, &closed); err != nil {
			return nil, err
		}
		e.DueAt, e.ClosedAt = due.Time, timePtr(closed)
		out = append(out, e)
	}
	return out, rows.Err()
}

// LostEntry is one child on the lost-contact board.
type LostEntry struct {
	CaseID     int64          `json:"case_id"`
	Case       *custody.Brief `json:"case"`
	ReleasedAt time.Time      `json:"released_at"`
	LostAt     time.Time      `json:"lost_at"`
	DaysLost   int            `json:"days_lost"`
	Reason     string         `json:"reason"`
	// SponsorCategory ("" when unknown) and PostReleaseServices come from
	// the release domain (release.ReleaseFactsOf).
	SponsorCategory     release.Category `json:"sponsor_category"`
	PostReleaseServices bool             `json:"post_release_services"`
}

// CategoryCount is a count for one sponsor category ("unknown" when the
// release domain has none for the child).
type CategoryCount struct {
	Category string `json:"category"`
	Count    int    `json:"count"`
}

// MonthCount is a count for one month of release.
type MonthCount struct {
	Month string `json:"month"` // YYYY-MM
	Count int    `json:"count"`
}

// LostContactBoard is one page of the children whose contact is lost,
// longest lost first, with the counts per month of release and per
// sponsor category over every lost child in the caller's scope (not only
// the page), and the open escalations.
type LostContactBoard struct {
	Lost []LostEntry `json:"lost"`
	// Total is how many lost children the scope holds; Limit and Offset
	// are the page's.
	Total             int             `json:"total"`
	Limit             int             `json:"limit"`
	Offset            int             `json:"offset"`
	ByReleaseMonth    []MonthCount    `json:"by_release_month"`
	BySponsorCategory []CategoryCount `json:"by_sponsor_category"`
	Escalations       []Escalation    `json:"open_escalations"`
}

// LostQuery is a page of the lost-contact board: Limit children (0:
// DefaultLostPage; at most MaxLost) from Offset.
type LostQuery struct {
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

// DefaultLostPage and MaxLost bound a page of the lost-contact board.
const (
	DefaultLostPage = 100
	MaxLost         = 1000
)

func (q *LostQuery) check() error {
	var ps []errs.FieldError
	if q.Limit == 0 {
		q.Limit = DefaultLostPage
	}
	if q.Limit < 1 || q.Limit > MaxLost {
		ps = append(ps, errs.FieldError{Field: "limit", Problem: fmt.Sprintf("must be from 1 to %d", MaxLost)})
	}
	if q.Offset < 0 {
		ps = append(ps, errs.FieldError{Field: "offset", Problem: "must be 0 or more"})
	}
	if len(ps) > 0 {
		return &errs.ValidationError{Problems: ps}
	}
	return nil
}

// LostContact reads a page of the lost-contact board within the caller's
// case scope, with the counts per month of release and per sponsor
// category of every lost child in scope.
func (s *Service) LostContact(ctx context.Context, q LostQuery) (*LostContactBoard, error) {
	if _, err := auth.Require(ctx, auth.PermFollowUpRead); err != nil {
		return nil, err
	}
	if err := q.check(); err != nil {
		return nil, err
	}
	sc, err := s.cases.ScopeFor(ctx)
	if err != nil {
		return nil, err
	}
	b := &LostContactBoard{Lost: []LostEntry{}, Limit: q.Limit, Offset: q.Offset, ByReleaseMonth: []MonthCount{}, BySponsorCategory: []CategoryCount{}, Escalations: []Escalation{}}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		if sc.None {
			return nil
		}
		if err := s.lostCounts(ctx, sc, b); err != nil {
			return err
		}
		var err error
		if b.Lost, err = s.lostChildren(ctx, sc, q); err != nil {
			return err
		}
		if b.Escalations, err = s.openEscalations(ctx, sc); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "legal.followup.lost", ObjectType: "legal_followups", ObjectID: "lost-contact",
			Detail: fmt.Sprintf("%d children of %d from %d", len(b.Lost), b.Total, q.Offset)})
	})
	if err != nil {
		return nil, fmt.Errorf("legal: lost-contact board: %w", err)
	}
	if err := s.describeLost(ctx, b); err != nil {
		return nil, fmt.Errorf("legal: lost-contact board: %w", err)
	}
	return b, nil
}

// lostCounts counts every lost child in sc by month of release and by
// sponsor category (grouped in the database) and sets b.Total. The
// categories are copied from the release domain first for the lost
// children that have none yet (migration 00509).
func (s *Service) lostCounts(ctx context.Context, sc custody.Scope, b *LostContactBoard) error {
	cond, args := sc.SQL("+k.case_id")
	if err := s.fillCategories(ctx, cond, args); err != nil {
		return err
	}
	rows, err := s.db.Query(ctx, `SELECT SUBSTR(k.released_at, 1, 7), COALESCE(k.sponsor_category, ''), COUNT(*) FROM legal_contacts k
		WHERE k.lost_at IS NOT NULL AND `+cond+` GROUP BY SUBSTR(k.released_at, 1, 7), COALESCE(k.sponsor_category, '')`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	months, cats := map[string]int{}, map[string]int{}
	for rows.Next() {
		var m, c string
		var n int
		if err := rows.Scan(&m, &c, &n); err != nil {
			return err
		}
		if c == "" {
			c = "unknown"
		}
		months[m] += n
		cats[c] += n
		b.Total += n
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for m, n := range months {
		b.ByReleaseMonth = append(b.ByReleaseMonth, MonthCount{m, n})
	}
	sort.Slice(b.ByReleaseMonth, func(i, j int) bool { return b.ByReleaseMonth[i].Month < b.ByReleaseMonth[j].Month })
	for c, n := range cats {
		b.BySponsorCategory = append(b.BySponsorCategory, CategoryCount{c, n})
	}
	sort.Slice(b.BySponsorCategory, func(i, j int) bool { return b.BySponsorCategory[i].Category < b.BySponsorCategory[j].Category })
	return nil
}

// fillCategories copies the sponsor category of the lost children in
// scope (cond on k.case_id) that have none yet from the release domain
// (scope-checked and audited there); empty when it knows none.
func (s *Service) fillCategories(ctx context.Context, cond string, args []any) error {
	// The partial index first (the range on case_id makes SQLite take it):
	// most reads find nothing to copy.
	var first int64
	err := s.db.QueryRow(ctx, `SELECT case_id FROM legal_contacts WHERE lost_at IS NOT NULL AND sponsor_category IS NULL AND case_id > 0 ORDER BY case_id LIMIT 1`).Scan(&first)
	if store.IsNoRows(err) {
		return nil
	}
	if err != nil {
		return err
	}
	ids, err := s.caseIDs(ctx, `SELECT k.case_id FROM legal_contacts k WHERE k.lost_at IS NOT NULL AND k.sponsor_category IS NULL AND `+cond, args...)
	if err != nil || len(ids) == 0 {
		return err
	}
	facts, err := s.release.ReleaseFactsOf(ctx, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := s.db.Exec(ctx, `UPDATE legal_contacts SET sponsor_category = ? WHERE case_id = ?`, string(facts[id].SponsorCategory), id); err != nil {
			return err
		}
	}
	return nil
}

// lostChildren is one page of the children whose contact is lost,
// longest lost first, within sc: walked in the order of the lost index,
// the scope a filter on each row ("+": not the way in, which would list
// every case of the facilities and sort their lost children). Reading
// custody's Briefs batch after batch to filter instead cost most of the
// board's time at 100,000 cases (NOTES.md, benchmarks).
func (s *Service) lostChildren(ctx context.Context, sc custody.Scope, q LostQuery) ([]LostEntry, error) {
	cond, args := sc.SQL("+k.case_id")
	return s.lostRows(ctx, `SELECT k.case_id, k.released_at, k.lost_at, k.lost_reason FROM legal_contacts k
		WHERE k.lost_at IS NOT NULL AND `+cond+` ORDER BY k.lost_at, k.case_id LIMIT ? OFFSET ?`, append(args, q.Limit, q.Offset))
}

func (s *Service) lostRows(ctx context.Context, q string, args []any) ([]LostEntry, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := s.now()
	out := []LostEntry{}
	for rows.Next() {
		var e LostEntry
		var rel, lost store.Time
		if err := rows.Scan(&e.CaseID, &rel, &lost, &e.Reason); err != nil {
			return nil, err
		}
		e.ReleasedAt, e.LostAt = rel.Time, lost.Time
		e.DaysLost = int(now.Sub(e.LostAt) / (24 * time.Hour))
		out = append(out, e)
	}
	return out, rows.Err()
}

// openEscalations are the open concerns within sc, soonest due first (at
// most 500), the scope an SQL condition (custody's Scope.SQL).
func (s *Service) openEscalations(ctx context.Context, sc custody.Scope) ([]Escalation, error) {
	cond, args := sc.SQL("+e.case_id") // a filter: the open ones are few
	return s.escalations(ctx, "e.closed_at IS NULL AND "+cond, args)
}

// describeLost adds to each child of the page what other domains know
// (both reads scope-checked and audited there): the brief from custody,
// the sponsor category and services from release (services may be added
// after release, so they are read, not copied).
func (s *Service) describeLost(ctx context.Context, b *LostContactBoard) error {
	if len(b.Lost) == 0 {
		return nil
	}
	ids := make([]int64, len(b.Lost))
	for i, e := range b.Lost {
		ids[i] = e.CaseID
	}
	bs, err := s.cases.Briefs(ctx, ids)
	if err != nil {
		return err
	}
	facts, err := s.release.ReleaseFactsOf(ctx, ids)
	if err != nil {
		return err
	}
	for i := range b.Lost {
		e := &b.Lost[i]
		if br, ok := bs[e.CaseID]; ok {
			e.Case = &br
		}
		if f, ok := facts[e.CaseID]; ok {
			e.SponsorCategory, e.PostReleaseServices = f.SponsorCategory, f.PostReleaseServices
		}
	}
	return nil
}

// CloseInput says what was done about a concern.
type CloseInput struct {
	Note string `json:"note"`
}

// CloseEscalation records what a supervisor did about a concern and
// closes it (404 for a case outside the caller's scope, 409 when closed).
func (s *Service) CloseEscalation(ctx context.Context, id int64, in CloseInput) (*Escalation, error) {
	if _, err := auth.Require(ctx, auth.PermEscalationClose); err != nil {
		return nil, err
	}
	in.Note = strings.TrimSpace(in.Note)
	if in.Note == "" {
		return nil, &errs.ValidationError{Problems: []errs.FieldError{{Field: "note", Problem: "say what was done"}}}
	}
	var e *Escalation
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		es, err := s.escalations(ctx, "e.id = ?", []any{id})
		if err != nil {
			return err
		}
		if len(es) == 0 {
			return errs.NotFound("escalation", id)
		}
		e = &es[0]
		if _, err := s.cases.InScope(ctx, e.CaseID); err != nil {
			return errs.NotFound("escalation", id)
		}
		if e.ClosedAt != nil {
			return errs.Conflict("escalation %d is closed", id)
		}
		now := s.now()
		if _, err := s.db.Exec(ctx, `UPDATE legal_escalations SET closed_at = ?, closed_by = ?, close_note = ? WHERE id = ?`,
			store.FormatTime(now), actorName(ctx), in.Note, id); err != nil {
			return err
		}
		e.ClosedAt = &now
		if err := s.cases.AddEvent(ctx, e.CaseID, custody.Event{Kind: "followup", Reason: "follow-up concern closed: " + in.Note}); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "legal.followup.escalation.close", ObjectType: "case", ObjectID: fmt.Sprint(e.CaseID), Detail: fmt.Sprintf("escalation %d", id)})
	})
	if err != nil {
		return nil, fmt.Errorf("legal: close escalation %d: %w", id, err)
	}
	return e, nil
}

// caseIDs reads the case ids a query selects (one column).
func (s *Service) caseIDs(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := s.db.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
