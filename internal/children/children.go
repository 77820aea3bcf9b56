// Package children is what is left of the former single children package
// while the tracing files (internal/tracing/requests/requests.go,
// internal/web/tracing_*.go) move to custody, facilities and release: type
// aliases and a thin Store over the three services. Deprecated: use
// custody, facilities and release; delete this file once nothing imports
// it.
package children

import (
	"context"
	"time"

	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
)

type (
	Case         = custody.Case
	State        = custody.State
	Scope        = custody.Scope
	Facility     = facilities.Facility
	Beds         = facilities.Beds
	Sponsor      = release.Sponsor
	Relationship = release.Relationship
	Category     = release.Category
)

const (
	StateEncountered     = custody.StateEncountered
	StateInBorderCustody = custody.StateInBorderCustody
	StateReferred        = custody.StateReferred
	StatePlaced          = custody.StatePlaced
	BandChild            = facilities.BandChild
	BandTeen             = facilities.BandTeen
	Category1            = release.Category1
	Category2A           = release.Category2A
	Category2B           = release.Category2B
	Category3            = release.Category3
	Category4            = release.Category4
)

// Relationships lists the known relationships (release.Relationships).
func Relationships() []Relationship { return release.Relationships() }

// CategoryOf is release.CategoryOf.
func CategoryOf(rel Relationship) (Category, error) { return release.CategoryOf(rel) }

// Intake is the former flat intake, for the tracing tests.
type Intake struct {
	State                                                 State
	GivenNames, Surname1, Surname2, Sex, BirthDate        string
	BirthCountry, BirthPlace, MotherName, FatherName, AKA string
	Nationality                                           string
	EncounteredAt                                         time.Time
}

// Store is the three services on one database.
type Store struct {
	*custody.Service
	fac *facilities.Service
	rel *release.Service
}

// New returns the services on db with the wall clock.
func New(db *store.DB) *Store { return NewAt(db, nil) }

// NewAt returns the services on db with clock.
func NewAt(db *store.DB, clock func() time.Time) *Store {
	fac := facilities.New(db, clock)
	cs := custody.New(db, fac, clock)
	return &Store{Service: cs, fac: fac, rel: release.New(db, cs, clock)}
}

// CreateCase is custody.CreateCase with the flat intake.
func (s *Store) CreateCase(ctx context.Context, in Intake) (*Case, error) {
	return s.Service.CreateCase(ctx, custody.Intake{State: in.State, Person: identity.Person{GivenNames: in.GivenNames, Surname1: in.Surname1,
		Surname2: in.Surname2, Sex: in.Sex, BirthDate: in.BirthDate, BirthCountry: in.BirthCountry, BirthPlace: in.BirthPlace,
		MotherName: in.MotherName, FatherName: in.FatherName}, AKA: in.AKA, Nationality: in.Nationality, EncounteredAt: in.EncounteredAt})
}

// CreateFacility is facilities.CreateFacility.
func (s *Store) CreateFacility(ctx context.Context, f Facility) (*Facility, error) {
	return s.fac.CreateFacility(ctx, f)
}

// AssignFacility is facilities.AssignFacility.
func (s *Store) AssignFacility(ctx context.Context, userID, facilityID int64) error {
	return s.fac.AssignFacility(ctx, userID, facilityID)
}

// AddSponsor is release.AddSponsor.
func (s *Store) AddSponsor(ctx context.Context, sp Sponsor) (*Sponsor, error) {
	return s.rel.AddSponsor(ctx, sp)
}

// Release is the release service of the three.
func (s *Store) Release() *release.Service { return s.rel }
