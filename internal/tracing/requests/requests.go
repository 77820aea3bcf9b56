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
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
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

// Query is a search as a relative can give it: what they know of the
// child (Person), or an age where they do not know the birth date.
type Query struct {
	Person
	// Age is what the relative says of the child's age ("14", "about
	// 14", "unos 14 años"); it stands for a birth date, so only one of
	// the two may be given.
	Age Age `json:"age"`
	// Limit is the most results wanted (DefaultLimit when 0).
	Limit int `json:"limit"`
}

// Age is an age in years as a relative says it, written as a JSON number
// or as text.
type Age string

// UnmarshalJSON accepts 14 as well as "about 14".
func (a *Age) UnmarshalJSON(b []byte) error {
	var n json.Number
	if err := json.Unmarshal(b, &n); err == nil {
		*a = Age(n.String())
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("age: want a number of years or text such as \"about 14\"")
	}
	*a = Age(s)
	return nil
}

// ageWords are the words around an age that say it is approximate or
// give its unit, in English and Spanish (folded).
var ageWords = map[string]bool{
	"about": true, "around": true, "approx": true, "approximately": true, "roughly": true, "maybe": true,
	"aprox": true, "aproximadamente": true, "unos": true, "como": true, "cerca": true, "de": true, "mas": true, "menos": true, "o": true,
	"years": true, "year": true, "yrs": true, "yr": true, "old": true, "y": true, "anos": true, "ano": true,
}

// maxAge is the oldest age a search for a child accepts (young adults
// are still traced by their families).
const maxAge = 25

// parseAge reads an age in years from what a relative says; false when
// it holds no single whole number from 0 to maxAge among the words
// ageWords allows.
func parseAge(s Age) (int, bool) {
	// Fold drops digits, so the words are split first: digits stay a
	// number, letters are folded and must be one of ageWords.
	words := strings.FieldsFunc(string(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	age := -1
	for _, w := range words {
		if ageWords[identity.Fold(w)] {
			continue
		}
		n, err := strconv.Atoi(w)
		if err != nil || age >= 0 || n < 0 || n > maxAge {
			return 0, false
		}
		age = n
	}
	return age, age >= 0
}

// birthYearFromAge is the year in which most of the birthdays of a child
// of age years on day now fall: a child aged 14 on 30 November 2026 was
// born between December 2011 and November 2012, so 2012. The engine
// compares a year with a full date as "same year", and a year off as
// "within a year", which covers the "about" of an age a relative gives.
func birthYearFromAge(now time.Time, age int) string {
	return strconv.Itoa(now.AddDate(-age, -6, 0).Year())
}

// normalizeQuery checks q as normalizePerson does, and turns an age into
// the birth year the engine compares (the second result says an age was
// given).
func normalizeQuery(q *Query, now time.Time, v *ValidationError) bool {
	normalizePerson(&q.Person, v, "")
	if q.Limit < 0 || q.Limit > MaxLimit {
		v.Add("limit", "must be from 1 to %d", MaxLimit)
	}
	q.Age = Age(strings.TrimSpace(string(q.Age)))
	if q.Age == "" {
		return false
	}
	age, ok := parseAge(q.Age)
	switch {
	case !ok:
		v.Add("age", "must be a number of years from 0 to %d, such as 14 or about 14", maxAge)
	case q.BirthDate != "":
		v.Add("age", "give a birth date or an age, not both")
	default:
		q.BirthDate = birthYearFromAge(now, age)
		return true
	}
	return false
}
