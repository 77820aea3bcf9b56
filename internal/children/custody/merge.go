package custody

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

// Merge is the record of two cases of one child made one.
type Merge struct {
	KeptID   int64     `json:"kept_id"`
	MergedID int64     `json:"merged_id"`
	Reason   string    `json:"reason"`
	MergedBy string    `json:"merged_by"`
	MergedAt time.Time `json:"merged_at"`
}

// MergeRefusal is why two cases cannot be merged (409): Code names the
// rule (itself, duplicate_closed, kept_closed, both_placed) for pages that
// say it in their language.
type MergeRefusal struct {
	Code string
	Msg  string
}

func (e *MergeRefusal) Error() string { return e.Msg }

// Unwrap makes the refusal an errs.ErrConflict.
func (e *MergeRefusal) Unwrap() error { return errs.ErrConflict }

// mergeRefusal says why dup may not be merged into keep (nil when it may).
// The duplicate's record is closed by the merge, so a duplicate whose
// custody ended some other way (released, repatriated, aged out) keeps
// that ending: merge the other way round. The kept case must be open, and
// at most one of the two may hold a bed.
func mergeRefusal(keep, dup *Case) *MergeRefusal {
	switch {
	case keep.ID == dup.ID:
		return &MergeRefusal{"itself", "a case cannot be merged into itself"}
	case dup.State.Terminal():
		return &MergeRefusal{"duplicate_closed", fmt.Sprintf("case %d is already closed (%s): merge it the other way, into case %d", dup.ID, dup.State, keep.ID)}
	case keep.State.Terminal():
		return &MergeRefusal{"kept_closed", fmt.Sprintf("case %d is closed (%s): keep the open case %d and merge %d into it", keep.ID, keep.State, dup.ID, keep.ID)}
	case keep.State == StatePlaced && dup.State == StatePlaced:
		return &MergeRefusal{"both_placed", "both cases hold a bed: end one placement first (a transfer or a state change), then merge"}
	}
	return nil
}

// MergeCases makes dup part of keep, for two cases of one child: the
// duplicate's notes, tasks, documents and siblings move to the case kept,
// its bed (if any) is freed and its open clocks close, it is closed as
// merged, and both timelines and the audit log say so. Both cases must be
// in the caller's scope; a placed duplicate may be merged into an
// unplaced case (the kept case takes no bed by this).
func (s *Service) MergeCases(ctx context.Context, keepID, dupID int64, reason string) (*Merge, error) {
	if _, err := auth.Require(ctx, auth.PermCaseMerge); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, &errs.ValidationError{Problems: []errs.FieldError{{Field: "reason", Problem: "say why these are the same child"}}}
	}
	m := &Merge{KeptID: keepID, MergedID: dupID, Reason: reason, MergedBy: actorName(ctx), MergedAt: s.now()}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		keep, err := s.caseInScope(ctx, keepID)
		if err != nil {
			return err
		}
		dup, err := s.caseInScope(ctx, dupID)
		if err != nil {
			return &errs.ValidationError{Problems: []errs.FieldError{{Field: "duplicate_id", Problem: fmt.Sprintf("no case %d that you can see", dupID)}}}
		}
		if why := mergeRefusal(keep, dup); why != nil {
			return why
		}
		return s.merge(ctx, keep, dup, m)
	})
	if err != nil {
		return nil, fmt.Errorf("custody: merge: %w", err)
	}
	return m, nil
}

func (s *Service) merge(ctx context.Context, keep, dup *Case, m *Merge) error {
	now := m.MergedAt
	ts := store.FormatTime(now)
	if dup.State == StatePlaced {
		if err := s.endPlacement(ctx, dup, now, "merged"); err != nil {
			return err
		}
	}
	if err := s.resolveOpen(ctx, dup.ID, now, "not_applicable", ""); err != nil {
		return err
	}
	for _, q := range []string{
		`UPDATE case_notes SET case_id = ? WHERE case_id = ?`,
		`UPDATE case_tasks SET case_id = ? WHERE case_id = ?`,
		`UPDATE case_documents SET case_id = ? WHERE case_id = ?`,
	} {
		if _, err := s.db.Exec(ctx, q, keep.ID, dup.ID); err != nil {
			return err
		}
	}
	for _, sib := range dup.Siblings {
		if sib == keep.ID {
			continue
		}
		for _, pair := range [][2]int64{{keep.ID, sib}, {sib, keep.ID}} {
			if _, err := s.db.Exec(ctx, `INSERT INTO case_siblings (case_id, sibling_id) VALUES (?, ?) ON CONFLICT (case_id, sibling_id) DO NOTHING`, pair[0], pair[1]); err != nil {
				return err
			}
		}
	}
	closed := fmt.Sprintf("merged into case %d: %s", keep.ID, m.Reason)
	if _, err := s.db.Exec(ctx, `UPDATE cases SET state = ?, closed_reason = ?, updated_at = ? WHERE id = ?`, string(StateClosedOther), closed, ts, dup.ID); err != nil {
		return err
	}
	if _, err := s.db.Exec(ctx, `INSERT INTO case_merges (merged_id, kept_id, reason, merged_by, merged_at) VALUES (?, ?, ?, ?, ?)`,
		dup.ID, keep.ID, m.Reason, m.MergedBy, ts); err != nil {
		return err
	}
	if err := s.addEvent(ctx, dup.ID, now, Event{Kind: "merge", FromState: dup.State, ToState: StateClosedOther, Reason: closed}); err != nil {
		return err
	}
	if err := s.addEvent(ctx, keep.ID, now, Event{Kind: "merge", Reason: fmt.Sprintf("case %d merged into this case: %s", dup.ID, m.Reason)}); err != nil {
		return err
	}
	return audit.Log(ctx, s.db, audit.Event{Action: "case.merge", ObjectType: "case", ObjectID: fmt.Sprint(keep.ID), Detail: fmt.Sprintf("case %d merged in", dup.ID)})
}

// MergesOf lists the merges a case took part in (kept or merged), for its
// page: the caller must see the case.
func (s *Service) MergesOf(ctx context.Context, caseID int64) ([]Merge, error) {
	if _, err := s.InScope(ctx, caseID); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT kept_id, merged_id, reason, merged_by, merged_at FROM case_merges WHERE kept_id = ? OR merged_id = ? ORDER BY merged_at`, caseID, caseID)
	if err != nil {
		return nil, fmt.Errorf("custody: merges: %w", err)
	}
	defer rows.Close()
	out := []Merge{}
	for rows.Next() {
		var m Merge
		var at store.Time
		if err := rows.Scan(&m.KeptID, &m.MergedID, &m.Reason, &m.MergedBy, &at); err != nil {
			return nil, fmt.Errorf("custody: merges: %w", err)
		}
		m.MergedAt = at.Time
		out = append(out, m)
	}
	return out, rows.Err()
}
