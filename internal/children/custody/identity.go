package custody

import (
	"context"
	"fmt"
	"strings"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/internal/conv"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
)

// IdentityChange corrects who a case says the child is: a name misheard at
// intake, a birth date a document later gave, the parents' names a relative
// supplied. Nil fields stay as they are; an empty string clears a field.
type IdentityChange struct {
	identity.Patch
	AKA                *string `json:"aka"`
	BirthDateEstimated *bool   `json:"birth_date_estimated"`
	BirthDateEvidence  *string `json:"birth_date_evidence"`
	// Reason says why (a document, the child's own account); required.
	Reason string `json:"reason"`
}

// identityField is one correctable field: its name, how to read it from an
// intake, and where a change points into it.
type identityField struct {
	name string
	get  func(*Intake) string
	set  func(*Intake, *IdentityChange)
}

func setStr(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

var identityFields = []identityField{
	{"given_names", func(in *Intake) string { return in.GivenNames }, func(in *Intake, c *IdentityChange) { setStr(&in.GivenNames, c.GivenNames) }},
	{"surname1", func(in *Intake) string { return in.Surname1 }, func(in *Intake, c *IdentityChange) { setStr(&in.Surname1, c.Surname1) }},
	{"surname2", func(in *Intake) string { return in.Surname2 }, func(in *Intake, c *IdentityChange) { setStr(&in.Surname2, c.Surname2) }},
	{"aka", func(in *Intake) string { return in.AKA }, func(in *Intake, c *IdentityChange) { setStr(&in.AKA, c.AKA) }},
	{"sex", func(in *Intake) string { return in.Sex }, func(in *Intake, c *IdentityChange) { setStr(&in.Sex, c.Sex) }},
	{"birth_date", func(in *Intake) string { return in.BirthDate }, func(in *Intake, c *IdentityChange) { setStr(&in.BirthDate, c.BirthDate) }},
	{"birth_date_estimated", func(in *Intake) string { return fmt.Sprint(in.BirthDateEstimated) }, func(in *Intake, c *IdentityChange) {
		if c.BirthDateEstimated != nil {
			in.BirthDateEstimated = *c.BirthDateEstimated
		}
	}},
	{"birth_date_evidence", func(in *Intake) string { return in.BirthDateEvidence }, func(in *Intake, c *IdentityChange) { setStr(&in.BirthDateEvidence, c.BirthDateEvidence) }},
	{"birth_country", func(in *Intake) string { return in.BirthCountry }, func(in *Intake, c *IdentityChange) { setStr(&in.BirthCountry, c.BirthCountry) }},
	{"birth_place", func(in *Intake) string { return in.BirthPlace }, func(in *Intake, c *IdentityChange) { setStr(&in.BirthPlace, c.BirthPlace) }},
	{"mother_name", func(in *Intake) string { return in.MotherName }, func(in *Intake, c *IdentityChange) { setStr(&in.MotherName, c.MotherName) }},
	{"father_name", func(in *Intake) string { return in.FatherName }, func(in *Intake, c *IdentityChange) { setStr(&in.FatherName, c.FatherName) }},
}

// intakeOf is the intake a case would have been created from, for
// validating a correction by the rules of intake.
func intakeOf(c *Case) Intake {
	return Intake{State: StateEncountered, Person: c.Person, AKA: c.AKA,
		BirthDateEstimated: c.BirthDateEstimated, BirthDateEvidence: c.BirthDateEvidence, Nationality: c.Nationality,
		EncounteredAt: c.EncounteredAt, Separated: c.Separated, ParentDetails: c.ParentDetails}
}

// UpdateIdentity corrects a case's identity fields, checked as at intake.
// The timeline records each field's old and new value with the reason;
// the audit log records which fields changed. A change that changes
// nothing returns the case as it is.
func (s *Service) UpdateIdentity(ctx context.Context, id int64, ch IdentityChange) (*Case, error) {
	if _, err := auth.Require(ctx, auth.PermCaseUpdate); err != nil {
		return nil, err
	}
	ch.Reason = strings.TrimSpace(ch.Reason)
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.caseInScope(ctx, id)
		if err != nil {
			return err
		}
		old := intakeOf(c)
		in := old
		for _, f := range identityFields {
			f.set(&in, &ch)
		}
		verr := &errs.ValidationError{}
		if err := in.Normalize(s.now()); err != nil {
			verr = err.(*errs.ValidationError)
		}
		if ch.Reason == "" {
			verr.Add("reason", "say why the identity is corrected (a document, the child's account)")
		} else if len(ch.Reason) > maxText {
			verr.Add("reason", "longer than %d characters", maxText)
		}
		if len(verr.Problems) > 0 {
			return verr
		}
		var changes, names []string
		for _, f := range identityFields {
			if a, b := f.get(&old), f.get(&in); a != b {
				changes = append(changes, fmt.Sprintf("%s: %q → %q", f.name, a, b))
				names = append(names, f.name)
			}
		}
		if len(changes) == 0 {
			return nil
		}
		var sex, birth any
		if in.Sex != "" {
			sex = in.Sex
		}
		if in.BirthDate != "" {
			birth = in.BirthDate
		}
		now := s.now()
		if _, err := s.db.Exec(ctx, `UPDATE cases SET given_names = ?, surname1 = ?, surname2 = ?, aka = ?, sex = ?, birth_date = ?,
			birth_date_estimated = ?, birth_date_evidence = ?, birth_country = ?, birth_place = ?, mother_name = ?, father_name = ?,
			key_given = ?, key_surname1 = ?, key_surname2 = ?, updated_at = ? WHERE id = ?`,
			in.GivenNames, in.Surname1, in.Surname2, in.AKA, sex, birth, conv.B2I(in.BirthDateEstimated), in.BirthDateEvidence,
			in.BirthCountry, in.BirthPlace, in.MotherName, in.FatherName, identity.Fold(in.GivenNames), identity.Fold(in.Surname1), identity.Fold(in.Surname2),
			store.FormatTime(now), id); err != nil {
			return fmt.Errorf("custody: correct identity of case %d: %w", id, err)
		}
		if _, err := s.db.Exec(ctx, `INSERT INTO case_identity_changes (case_id, at) VALUES (?, ?)`, id, store.FormatTime(now)); err != nil {
			return fmt.Errorf("custody: correct identity of case %d: %w", id, err)
		}
		if err := s.addEvent(ctx, id, now, Event{Kind: "identity", Reason: ch.Reason + " (" + strings.Join(changes, "; ") + ")"}); err != nil {
			return err
		}
		s.changed(ctx, Change{Kind: ChangeIdentity, CaseID: id})
		// Field names only: the values are the child's, and the audit
		// log is read more widely than the case.
		return audit.Log(ctx, s.db, audit.Event{Action: "case.identity", ObjectType: "case", ObjectID: fmt.Sprint(id), Detail: strings.Join(names, ",")})
	})
	if err != nil {
		return nil, err
	}
	return s.loadCase(ctx, id)
}
