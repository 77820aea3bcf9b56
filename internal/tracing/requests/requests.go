// Package requests is tracing in the app: a relative (or a caseworker on
// their behalf) records who they are looking for; the request is matched
// against every child's case and each new case against the open requests;
// the candidates are ranked with the weight each field contributed, and a
// caseworker confirms or rejects them. A confirmed match links the relative
// to the case and can become a sponsor record.
//
// Privacy is part of every step: a caller only ever sees candidates among
// the cases their role may read (custody.Scope), a case outside that scope
// is not returned nor counted, and every search, request, read and decision
// writes an audit row without names.
package requests

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/tracing"
)

// Status is where a tracing request stands.
type Status string

// Request statuses.
const (
	StatusOpen    Status = "open"    // being looked for; new cases are matched against it
	StatusMatched Status = "matched" // at least one candidate confirmed
	StatusClosed  Status = "closed"  // withdrawn or ended without a match
)

// CandidateStatus is where a proposed match stands.
type CandidateStatus string

// Candidate statuses.
const (
	CandidateProposed  CandidateStatus = "proposed"
	CandidateConfirmed CandidateStatus = "confirmed"
	CandidateRejected  CandidateStatus = "rejected"
)

// ErrForbidden is returned when the caller lacks the permission.
var ErrForbidden = errs.ErrForbidden

// Person describes the child sought, in the fields the engine compares:
// the one identity type (identity.Person). Empty fields are unknown.
// BirthDate is YYYY, YYYY-MM or YYYY-MM-DD. As an alias it has no methods
// of this package: a search reads it as tracing.Record{Person: p}, and
// normalizePerson checks it.
type Person = identity.Person

// Seeker is who is looking for the child.
type Seeker struct {
	GivenNames string `json:"given_names"`
	Surnames   string `json:"surnames"`
	// Relationship to the child, one of release.Relationships(), so that a
	// confirmed link can become a sponsor record with its category.
	Relationship release.Relationship `json:"relationship"`
	Contact      string               `json:"contact"`  // phone, address, or how to reach them
	Language     string               `json:"language"` // the language they speak
}

// NewRequest is what is recorded when a relative asks.
type NewRequest struct {
	Seeker Seeker `json:"seeker"`
	Sought Person `json:"sought"`
	Notes  string `json:"notes"`
}

// Request is a stored tracing request.
type Request struct {
	ID           int64     `json:"id"`
	Status       Status    `json:"status"`
	Seeker       Seeker    `json:"seeker"`
	Sought       Person    `json:"sought"`
	Notes        string    `json:"notes"`
	ClosedReason string    `json:"closed_reason,omitempty"`
	RecordedBy   string    `json:"recorded_by"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	// ToDecide counts the proposed candidates among the cases the viewer
	// may see (set by List only).
	ToDecide *int `json:"to_decide,omitempty"`
}

// Candidate is a case proposed for a request.
type Candidate struct {
	ID          int64                 `json:"id"`
	RequestID   int64                 `json:"request_id"`
	CaseID      int64                 `json:"case_id"`
	Probability float64               `json:"probability"`
	Weight      float64               `json:"weight"`
	Explanation []tracing.FieldWeight `json:"explanation"`
	FoundBy     string                `json:"found_by"` // request, new_case
	FoundAt     time.Time             `json:"found_at"`
	Status      CandidateStatus       `json:"status"`
	DecidedBy   string                `json:"decided_by,omitempty"`
	DecidedAt   *time.Time            `json:"decided_at,omitempty"`
	Reason      string                `json:"reason,omitempty"`
	// Case is what the viewer may see of the case (set on reads).
	Case *CaseBrief `json:"case,omitempty"`
}

// Link is a confirmed match: the relative of a request linked to a case.
type Link struct {
	ID          int64     `json:"id"`
	RequestID   int64     `json:"request_id"`
	CaseID      int64     `json:"case_id"`
	CandidateID int64     `json:"candidate_id"`
	SponsorID   *int64    `json:"sponsor_id"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// View is a request with the candidates and links the viewer may see.
type View struct {
	Request    *Request    `json:"request"`
	Candidates []Candidate `json:"candidates"`
	Links      []Link      `json:"links"`
}

// FieldError and ValidationError are the children domain's: one shape
// for every input problem Amparo reports (422).
type (
	FieldError      = errs.FieldError
	ValidationError = errs.ValidationError
)

// problems returns v when it holds any problem, else nil: a nil
// *ValidationError in an error interface would not be nil.
func problems(v *ValidationError) error {
	if len(v.Problems) == 0 {
		return nil
	}
	return v
}

// sexes maps the ways sex is written in English and Spanish (accents and
// case folded) to F, M or "" (unknown).
var sexes = map[string]string{
	"": "", "unknown": "", "desconocido": "", "u": "", "?": "",
	"f": "F", "female": "F", "femenino": "F", "mujer": "F", "nina": "F", "girl": "F",
	"m": "M", "male": "M", "masculino": "M", "hombre": "M", "h": "M", "varon": "M", "nino": "M", "boy": "M",
}

// maxText bounds every free-text field; names are far shorter.
const maxText = 500

// normalizePerson trims p and checks it: something to search on (a given
// name or a surname), a known sex, a birth date in one of the engine's forms.
func normalizePerson(p *Person, v *ValidationError, prefix string) {
	for _, f := range []struct {
		name string
		s    *string
	}{
		{"given_names", &p.GivenNames}, {"surname1", &p.Surname1}, {"surname2", &p.Surname2}, {"sex", &p.Sex},
		{"birth_date", &p.BirthDate}, {"birth_country", &p.BirthCountry}, {"birth_place", &p.BirthPlace},
		{"mother_name", &p.MotherName}, {"father_name", &p.FatherName},
	} {
		*f.s = strings.Join(strings.Fields(*f.s), " ")
		checkText(v, prefix+f.name, *f.s)
	}
	if p.GivenNames == "" && p.Surname1 == "" && p.Surname2 == "" {
		v.Add(prefix+"given_names", "a given name or a surname is needed to search")
	}
	if sex, ok := sexes[identity.Fold(p.Sex)]; ok {
		p.Sex = sex
	} else {
		v.Add(prefix+"sex", "must be F, M or empty (unknown)")
	}
	if p.BirthDate != "" && !validBirthDate(p.BirthDate) {
		v.Add(prefix+"birth_date", "must be YYYY, YYYY-MM or YYYY-MM-DD")
	}
}

func checkText(v *ValidationError, field, s string) {
	if !utf8.ValidString(s) {
		v.Add(field, "is not valid UTF-8")
	} else if utf8.RuneCountInString(s) > maxText {
		v.Add(field, "is longer than %d characters", maxText)
	}
}

// validBirthDate accepts the three precisions a relative may know.
func validBirthDate(s string) bool {
	for _, layout := range []string{"2006", "2006-01", "2006-01-02"} {
		if len(s) == len(layout) {
			if t, err := time.Parse(layout, s); err == nil && t.Year() >= 1900 {
				return true
			}
		}
	}
	return false
}

// Normalize trims the request and checks it.
func (in *NewRequest) Normalize() error {
	v := &ValidationError{}
	normalizePerson(&in.Sought, v, "sought.")
	sk := &in.Seeker
	for _, f := range []struct {
		name string
		s    *string
	}{{"seeker.given_names", &sk.GivenNames}, {"seeker.surnames", &sk.Surnames}, {"seeker.contact", &sk.Contact}, {"seeker.language", &sk.Language}} {
		*f.s = strings.TrimSpace(*f.s)
		checkText(v, f.name, *f.s)
	}
	in.Notes = strings.TrimSpace(in.Notes)
	checkText(v, "notes", in.Notes)
	if sk.GivenNames == "" && sk.Surnames == "" {
		v.Add("seeker.given_names", "the name of the person looking is needed")
	}
	if sk.Contact == "" {
		v.Add("seeker.contact", "a way to reach the person looking is needed")
	}
	sk.Relationship = release.Relationship(strings.TrimSpace(string(sk.Relationship)))
	if cat, err := release.CategoryOf(sk.Relationship); err != nil || cat == release.Category4 {
		v.Add("seeker.relationship", "must be one of the known relationships")
	}
	return problems(v)
}

// Decision confirms or rejects a candidate.
type Decision struct {
	Status CandidateStatus `json:"status"` // confirmed or rejected
	Reason string          `json:"reason"` // required to reject
}

// Normalize checks the decision. A rejection must say why, so that the
// next caseworker does not reopen the same candidate blind.
func (d *Decision) Normalize() error {
	v := &ValidationError{}
	d.Reason = strings.TrimSpace(d.Reason)
	checkText(v, "reason", d.Reason)
	switch d.Status {
	case CandidateConfirmed:
	case CandidateRejected:
		if d.Reason == "" {
			v.Add("reason", "a reason is required to reject a candidate")
		}
	default:
		v.Add("status", "must be confirmed or rejected")
	}
	return problems(v)
}

func require(ctx context.Context, perm auth.Permission) (auth.Principal, error) {
	return auth.Require(ctx, perm)
}

func notFound(what string, id int64) error {
	return fmt.Errorf("tracing: %s %d: %w", what, id, store.ErrNotFound)
}

// conflictError is a refusal the API answers with 409 and this message.
type conflictError struct{ msg string }

func (e *conflictError) Error() string { return e.msg }
func (e *conflictError) Unwrap() error { return store.ErrConflict }
