package children

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/children/demo"
	"github.com/amparo-project/amparo/internal/store"
)

// DemoOptions sizes the synthetic data.
type DemoOptions struct {
	Cases      int // 5,000 for `amparo demo`; 100,000 in the benchmarks
	Facilities int // at most len(demoFacilities)
	Seed       uint64
	// RequesterID and ApproverID are two staff accounts named on the
	// demo's releases (a release always has two people).
	RequesterID, ApproverID int64
	// Staff are accounts given access to the busiest facilities, so that a
	// demo caseworker or legal provider sees cases.
	Staff []int64
}

// demoFacility is a fictional facility in a real place.
type demoFacility struct {
	name, typ, city, state, tz string
	lat, lon                   float64
	langs                      []string
	weight                     int // share of the children placed
}

var demoFacilities = []demoFacility{
	{"Casa Esperanza", "shelter", "San Antonio", "TX", "America/Chicago", 29.42, -98.49, []string{"Spanish", "English", "K'iche'"}, 9},
	{"Hogar del Valle", "shelter", "Harlingen", "TX", "America/Chicago", 26.19, -97.70, []string{"Spanish", "English"}, 8},
	{"Casa Brownsville Norte", "shelter", "Brownsville", "TX", "America/Chicago", 25.90, -97.50, []string{"Spanish", "English"}, 8},
	{"Refugio Franklin", "shelter", "El Paso", "TX", "America/Denver", 31.76, -106.49, []string{"Spanish", "English", "Mam"}, 6},
	{"Bayou Children's Home", "shelter", "Houston", "TX", "America/Chicago", 29.76, -95.37, []string{"Spanish", "English", "Garifuna"}, 7},
	{"Sonoran Youth Center", "shelter", "Phoenix", "AZ", "America/Phoenix", 33.45, -112.07, []string{"Spanish", "English", "Q'anjob'al"}, 6},
	{"Casa Tucson", "staff_secure", "Tucson", "AZ", "America/Phoenix", 32.22, -110.97, []string{"Spanish", "English"}, 2},
	{"Pacific Shelter", "shelter", "San Diego", "CA", "America/Los_Angeles", 32.72, -117.16, []string{"Spanish", "English", "Mixteco"}, 5},
	{"Los Angeles Transitional Foster Care", "transitional_foster_care", "Los Angeles", "CA", "America/Los_Angeles", 34.05, -118.24, []string{"Spanish", "English"}, 4},
	{"Bay Area Residential Treatment Center", "residential_treatment", "Oakland", "CA", "America/Los_Angeles", 37.80, -122.27, []string{"Spanish", "English"}, 1},
	{"Miami Children's Shelter", "shelter", "Miami", "FL", "America/New_York", 25.76, -80.19, []string{"Spanish", "English", "Haitian Creole"}, 5},
	{"Homestead Influx Site", "influx", "Homestead", "FL", "America/New_York", 25.47, -80.48, []string{"Spanish", "English"}, 9},
	{"Chicago Youth Shelter", "shelter", "Chicago", "IL", "America/Chicago", 41.88, -87.63, []string{"Spanish", "English", "Q'eqchi'"}, 4},
	{"Hudson Valley Foster Care", "transitional_foster_care", "New York", "NY", "America/New_York", 40.71, -74.01, []string{"Spanish", "English"}, 4},
	{"Capitol Shelter", "shelter", "Alexandria", "VA", "America/New_York", 38.80, -77.05, []string{"Spanish", "English"}, 3},
	{"Piedmont Children's Center", "shelter", "Raleigh", "NC", "America/New_York", 35.78, -78.64, []string{"Spanish", "English", "Mam"}, 3},
	{"Shenandoah Secure Care", "secure", "Staunton", "VA", "America/New_York", 38.15, -79.07, []string{"Spanish", "English"}, 1},
	{"Lone Star Influx Site", "influx", "Pecos", "TX", "America/Chicago", 31.42, -103.49, []string{"Spanish", "English"}, 7},
	{"Pacific Northwest Shelter", "shelter", "Seattle", "WA", "America/Los_Angeles", 47.61, -122.33, []string{"Spanish", "English"}, 2},
	{"Great Lakes Children's Home", "shelter", "Grand Rapids", "MI", "America/Detroit", 42.96, -85.67, []string{"Spanish", "English", "K'iche'"}, 3},
}

// Nationality weights: FY2018 USBP counts of unaccompanied children
// (shared/data/uac/uac_by_country_fy.csv); "other" (1,711) is shown as
// Nicaragua.
var demoNationalities = []struct {
	country string
	weight  int
}{{"Guatemala", 22327}, {"Honduras", 10913}, {"Mexico", 10136}, {"El Salvador", 4949}, {"Nicaragua", 1711}}

var demoPlaces = []string{"Rio Grande Valley sector", "El Paso sector", "Tucson sector", "San Diego sector", "Del Rio sector", "Laredo sector", "Yuma sector", "Hidalgo port of entry"}

// demoBirthPlaces are departments and towns the demo children come from,
// by nationality.
var demoBirthPlaces = map[string][]string{
	"Guatemala":   {"Huehuetenango", "Quiché", "San Marcos", "Alta Verapaz", "Totonicapán", "Quetzaltenango", "Sololá", "Escuintla"},
	"Honduras":    {"Cortés", "Francisco Morazán", "Yoro", "Atlántida", "Olancho", "Choluteca", "Colón", "Comayagua"},
	"El Salvador": {"San Salvador", "La Libertad", "San Miguel", "Usulután", "Chalatenango", "Sonsonate", "Santa Ana"},
	"Mexico":      {"Chiapas", "Guerrero", "Michoacán", "Oaxaca", "Puebla", "Tamaulipas", "Veracruz"},
	"Nicaragua":   {"Managua", "León", "Matagalpa", "Estelí", "Chinandega"},
}

var demoClosedReasons = []string{
	"age determination: found to be an adult by documentary evidence",
	"left the facility without permission; reported to law enforcement",
	"reunified with parent in the country of origin by order of the immigration judge",
}

var demoSponsorRelations = []struct {
	rel    Relationship
	weight int
}{{"parent", 45}, {"sibling", 12}, {"grandparent", 4}, {"aunt", 10}, {"uncle", 10}, {"first_cousin", 6}, {"distant_relative", 6}, {"unrelated", 7}}

var demoSponsorStates = []string{"CA", "TX", "FL", "NY", "NJ", "MD", "VA", "GA", "NC", "TN", "LA", "IL", "MA", "WA", "TX", "CA", "FL", "NY"}

type picker struct {
	items []demo.Weighted
	cum   []int
}

func newPicker(items []demo.Weighted) *picker {
	p := &picker{items: items}
	t := 0
	for _, it := range items {
		t += it.Weight
		p.cum = append(p.cum, t)
	}
	return p
}

func (p *picker) pick(r *rand.Rand) string {
	n := r.IntN(p.cum[len(p.cum)-1])
	lo, hi := 0, len(p.cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if p.cum[m] > n {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return p.items[lo].Name
}

// bulk batches rows into multi-row INSERTs: a hundredfold fewer round
// trips than one statement per row.
// A bulk's parents (the tables its rows refer to) are flushed before it.
type bulk struct {
	db      *store.DB
	table   string
	cols    []string
	parents []*bulk
	rows    []any
	n       int
}

func (b *bulk) add(ctx context.Context, vals ...any) error {
	b.rows = append(b.rows, vals...)
	b.n++
	if b.n*len(b.cols) >= 12000 {
		return b.flush(ctx)
	}
	return nil
}

func (b *bulk) flush(ctx context.Context) error {
	for _, p := range b.parents {
		if err := p.flush(ctx); err != nil {
			return err
		}
	}
	if b.n == 0 {
		return nil
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(b.cols)), ",") + ")"
	q := "INSERT INTO " + b.table + " (" + strings.Join(b.cols, ", ") + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+",", b.n), ",")
	if _, err := b.db.Exec(ctx, q, b.rows...); err != nil {
		return fmt.Errorf("children: demo insert %s: %w", b.table, err)
	}
	b.rows, b.n = b.rows[:0], 0
	return nil
}

// SeedDemo fills the database with synthetic cases spread over the past
// year: every state, realistic stays and outcomes, deadlines mostly met on
// time and a few overdue, sponsors with their vetting, and bed capacity
// sized so that facilities run between half full and full. It writes in
// bulk for speed and records one audit row for the whole load.
func (s *Store) SeedDemo(ctx context.Context, o DemoOptions) error {
	if o.Facilities <= 0 || o.Facilities > len(demoFacilities) {
		o.Facilities = len(demoFacilities)
	}
	r := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	var pickers [3]*picker
	for i, f := range []string{"given_f.csv", "given_m.csv", "surnames.csv"} {
		ws, err := demo.Load(f)
		if err != nil {
			return err
		}
		pickers[i] = newPicker(ws)
	}
	girls, boys, surnames := pickers[0], pickers[1], pickers[2]
	now := s.now().Truncate(time.Second)
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		// Facilities first, without beds: capacity is sized at the end from
		// the children in care.
		facIDs := make([]int64, o.Facilities)
		facWeight := 0
		for i := 0; i < o.Facilities; i++ {
			df := demoFacilities[i]
			lat, lon := df.lat, df.lon
			f, err := s.createFacility(ctx, Facility{Name: df.name, Type: df.typ, City: df.city, USState: df.state, TZ: df.tz,
				Lat: &lat, Lon: &lon, Languages: df.langs})
			if err != nil {
				return err
			}
			facIDs[i] = f.ID
			facWeight += df.weight
		}
		var base, sponsorBase int64
		if err := s.DB.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM cases`).Scan(&base); err != nil {
			return fmt.Errorf("children: demo: %w", err)
		}
		if err := s.DB.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM sponsors`).Scan(&sponsorBase); err != nil {
			return fmt.Errorf("children: demo: %w", err)
		}
		actor := actorName(ctx)
		cases := &bulk{db: s.DB, table: "cases", cols: []string{"id", "state", "given_names", "surname1", "surname2", "aka", "sex", "birth_date",
			"birth_date_estimated", "birth_date_evidence", "birth_country", "nationality", "languages", "interpreter_needed", "encounter_place",
			"encountered_at", "separated", "parent_details", "medical_flags", "notes", "trafficking_victim", "disability_special_needs",
			"abuse_sponsor_may_not_protect", "facility_id", "bed_sex", "bed_age_band", "placed_at", "closed_reason", "created_at", "updated_at",
			"key_given", "key_surname1", "key_surname2", "birth_place", "mother_name", "father_name"}}
		events := &bulk{db: s.DB, table: "case_events", cols: []string{"case_id", "at", "actor", "kind", "from_state", "to_state", "reason", "facility_id"}}
		deadlines := &bulk{db: s.DB, table: "deadlines", cols: []string{"case_id", "kind", "due_at", "resolved_at", "resolution", "resolved_by", "facility_id"}}
		placements := &bulk{db: s.DB, table: "placements", cols: []string{"case_id", "facility_id", "sex", "age_band", "start_at", "end_at", "end_reason"}}
		sponsors := &bulk{db: s.DB, table: "sponsors", cols: []string{"id", "case_id", "given_names", "surnames", "address", "city", "us_state", "relationship",
			"category", "sponsor_risk", "concern_flagged", "created_by", "created_at"}}
		vetting := &bulk{db: s.DB, table: "vetting_checks", cols: []string{"sponsor_id", "step", "result", "notes", "recorded_by", "recorded_at"}}
		releases := &bulk{db: s.DB, table: "releases", cols: []string{"case_id", "sponsor_id", "requested_by", "requested_at", "approved_by", "approved_at",
			"released_at", "followup_30_at", "status"}}
		siblings := &bulk{db: s.DB, table: "case_siblings", cols: []string{"case_id", "sibling_id"}}
		sponsors.parents = []*bulk{cases}
		for _, b := range []*bulk{events, deadlines, placements, siblings} {
			b.parents = []*bulk{cases}
		}
		vetting.parents, releases.parents = []*bulk{sponsors}, []*bulk{sponsors}
		// A case's own rows wait in queue until the case row is added, so
		// that a parent row is always buffered before its children.
		type queued struct {
			b    *bulk
			vals []any
		}
		var queue []queued
		later := func(b *bulk, vals ...any) error {
			queue = append(queue, queued{b, vals})
			return nil
		}
		type bedKey struct {
			fac       int64
			sex, band string
		}
		inCare := map[bedKey]int{}
		ts := store.FormatTime
		var prevSurnames [2]string
		var prevParents [3]string
		var prevEnc time.Time
		var prevID int64
		for i := 0; i < o.Cases; i++ {
			id := base + int64(i) + 1
			// Encounters: a steady flow over the year and a surge in the last
			// two months.
			var ago time.Duration
			if r.Float64() < 0.7 {
				ago = time.Duration(r.Int64N(int64(365 * 24 * time.Hour)))
			} else {
				ago = time.Duration(r.Int64N(int64(60 * 24 * time.Hour)))
			}
			enc := now.Add(-ago).Truncate(time.Minute)
			nat := demoNationalities[len(demoNationalities)-1].country
			{
				n := r.IntN(50036)
				for _, dn := range demoNationalities {
					if n < dn.weight {
						nat = dn.country
						break
					}
					n -= dn.weight
				}
			}
			sex := "M"
			if r.Float64() < 0.32 {
				sex = "F"
			}
			given := boys.pick(r)
			if sex == "F" {
				given = girls.pick(r)
			}
			if r.Float64() < 0.35 {
				second := boys.pick(r)
				if sex == "F" {
					second = girls.pick(r)
				}
				if second != given {
					given += " " + second
				}
			}
			s1, s2 := surnames.pick(r), surnames.pick(r)
			sibling := int64(0)
			if i > 0 && r.Float64() < 0.06 { // a brother or sister of the previous child
				s1, s2, enc, sibling = prevSurnames[0], prevSurnames[1], prevEnc, prevID
			}
			// The parents and birthplace, from a generator of their own
			// so that the rest of the demo stays as it was: the father
			// carries the child's first surname, the mother the second;
			// a sibling shares them.
			pr := rand.New(rand.NewPCG(o.Seed, uint64(id)))
			mother := girls.pick(pr) + " " + s2 + " " + surnames.pick(pr)
			father := boys.pick(pr) + " " + s1 + " " + surnames.pick(pr)
			places := demoBirthPlaces[nat]
			birthPlace := ""
			if len(places) > 0 {
				birthPlace = places[pr.IntN(len(places))]
			}
			if sibling != 0 {
				mother, father, birthPlace = prevParents[0], prevParents[1], prevParents[2]
			}
			parents := [3]string{mother, father, birthPlace}
			// What an officer could not learn stays unknown.
			if pr.Float64() < 0.3 {
				father = ""
			}
			if pr.Float64() < 0.15 {
				mother = ""
			}
			if pr.Float64() < 0.2 {
				birthPlace = ""
			}
			if r.Float64() < 0.08 {
				s2 = "" // only one surname recorded
			}
			age := 13 + r.IntN(5)
			if r.Float64() < 0.22 {
				age = 3 + r.IntN(10)
			}
			birth := enc.AddDate(-age, 0, -r.IntN(360)-1)
			var birthS any = birth.Format(time.DateOnly)
			est, evidence := 0, ""
			if r.Float64() < 0.12 {
				est, evidence = 1, []string{"dental examination", "child's own statement, consistent with appearance", "baptism record copy, illegible day"}[r.IntN(3)]
			}
			unknownBirth := ago < 72*time.Hour && r.Float64() < 0.05
			if unknownBirth {
				birthS, est, evidence = nil, 0, ""
			}
			langs := []string{"Spanish"}
			var interp any = 0
			if nat == "Guatemala" && r.Float64() < 0.18 {
				langs = append(langs, []string{"K'iche'", "Mam", "Q'anjob'al", "Q'eqchi'"}[r.IntN(4)])
				if r.Float64() < 0.5 {
					interp = 1
				}
			}
			if nat == "Honduras" && r.Float64() < 0.04 {
				langs = append(langs, "Garifuna")
			}
			if r.Float64() < 0.03 {
				interp = nil // not yet asked
			}
			var separated any = 0
			parent := ""
			if r.Float64() < 0.08 {
				separated, parent = 1, "separated from "+[]string{"mother", "father"}[r.IntN(2)]+" at the border; parent's name recorded as "+girls.pick(r)+" "+s1
			}
			medical := ""
			if r.Float64() < 0.04 {
				medical = []string{"dehydration", "asthma", "pregnant", "scabies", "needs medication: epilepsy"}[r.IntN(5)]
			}
			traff, disab := b2i(r.Float64() < 0.01), b2i(r.Float64() < 0.01)

			// The flow in time.
			mexican := nat == "Mexico"
			referAt := enc.Add(time.Duration(2+r.IntN(28)) * time.Hour)
			placeAt := enc.Add(time.Duration(30+r.IntN(40)) * time.Hour)
			if r.Float64() < 0.05 {
				placeAt = enc.Add(time.Duration(73+r.IntN(48)) * time.Hour) // late transfer
			}
			repatriateEarly := mexican && r.Float64() < 0.6 || r.Float64() < 0.01
			repatriateAt := enc.Add(time.Duration(8+r.IntN(30)) * time.Hour)
			stay := time.Duration(math.Max(7, r.ExpFloat64()*35) * float64(24*time.Hour))
			endAt := placeAt.Add(stay)
			band := BandFor(AgeAt(birth, placeAt))

			state := StateEncountered
			var facID int64
			var placed, closed time.Time
			closedReason := ""
			ev := []Event{{Kind: "intake", ToState: StateEncountered}}
			evAt := []time.Time{enc}
			move := func(to State, at time.Time, why string) {
				ev = append(ev, Event{Kind: "transition", FromState: state, ToState: to, Reason: why})
				evAt = append(evAt, at)
				state = to
			}
			if now.After(enc.Add(time.Hour)) {
				move(StateInBorderCustody, enc.Add(time.Hour), "")
			}
			switch {
			case repatriateEarly && now.After(repatriateAt):
				move(StateRepatriated, repatriateAt, "voluntary return after contiguous-country screening")
				closed = repatriateAt
			case now.After(referAt):
				move(StateReferred, referAt, "referred to ORR")
				if now.After(placeAt) && !unknownBirth && band != "" {
					f := r.IntN(facWeight)
					fi := 0
					for ; fi < o.Facilities-1 && f >= demoFacilities[fi].weight; fi++ {
						f -= demoFacilities[fi].weight
					}
					if demoFacilities[fi].typ == "influx" && band == BandChild {
						fi = 0 // influx sites take teenagers only
					}
					facID = facIDs[fi]
					placed = placeAt
					ev = append(ev, Event{Kind: "placement", FromState: StateReferred, ToState: StatePlaced, Reason: "ORR designation", FacilityID: &facID})
					evAt = append(evAt, placeAt)
					state = StatePlaced
					if now.After(endAt) {
						p := r.Float64()
						turns18 := birth.AddDate(18, 0, 0)
						switch {
						case turns18.Before(endAt):
							move(StateAgedOut, turns18, "turned 18 in care")
							closed = turns18
						case p < 0.88:
							closed = endAt // released below, with the sponsor
						case p < 0.94:
							move(StateRepatriated, endAt, "voluntary departure granted")
							closed = endAt
						default:
							closedReason = demoClosedReasons[r.IntN(len(demoClosedReasons))]
							move(StateClosedOther, endAt, closedReason)
							closed = endAt
						}
					}
				}
			}
			released := state == StatePlaced && !closed.IsZero()

			// Sponsors: for every released child, and for half the children
			// in care (vetting under way).
			if released || (state == StatePlaced && r.Float64() < 0.5) {
				sponsorBase++
				spID := sponsorBase
				rel := demoSponsorRelations[0].rel
				n := r.IntN(100)
				for _, sr := range demoSponsorRelations {
					if n < sr.weight {
						rel = sr.rel
						break
					}
					n -= sr.weight
				}
				cat := relationships[rel]
				spGiven := boys.pick(r)
				if r.Float64() < 0.55 {
					spGiven = girls.pick(r)
				}
				spSur := surnames.pick(r) + " " + surnames.pick(r)
				if cat == Category1 || cat == Category2A {
					spSur = s1 + " " + surnames.pick(r)
				}
				usState := demoSponsorStates[r.IntN(len(demoSponsorStates))]
				proposed := placed.Add(time.Duration(1+r.IntN(5)) * 24 * time.Hour)
				if proposed.After(now) {
					proposed = now
				}
				concern := b2i(r.Float64() < 0.03)
				if err := later(sponsors, spID, id, spGiven, spSur, "", "", usState, string(rel), string(cat), 0, concern, actor, ts(proposed)); err != nil {
					return err
				}
				ev = append(ev, Event{Kind: "sponsor", Reason: fmt.Sprintf("sponsor %d proposed (%s, category %s)", spID, rel, cat)})
				evAt = append(evAt, proposed)
				req := RequiredSteps(VettingFacts{Category: cat, ChildAge: AgeAt(birth, proposed), ConcernFlagged: concern == 1,
					TraffickingVictim: traff == 1, DisabilitySpecialNeeds: disab == 1})
				for k, st := range req {
					at := proposed.Add(time.Duration(k+1) * time.Duration(1+r.IntN(3)) * 24 * time.Hour)
					if released {
						at = proposed.Add(time.Duration(k+1) * closed.Sub(proposed) / time.Duration(len(req)+2))
					} else if at.After(now) || r.Float64() < 0.3 {
						break // vetting still under way
					}
					if err := later(vetting, spID, string(st.Step), ResultPassed, "", actor, ts(at)); err != nil {
						return err
					}
				}
				if released && o.RequesterID != 0 && o.ApproverID != 0 {
					reqAt := closed.Add(-time.Duration(1+r.IntN(24)) * time.Hour)
					if err := later(releases, id, spID, o.RequesterID, ts(reqAt), o.ApproverID, ts(closed), ts(closed), ts(closed.Add(FirstFollowUp)), "released"); err != nil {
						return err
					}
					ev = append(ev, Event{Kind: "release.approve", FromState: StatePlaced, ToState: StateReleased,
						Reason: fmt.Sprintf("released to sponsor %d; first follow-up call due %s", spID, closed.Add(FirstFollowUp).Format(time.DateOnly))})
					evAt = append(evAt, closed)
					state = StateReleased
				} else if released {
					// Without two staff accounts there is no one to name on a
					// release: the child stays in care.
					released, closed = false, time.Time{}
				}
			}
			if state == StatePlaced {
				inCare[bedKey{facID, sex, band}]++
			}
			if !placed.IsZero() {
				var end any
				why := ""
				if !closed.IsZero() {
					end, why = ts(closed), string(state)
				}
				if err := later(placements, id, facID, sex, band, ts(placed), end, why); err != nil {
					return err
				}
			}

			// Deadlines: met on time as a rule; late or still open for a few.
			deadlineFac := any(nil)
			if facID != 0 {
				deadlineFac = facID
			}
			addDeadline := func(kind DeadlineKind, due, metAt time.Time, lateChance float64) error {
				var resAt, res any = nil, ""
				if r.Float64() < lateChance {
					metAt = due.Add(time.Duration(1+r.IntN(30)) * time.Hour)
				}
				switch {
				case !metAt.IsZero() && !metAt.After(now) && (closed.IsZero() || !metAt.After(closed)):
					resAt, res = ts(metAt), "met"
				case !closed.IsZero():
					resAt, res = ts(closed), "not_applicable"
				}
				by := ""
				if res != "" {
					by = actor
				}
				return later(deadlines, id, string(kind), ts(due), resAt, res, by, deadlineFac)
			}
			if err := addDeadline(DeadlineNotification, enc.Add(48*time.Hour), enc.Add(time.Duration(1+r.IntN(30))*time.Hour), 0.01); err != nil {
				return err
			}
			if err := addDeadline(DeadlineTransfer, enc.Add(72*time.Hour), placed, 0); err != nil {
				return err
			}
			if mexican {
				if err := addDeadline(DeadlineContiguousScreening, enc.Add(48*time.Hour), enc.Add(time.Duration(2+r.IntN(36))*time.Hour), 0.02); err != nil {
					return err
				}
			}
			if !placed.IsZero() {
				for _, k := range []DeadlineKind{DeadlineKnowYourRights, DeadlineLegalScreening} {
					met := placed.Add(time.Duration(24+r.IntN(9*24)) * time.Hour)
					if r.Float64() < 0.02 {
						met = time.Time{} // never recorded: stays on the board
					}
					if err := addDeadline(k, placed.Add(240*time.Hour), met, 0.03); err != nil {
						return err
					}
				}
			}

			var facArg, bedSex, bedBand, placedArg any
			if facID != 0 {
				facArg, bedSex, bedBand, placedArg = facID, sex, band, ts(placed)
			}
			updated := evAt[len(evAt)-1]
			var sexArg any = sex
			if unknownBirth && r.Float64() < 0.3 {
				sexArg = nil
			}
			if err := cases.add(ctx, id, string(state), given, s1, s2, "", sexArg, birthS, est, evidence, nat, nat, joinList(langs), interp,
				demoPlaces[r.IntN(len(demoPlaces))], ts(enc), separated, parent, medical, "", traff, disab, 0,
				facArg, bedSex, bedBand, placedArg, closedReason, ts(enc), ts(updated), Fold(given), Fold(s1), Fold(s2),
				birthPlace, mother, father); err != nil {
				return err
			}
			// The case row is buffered; its events go in timeline order,
			// then the rest in the order they were made.
			var evRows []queued
			for k, e := range ev {
				var fac any
				if e.FacilityID != nil {
					fac = *e.FacilityID
				}
				evRows = append(evRows, queued{events, []any{id, ts(evAt[k]), actor, e.Kind, string(e.FromState), string(e.ToState), e.Reason, fac}})
			}
			for _, q := range append(evRows, queue...) {
				if err := q.b.add(ctx, q.vals...); err != nil {
					return err
				}
			}
			queue = queue[:0]
			if sibling != 0 {
				if err := later(siblings, id, sibling); err != nil {
					return err
				}
				if err := later(siblings, sibling, id); err != nil {
					return err
				}
			}
			prevSurnames, prevParents, prevEnc, prevID = [2]string{s1, s2}, parents, enc, id
		}
		// Cases first: the other tables refer to them.
		for _, b := range []*bulk{cases, sponsors, events, deadlines, placements, vetting, releases, siblings} {
			if err := b.flush(ctx); err != nil {
				return err
			}
		}
		// Beds: every facility licensed for both sexes and both bands, with
		// the children in care filling 50 to 100 percent.
		for _, fid := range facIDs {
			for _, sx := range Sexes {
				for _, band := range AgeBands {
					occ := inCare[bedKey{fid, sx, band}]
					capacity := int(math.Ceil(float64(occ)*(1+r.Float64()))) + 2
					if _, err := s.DB.Exec(ctx, `INSERT INTO facility_beds (facility_id, sex, age_band, capacity, occupied) VALUES (?, ?, ?, ?, ?)`,
						fid, sx, band, capacity, occ); err != nil {
						return fmt.Errorf("children: demo beds: %w", err)
					}
				}
			}
		}
		for _, fid := range facIDs[:min(3, len(facIDs))] {
			for _, uid := range o.Staff {
				if _, err := s.DB.Exec(ctx, `INSERT INTO user_facilities (user_id, facility_id) VALUES (?, ?) ON CONFLICT (user_id, facility_id) DO NOTHING`, uid, fid); err != nil {
					return fmt.Errorf("children: demo staff: %w", err)
				}
			}
		}
		if s.DB.Dialect == store.Postgres {
			// Ids were given explicitly; move the identity sequences past them.
			for _, t := range []string{"cases", "sponsors"} {
				if _, err := s.DB.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT COALESCE(MAX(id), 1) FROM `+t+`))`); err != nil {
					return fmt.Errorf("children: demo sequences: %w", err)
				}
			}
		}
		return audit.Log(ctx, s.DB, audit.Event{Action: "demo.seed", ObjectType: "case", ObjectID: "demo", Detail: fmt.Sprintf("%d synthetic cases, %d facilities", o.Cases, o.Facilities)})
	})
}
