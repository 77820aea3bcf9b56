package facilities

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // facility zones must load on machines without zoneinfo

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/internal/conv"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

// Facility is a place that holds children.
type Facility struct {
	ID        int64    `json:"id"`
	Name      string   `json:"name"`
	Type      string   `json:"type"`
	City      string   `json:"city"`
	USState   string   `json:"us_state"`
	Lat       *float64 `json:"lat"`
	Lon       *float64 `json:"lon"`
	TZ        string   `json:"tz"`
	Languages []string `json:"languages"`
	Status    string   `json:"status"` // open, closed
	Beds      []Beds   `json:"beds"`
}

// Beds is the licensed capacity for one sex and age band.
type Beds struct {
	Sex      string `json:"sex"`
	AgeBand  string `json:"age_band"`
	Capacity int    `json:"capacity"`
	Occupied int    `json:"occupied"`
}

// Capacity and Occupied total over the facility's beds.
func (f *Facility) Capacity() (capacity, occupied int) {
	for _, b := range f.Beds {
		capacity += b.Capacity
		occupied += b.Occupied
	}
	return
}

// Location returns the facility's time zone, or UTC when it cannot load.
func (f *Facility) Location() *time.Location { return LoadLocation(f.TZ) }

// LoadLocation loads an IANA zone, falling back to UTC (and saying so in
// the zone's name) rather than failing a page.
func LoadLocation(tz string) *time.Location {
	if tz == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return time.UTC
	}
	return loc
}

// maxName bounds a facility's name and city.
const maxName = 200

// MaxBeds bounds one line of licensed beds (a typing slip guard; the
// column is a 32-bit integer on PostgreSQL, where 3,000,000,000 answered
// 500).
const MaxBeds = 100000

func (f *Facility) validate() error {
	v := &errs.ValidationError{}
	f.Name = strings.TrimSpace(f.Name)
	if f.Name == "" {
		v.Add("name", "is required")
	}
	// The name is unique: PostgreSQL refuses an index entry over 2704
	// bytes (a 500); no facility's name or city is that long.
	if len(f.Name) > maxName {
		v.Add("name", "longer than %d characters", maxName)
	}
	if len(f.City) > maxName {
		v.Add("city", "longer than %d characters", maxName)
	}
	if !slices.Contains(Types, f.Type) {
		v.Add("type", "must be one of %s", strings.Join(Types, ", "))
	}
	if _, err := time.LoadLocation(f.TZ); err != nil || f.TZ == "" {
		v.Add("tz", "must be an IANA time zone such as America/Chicago")
	}
	if f.Status == "" {
		f.Status = "open"
	}
	if f.Status != "open" && f.Status != "closed" {
		v.Add("status", "must be open or closed")
	}
	if (f.Lat == nil) != (f.Lon == nil) {
		v.Add("lat", "give both latitude and longitude, or neither")
	}
	// Written so that NaN (which the command line's flags parse) fails too.
	if f.Lat != nil && !(*f.Lat >= -90 && *f.Lat <= 90) {
		v.Add("lat", "must be a latitude from -90 to 90")
	}
	if f.Lon != nil && !(*f.Lon >= -180 && *f.Lon <= 180) {
		v.Add("lon", "must be a longitude from -180 to 180")
	}
	for _, b := range f.Beds {
		if !slices.Contains(Sexes, b.Sex) {
			v.Add("beds", "sex must be F or M")
		}
		if !slices.Contains(AgeBands, b.AgeBand) {
			v.Add("beds", "age band must be one of %s", strings.Join(AgeBands, ", "))
		}
		if b.Capacity < 0 || b.Capacity > MaxBeds {
			v.Add("beds", "capacity must be from 0 to %d", MaxBeds)
		}
	}
	f.Languages = conv.CleanList(f.Languages)
	if len(v.Problems) > 0 {
		return v
	}
	return nil
}

// CreateFacility adds a facility with its beds.
func (s *Service) CreateFacility(ctx context.Context, f Facility) (*Facility, error) {
	if _, err := auth.Require(ctx, auth.PermFacilityManage); err != nil {
		return nil, err
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		err := s.db.QueryRow(ctx, `INSERT INTO facilities (name, type, city, us_state, lat, lon, tz, languages, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			f.Name, f.Type, f.City, f.USState, f.Lat, f.Lon, f.TZ, conv.JoinList(f.Languages), f.Status, store.FormatTime(s.now())).Scan(&f.ID)
		if err != nil {
			if store.IsUniqueViolation(err) {
				return fmt.Errorf("facilities: create facility: %w: a facility named %q exists", errs.ErrConflict, f.Name)
			}
			return fmt.Errorf("facilities: create facility: %w", err)
		}
		for i := range f.Beds {
			f.Beds[i].Occupied = 0
			if err := s.setBeds(ctx, f.ID, f.Beds[i]); err != nil {
				return err
			}
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "facility.create", ObjectType: "facility", ObjectID: fmt.Sprint(f.ID), Detail: f.Type})
	})
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// SetBeds changes one licensed capacity. It refuses to go below the beds
// occupied now: children are moved first.
func (s *Service) SetBeds(ctx context.Context, facilityID int64, b Beds) error {
	if _, err := auth.Require(ctx, auth.PermFacilityManage); err != nil {
		return err
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.setBeds(ctx, facilityID, b); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "facility.beds", ObjectType: "facility", ObjectID: fmt.Sprint(facilityID),
			Detail: fmt.Sprintf("%s %s capacity %d", b.Sex, b.AgeBand, b.Capacity)})
	})
}

// SetAllBeds sets several lines of beds at once: every line is checked
// first (each problem reported), then all are written in one transaction,
// so a refused line leaves every line as it was.
func (s *Service) SetAllBeds(ctx context.Context, facilityID int64, beds []Beds) error {
	if _, err := auth.Require(ctx, auth.PermFacilityManage); err != nil {
		return err
	}
	v := &errs.ValidationError{}
	seen := map[[2]string]bool{}
	for i, b := range beds {
		key := [2]string{b.Sex, b.AgeBand}
		switch {
		case !slices.Contains(Sexes, b.Sex) || !slices.Contains(AgeBands, b.AgeBand) || b.Capacity < 0 || b.Capacity > MaxBeds:
			v.Add(fmt.Sprintf("beds[%d]", i), "sex F or M, a known age band, capacity from 0 to %d", MaxBeds)
		case seen[key]:
			v.Add(fmt.Sprintf("beds[%d]", i), "%s %s is given twice", b.Sex, b.AgeBand)
		}
		seen[key] = true
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.Facility(ctx, facilityID); err != nil {
			return err
		}
		for _, b := range beds {
			if err := s.SetBeds(ctx, facilityID, b); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Service) setBeds(ctx context.Context, facilityID int64, b Beds) error {
	if !slices.Contains(Sexes, b.Sex) || !slices.Contains(AgeBands, b.AgeBand) || b.Capacity < 0 || b.Capacity > MaxBeds {
		return &errs.ValidationError{Problems: []errs.FieldError{{Field: "beds", Problem: fmt.Sprintf("sex F or M, a known age band, capacity from 0 to %d", MaxBeds)}}}
	}
	var occupied int
	err := s.db.QueryRow(ctx, `SELECT occupied FROM facility_beds WHERE facility_id = ? AND sex = ? AND age_band = ?`, facilityID, b.Sex, b.AgeBand).Scan(&occupied)
	switch {
	case store.IsNoRows(err):
		_, err = s.db.Exec(ctx, `INSERT INTO facility_beds (facility_id, sex, age_band, capacity, occupied) VALUES (?, ?, ?, ?, 0)`, facilityID, b.Sex, b.AgeBand, b.Capacity)
	case err != nil:
	case b.Capacity < occupied:
		return errs.Conflict("%d beds (%s, %s) are occupied; capacity cannot go below that", occupied, b.Sex, b.AgeBand)
	default:
		_, err = s.db.Exec(ctx, `UPDATE facility_beds SET capacity = ? WHERE facility_id = ? AND sex = ? AND age_band = ?`, b.Capacity, facilityID, b.Sex, b.AgeBand)
	}
	if err != nil {
		return fmt.Errorf("facilities: set beds: %w", err)
	}
	return nil
}

const facilityCols = `id, name, type, city, us_state, lat, lon, tz, languages, status`

func scanFacility(sc interface{ Scan(...any) error }) (*Facility, error) {
	var f Facility
	var lat, lon sql.NullFloat64
	var langs string
	if err := sc.Scan(&f.ID, &f.Name, &f.Type, &f.City, &f.USState, &lat, &lon, &f.TZ, &langs, &f.Status); err != nil {
		return nil, err
	}
	if lat.Valid && lon.Valid {
		f.Lat, f.Lon = &lat.Float64, &lon.Float64
	}
	f.Languages = conv.SplitList(langs)
	return &f, nil
}

// Facilities lists every facility with its beds, by name. Facilities are
// not personal data; reading them needs facility.read but is not audited.
func (s *Service) Facilities(ctx context.Context) ([]*Facility, error) {
	if _, err := auth.Require(ctx, auth.PermFacilityRead); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT `+facilityCols+` FROM facilities ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("facilities: list facilities: %w", err)
	}
	out := []*Facility{}
	byID := map[int64]*Facility{}
	for rows.Next() {
		f, err := scanFacility(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("facilities: list facilities: %w", err)
		}
		out = append(out, f)
		byID[f.ID] = f
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("facilities: list facilities: %w", err)
	}
	rows, err = s.db.Query(ctx, `SELECT facility_id, sex, age_band, capacity, occupied FROM facility_beds ORDER BY facility_id, sex, age_band`)
	if err != nil {
		return nil, fmt.Errorf("facilities: list beds: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var b Beds
		if err := rows.Scan(&id, &b.Sex, &b.AgeBand, &b.Capacity, &b.Occupied); err != nil {
			return nil, fmt.Errorf("facilities: list beds: %w", err)
		}
		if f := byID[id]; f != nil {
			f.Beds = append(f.Beds, b)
		}
	}
	return out, rows.Err()
}

// Facility returns one facility with its beds.
func (s *Service) Facility(ctx context.Context, id int64) (*Facility, error) {
	if _, err := auth.Require(ctx, auth.PermFacilityRead); err != nil {
		return nil, err
	}
	f, err := scanFacility(s.db.QueryRow(ctx, `SELECT `+facilityCols+` FROM facilities WHERE id = ?`, id))
	if store.IsNoRows(err) {
		return nil, fmt.Errorf("facilities: facility %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("facilities: facility %d: %w", id, err)
	}
	rows, err := s.db.Query(ctx, `SELECT sex, age_band, capacity, occupied FROM facility_beds WHERE facility_id = ? ORDER BY sex, age_band`, id)
	if err != nil {
		return nil, fmt.Errorf("facilities: facility beds: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var b Beds
		if err := rows.Scan(&b.Sex, &b.AgeBand, &b.Capacity, &b.Occupied); err != nil {
			return nil, fmt.Errorf("facilities: facility beds: %w", err)
		}
		f.Beds = append(f.Beds, b)
	}
	return f, rows.Err()
}

// FacilityByName finds a facility by its exact name.
func (s *Service) FacilityByName(ctx context.Context, name string) (*Facility, error) {
	if _, err := auth.Require(ctx, auth.PermFacilityRead); err != nil {
		return nil, err
	}
	var id int64
	err := s.db.QueryRow(ctx, `SELECT id FROM facilities WHERE name = ?`, name).Scan(&id)
	if store.IsNoRows(err) {
		return nil, fmt.Errorf("facilities: facility %q: %w", name, errs.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("facilities: facility %q: %w", name, err)
	}
	return s.Facility(ctx, id)
}

// AssignFacility puts a user on a facility's staff, which is what lets a
// caseworker or legal provider see the facility's cases. It is an
// operator's act (CLI) or an admin's.
func (s *Service) AssignFacility(ctx context.Context, userID, facilityID int64) error {
	if _, err := auth.Require(ctx, auth.PermFacilityManage); err != nil {
		return err
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		_, err := s.db.Exec(ctx, `INSERT INTO user_facilities (user_id, facility_id) VALUES (?, ?) ON CONFLICT (user_id, facility_id) DO NOTHING`, userID, facilityID)
		if err != nil {
			return fmt.Errorf("facilities: assign facility: %w", err)
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "facility.assign", ObjectType: "user", ObjectID: fmt.Sprint(userID), Detail: fmt.Sprintf("facility %d", facilityID)})
	})
}

// UnassignFacility removes a user from a facility's staff.
func (s *Service) UnassignFacility(ctx context.Context, userID, facilityID int64) error {
	if _, err := auth.Require(ctx, auth.PermFacilityManage); err != nil {
		return err
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.db.Exec(ctx, `DELETE FROM user_facilities WHERE user_id = ? AND facility_id = ?`, userID, facilityID); err != nil {
			return fmt.Errorf("facilities: unassign facility: %w", err)
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "facility.unassign", ObjectType: "user", ObjectID: fmt.Sprint(userID), Detail: fmt.Sprintf("facility %d", facilityID)})
	})
}

// UserFacilities lists the facilities a user works in (custody builds a
// caseworker's or legal provider's scope from it).
func (s *Service) UserFacilities(ctx context.Context, userID int64) ([]int64, error) {
	if _, err := auth.Require(ctx, auth.PermFacilityRead); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT facility_id FROM user_facilities WHERE user_id = ? ORDER BY facility_id`, userID)
	if err != nil {
		return nil, fmt.Errorf("facilities: user facilities: %w", err)
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("facilities: user facilities: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
