package requests

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/auth/authtest"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
	"github.com/amparo-project/amparo/internal/tracing"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// fixture is a database with accounts, a matcher and a clock.
type fixture struct {
	t     *testing.T
	db    *store.DB
	cases *custody.Service
	fac   *facilities.Service
	rel   *release.Service
	svc   *Service
	clock time.Time
	admin context.Context
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	f := &fixture{t: t, db: db, clock: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return f.clock }
	f.fac = facilities.New(db, clock)
	f.cases = custody.New(db, f.fac, clock)
	f.rel = release.New(db, f.cases, clock)
	f.admin, _ = f.user("admin@example.org", auth.RoleAdmin)
	f.svc = f.service()
	return f
}

// service builds a fresh matcher from the cases now in the database, as
// a restarted server would.
func (f *fixture) service() *Service {
	f.t.Helper()
	m, err := NewMatcher(context.Background(), f.db, MatcherOptions{Lag: -1, Now: func() time.Time { return f.clock }})
	if err != nil {
		f.t.Fatal(err)
	}
	return &Service{DB: f.db, M: m, Cases: f.cases, Release: f.rel, Now: func() time.Time { return f.clock }}
}

func (f *fixture) user(email string, role auth.Role) (context.Context, int64) {
	return authtest.User(f.t, f.db, email, role)
}

func (f *fixture) child(ctx context.Context, given, s1, s2, sex, birth string) *custody.Case {
	f.t.Helper()
	c, err := f.cases.CreateCase(ctx, custody.Intake{Person: identity.Person{GivenNames: given, Surname1: s1, Surname2: s2, Sex: sex, BirthDate: birth, BirthCountry: "Guatemala"}, EncounteredAt: f.clock.Add(-time.Hour)})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// background cases that must not be confused with the ones sought.
func (f *fixture) crowd(ctx context.Context) {
	f.t.Helper()
	for _, n := range [][5]string{
		{"María", "García", "Hernández", "F", "2011-02-03"},
		{"Juan Carlos", "Martínez", "Ruiz", "M", "2010-07-21"},
		{"Ana", "Xiloj", "Tzul", "F", "2012-11-09"},
		{"Luis", "Pérez", "López", "M", "2009-04-30"},
	} {
		f.child(ctx, n[0], n[1], n[2], n[3], n[4])
	}
}

func (f *fixture) auditCount(action string) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = ?`, action).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func pepe() Person {
	return Person{GivenNames: "Pepe", Surname1: "Lopez", Sex: "M", BirthDate: "2010"}
}

func newReq(sought Person) NewRequest {
	return NewRequest{Seeker: Seeker{GivenNames: "Rosa", Surnames: "Pérez", Relationship: "aunt", Contact: "+1 555 0100", Language: "es"}, Sought: sought}
}

func TestPersonNormalize(t *testing.T) {
	tests := []struct {
		name    string
		in      Person
		problem string // field with a problem, "" when valid
	}{
		{"nickname and surname", pepe(), ""},
		{"surname only", Person{Surname1: "López"}, ""},
		{"no name at all", Person{Sex: "M", BirthDate: "2010"}, "given_names"},
		{"blank names", Person{GivenNames: "  ", Surname1: "\t"}, "given_names"},
		{"sex unknown is empty", Person{GivenNames: "José", Sex: "unknown"}, ""},
		{"sex lower case", Person{GivenNames: "José", Sex: "f"}, ""},
		{"sex other", Person{GivenNames: "José", Sex: "X"}, "sex"},
		{"sex in Spanish", Person{GivenNames: "José", Sex: "Niño"}, ""},
		{"sex in English", Person{GivenNames: "Ana", Sex: "female"}, ""},
		{"sex question mark", Person{GivenNames: "Ana", Sex: "?"}, ""},
		{"year and month", Person{GivenNames: "José", BirthDate: "2010-05"}, ""},
		{"full date", Person{GivenNames: "José", BirthDate: "2010-05-31"}, ""},
		{"impossible date", Person{GivenNames: "José", BirthDate: "2010-02-31"}, "birth_date"},
		{"other format", Person{GivenNames: "José", BirthDate: "31/05/2010"}, "birth_date"},
		{"too long", Person{GivenNames: strings.Repeat("a", maxText+1)}, "given_names"},
		{"not utf-8", Person{GivenNames: "Jos\xe9"}, "given_names"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &ValidationError{}
			p := tt.in
			normalizePerson(&p, v, "")
			if tt.problem == "" {
				if len(v.Problems) > 0 {
					t.Fatalf("unexpected problems: %v", v)
				}
				return
			}
			if len(v.Problems) == 0 || v.Problems[0].Field != tt.problem {
				t.Fatalf("problems %v, want one on %s", v.Problems, tt.problem)
			}
		})
	}
}

func TestDecisionNormalize(t *testing.T) {
	tests := []struct {
		name string
		d    Decision
		ok   bool
	}{
		{"confirm without reason", Decision{Status: CandidateConfirmed}, true},
		{"reject with reason", Decision{Status: CandidateRejected, Reason: "different mother"}, true},
		{"reject without reason", Decision{Status: CandidateRejected}, false},
		{"reject with blank reason", Decision{Status: CandidateRejected, Reason: "   "}, false},
		{"unknown status", Decision{Status: "maybe"}, false},
		{"proposed is not a decision", Decision{Status: CandidateProposed}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.d.Normalize()
			var ve *ValidationError
			if tt.ok != (err == nil) || (err != nil && !errors.As(err, &ve)) {
				t.Fatalf("Normalize() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestNewRequestNormalize(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(r *NewRequest)
		problem string
	}{
		{"valid", func(*NewRequest) {}, ""},
		{"no seeker name", func(r *NewRequest) { r.Seeker.GivenNames, r.Seeker.Surnames = "", "" }, "seeker.given_names"},
		{"no contact", func(r *NewRequest) { r.Seeker.Contact = " " }, "seeker.contact"},
		{"unknown relationship", func(r *NewRequest) { r.Seeker.Relationship = "neighbour" }, "seeker.relationship"},
		{"relationship none", func(r *NewRequest) { r.Seeker.Relationship = "none" }, "seeker.relationship"},
		{"nobody sought", func(r *NewRequest) { r.Sought = Person{} }, "sought.given_names"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newReq(pepe())
			tt.edit(&r)
			err := r.Normalize()
			if tt.problem == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Problems[0].Field != tt.problem {
				t.Fatalf("Normalize() = %v, want a problem on %s", err, tt.problem)
			}
		})
	}
}

// TestSearchNickname is the issue's example: a relative asks for "Pepe
// Lopez" and the case recorded as "José López Pérez" comes first.
func TestSearchNickname(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.crowd(f.admin)
		jose := f.child(f.admin, "José", "López", "Pérez", "M", "2010-05-14")
		f.svc = f.service()
		hits, err := f.svc.Search(f.admin, pepe(), 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || hits[0].CaseID != jose.ID {
			t.Fatalf("hits %+v, want case %d first", hits, jose.ID)
		}
		h := hits[0]
		if h.Probability < f.svc.M.Threshold() || h.Case == nil || h.Case.Name == "" {
			t.Fatalf("hit %+v", h)
		}
		// The explanation names every field the engine compares, and the
		// nickname counts for the match.
		fields := map[string]tracing.FieldWeight{}
		for _, fw := range h.Explanation {
			fields[fw.Field] = fw
		}
		for _, name := range tracing.Columns[1:] {
			if _, ok := fields[name]; !ok {
				t.Errorf("explanation %+v lacks the field %s", h.Explanation, name)
			}
		}
		if g := fields["given_names"]; g.Weight <= 0 || g.Level != "nickname" {
			t.Errorf("given names explained as %+v, want a nickname counting for", g)
		}
	})
}

func TestSearchScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		intakeA, _ := f.user("intake-a@example.org", auth.RoleIntake)
		intakeB, _ := f.user("intake-b@example.org", auth.RoleIntake)
		cw, cwID := f.user("cw@example.org", auth.RoleCaseworker)
		cwNone, _ := f.user("cw-none@example.org", auth.RoleCaseworker)
		f.crowd(f.admin)
		a := f.child(intakeA, "José", "López", "Pérez", "M", "2010-05-14")
		b := f.child(intakeB, "José Luis", "López", "Pérez", "M", "2010-05-14")
		// c is placed in a facility the caseworker works in.
		c := f.child(f.admin, "José", "López", "", "M", "2010-06-01")
		fac, err := f.fac.CreateFacility(f.admin, facilities.Facility{Name: "Casa Uno", Type: "shelter", TZ: "America/Chicago",
			Beds: []facilities.Beds{{Sex: "M", AgeBand: facilities.BandTeen, Capacity: 4}, {Sex: "M", AgeBand: facilities.BandChild, Capacity: 4}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.fac.AssignFacility(f.admin, cwID, fac.ID); err != nil {
			t.Fatal(err)
		}
		for _, st := range []custody.State{custody.StateInBorderCustody, custody.StateReferred} {
			if _, err := f.cases.Transition(f.admin, c.ID, st, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.cases.Place(f.admin, c.ID, fac.ID, "test"); err != nil {
			t.Fatal(err)
		}
		f.svc = f.service()
		tests := []struct {
			name string
			ctx  context.Context
			want []int64
		}{
			{"admin sees every case", f.admin, []int64{a.ID, b.ID, c.ID}},
			{"intake A sees only the case it recorded", intakeA, []int64{a.ID}},
			{"intake B sees only the case it recorded", intakeB, []int64{b.ID}},
			{"caseworker sees the case in its facility", cw, []int64{c.ID}},
			{"caseworker without facility sees nothing", cwNone, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				hits, err := f.svc.Search(tt.ctx, pepe(), 0)
				if err != nil {
					t.Fatal(err)
				}
				got := map[int64]bool{}
				for _, h := range hits {
					got[h.CaseID] = true
				}
				for _, id := range tt.want {
					if !got[id] {
						t.Errorf("case %d missing from %v", id, got)
					}
				}
				if len(got) != len(tt.want) {
					t.Errorf("got cases %v, want exactly %v", got, tt.want)
				}
			})
		}
		// Requests follow the same rule: the candidate outside the
		// viewer's scope is neither shown nor counted.
		v, err := f.svc.Create(intakeA, newReq(pepe()))
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Candidates) != 1 || v.Candidates[0].CaseID != a.ID {
			t.Fatalf("intake A's view of its request: %+v", v.Candidates)
		}
		va, err := f.svc.Get(f.admin, v.Request.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(va.Candidates) != 3 {
			t.Fatalf("admin sees %d candidates, want 3", len(va.Candidates))
		}
		// The list counts what each viewer may decide on, and no more.
		for _, tt := range []struct {
			name string
			ctx  context.Context
			want int
		}{{"admin", f.admin, 3}, {"intake A", intakeA, 1}, {"intake B", intakeB, 1}, {"caseworker", cw, 1}, {"caseworker without facility", cwNone, 0}} {
			list, err := f.svc.List(tt.ctx, ListQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].ToDecide == nil || *list[0].ToDecide != tt.want {
				t.Errorf("%s: list %+v, want %d to decide", tt.name, list, tt.want)
			}
		}
		// A caseworker cannot decide on a case outside its scope: not found.
		for _, cand := range va.Candidates {
			if cand.CaseID == a.ID {
				_, err := f.svc.Decide(cw, cand.ID, Decision{Status: CandidateConfirmed})
				if !errors.Is(err, store.ErrNotFound) {
					t.Fatalf("caseworker deciding on a case out of scope: %v, want not found", err)
				}
			}
		}
	})
}

func TestSearchAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.child(f.admin, "José", "López", "Pérez", "M", "2010-05-14")
		f.svc = f.service()
		intake, _ := f.user("intake@example.org", auth.RoleIntake)
		for i, ctx := range []context.Context{f.admin, intake, f.admin} {
			if _, err := f.svc.Search(ctx, pepe(), 5); err != nil {
				t.Fatal(err)
			}
			if n := f.auditCount("tracing.search"); n != i+1 {
				t.Fatalf("after %d searches, %d audit rows", i+1, n)
			}
		}
		var actor, detail string
		if err := db.QueryRow(context.Background(), `SELECT actor, detail FROM audit_log WHERE action = 'tracing.search' ORDER BY id DESC LIMIT 1`).Scan(&actor, &detail); err != nil {
			t.Fatal(err)
		}
		if actor != "admin@example.org" || !strings.Contains(detail, "1 candidates returned") {
			t.Fatalf("audit row: %s %q", actor, detail)
		}
		for _, name := range []string{"Pepe", "Lopez", "López", "José"} {
			if strings.Contains(detail, name) {
				t.Fatalf("audit detail %q holds the name %q", detail, name)
			}
		}
		// Refused and invalid searches are not searches.
		legal, _ := f.user("legal@example.org", auth.RoleLegal)
		if _, err := f.svc.Search(legal, pepe(), 5); !errors.Is(err, ErrForbidden) {
			t.Fatalf("legal searching: %v, want forbidden", err)
		}
		var ve *ValidationError
		if _, err := f.svc.Search(f.admin, Person{Sex: "M"}, 5); !errors.As(err, &ve) {
			t.Fatalf("search without a name: %v, want a validation error", err)
		}
		if _, err := f.svc.Search(f.admin, pepe(), MaxLimit+1); !errors.As(err, &ve) {
			t.Fatalf("search over the limit: %v, want a validation error", err)
		}
	})
}

func TestRequestFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.crowd(f.admin)
		jose := f.child(f.admin, "José", "López", "Pérez", "M", "2010-05-14")
		f.svc = f.service()
		v, err := f.svc.Create(f.admin, newReq(pepe()))
		if err != nil {
			t.Fatal(err)
		}
		if v.Request.Status != StatusOpen || len(v.Candidates) == 0 || v.Candidates[0].CaseID != jose.ID || v.Candidates[0].FoundBy != foundByRequest {
			t.Fatalf("new request: %+v", v)
		}
		if f.auditCount("tracing.request.create") != 1 {
			t.Fatal("request creation not audited")
		}
		cand := v.Candidates[0]

		// Rejecting needs a reason; an unknown candidate is not found.
		var ve *ValidationError
		if _, err := f.svc.Decide(f.admin, cand.ID, Decision{Status: CandidateRejected}); !errors.As(err, &ve) {
			t.Fatalf("reject without reason: %v", err)
		}
		if _, err := f.svc.Decide(f.admin, 999999, Decision{Status: CandidateConfirmed}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown candidate: %v", err)
		}
		intake, _ := f.user("intake@example.org", auth.RoleIntake)
		if _, err := f.svc.Decide(intake, cand.ID, Decision{Status: CandidateConfirmed}); !errors.Is(err, ErrForbidden) {
			t.Fatalf("intake deciding: %v, want forbidden", err)
		}

		got, err := f.svc.Decide(f.admin, cand.ID, Decision{Status: CandidateConfirmed})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != CandidateConfirmed || got.DecidedBy != "admin@example.org" || got.DecidedAt == nil {
			t.Fatalf("decided: %+v", got)
		}
		if _, err := f.svc.Decide(f.admin, cand.ID, Decision{Status: CandidateRejected, Reason: "second thoughts"}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("deciding twice: %v, want conflict", err)
		}
		v, err = f.svc.Get(f.admin, v.Request.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Request.Status != StatusMatched || len(v.Links) != 1 || v.Links[0].CaseID != jose.ID || v.Links[0].SponsorID != nil {
			t.Fatalf("after confirm: %+v %+v", v.Request, v.Links)
		}
		if f.auditCount("tracing.decide") != 1 {
			t.Fatal("decision not audited")
		}

		// The link becomes a sponsor record of the case, once.
		sp, err := f.svc.MakeSponsor(f.admin, v.Links[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if sp.CaseID != jose.ID || sp.Relationship != "aunt" || sp.Category != release.Category2B || sp.Phone != "+1 555 0100" {
			t.Fatalf("sponsor %+v", sp)
		}
		if _, err := f.svc.MakeSponsor(f.admin, v.Links[0].ID); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second sponsor from one link: %v, want conflict", err)
		}
		if _, err := f.svc.MakeSponsor(f.admin, 999999); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown link: %v, want not found", err)
		}

		// Closing needs a reason, and a closed request takes no decision.
		r2, err := f.svc.Create(f.admin, newReq(Person{GivenNames: "Ana", Surname1: "Xiloj", Sex: "F"}))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Close(f.admin, r2.Request.ID, ""); !errors.As(err, &ve) {
			t.Fatalf("close without reason: %v", err)
		}
		if _, err := f.svc.Close(f.admin, r2.Request.ID, "the family found her"); err != nil {
			t.Fatal(err)
		}
		if len(r2.Candidates) > 0 {
			if _, err := f.svc.Decide(f.admin, r2.Candidates[0].ID, Decision{Status: CandidateConfirmed}); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("deciding on a closed request: %v", err)
			}
		}
		if _, err := f.svc.Get(f.admin, 999999); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown request: %v", err)
		}
		list, err := f.svc.List(f.admin, ListQuery{Status: StatusClosed})
		if err != nil || len(list) != 1 || list[0].ID != r2.Request.ID {
			t.Fatalf("closed requests: %v %v", list, err)
		}
	})
}

// TestCaseAfterRequest: a child recorded after the request was made is
// found by Sync, with the reason it was proposed; Sync is idempotent and a
// restarted matcher does not propose it again.
func TestCaseAfterRequest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.crowd(f.admin)
		f.svc = f.service()
		v, err := f.svc.Create(f.admin, newReq(pepe()))
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Candidates) != 0 {
			t.Fatalf("candidates before the child arrived: %+v", v.Candidates)
		}
		jose := f.child(f.admin, "José", "López", "Pérez", "M", "2010-05-14")
		res, err := f.svc.M.Sync(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if res.NewCases != 1 || res.Candidates != 1 {
			t.Fatalf("sync: %+v", res)
		}
		v, err = f.svc.Get(f.admin, v.Request.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Candidates) != 1 || v.Candidates[0].CaseID != jose.ID || v.Candidates[0].FoundBy != foundByNewCase || len(v.Candidates[0].Explanation) == 0 {
			t.Fatalf("after sync: %+v", v.Candidates)
		}
		if f.auditCount("tracing.match") != 1 {
			t.Fatal("background matching not audited")
		}
		if res, err := f.svc.M.Sync(context.Background()); err != nil || res.NewCases != 0 || res.Candidates != 0 {
			t.Fatalf("second sync: %+v %v", res, err)
		}
		// A restarted matcher resumes from the stored cursor.
		f.svc = f.service()
		if f.svc.M.Len() != 5 {
			t.Fatalf("restarted matcher holds %d cases, want 5", f.svc.M.Len())
		}
		if res, err := f.svc.M.Sync(context.Background()); err != nil || res.Matched != 0 {
			t.Fatalf("sync after restart: %+v %v", res, err)
		}
		// A closed request is no longer matched.
		if _, err := f.svc.Close(f.admin, v.Request.ID, "withdrawn"); err != nil {
			t.Fatal(err)
		}
		f.child(f.admin, "José", "López", "", "M", "2010-05-14")
		if res, err := f.svc.M.Sync(context.Background()); err != nil || res.NewCases != 1 || res.Candidates != 0 {
			t.Fatalf("sync with the request closed: %+v %v", res, err)
		}
	})
}

func TestDuplicates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.crowd(f.admin)
		f.svc = f.service()
		intake, _ := f.user("intake@example.org", auth.RoleIntake)
		first := f.child(f.admin, "José", "López", "Pérez", "M", "2010-05-14")
		// The same boy recorded again at another station, accents lost.
		again := f.child(intake, "Jose", "Lopez", "Perez", "M", "2010-05-14")
		hits, err := f.svc.Duplicates(f.admin, again.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != 1 || hits[0].CaseID != first.ID {
			t.Fatalf("duplicates of %d: %+v, want %d", again.ID, hits, first.ID)
		}
		// The intake officer may see its own case but not the other one.
		hits, err = f.svc.Duplicates(intake, again.ID, 0)
		if err != nil || len(hits) != 0 {
			t.Fatalf("intake's duplicates: %+v %v", hits, err)
		}
		if _, err := f.svc.Duplicates(intake, first.ID, 0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("duplicates of a case out of scope: %v, want not found", err)
		}
		if _, err := f.svc.Duplicates(f.admin, 999999, 0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown case: %v", err)
		}
		if f.auditCount("tracing.duplicates") != 2 {
			t.Fatalf("duplicates audited %d times, want 2", f.auditCount("tracing.duplicates"))
		}
	})
}

func TestBitset(t *testing.T) {
	var b bitset
	for _, id := range []int64{1, 63, 64, 1000, 5} {
		b.set(id)
	}
	for _, tt := range []struct {
		id   int64
		want bool
	}{{1, true}, {63, true}, {64, true}, {1000, true}, {5, true}, {0, false}, {2, false}, {65, false}, {999, false}, {100000, false}, {-1, false}} {
		if got := b.has(tt.id); got != tt.want {
			t.Errorf("has(%d) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

// TestSexes checks every row of the sex table through Normalize, with the
// accents and capitals people type.
func TestSexes(t *testing.T) {
	for written, want := range sexes {
		for _, in := range []string{written, strings.ToUpper(written)} {
			t.Run(in, func(t *testing.T) {
				p := Person{GivenNames: "Ana", Sex: in}
				v := &ValidationError{}
				normalizePerson(&p, v, "")
				if len(v.Problems) > 0 || p.Sex != want {
					t.Fatalf("sex %q: got %q %v, want %q", in, p.Sex, v.Problems, want)
				}
			})
		}
	}
	p := Person{GivenNames: "José", Sex: "Varón"}
	normalizePerson(&p, &ValidationError{}, "")
	if p.Sex != "M" {
		t.Fatalf("Varón: %q", p.Sex)
	}
}

func TestSeedDemo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.crowd(f.admin)
		f.child(f.admin, "José Manuel", "López", "Pérez", "M", "2010-05-14")
		ctx := context.Background()
		if err := SeedDemo(ctx, db, DemoOptions{Requests: 12, Seed: 1, Unknown: 0.25}); err != nil {
			t.Fatal(err)
		}
		var reqs, cands, unmatched int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM tracing_requests`).Scan(&reqs); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM tracing_candidates`).Scan(&cands); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM tracing_requests r WHERE NOT EXISTS (SELECT 1 FROM tracing_candidates c WHERE c.request_id = r.id)`).Scan(&unmatched); err != nil {
			t.Fatal(err)
		}
		// Most relatives describe a child on record and find them; a few do
		// not.
		if reqs != 12 || cands < reqs/2 || unmatched == 0 || unmatched == reqs {
			t.Fatalf("%d requests, %d candidates, %d without any", reqs, cands, unmatched)
		}
		if f.auditCount("tracing.demo") != 1 {
			t.Fatal("the demo load is not audited")
		}
		// The server's matcher starting afterwards has nothing left to match.
		if res, err := f.service().M.Sync(ctx); err != nil || res.Matched != 0 {
			t.Fatalf("sync after the demo: %+v %v", res, err)
		}
	})
}

func TestStripAccents(t *testing.T) {
	for in, want := range map[string]string{"José": "Jose", "Núñez": "Nunez", "Xiloj": "Xiloj", "": "", "Güicho": "Guicho"} {
		if got := stripAccents(in); got != want {
			t.Errorf("stripAccents(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCaseWhileDown: a child recorded while the server was down (by an
// import, say) is matched against the open requests at the next start.
func TestCaseWhileDown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.crowd(f.admin)
		v, err := f.service().Create(f.admin, newReq(pepe()))
		if err != nil {
			t.Fatal(err)
		}
		jose := f.child(f.admin, "José", "López", "Pérez", "M", "2010-05-14")
		svc := f.service()
		if res, err := svc.M.Sync(context.Background()); err != nil || res.Candidates != 1 {
			t.Fatalf("first sync after the start: %+v %v", res, err)
		}
		got, err := svc.Get(f.admin, v.Request.ID)
		if err != nil || len(got.Candidates) != 1 || got.Candidates[0].CaseID != jose.ID {
			t.Fatalf("candidates: %+v %v", got, err)
		}
	})
}

// TestRebuild: once there are enough cases, the model's name frequencies
// are counted on them, without losing or doubling a case, including cases
// recorded and synced while the model is counted.
func TestRebuild(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		m, err := NewMatcher(ctx, db, MatcherOptions{Lag: -1, FrequenciesFrom: 5})
		if err != nil {
			t.Fatal(err)
		}
		f.svc = &Service{DB: db, M: m, Cases: f.cases, Release: f.rel, Now: func() time.Time { return f.clock }}
		f.crowd(f.admin)
		if _, err := m.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if m.rebuildDue() || m.Model().GivenFreq != nil {
			t.Fatal("4 cases: too few to count frequencies")
		}
		f.child(f.admin, "José", "López", "Pérez", "M", "2010-05-14")
		if _, err := m.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if !m.rebuildDue() {
			t.Fatal("5 cases: a rebuild is due")
		}
		// Cases recorded and synced while the model is counted are indexed
		// once and found.
		done := make(chan error, 1)
		go func() { done <- m.Rebuild(ctx) }()
		var during []*custody.Case
		for i := range 3 {
			during = append(during, f.child(f.admin, "Ana", "Tzul", "", "F", fmt.Sprintf("2012-01-%02d", i+1)))
			if _, err := m.Sync(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		for _, c := range during {
			hits, err := f.svc.Search(f.admin, Person{GivenNames: "Ana", Surname1: "Tzul", Sex: "F", BirthDate: c.BirthDate}, 0)
			if err != nil || len(hits) == 0 || hits[0].CaseID != c.ID {
				t.Fatalf("a case synced during the rebuild: %+v %v", hits, err)
			}
		}
		if m.Len() != 8 || m.Model().GivenFreq == nil || m.rebuildDue() {
			t.Fatalf("after the rebuild: %d cases, frequencies %v, due %v", m.Len(), m.Model().GivenFreq, m.rebuildDue())
		}
		// A case recorded after the rebuild is added once.
		again := f.child(f.admin, "José", "López", "Pérez", "M", "2010-05-14")
		hits, err := f.svc.Search(f.admin, pepe(), 0)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[int64]int{}
		for _, h := range hits {
			seen[h.CaseID]++
		}
		if m.Len() != 9 || seen[again.ID] != 1 || len(seen) != len(hits) {
			t.Fatalf("after a new case: %d indexed, hits %v", m.Len(), seen)
		}
	})
}

// TestDecideRace: two caseworkers deciding the same candidate at once:
// one decision stands, the other is refused, and there is one link.
func TestDecideRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.child(f.admin, "José", "López", "Pérez", "M", "2010-05-14")
		v, err := f.svc.Create(f.admin, newReq(pepe()))
		if err != nil || len(v.Candidates) != 1 {
			t.Fatalf("create: %+v %v", v, err)
		}
		other, _ := f.user("admin2@example.org", auth.RoleAdmin)
		errs := make(chan error, 2)
		for _, ctx := range []context.Context{f.admin, other} {
			go func() {
				_, err := f.svc.Decide(ctx, v.Candidates[0].ID, Decision{Status: CandidateConfirmed})
				errs <- err
			}()
		}
		var ok, conflicts int
		for range 2 {
			switch err := <-errs; {
			case err == nil:
				ok++
			case errors.Is(err, store.ErrConflict):
				conflicts++
			default:
				t.Fatal(err)
			}
		}
		var links int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM tracing_links`).Scan(&links); err != nil {
			t.Fatal(err)
		}
		if ok != 1 || conflicts != 1 || links != 1 {
			t.Fatalf("%d decisions stood, %d refused, %d links", ok, conflicts, links)
		}
	})
}
