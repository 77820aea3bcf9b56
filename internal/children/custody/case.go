package custody

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/amparo-project/amparo/internal/children/internal/conv"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/identity"
)

// Case is one child. Empty and pointer fields are unknown: they are shown
// as unknown, never filled with a guess. The identity fields are the
// embedded identity.Person's (in JSON, sex and birth_date are null when
// unknown, see MarshalJSON).
type Case struct {
	ID    int64 `json:"id"`
	State State `json:"state"`
	identity.Person
	AKA                       string     `json:"aka"`
	BirthDateEstimated        bool       `json:"birth_date_estimated"`
	BirthDateEvidence         string     `json:"birth_date_evidence"`
	Nationality               string     `json:"nationality"`
	Languages                 []string   `json:"languages"`
	InterpreterNeeded         *bool      `json:"interpreter_needed"`
	EncounterPlace            string     `json:"encounter_place"`
	EncounteredAt             time.Time  `json:"encountered_at"`
	Separated                 *bool      `json:"separated_from_parent"`
	ParentDetails             string     `json:"parent_details"`
	MedicalFlags              []string   `json:"medical_flags"`
	Notes                     string     `json:"notes"`
	TraffickingVictim         bool       `json:"trafficking_victim"`
	DisabilitySpecialNeeds    bool       `json:"disability_special_needs"`
	AbuseSponsorMayNotProtect bool       `json:"abuse_sponsor_may_not_protect"`
	FacilityID                *int64     `json:"facility_id"`
	FacilityName              string     `json:"facility_name,omitempty"`
	FacilityTZ                string     `json:"facility_tz,omitempty"`
	BedSex                    string     `json:"-"`
	BedAgeBand                string     `json:"-"`
	PlacedAt                  *time.Time `json:"placed_at"`
	ClosedReason              string     `json:"closed_reason,omitempty"`
	CreatedBy                 *int64     `json:"created_by"`
	CreatedAt                 time.Time  `json:"created_at"`
	UpdatedAt                 time.Time  `json:"updated_at"`
	Siblings                  []int64    `json:"siblings"`
}

// MarshalJSON writes an unknown sex or birth date as null, as the API
// always has: a shallower field of the same name hides the embedded one.
func (c Case) MarshalJSON() ([]byte, error) {
	type plain Case
	return json.Marshal(struct {
		plain
		Sex       *string `json:"sex"`
		BirthDate *string `json:"birth_date"`
	}{plain(c), orNull(c.Sex), orNull(c.BirthDate)})
}

func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// DisplayName is the name as recorded, or "(name unknown)".
func (c *Case) DisplayName() string {
	n := strings.TrimSpace(strings.Join(strings.Fields(c.GivenNames+" "+c.Surname1+" "+c.Surname2), " "))
	if n == "" {
		return "(name unknown)"
	}
	return n
}

// Age returns the child's age in whole years at t, or -1 when the birth
// date is unknown.
func (c *Case) Age(t time.Time) int {
	if c.BirthDate == "" {
		return -1
	}
	b, err := time.Parse(time.DateOnly, c.BirthDate)
	if err != nil {
		return -1
	}
	return AgeAt(b, t)
}

// AgeAt is the age in whole years at t of someone born on b.
func AgeAt(b, t time.Time) int {
	t = t.UTC()
	age := t.Year() - b.Year()
	if t.Month() < b.Month() || (t.Month() == b.Month() && t.Day() < b.Day()) {
		age--
	}
	return age
}

// Intake is what is recorded when a child is encountered. Pointer fields
// may be nil (unknown).
type Intake struct {
	State State `json:"state"` // encountered (default) or in_border_custody
	// Person is who the child is: Sex F, M, or "" / "unknown"; BirthDate
	// YYYY-MM-DD.
	identity.Person
	AKA                       string    `json:"aka"`
	BirthDateEstimated        bool      `json:"birth_date_estimated"`
	BirthDateEvidence         string    `json:"birth_date_evidence"`
	Nationality               string    `json:"nationality"`
	Languages                 []string  `json:"languages"`
	InterpreterNeeded         *bool     `json:"interpreter_needed"`
	EncounterPlace            string    `json:"encounter_place"`
	EncounteredAt             time.Time `json:"encountered_at"`
	Separated                 *bool     `json:"separated_from_parent"`
	ParentDetails             string    `json:"parent_details"`
	MedicalFlags              []string  `json:"medical_flags"`
	Notes                     string    `json:"notes"`
	TraffickingVictim         bool      `json:"trafficking_victim"`
	DisabilitySpecialNeeds    bool      `json:"disability_special_needs"`
	AbuseSponsorMayNotProtect bool      `json:"abuse_sponsor_may_not_protect"`
	Siblings                  []int64   `json:"siblings"`
	// InPerson marks the first record of a child an officer has in front
	// of them (the intake form): Normalize then requires InPersonMinimum.
	// Imports and API records made elsewhere may leave those unknown.
	InPerson bool `json:"-"`
}

// InPersonMinimum is what an officer can always record for a child found
// with no papers, and so must: when and where the child was found
// (encountered_at, encounter_place), a name or what the child is called
// (given_names, surname1 or aka), the sex as seen or said, or "unknown"
// chosen on purpose, and a birth date, exact or estimated with what the
// estimate rests on (the child's account, appearance, a document). Without
// the sex and an age no bed can be chosen (placement refuses).
var InPersonMinimum = []string{"encountered_at", "encounter_place", "given_names", "sex", "birth_date"}

// maxText bounds free text so that one record cannot fill the database.
const maxText = 4000

// Lists are bounded like text: generous for any child, small enough that
// one request cannot store a megabyte of flags or link thousands of cases.
const (
	maxLanguages    = 20
	maxMedicalFlags = 50
	maxSiblings     = 30
)

// checkList adds a problem when list has more than max items or an item
// longer than maxLen bytes.
func checkList(v *errs.ValidationError, field string, list []string, max, maxLen int) {
	if len(list) > max {
		v.Add(field, "%d given; at most %d", len(list), max)
		return
	}
	for _, item := range list {
		if len(item) > maxLen {
			v.Add(field, "an item is longer than %d characters", maxLen)
			return
		}
		if !storable(item) {
			v.Add(field, "%s", unstorable)
			return
		}
	}
}

// unstorable is the problem of text storable refuses.
const unstorable = "contains a NUL character or bytes that are not UTF-8"

// inPersonProblems adds the problems of an in-person intake missing part
// of InPersonMinimum (before Normalize turns "unknown" into "").
func (in *Intake) inPersonProblems(v *errs.ValidationError) {
	if in.EncounterPlace == "" {
		v.Add("encounter_place", "say where the child was found (a place, a road, a port of entry)")
	}
	if in.GivenNames == "" && in.Surname1 == "" && in.AKA == "" {
		v.Add("given_names", "record a name, or what the child is called in the also-known-as field")
	}
	if strings.TrimSpace(in.Sex) == "" {
		v.Add("sex", "choose F, M or unknown")
	}
	if strings.TrimSpace(in.BirthDate) == "" {
		v.Add("birth_date", "give a birth date, or an approximate age: an estimate with what it rests on is enough")
	}
}

// storable reports whether both engines store s as it is: valid UTF-8
// without NUL (PostgreSQL refuses NUL; SQLite would keep it).
func storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// Normalize cleans in and checks it, returning a *errs.ValidationError listing
// every problem. now bounds dates in the future.
func (in *Intake) Normalize(now time.Time) error {
	v := &errs.ValidationError{}
	trim := func(s *string, field string, max int) {
		*s = strings.TrimSpace(*s)
		if len(*s) > max {
			v.Add(field, "longer than %d characters", max)
		} else if !storable(*s) {
			v.Add(field, "%s", unstorable)
		}
	}
	trim(&in.GivenNames, "given_names", 200)
	trim(&in.Surname1, "surname1", 200)
	trim(&in.Surname2, "surname2", 200)
	trim(&in.AKA, "aka", 400)
	trim(&in.BirthDateEvidence, "birth_date_evidence", maxText)
	trim(&in.BirthCountry, "birth_country", 100)
	trim(&in.BirthPlace, "birth_place", 200)
	trim(&in.MotherName, "mother_name", 200)
	trim(&in.FatherName, "father_name", 200)
	trim(&in.Nationality, "nationality", 100)
	trim(&in.EncounterPlace, "encounter_place", 400)
	trim(&in.ParentDetails, "parent_details", maxText)
	trim(&in.Notes, "notes", maxText)
	switch in.State {
	case "":
		in.State = StateEncountered
	case StateEncountered, StateInBorderCustody:
	default:
		v.Add("state", "a new case starts as encountered or in_border_custody, not %q", in.State)
	}
	if in.InPerson {
		in.inPersonProblems(v)
	}
	switch strings.ToUpper(strings.TrimSpace(in.Sex)) {
	case "F", "FEMALE", "FEMENINO", "MUJER":
		in.Sex = "F"
	case "M", "MALE", "MASCULINO", "HOMBRE":
		in.Sex = "M"
	case "", "UNKNOWN", "DESCONOCIDO", "U", "?":
		in.Sex = ""
	default:
		v.Add("sex", "must be F, M or unknown, not %q", in.Sex)
	}
	if in.EncounteredAt.IsZero() {
		v.Add("encountered_at", "the time of encounter is required: every legal clock starts from it")
	} else if in.EncounteredAt.After(now.Add(time.Hour)) {
		v.Add("encountered_at", "is in the future")
	}
	in.BirthDate = strings.TrimSpace(in.BirthDate)
	if strings.EqualFold(in.BirthDate, "unknown") {
		in.BirthDate = ""
	}
	if in.BirthDate != "" {
		b, err := time.Parse(time.DateOnly, in.BirthDate)
		switch {
		case err != nil:
			v.Add("birth_date", "must be YYYY-MM-DD, not %q", in.BirthDate)
		case b.After(now):
			v.Add("birth_date", "is in the future")
		case !in.EncounteredAt.IsZero() && AgeAt(b, in.EncounteredAt) >= 18:
			v.Add("birth_date", "makes the person 18 or older at encounter; record an estimated date with its evidence if age is disputed")
		}
		if in.BirthDateEstimated && in.BirthDateEvidence == "" {
			v.Add("birth_date_evidence", "an estimated birth date needs the evidence it rests on")
		}
	} else if in.BirthDateEstimated {
		v.Add("birth_date", "an estimate was marked but no date given")
	}
	in.Languages = conv.CleanList(in.Languages)
	in.MedicalFlags = conv.CleanList(in.MedicalFlags)
	checkList(v, "languages", in.Languages, maxLanguages, 100)
	checkList(v, "medical_flags", in.MedicalFlags, maxMedicalFlags, 200)
	if len(in.Siblings) > maxSiblings {
		v.Add("siblings", "%d given; at most %d", len(in.Siblings), maxSiblings)
	}
	if in.Separated == nil || !*in.Separated {
		if in.ParentDetails != "" && in.Separated != nil {
			v.Add("parent_details", "given but the child is recorded as not separated")
		}
	}
	for _, s := range in.Siblings {
		if s <= 0 {
			v.Add("siblings", "%d is not a case number", s)
		}
	}
	if len(v.Problems) > 0 {
		return v
	}
	return nil
}
