package requests

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/tracing"
)

// DemoOptions size the demonstration requests.
type DemoOptions struct {
	Requests int // how many requests to record
	Seed     uint64
	// Unknown is the share of requests for children who are not in the
	// database (their requests stay without candidates).
	Unknown float64
}

// SeedDemo records tracing requests as relatives would describe children
// of the demo cases (first given name only, accents lost, birth year only,
// second surname unknown), plus a share for children not on record, and
// matches them. Nothing is decided: that is a caseworker's act. One audit
// row records the load.
func SeedDemo(ctx context.Context, db *store.DB, o DemoOptions) error {
	if o.Requests <= 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x7261636b))
	var cases []Person
	err := eachCase(ctx, casesOr(nil, db), 0, func(_ int64, rs []tracing.Record) error {
		r := rs[0]
		cases = append(cases, Person{GivenNames: r.GivenNames, Surname1: r.Surname1, Surname2: r.Surname2, Sex: r.Sex,
			BirthDate: r.BirthDate, BirthCountry: r.BirthCountry, BirthPlace: r.BirthPlace, MotherName: r.MotherName, FatherName: r.FatherName})
		return nil
	})
	if err != nil {
		return err
	}
	if len(cases) == 0 {
		return fmt.Errorf("tracing demo: no cases to look for (load the children demo first)")
	}
	m, err := NewMatcher(ctx, db, MatcherOptions{})
	if err != nil {
		return err
	}
	rels := []release.Relationship{"parent", "parent", "parent", "aunt", "uncle", "grandparent", "sibling", "first_cousin"}
	langs := []string{"es", "es", "es", "mam", "k'iche'", "q'eqchi'"}
	now := time.Now().UTC()
	proposed := 0
	err = db.WithTx(ctx, func(ctx context.Context) error {
		for i := range o.Requests {
			sought := demoDescribe(rng, cases[rng.IntN(len(cases))])
			if rng.Float64() < o.Unknown {
				// Someone not on record: the names of two different cases.
				other := cases[rng.IntN(len(cases))]
				sought.Surname1, sought.Surname2 = other.Surname2, ""
				sought.GivenNames = strings.Fields(cases[rng.IntN(len(cases))].GivenNames + " X")[0]
				sought.MotherName, sought.FatherName, sought.BirthPlace = other.MotherName, "", ""
			}
			v := &ValidationError{}
			normalizePerson(&sought, v, "")
			if problems(v) != nil {
				continue // a case recorded without any name cannot be described
			}
			given := strings.Fields(cases[rng.IntN(len(cases))].GivenNames + " Rosa")[0]
			sk := Seeker{GivenNames: given, Surnames: strings.TrimSpace(sought.Surname1 + " " + sought.Surname2), Relationship: rels[rng.IntN(len(rels))],
				Contact: fmt.Sprintf("+502 5550 %04d", rng.IntN(10000)), Language: langs[rng.IntN(len(langs))]}
			at := store.FormatTime(now.Add(-time.Duration(rng.IntN(60*24)) * time.Hour))
			var id int64
			err := db.QueryRow(ctx, `INSERT INTO tracing_requests (status, seeker_given_names, seeker_surnames, seeker_relationship,
				seeker_contact, seeker_language, given_names, surname1, surname2, sex, birth_date, birth_country, birth_place,
				mother_name, father_name, notes, recorded_by_email, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				string(StatusOpen), sk.GivenNames, sk.Surnames, string(sk.Relationship), sk.Contact, sk.Language,
				sought.GivenNames, sought.Surname1, sought.Surname2, sought.Sex, sought.BirthDate, sought.BirthCountry, sought.BirthPlace,
				sought.MotherName, sought.FatherName,
				fmt.Sprintf("demonstration request %d", i+1), audit.ActorFrom(ctx).Email, at, at).Scan(&id)
			if err != nil {
				return fmt.Errorf("tracing demo: %w", err)
			}
			for _, c := range m.search(ctx, tracing.Record{Person: sought}, maxProposals, m.Threshold()) {
				caseID, err := strconv.ParseInt(c.ID, 10, 64)
				if err != nil {
					return fmt.Errorf("tracing demo: case id %q: %w", c.ID, err)
				}
				added, err := insertCandidate(ctx, db, id, caseID, c, foundByRequest, now)
				if err != nil {
					return err
				}
				if added {
					proposed++
				}
			}
		}
		return audit.Log(ctx, db, audit.Event{Action: "tracing.demo", ObjectType: "tracing_request", ObjectID: "demo",
			Detail: fmt.Sprintf("%d demonstration requests, %d candidates proposed", o.Requests, proposed)})
	})
	return err
}

// demoDescribe is a child as a relative far away might describe them.
func demoDescribe(rng *rand.Rand, c Person) Person {
	p := c
	if f := strings.Fields(p.GivenNames); len(f) > 1 && rng.IntN(2) == 0 {
		p.GivenNames = f[0] // the name the family uses
	}
	if rng.IntN(2) == 0 {
		p.GivenNames, p.Surname1, p.Surname2 = stripAccents(p.GivenNames), stripAccents(p.Surname1), stripAccents(p.Surname2)
	}
	if rng.IntN(3) == 0 {
		p.Surname2 = ""
	}
	switch rng.IntN(3) {
	case 0:
		if len(p.BirthDate) >= 4 {
			p.BirthDate = p.BirthDate[:4]
		}
	case 1:
		if len(p.BirthDate) >= 7 {
			p.BirthDate = p.BirthDate[:7]
		}
	}
	if rng.IntN(5) == 0 {
		p.Sex = ""
	}
	return p
}

var accents = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// stripAccents writes a name as on a keyboard without accents.
func stripAccents(s string) string {
	out, _, err := transform.String(accents, s)
	if err != nil {
		return s
	}
	return out
}
