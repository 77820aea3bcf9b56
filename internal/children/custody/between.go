package custody

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/internal/conv"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
)

// What custody offers other domains (ARCHITECTURE.md, "Between domains"):
// briefs of the cases a caller may see, the caller's scope as a condition
// on another domain's own tables, the cases' identities for the tracing
// matcher, and hooks called when a case is created or its identity
// corrected.

// Brief is what another domain's list shows of a case the viewer may see.
type Brief struct {
	Name         string  `json:"name"`
	State        State   `json:"state"`
	Sex          *string `json:"sex"`        // null when unknown
	BirthDate    *string `json:"birth_date"` // null when unknown
	BirthCountry string  `json:"birth_country"`
}

// Briefs returns, for the cases among ids that the caller's scope includes
// now (state and facility change), what a list shows of them; the others
// are left out, as if they did not exist. The read is audited with the
// cases it returned.
func (s *Service) Briefs(ctx context.Context, ids []int64) (map[int64]Brief, error) {
	sc, err := s.ScopeFor(ctx)
	if err != nil {
		return nil, err
	}
	out := map[int64]Brief{}
	if sc.None || len(ids) == 0 {
		return out, nil
	}
	// Read outside any transaction (no wait at SQLite's write gate), then
	// write the audit row in its own short one; nothing is returned
	// without it.
	err = s.db.Read(ctx, func(ctx context.Context) error {
		const chunk = 500
		for start := 0; start < len(ids); start += chunk {
			if err := s.briefs(ctx, sc, ids[start:min(start+chunk, len(ids))], out); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("custody: briefs: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	shown := make([]int64, 0, len(out))
	for _, id := range ids {
		if _, ok := out[id]; ok {
			shown = append(shown, id)
		}
	}
	if err := audit.Log(ctx, s.db, audit.Event{Action: "case.briefs", ObjectType: "case", ObjectID: "briefs",
		Detail: fmt.Sprintf("%d cases: %s", len(out), idList(shown))}); err != nil {
		return nil, fmt.Errorf("custody: briefs: %w", err)
	}
	return out, nil
}

func (s *Service) briefs(ctx context.Context, sc Scope, ids []int64, out map[int64]Brief) error {
	ph, args := conv.Placeholders(ids)
	rows, err := s.db.Query(ctx, `SELECT id, state, facility_id, created_by, given_names, surname1, surname2, sex, birth_date, birth_country
		FROM cases WHERE id IN (`+ph+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c Case
		var fac, by sql.NullInt64
		var sex, birth sql.NullString
		if err := rows.Scan(&c.ID, &c.State, &fac, &by, &c.GivenNames, &c.Surname1, &c.Surname2, &sex, &birth, &c.BirthCountry); err != nil {
			return err
		}
		c.FacilityID, c.CreatedBy = conv.PtrInt(fac), conv.PtrInt(by)
		if sc.Sees(&c) {
			out[c.ID] = Brief{Name: c.DisplayName(), State: c.State, Sex: conv.PtrString(sex), BirthDate: conv.PtrString(birth), BirthCountry: c.BirthCountry}
		}
	}
	return rows.Err()
}

// CaseIdentity is a case's identity as the tracing matcher indexes it.
type CaseIdentity struct {
	identity.Person
	// BirthDateEstimated: the day and month of an estimate are not
	// evidence.
	BirthDateEstimated bool
	// AKA are the other names the child is known by, as recorded.
	AKA string
}

const identityCols = `id, given_names, surname1, surname2, COALESCE(sex, ''), COALESCE(birth_date, ''), birth_date_estimated, birth_country,
	birth_place, mother_name, father_name, aka`

func scanIdentity(sc interface{ Scan(...any) error }) (int64, CaseIdentity, error) {
	var id int64
	var est int
	var ci CaseIdentity
	p := &ci.Person
	err := sc.Scan(&id, &p.GivenNames, &p.Surname1, &p.Surname2, &p.Sex, &p.BirthDate, &est, &p.BirthCountry,
		&p.BirthPlace, &p.MotherName, &p.FatherName, &ci.AKA)
	ci.BirthDateEstimated = est != 0
	return id, ci, err
}

// Identities calls fn for every case with id > afterID, in id order, with
// its identity. It reads every case whatever the caller's scope: it is
// for the tracing matcher's index, whose results are scoped (Briefs) when
// shown. It needs tracing.search and is not audited (nothing is shown).
func (s *Service) Identities(ctx context.Context, afterID int64, fn func(id int64, ci CaseIdentity) error) error {
	if _, err := auth.Require(ctx, auth.PermTracingSearch); err != nil {
		return err
	}
	rows, err := s.db.Query(ctx, `SELECT `+identityCols+` FROM cases WHERE id > ? ORDER BY id`, afterID)
	if err != nil {
		return fmt.Errorf("custody: identities: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		id, ci, err := scanIdentity(rows)
		if err != nil {
			return fmt.Errorf("custody: identities: %w", err)
		}
		if err := fn(id, ci); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("custody: identities: %w", err)
	}
	return nil
}

// Identity is one case's identity, as Identities gives it.
func (s *Service) Identity(ctx context.Context, id int64) (CaseIdentity, error) {
	if _, err := auth.Require(ctx, auth.PermTracingSearch); err != nil {
		return CaseIdentity{}, err
	}
	_, ci, err := scanIdentity(s.db.QueryRow(ctx, `SELECT `+identityCols+` FROM cases WHERE id = ?`, id))
	if store.IsNoRows(err) {
		return ci, fmt.Errorf("custody: case %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return ci, fmt.Errorf("custody: case %d: %w", id, err)
	}
	return ci, nil
}

// Correction is one identity correction: its sequence number (taken when
// it is written, so a lower one may commit after a higher) and the case.
type Correction struct {
	Seq    int64
	CaseID int64
}

// IdentityChangesSince lists the identity corrections with a sequence
// number above seq, in sequence order.
func (s *Service) IdentityChangesSince(ctx context.Context, seq int64) ([]Correction, error) {
	if _, err := auth.Require(ctx, auth.PermTracingSearch); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT seq, case_id FROM case_identity_changes WHERE seq > ? ORDER BY seq`, seq)
	if err != nil {
		return nil, fmt.Errorf("custody: identity corrections: %w", err)
	}
	defer rows.Close()
	out := []Correction{}
	for rows.Next() {
		var c Correction
		if err := rows.Scan(&c.Seq, &c.CaseID); err != nil {
			return nil, fmt.Errorf("custody: identity corrections: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// MaxIDs returns the highest case id and the highest identity correction
// sequence number (0 when none): two indexed MAX queries, for a reader
// that wants to know cheaply whether anything is new.
func (s *Service) MaxIDs(ctx context.Context) (caseID, correctionSeq int64, err error) {
	if _, err := auth.Require(ctx, auth.PermTracingSearch); err != nil {
		return 0, 0, err
	}
	var c, q sql.NullInt64
	if err := s.db.QueryRow(ctx, `SELECT (SELECT MAX(id) FROM cases), (SELECT MAX(seq) FROM case_identity_changes)`).Scan(&c, &q); err != nil {
		return 0, 0, fmt.Errorf("custody: newest case: %w", err)
	}
	return c.Int64, q.Int64, nil
}

// ChangeKind says what happened to a case.
type ChangeKind string

const (
	ChangeCreated  ChangeKind = "created"  // intake or import
	ChangeIdentity ChangeKind = "identity" // identity corrected
)

// Change is a case created or its identity corrected.
type Change struct {
	Kind   ChangeKind
	CaseID int64
}

// OnChange registers f, called after a case is created or its identity
// corrected, once the transaction that did it has committed (never when it
// rolled back). f runs on the committing goroutine: it should be quick
// (wake a worker, not do its work).
func (s *Service) OnChange(f func(ctx context.Context, c Change)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks = append(s.hooks, f)
}

// changed calls the hooks after the context's transaction commits.
func (s *Service) changed(ctx context.Context, c Change) {
	s.mu.RLock()
	hooks := s.hooks
	s.mu.RUnlock()
	if len(hooks) == 0 {
		return
	}
	store.AfterCommit(ctx, func() {
		for _, f := range hooks {
			f(ctx, c)
		}
	})
}
