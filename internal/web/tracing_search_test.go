package web

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/demo"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store/storetest"
	"github.com/amparo-project/amparo/internal/tracing"
	"github.com/amparo-project/amparo/internal/tracing/requests"
)

// tracingMunicipality is a municipality in each Honduran department the
// demo's children come from (data/places.csv): a relative may name the
// town where the case records the department.
var tracingMunicipality = map[string]string{
	"Olancho": "Juticalpa", "Cortés": "San Pedro Sula", "Yoro": "El Progreso", "Atlántida": "La Ceiba",
	"Francisco Morazán": "Tegucigalpa", "Choluteca": "Marcovia", "Colón": "Tocoa", "Comayagua": "Siguatepeque",
}

// ageOn is the age in whole years on day now of a child born on birth.
func ageOn(birth, now time.Time) int {
	age := now.Year() - birth.Year()
	if now.YearDay() < birth.YearDay() {
		age--
	}
	return age
}

// TestTracingSearchWhatARelativeKnows searches a demo-size set of cases
// (the demo's 5,000) through the API the way a mother asks: "Juan, about
// 14, Olancho, mother María" — the first given name without accents, the
// first surname, an age instead of the birth date, the department (or a
// municipality in it) instead of the place, the mother's given name. The
// children asked about are drawn at random among the cases that have these
// fields; each must come back in the top 3, with the explanation naming
// the age and the fields that carried the match.
func TestTracingSearchWhatARelativeKnows(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 5,000 demo cases")
	}
	// SQLite only: the search runs in the matcher's memory and reads a
	// handful of rows; the demo load would double the time on PostgreSQL
	// for nothing the other tests do not already cover.
	db := storetest.OpenSQLite(t)
	// The cases are there before the server starts, as on a server
	// restarted on the demo's database: the matcher is built on them,
	// with their name frequencies.
	ctx := auth.OperatorContext(context.Background(), "test")
	users := auth.NewService(db)
	var staff []int64
	for _, u := range []struct {
		email string
		role  auth.Role
	}{{"demo-caseworker@example.org", auth.RoleCaseworker}, {"demo-admin@example.org", auth.RoleAdmin}} {
		if _, err := users.CreateUser(ctx, u.email, u.role, testPassword); err != nil {
			t.Fatal(err)
		}
		usr, err := users.UserByEmail(ctx, u.email)
		if err != nil {
			t.Fatal(err)
		}
		staff = append(staff, usr.ID)
	}
	if err := demo.SeedDemo(ctx, db, facilities.New(db, nil), demo.Options{Cases: 5000, Seed: 13, RequesterID: staff[0], ApproverID: staff[1]}); err != nil {
		t.Fatal(err)
	}
	// A child known by a nickname: the mother says "Pepe".
	cr, err := custody.New(db, facilities.New(db, nil), nil).CreateCase(auth.NewContext(ctx, auth.Principal{UserID: staff[1], Email: "demo-admin@example.org", Role: auth.RoleAdmin}),
		custody.Intake{Person: identity.Person{GivenNames: "José Manuel", Surname1: "Zelaya", Surname2: "Mejía", Sex: "M", BirthDate: "2012-04-17",
			BirthCountry: "Honduras", BirthPlace: "Juticalpa", MotherName: "María Mejía Flores"}, EncounteredAt: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	pepe := cr.ID
	env := newTestEnv(t, db)
	type child struct {
		id int64
		p  identity.Person
	}
	var eligible []child
	err = custody.New(db, facilities.New(db, nil), nil).Identities(ctx, 0, func(id int64, ci custody.CaseIdentity) error {
		p := ci.Person
		if len(p.BirthDate) == 10 && !ci.BirthDateEstimated && p.BirthPlace != "" && p.MotherName != "" && p.GivenNames != "" && p.Surname1 != "" && id != pepe {
			eligible = append(eligible, child{id, p})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(eligible) < 1000 {
		t.Fatalf("only %d demo cases with a birth date, place and mother", len(eligible))
	}
	now := time.Now().UTC()
	rng := rand.New(rand.NewPCG(13, 14))
	type inquiry struct {
		id   int64
		body string
	}
	inquiries := []inquiry{{pepe, `{"given_names": "Pepe", "age": "about 14", "birth_place": "Olancho", "mother_name": "María"}`}}
	// The age is the child's on the day the test runs; a child of 14 born
	// in 2012 is 14 in 2026 and 15 in 2027, and so is the inquiry.
	if born, _ := time.Parse("2006-01-02", "2012-04-17"); ageOn(born, now) != 14 {
		inquiries[0].body = strings.Replace(inquiries[0].body, "about 14", fmt.Sprintf("about %d", ageOn(born, now)), 1)
	}
	for len(inquiries) < 25 {
		c := eligible[rng.IntN(len(eligible))]
		born, err := time.Parse("2006-01-02", c.p.BirthDate)
		if err != nil {
			t.Fatal(err)
		}
		place := c.p.BirthPlace
		if m, ok := tracingMunicipality[place]; ok && rng.IntN(2) == 0 {
			place = m
		}
		body := fmt.Sprintf(`{"given_names": %q, "surname1": %q, "age": "about %d", "birth_place": %q, "mother_name": %q}`,
			identity.Fold(strings.Fields(c.p.GivenNames)[0]), identity.Fold(c.p.Surname1), ageOn(born, now),
			place, strings.Fields(c.p.MotherName)[0])
		inquiries = append(inquiries, inquiry{c.id, body})
	}

	top1, top3 := 0, 0
	for _, q := range inquiries {
		resp, body := env.do(t, "POST", "/api/v1/tracing/search", env.tokens[auth.RoleAdmin], q.body)
		if resp.StatusCode != 200 {
			t.Fatalf("search %s: %d %s", q.body, resp.StatusCode, body)
		}
		var hits tracingHits
		decodeInto(t, body, &hits)
		rank := slices.IndexFunc(hits.Candidates, func(h requests.Hit) bool { return h.CaseID == q.id })
		switch {
		case rank == 0:
			top1++
			top3++
		case rank > 0 && rank < 3:
			top3++
		default:
			t.Errorf("case %d is at rank %d for %s", q.id, rank+1, q.body)
			continue
		}
		h := hits.Candidates[rank]
		var age string
		for _, fw := range h.Explanation {
			if fw.Field == "age" {
				age = fw.Level
			}
			if fw.Field == "birth_date" {
				t.Errorf("a search by age explains a birth_date row: %+v", h.Explanation)
			}
		}
		if age != "age_agrees" && age != "age_within_a_year" {
			t.Errorf("age row %q for %s", age, q.body)
		}
		// The fields named as carrying the match are those that added a
		// bit or more, strongest first.
		if len(h.CarriedBy) == 0 {
			t.Errorf("nothing carried the match of %s: %+v", q.body, h.Explanation)
		}
		prev := 1e9
		for _, f := range h.CarriedBy {
			i := slices.IndexFunc(h.Explanation, func(fw tracing.FieldWeight) bool { return fw.Field == f })
			if i < 0 || h.Explanation[i].Weight < 1 || h.Explanation[i].Weight > prev {
				t.Errorf("carried by %v, explanation %+v", h.CarriedBy, h.Explanation)
				break
			}
			prev = h.Explanation[i].Weight
		}
	}
	t.Logf("%d inquiries on %d cases: the child first %d times, in the top 3 %d times", len(inquiries), len(eligible), top1, top3)
}
