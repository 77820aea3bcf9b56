package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/children/internal/conv"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
)

// Options sizes the synthetic data.
type Options struct {
	Cases      int // 5,000 for `amparo demo`; 100,000 in the benchmarks
	Facilities int // at most len(demoFacilities)
	Seed       uint64
	// RequesterID and ApproverID are two staff accounts named on the
	// demo's releases (a release always has two people).
	RequesterID, ApproverID int64
	// Staff are accounts given access to the busiest facilities, so that a
	// demo caseworker or legal provider sees cases.
	Staff []int64
	// Now is when the demo is made (the wall clock when zero).
	Now time.Time
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
	rel    release.Relationship
	weight int
}{{"parent", 45}, {"sibling", 12}, {"grandparent", 4}, {"aunt", 10}, {"uncle", 10}, {"first_cousin", 6}, {"distant_relative", 6}, {"unrelated", 7}}

var demoSponsorStates = []string{"CA", "TX", "FL", "NY", "NJ", "MD", "VA", "GA", "NC", "TN", "LA", "IL", "MA", "WA", "TX", "CA", "FL", "NY"}

type picker struct {
	items []Weighted
	cum   []int
}

func newPicker(items []Weighted) *picker {
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
		return fmt.Errorf("demo: insert %s: %w", b.table, err)
	}
	b.rows, b.n = b.rows[:0], 0
	return nil
}

// SeedDemo fills the database with synthetic cases spread over the past
// year: every state, realistic stays and outcomes, deadlines mostly met on
// time and a few overdue, sponsors with their vetting, and bed capacity
// sized so that facilities run between half full and full. It writes in
// bulk for speed (straight into the children domain's tables, which this
// package belongs to) and records one audit row for the whole load.
func SeedDemo(ctx context.Context, db *store.DB, fac *facilities.Service, o Options) error {
	if o.Facilities <= 0 || o.Facilities > len(demoFacilities) {
		o.Facilities = len(demoFacilities)
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	sd := &seeder{db: db, o: o, r: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)), now: o.Now.UTC().Truncate(time.Second), inCare: map[bedKey]int{}}
	var pickers [3]*picker
	for i, f := range []string{"given_f.csv", "given_m.csv", "surnames.csv"} {
		ws, err := Load(f)
		if err != nil {
			return err
		}
		pickers[i] = newPicker(ws)
	}
	sd.girls, sd.boys, sd.surnames = pickers[0], pickers[1], pickers[2]
	return db.WithTx(ctx, func(ctx context.Context) error {
		if err := sd.start(ctx, fac); err != nil {
			return err
		}
		for i := 0; i < o.Cases; i++ {
			if err := sd.seedCase(ctx, i); err != nil {
				return err
			}
		}
		return sd.finish(ctx)
	})
}

type bedKey struct {
	fac       int64
	sex, band string
}

// queued is a row waiting for its case row to be buffered first.
type queued struct {
	b    *bulk
	vals []any
}

// seeder is the state of one demo load.
type seeder struct {
	db                    *store.DB
	o                     Options
	r                     *rand.Rand
	girls, boys, surnames *picker
	now                   time.Time
	actor                 string
	facIDs                []int64
	facWeight             int
	base, sponsorBase     int64
	cases, events         *bulk
	deadlines, placements *bulk
	sponsors, vetting     *bulk
	releases, siblings    *bulk
	queue                 []queued
	inCare                map[bedKey]int
	prevSurnames          [2]string
	prevParents           [3]string
	prevEnc               time.Time
	prevID                int64
}

// child is one synthetic case as it is being made.
type child struct {
	id                int64
	ago               time.Duration
	enc               time.Time
	nat, sex, given   string
	s1, s2            string
	sibling           int64
	mother, father    string
	birthPlace        string
	parents           [3]string
	birth             time.Time
	birthS            any
	est               int
	evidence          string
	unknownBirth      bool
	langs             []string
	interp, separated any
	parent, medical   string
	traff, disab      int
	state             custody.State
	facID             int64
	band              string
	placed, closed    time.Time
	closedReason      string
	ev                []custody.Event
	evAt              []time.Time
}

// start creates the facilities (without beds: capacity is sized at the
// end from the children in care) and the bulk writers.
func (sd *seeder) start(ctx context.Context, fac *facilities.Service) error {
	sd.facIDs = make([]int64, sd.o.Facilities)
	for i := 0; i < sd.o.Facilities; i++ {
		df := demoFacilities[i]
		lat, lon := df.lat, df.lon
		f, err := fac.CreateFacility(ctx, facilities.Facility{Name: df.name, Type: df.typ, City: df.city, USState: df.state, TZ: df.tz,
			Lat: &lat, Lon: &lon, Languages: df.langs})
		if err != nil {
			return err
		}
		sd.facIDs[i] = f.ID
		sd.facWeight += df.weight
	}
	if err := sd.db.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM cases`).Scan(&sd.base); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := sd.db.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM sponsors`).Scan(&sd.sponsorBase); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	sd.actor = audit.ActorFrom(ctx).Email
	db := sd.db
	sd.cases = &bulk{db: db, table: "cases", cols: []string{"id", "state", "given_names", "surname1", "surname2", "aka", "sex", "birth_date",
		"birth_date_estimated", "birth_date_evidence", "birth_country", "nationality", "languages", "interpreter_needed", "encounter_place",
		"encountered_at", "separated", "parent_details", "medical_flags", "notes", "trafficking_victim", "disability_special_needs",
		"abuse_sponsor_may_not_protect", "facility_id", "bed_sex", "bed_age_band", "placed_at", "closed_reason", "created_at", "updated_at",
		"key_given", "key_surname1", "key_surname2", "birth_place", "mother_name", "father_name"}}
	sd.events = &bulk{db: db, table: "case_events", cols: []string{"case_id", "at", "actor", "kind", "from_state", "to_state", "reason", "facility_id"}}
	sd.deadlines = &bulk{db: db, table: "deadlines", cols: []string{"case_id", "kind", "due_at", "resolved_at", "resolution", "resolved_by", "facility_id"}}
	sd.placements = &bulk{db: db, table: "placements", cols: []string{"case_id", "facility_id", "sex", "age_band", "start_at", "end_at", "end_reason"}}
	sd.sponsors = &bulk{db: db, table: "sponsors", cols: []string{"id", "case_id", "given_names", "surnames", "address", "city", "us_state", "relationship",
		"category", "sponsor_risk", "concern_flagged", "created_by", "created_at"}}
	sd.vetting = &bulk{db: db, table: "vetting_checks", cols: []string{"sponsor_id", "step", "result", "notes", "recorded_by", "recorded_at"}}
	sd.releases = &bulk{db: db, table: "releases", cols: []string{"case_id", "sponsor_id", "requested_by", "requested_at", "approved_by", "approved_at",
		"released_at", "followup_30_at", "status"}}
	sd.siblings = &bulk{db: db, table: "case_siblings", cols: []string{"case_id", "sibling_id"}}
	sd.sponsors.parents = []*bulk{sd.cases}
	for _, b := range []*bulk{sd.events, sd.deadlines, sd.placements, sd.siblings} {
		b.parents = []*bulk{sd.cases}
	}
	sd.vetting.parents, sd.releases.parents = []*bulk{sd.sponsors}, []*bulk{sd.sponsors}
	return nil
}

// later queues a row of the current case until its case row is buffered,
// so that a parent row is always buffered before its children.
func (sd *seeder) later(b *bulk, vals ...any) {
	sd.queue = append(sd.queue, queued{b, vals})
}

// seedCase makes case i: who the child is, the flow in time, a sponsor,
// the deadlines, then the rows.
func (sd *seeder) seedCase(ctx context.Context, i int) error {
	ch := &child{id: sd.base + int64(i) + 1}
	sd.person(ch, i)
	sd.details(ch)
	sd.flow(ch)
	sd.sponsor(ch)
	if ch.state == custody.StatePlaced {
		sd.inCare[bedKey{ch.facID, ch.sex, ch.band}]++
	}
	if !ch.placed.IsZero() {
		var end any
		why := ""
		if !ch.closed.IsZero() {
			end, why = ts(ch.closed), string(ch.state)
		}
		sd.later(sd.placements, ch.id, ch.facID, ch.sex, ch.band, ts(ch.placed), end, why)
	}
	sd.deadlinesOf(ch)
	return sd.write(ctx, ch)
}

var ts = store.FormatTime

// given draws a given name. A boy's name is drawn first whatever the sex,
// as the demo always has, so that a seed gives the same children.
func (sd *seeder) given(sex string) string {
	name := sd.boys.pick(sd.r)
	if sex == "F" {
		name = sd.girls.pick(sd.r)
	}
	return name
}

// person draws who the child is: encounter, nationality, sex, names,
// parents and birthplace.
func (sd *seeder) person(ch *child, i int) {
	r := sd.r
	// Encounters: a steady flow over the year and a surge in the last
	// two months.
	if r.Float64() < 0.7 {
		ch.ago = time.Duration(r.Int64N(int64(365 * 24 * time.Hour)))
	} else {
		ch.ago = time.Duration(r.Int64N(int64(60 * 24 * time.Hour)))
	}
	ch.enc = sd.now.Add(-ch.ago).Truncate(time.Minute)
	ch.nat = demoNationalities[len(demoNationalities)-1].country
	n := r.IntN(50036)
	for _, dn := range demoNationalities {
		if n < dn.weight {
			ch.nat = dn.country
			break
		}
		n -= dn.weight
	}
	ch.sex = "M"
	if r.Float64() < 0.32 {
		ch.sex = "F"
	}
	ch.given = sd.given(ch.sex)
	if r.Float64() < 0.35 {
		if second := sd.given(ch.sex); second != ch.given {
			ch.given += " " + second
		}
	}
	ch.s1, ch.s2 = sd.surnames.pick(r), sd.surnames.pick(r)
	if i > 0 && r.Float64() < 0.06 { // a brother or sister of the previous child
		ch.s1, ch.s2, ch.enc, ch.sibling = sd.prevSurnames[0], sd.prevSurnames[1], sd.prevEnc, sd.prevID
	}
	sd.parentsOf(ch)
	if r.Float64() < 0.08 {
		ch.s2 = "" // only one surname recorded
	}
}

// parentsOf draws the parents and birthplace, from a generator of their
// own so that the rest of the demo stays as it was: the father carries
// the child's first surname, the mother the second; a sibling shares them.
func (sd *seeder) parentsOf(ch *child) {
	pr := rand.New(rand.NewPCG(sd.o.Seed, uint64(ch.id)))
	ch.mother = sd.girls.pick(pr) + " " + ch.s2 + " " + sd.surnames.pick(pr)
	ch.father = sd.boys.pick(pr) + " " + ch.s1 + " " + sd.surnames.pick(pr)
	if places := demoBirthPlaces[ch.nat]; len(places) > 0 {
		ch.birthPlace = places[pr.IntN(len(places))]
	}
	if ch.sibling != 0 {
		ch.mother, ch.father, ch.birthPlace = sd.prevParents[0], sd.prevParents[1], sd.prevParents[2]
	}
	ch.parents = [3]string{ch.mother, ch.father, ch.birthPlace}
	// What an officer could not learn stays unknown.
	if pr.Float64() < 0.3 {
		ch.father = ""
	}
	if pr.Float64() < 0.15 {
		ch.mother = ""
	}
	if pr.Float64() < 0.2 {
		ch.birthPlace = ""
	}
}

// details draws the age, languages and what intake recorded.
func (sd *seeder) details(ch *child) {
	r := sd.r
	age := 13 + r.IntN(5)
	if r.Float64() < 0.22 {
		age = 3 + r.IntN(10)
	}
	ch.birth = ch.enc.AddDate(-age, 0, -r.IntN(360)-1)
	ch.birthS = ch.birth.Format(time.DateOnly)
	if r.Float64() < 0.12 {
		ch.est, ch.evidence = 1, []string{"dental examination", "child's own statement, consistent with appearance", "baptism record copy, illegible day"}[r.IntN(3)]
	}
	ch.unknownBirth = ch.ago < 72*time.Hour && r.Float64() < 0.05
	if ch.unknownBirth {
		ch.birthS, ch.est, ch.evidence = nil, 0, ""
	}
	ch.langs = []string{"Spanish"}
	ch.interp = 0
	if ch.nat == "Guatemala" && r.Float64() < 0.18 {
		ch.langs = append(ch.langs, []string{"K'iche'", "Mam", "Q'anjob'al", "Q'eqchi'"}[r.IntN(4)])
		if r.Float64() < 0.5 {
			ch.interp = 1
		}
	}
	if ch.nat == "Honduras" && r.Float64() < 0.04 {
		ch.langs = append(ch.langs, "Garifuna")
	}
	if r.Float64() < 0.03 {
		ch.interp = nil // not yet asked
	}
	ch.separated = 0
	if r.Float64() < 0.08 {
		ch.separated, ch.parent = 1, "separated from "+[]string{"mother", "father"}[r.IntN(2)]+" at the border; parent's name recorded as "+sd.girls.pick(r)+" "+ch.s1
	}
	if r.Float64() < 0.04 {
		ch.medical = []string{"dehydration", "asthma", "pregnant", "scabies", "needs medication: epilepsy"}[r.IntN(5)]
	}
	ch.traff, ch.disab = conv.B2I(r.Float64() < 0.01), conv.B2I(r.Float64() < 0.01)
}

func (ch *child) move(to custody.State, at time.Time, why string) {
	ch.ev = append(ch.ev, custody.Event{Kind: "transition", FromState: ch.state, ToState: to, Reason: why})
	ch.evAt = append(ch.evAt, at)
	ch.state = to
}

// flow moves the child through the states up to now.
func (sd *seeder) flow(ch *child) {
	r, now, enc := sd.r, sd.now, ch.enc
	mexican := ch.nat == "Mexico"
	referAt := enc.Add(time.Duration(2+r.IntN(28)) * time.Hour)
	placeAt := enc.Add(time.Duration(30+r.IntN(40)) * time.Hour)
	if r.Float64() < 0.05 {
		placeAt = enc.Add(time.Duration(73+r.IntN(48)) * time.Hour) // late transfer
	}
	repatriateEarly := mexican && r.Float64() < 0.6 || r.Float64() < 0.01
	repatriateAt := enc.Add(time.Duration(8+r.IntN(30)) * time.Hour)
	stay := time.Duration(math.Max(7, r.ExpFloat64()*35) * float64(24*time.Hour))
	endAt := placeAt.Add(stay)
	ch.band = facilities.BandFor(custody.AgeAt(ch.birth, placeAt))

	ch.state = custody.StateEncountered
	ch.ev = []custody.Event{{Kind: "intake", ToState: custody.StateEncountered}}
	ch.evAt = []time.Time{enc}
	if now.After(enc.Add(time.Hour)) {
		ch.move(custody.StateInBorderCustody, enc.Add(time.Hour), "")
	}
	switch {
	case repatriateEarly && now.After(repatriateAt):
		ch.move(custody.StateRepatriated, repatriateAt, "voluntary return after contiguous-country screening")
		ch.closed = repatriateAt
	case now.After(referAt):
		ch.move(custody.StateReferred, referAt, "referred to ORR")
		if now.After(placeAt) && !ch.unknownBirth && ch.band != "" {
			sd.place(ch, placeAt, endAt)
		}
	}
}

// place puts the child in a facility at placeAt and, when the stay is
// over by now, ends it.
func (sd *seeder) place(ch *child, placeAt, endAt time.Time) {
	r := sd.r
	f := r.IntN(sd.facWeight)
	fi := 0
	for ; fi < sd.o.Facilities-1 && f >= demoFacilities[fi].weight; fi++ {
		f -= demoFacilities[fi].weight
	}
	if demoFacilities[fi].typ == "influx" && ch.band == facilities.BandChild {
		fi = 0 // influx sites take teenagers only
	}
	ch.facID = sd.facIDs[fi]
	ch.placed = placeAt
	facID := ch.facID
	ch.ev = append(ch.ev, custody.Event{Kind: "placement", FromState: custody.StateReferred, ToState: custody.StatePlaced, Reason: "ORR designation", FacilityID: &facID})
	ch.evAt = append(ch.evAt, placeAt)
	ch.state = custody.StatePlaced
	if !sd.now.After(endAt) {
		return
	}
	p := r.Float64()
	turns18 := ch.birth.AddDate(18, 0, 0)
	switch {
	case turns18.Before(endAt):
		ch.move(custody.StateAgedOut, turns18, "turned 18 in care")
		ch.closed = turns18
	case p < 0.88:
		ch.closed = endAt // released below, with the sponsor
	case p < 0.94:
		ch.move(custody.StateRepatriated, endAt, "voluntary departure granted")
		ch.closed = endAt
	default:
		ch.closedReason = demoClosedReasons[r.IntN(len(demoClosedReasons))]
		ch.move(custody.StateClosedOther, endAt, ch.closedReason)
		ch.closed = endAt
	}
}

// sponsor proposes a sponsor for every released child and for half the
// children in care (vetting under way), and releases the former.
func (sd *seeder) sponsor(ch *child) {
	r := sd.r
	released := ch.state == custody.StatePlaced && !ch.closed.IsZero()
	if !released && (ch.state != custody.StatePlaced || r.Float64() >= 0.5) {
		return
	}
	sd.sponsorBase++
	spID := sd.sponsorBase
	rel := demoSponsorRelations[0].rel
	n := r.IntN(100)
	for _, sr := range demoSponsorRelations {
		if n < sr.weight {
			rel = sr.rel
			break
		}
		n -= sr.weight
	}
	cat, _ := release.CategoryOf(rel)
	spGiven := sd.boys.pick(r)
	if r.Float64() < 0.55 {
		spGiven = sd.girls.pick(r)
	}
	spSur := sd.surnames.pick(r) + " " + sd.surnames.pick(r)
	if cat == release.Category1 || cat == release.Category2A {
		spSur = ch.s1 + " " + sd.surnames.pick(r)
	}
	usState := demoSponsorStates[r.IntN(len(demoSponsorStates))]
	proposed := ch.placed.Add(time.Duration(1+r.IntN(5)) * 24 * time.Hour)
	if proposed.After(sd.now) {
		proposed = sd.now
	}
	concern := conv.B2I(r.Float64() < 0.03)
	sd.later(sd.sponsors, spID, ch.id, spGiven, spSur, "", "", usState, string(rel), string(cat), 0, concern, sd.actor, ts(proposed))
	ch.ev = append(ch.ev, custody.Event{Kind: "sponsor", Reason: fmt.Sprintf("sponsor %d proposed (%s, category %s)", spID, rel, cat)})
	ch.evAt = append(ch.evAt, proposed)
	sd.vet(ch, spID, release.VettingFacts{Category: cat, ChildAge: custody.AgeAt(ch.birth, proposed), ConcernFlagged: concern == 1,
		TraffickingVictim: ch.traff == 1, DisabilitySpecialNeeds: ch.disab == 1}, proposed, released)
	if !released {
		return
	}
	if sd.o.RequesterID == 0 || sd.o.ApproverID == 0 {
		// Without two staff accounts there is no one to name on a
		// release: the child stays in care.
		ch.closed = time.Time{}
		return
	}
	closed := ch.closed
	reqAt := closed.Add(-time.Duration(1+r.IntN(24)) * time.Hour)
	sd.later(sd.releases, ch.id, spID, sd.o.RequesterID, ts(reqAt), sd.o.ApproverID, ts(closed), ts(closed), ts(closed.Add(release.FirstFollowUp)), "released")
	ch.ev = append(ch.ev, custody.Event{Kind: "release.approve", FromState: custody.StatePlaced, ToState: custody.StateReleased,
		Reason: fmt.Sprintf("released to sponsor %d; first follow-up call due %s", spID, closed.Add(release.FirstFollowUp).Format(time.DateOnly))})
	ch.evAt = append(ch.evAt, closed)
	ch.state = custody.StateReleased
}

// vet records the sponsor's required steps as passed: all of them for a
// released child, the first few for one still in care.
func (sd *seeder) vet(ch *child, spID int64, facts release.VettingFacts, proposed time.Time, released bool) {
	req := release.RequiredSteps(facts)
	for k, st := range req {
		at := proposed.Add(time.Duration(k+1) * time.Duration(1+sd.r.IntN(3)) * 24 * time.Hour)
		if released {
			at = proposed.Add(time.Duration(k+1) * ch.closed.Sub(proposed) / time.Duration(len(req)+2))
		} else if at.After(sd.now) || sd.r.Float64() < 0.3 {
			break // vetting still under way
		}
		sd.later(sd.vetting, spID, string(st.Step), release.ResultPassed, "demo: document on file", sd.actor, ts(at))
	}
}

// deadlinesOf writes the case's deadlines: met on time as a rule; late or
// still open for a few.
func (sd *seeder) deadlinesOf(ch *child) {
	r, enc := sd.r, ch.enc
	sd.deadline(ch, custody.DeadlineNotification, enc.Add(48*time.Hour), enc.Add(time.Duration(1+r.IntN(30))*time.Hour), 0.01)
	sd.deadline(ch, custody.DeadlineTransfer, enc.Add(72*time.Hour), ch.placed, 0)
	if ch.nat == "Mexico" {
		sd.deadline(ch, custody.DeadlineContiguousScreening, enc.Add(48*time.Hour), enc.Add(time.Duration(2+r.IntN(36))*time.Hour), 0.02)
	}
	if ch.placed.IsZero() {
		return
	}
	for _, k := range []custody.DeadlineKind{custody.DeadlineKnowYourRights, custody.DeadlineLegalScreening} {
		met := ch.placed.Add(time.Duration(24+r.IntN(9*24)) * time.Hour)
		if r.Float64() < 0.02 {
			met = time.Time{} // never recorded: stays on the board
		}
		sd.deadline(ch, k, ch.placed.Add(240*time.Hour), met, 0.03)
	}
}

func (sd *seeder) deadline(ch *child, kind custody.DeadlineKind, due, metAt time.Time, lateChance float64) {
	var resAt, res any = nil, ""
	if sd.r.Float64() < lateChance {
		metAt = due.Add(time.Duration(1+sd.r.IntN(30)) * time.Hour)
	}
	switch {
	case !metAt.IsZero() && !metAt.After(sd.now) && (ch.closed.IsZero() || !metAt.After(ch.closed)):
		resAt, res = ts(metAt), "met"
	case !ch.closed.IsZero():
		resAt, res = ts(ch.closed), "not_applicable"
	}
	by := ""
	if res != "" {
		by = sd.actor
	}
	var fac any
	if ch.facID != 0 {
		fac = ch.facID
	}
	sd.later(sd.deadlines, ch.id, string(kind), ts(due), resAt, res, by, fac)
}

// write buffers the case row, then its events in timeline order, then the
// rest in the order they were made.
func (sd *seeder) write(ctx context.Context, ch *child) error {
	r := sd.r
	var facArg, bedSex, bedBand, placedArg any
	if ch.facID != 0 {
		facArg, bedSex, bedBand, placedArg = ch.facID, ch.sex, ch.band, ts(ch.placed)
	}
	updated := ch.evAt[len(ch.evAt)-1]
	var sexArg any = ch.sex
	if ch.unknownBirth && r.Float64() < 0.3 {
		sexArg = nil
	}
	if err := sd.cases.add(ctx, ch.id, string(ch.state), ch.given, ch.s1, ch.s2, "", sexArg, ch.birthS, ch.est, ch.evidence, ch.nat, ch.nat,
		conv.JoinList(ch.langs), ch.interp, demoPlaces[r.IntN(len(demoPlaces))], ts(ch.enc), ch.separated, ch.parent, ch.medical, "",
		ch.traff, ch.disab, 0, facArg, bedSex, bedBand, placedArg, ch.closedReason, ts(ch.enc), ts(updated),
		identity.Fold(ch.given), identity.Fold(ch.s1), identity.Fold(ch.s2), ch.birthPlace, ch.mother, ch.father); err != nil {
		return err
	}
	var rows []queued
	for k, e := range ch.ev {
		var fac any
		if e.FacilityID != nil {
			fac = *e.FacilityID
		}
		rows = append(rows, queued{sd.events, []any{ch.id, ts(ch.evAt[k]), sd.actor, e.Kind, string(e.FromState), string(e.ToState), e.Reason, fac}})
	}
	for _, q := range append(rows, sd.queue...) {
		if err := q.b.add(ctx, q.vals...); err != nil {
			return err
		}
	}
	sd.queue = sd.queue[:0]
	if ch.sibling != 0 {
		sd.later(sd.siblings, ch.id, ch.sibling)
		sd.later(sd.siblings, ch.sibling, ch.id)
	}
	sd.prevSurnames, sd.prevParents, sd.prevEnc, sd.prevID = [2]string{ch.s1, ch.s2}, ch.parents, ch.enc, ch.id
	return nil
}

// finish flushes the rows, licenses the beds (every facility for both
// sexes and both bands, the children in care filling 50 to 100 percent),
// gives the staff their facilities and audits the load.
func (sd *seeder) finish(ctx context.Context) error {
	// Cases first: the other tables refer to them.
	for _, b := range []*bulk{sd.cases, sd.sponsors, sd.events, sd.deadlines, sd.placements, sd.vetting, sd.releases, sd.siblings} {
		if err := b.flush(ctx); err != nil {
			return err
		}
	}
	for _, fid := range sd.facIDs {
		for _, sx := range facilities.Sexes {
			for _, band := range facilities.AgeBands {
				occ := sd.inCare[bedKey{fid, sx, band}]
				capacity := int(math.Ceil(float64(occ)*(1+sd.r.Float64()))) + 2
				if _, err := sd.db.Exec(ctx, `INSERT INTO facility_beds (facility_id, sex, age_band, capacity, occupied) VALUES (?, ?, ?, ?, ?)`,
					fid, sx, band, capacity, occ); err != nil {
					return fmt.Errorf("demo: beds: %w", err)
				}
			}
		}
	}
	for _, fid := range sd.facIDs[:min(3, len(sd.facIDs))] {
		for _, uid := range sd.o.Staff {
			if _, err := sd.db.Exec(ctx, `INSERT INTO user_facilities (user_id, facility_id) VALUES (?, ?) ON CONFLICT (user_id, facility_id) DO NOTHING`, uid, fid); err != nil {
				return fmt.Errorf("demo: staff: %w", err)
			}
		}
	}
	if sd.db.Dialect == store.Postgres {
		// Ids were given explicitly; move the identity sequences past them.
		for _, t := range []string{"cases", "sponsors"} {
			if _, err := sd.db.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT COALESCE(MAX(id), 1) FROM `+t+`))`); err != nil {
				return fmt.Errorf("demo: sequences: %w", err)
			}
		}
	}
	return audit.Log(ctx, sd.db, audit.Event{Action: "demo.seed", ObjectType: "case", ObjectID: "demo", Detail: fmt.Sprintf("%d synthetic cases, %d facilities", sd.o.Cases, sd.o.Facilities)})
}
