package custody

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// seamWorld is a handful of cases across two facilities, states and
// creators, with an account of every kind of scope.
type seamWorld struct {
	f     *fixture
	ctxs  map[string]context.Context // by account name
	cases []*Case                    // as loaded after the set-up
}

func newSeamWorld(t *testing.T, db *store.DB) *seamWorld {
	f := newFixture(t, db)
	w := &seamWorld{f: f, ctxs: map[string]context.Context{}}
	admin, _ := f.user("admin@example.org", auth.RoleAdmin)
	intake, _ := f.user("intake@example.org", auth.RoleIntake)
	intake2, _ := f.user("intake2@example.org", auth.RoleIntake)
	cwA, cwAID := f.user("cw-a@example.org", auth.RoleCaseworker)
	legalB, legalBID := f.user("legal-b@example.org", auth.RoleLegal)
	cwAB, cwABID := f.user("cw-ab@example.org", auth.RoleCaseworker)
	cwNone, _ := f.user("cw-none@example.org", auth.RoleCaseworker)
	public, _ := f.user("public@example.org", auth.RolePublic)
	auditor, _ := f.user("auditor@example.org", auth.RoleAuditor)
	w.ctxs = map[string]context.Context{"admin": admin, "intake": intake, "intake2": intake2, "cw-a": cwA, "legal-b": legalB,
		"cw-ab": cwAB, "cw-none": cwNone, "public": public, "auditor": auditor}

	beds := facilities.Beds{Sex: "F", AgeBand: facilities.BandTeen, Capacity: 5}
	a := f.facility(admin, "Casa A", beds)
	b := f.facility(admin, "Casa B", beds)
	for _, as := range []struct{ user, fac int64 }{{cwAID, a.ID}, {legalBID, b.ID}, {cwABID, a.ID}, {cwABID, b.ID}} {
		if err := f.s.AssignFacility(admin, as.user, as.fac); err != nil {
			t.Fatal(err)
		}
	}
	placed := func(ctx context.Context, fac int64) *Case {
		c := f.referred(ctx, teenGirl())
		if _, err := f.s.Place(admin, c.ID, fac, ""); err != nil {
			t.Fatal(err)
		}
		return c
	}
	ids := []int64{
		f.child(intake, Intake{Person: identity.Person{GivenNames: "Ana", Surname1: "Tiul"}}).ID,                              // intake's, encountered
		f.child(intake, Intake{State: StateInBorderCustody, Person: identity.Person{GivenNames: "Eva", Surname1: "Caal"}}).ID, // intake's, in border custody
		f.referred(intake, Intake{Person: identity.Person{GivenNames: "Rut", Surname1: "Xol"}}).ID,                            // intake's, referred: out of their scope
		placed(intake, a.ID).ID, // intake's, placed at A
		placed(admin, a.ID).ID,  // placed at A
		placed(admin, b.ID).ID,  // placed at B
		f.child(intake2, Intake{Person: identity.Person{GivenNames: "Luz", Surname1: "Choc"}}).ID, // another intake officer's
		f.child(admin, Intake{Person: identity.Person{GivenNames: "Sol", Surname1: "Pop"}}).ID,    // admin's, encountered
	}
	// Closed while at B: the case keeps its last facility.
	c, err := f.s.Transition(admin, placed(admin, b.ID).ID, StateClosedOther, "test")
	if err != nil {
		t.Fatal(err)
	}
	ids = append(ids, c.ID)
	for _, id := range ids {
		c, err := f.s.loadCase(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		w.cases = append(w.cases, c)
	}
	return w
}

func (w *seamWorld) ids() []int64 {
	out := make([]int64, len(w.cases))
	for i, c := range w.cases {
		out[i] = c.ID
	}
	return out
}

// seen lists the ids of the world's cases sc includes, by Sees.
func (w *seamWorld) seen(sc Scope) []int64 {
	out := []int64{}
	for _, c := range w.cases {
		if sc.Sees(c) {
			out = append(out, c.ID)
		}
	}
	return out
}

func TestScopeSQLAgreesWithSees(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newSeamWorld(t, db)
		all := w.ids()
		tests := []struct {
			name string
			sc   Scope
			want int // cases seen; -1: do not check the count, only the agreement
		}{
			{"all", Scope{All: true}, len(all)},
			{"none", Scope{None: true}, 0},
			{"zero scope", Scope{}, 0},
			{"intake", Scope{CreatedBy: w.f.principal(t, "intake").UserID}, 2},
			{"other intake", Scope{CreatedBy: w.f.principal(t, "intake2").UserID}, 1},
			{"admin as creator", Scope{CreatedBy: w.f.principal(t, "admin").UserID}, 1},
			{"unknown creator", Scope{CreatedBy: 99999}, 0},
			{"unknown facility", Scope{FacilityIDs: []int64{99999}}, 0},
			{"unknown facility, waiting children", Scope{FacilityIDs: []int64{99999}, Unplaced: true}, 2},
		}
		for _, name := range []string{"admin", "intake", "intake2", "cw-a", "legal-b", "cw-ab", "cw-none"} {
			sc, err := w.f.s.ScopeFor(w.ctxs[name])
			if err != nil {
				t.Fatalf("scope of %s: %v", name, err)
			}
			tests = append(tests, struct {
				name string
				sc   Scope
				want int
			}{"scope of " + name, sc, -1})
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				cond, args := tt.sc.SQL("id")
				rows, err := db.Query(context.Background(), `SELECT id FROM cases WHERE `+cond+` ORDER BY id`, args...)
				if err != nil {
					t.Fatalf("%s: %v", cond, err)
				}
				defer rows.Close()
				got := []int64{}
				for rows.Next() {
					var id int64
					if err := rows.Scan(&id); err != nil {
						t.Fatal(err)
					}
					got = append(got, id)
				}
				if err := rows.Err(); err != nil {
					t.Fatal(err)
				}
				want := w.seen(tt.sc)
				if !slices.Equal(got, want) {
					t.Errorf("SQL %q %v selects %v; Sees accepts %v", cond, args, got, want)
				}
				if tt.want >= 0 && len(want) != tt.want {
					t.Errorf("sees %d cases %v, want %d", len(want), want, tt.want)
				}
			})
		}
	})
}

// principal is the account a context of the fixture acts as.
func (f *fixture) principal(t *testing.T, email string) auth.Principal {
	t.Helper()
	var id int64
	var role string
	if err := f.db.QueryRow(context.Background(), `SELECT id, role FROM users WHERE email = ?`, email+"@example.org").Scan(&id, &role); err != nil {
		t.Fatal(err)
	}
	return auth.Principal{UserID: id, Email: email + "@example.org", Role: auth.Role(role)}
}

func TestBriefsScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newSeamWorld(t, db)
		byID := map[int64]*Case{}
		for _, c := range w.cases {
			byID[c.ID] = c
		}
		ask := append(w.ids(), 99999) // and one that does not exist
		tests := []struct {
			user    string
			want    int  // cases returned
			refused bool // errs.ErrForbidden
		}{
			{"admin", len(w.cases), false},
			{"intake", 2, false},  // own, before referral
			{"intake2", 1, false}, // own
			{"cw-a", 4, false},    // placed at A, and the two waiting for a bed (in border custody, referred)
			{"legal-b", 2, false}, // placed at B, and the case closed there
			{"cw-ab", 6, false},   // placed at A or B, closed at B, and the two waiting
			{"cw-none", 0, false}, // no facility: nothing
			{"public", 0, true},
			{"auditor", 0, true},
		}
		for _, tt := range tests {
			t.Run(tt.user, func(t *testing.T) {
				ctx := w.ctxs[tt.user]
				before := auditCount(t, db, "case.briefs", "briefs")
				got, err := w.f.s.Briefs(ctx, ask)
				if tt.refused {
					if !errors.Is(err, errs.ErrForbidden) {
						t.Fatalf("Briefs as %s: %v, want refused", tt.user, err)
					}
					if n := auditCount(t, db, "case.briefs", "briefs"); n != before {
						t.Errorf("a refused Briefs wrote an audit row")
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				sc, err := w.f.s.ScopeFor(ctx)
				if err != nil {
					t.Fatal(err)
				}
				want := w.seen(sc)
				var gotIDs []int64
				for id, b := range got {
					gotIDs = append(gotIDs, id)
					c := byID[id]
					if c == nil {
						t.Fatalf("brief of case %d, which was not asked for", id)
					}
					if b.Name != c.DisplayName() || b.State != c.State || b.BirthCountry != c.BirthCountry {
						t.Errorf("brief %+v of case %+v", b, c)
					}
				}
				sort.Slice(gotIDs, func(i, j int) bool { return gotIDs[i] < gotIDs[j] })
				if len(got) != tt.want || !slices.Equal(gotIDs, want) {
					t.Errorf("Briefs as %s: cases %v, want %d cases (in scope: %v)", tt.user, gotIDs, tt.want, want)
				}
				// The read is audited with the cases it showed; an empty
				// answer showed nothing.
				es, err := audit.List(context.Background(), db, audit.Filter{Action: "case.briefs", Limit: 1})
				if err != nil {
					t.Fatal(err)
				}
				n := auditCount(t, db, "case.briefs", "briefs")
				switch {
				case tt.want == 0 && n != before:
					t.Errorf("an empty Briefs wrote an audit row")
				case tt.want > 0 && n != before+1:
					t.Errorf("Briefs wrote %d audit rows, want 1", n-before)
				case tt.want > 0 && (es[0].Actor != tt.user+"@example.org" || !strings.HasSuffix(es[0].Detail, idList(gotIDs))):
					t.Errorf("audit row %+v, want actor %s and cases %s", es[0], tt.user, idList(gotIDs))
				}
			})
		}
	})
}

// changes records what OnChange reported.
type changes struct {
	mu   sync.Mutex
	seen []Change
}

func (c *changes) add(_ context.Context, ch Change) {
	c.mu.Lock()
	c.seen = append(c.seen, ch)
	c.mu.Unlock()
}

func (c *changes) take() []Change {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.seen
	c.seen = nil
	return out
}

var errRollback = errors.New("the outer transaction fails")

func TestOnChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		existing := f.child(admin, Intake{Person: identity.Person{GivenNames: "Ana", Surname1: "Tiul"}})
		var got changes
		f.s.OnChange(got.add)
		var newID int64
		csv := "given_names,surname1,encountered_at,siblings\n" +
			"Eva,Caal,2026-03-01T09:00Z,\n" +
			"Rut,Xol,2026-03-01T09:00Z,99999\n" + // refused: rolled back to its savepoint
			"Luz,Choc,2026-03-01T09:00Z,\n"
		maxID := func() int64 {
			var id int64
			if err := db.QueryRow(context.Background(), `SELECT MAX(id) FROM cases`).Scan(&id); err != nil {
				t.Fatal(err)
			}
			return id
		}
		// createdSince is every case created after before, as the
		// changes that tell of them (a refused import batch uses ids up).
		createdSince := func(before int64) []Change {
			rows, err := db.Query(context.Background(), `SELECT id FROM cases WHERE id > ? ORDER BY id`, before)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []Change
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				out = append(out, Change{ChangeCreated, id})
			}
			return out
		}
		tests := []struct {
			name   string
			do     func(ctx context.Context) error
			want   func(before int64) []Change
			ownTxs bool // commits its own transactions: refused inside one
		}{
			{"create", func(ctx context.Context) error {
				c, err := f.s.CreateCase(ctx, Intake{Person: identity.Person{GivenNames: "Sol", Surname1: "Pop"}, EncounteredAt: f.clock})
				if err == nil {
					newID = c.ID
				}
				return err
			}, func(int64) []Change { return []Change{{ChangeCreated, newID}} }, false},
			{"import", func(ctx context.Context) error {
				res, err := f.s.ImportCases(ctx, strings.NewReader(csv), nil)
				if err == nil && res.Imported != 2 {
					err = fmt.Errorf("imported %d: %+v", res.Imported, res.Errors)
				}
				return err
			}, createdSince, false}, // one transaction: it composes into the caller's (issue 15)
			{"identity correction", func(ctx context.Context) error {
				_, err := f.s.UpdateIdentity(ctx, existing.ID, IdentityChange{Patch: identity.Patch{Surname1: ptr("Tiul " + fmt.Sprint(f.clock.UnixNano()))}, Reason: "document"})
				f.advance(1)
				return err
			}, func(int64) []Change { return []Change{{ChangeIdentity, existing.ID}} }, false},
			{"identity correction that changes nothing", func(ctx context.Context) error {
				_, err := f.s.UpdateIdentity(ctx, existing.ID, IdentityChange{Reason: "nothing"})
				return err
			}, func(int64) []Change { return nil }, false},
			{"refused correction", func(ctx context.Context) error {
				if _, err := f.s.UpdateIdentity(ctx, existing.ID, IdentityChange{Patch: identity.Patch{Sex: ptr("X")}, Reason: "x"}); err == nil {
					return errors.New("sex X accepted")
				}
				return nil
			}, func(int64) []Change { return nil }, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := maxID()
				if err := tt.do(admin); err != nil {
					t.Fatal(err)
				}
				if g, w := got.take(), tt.want(before); !slices.Equal(g, w) {
					t.Errorf("changes %v, want %v", g, w)
				}
			})
			if tt.ownTxs {
				t.Run(tt.name+" refused in a transaction", func(t *testing.T) {
					before := maxID()
					err := db.WithTx(admin, tt.do)
					if err == nil || maxID() != before || len(got.take()) > 0 {
						t.Errorf("ran inside a transaction: %v", err)
					}
				})
				continue
			}
			t.Run(tt.name+" in a committed outer transaction", func(t *testing.T) {
				before := maxID()
				err := db.WithTx(admin, func(ctx context.Context) error {
					err := tt.do(ctx)
					if g := got.take(); len(g) > 0 {
						t.Errorf("changes %v told before the commit", g)
					}
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				if g, w := got.take(), tt.want(before); !slices.Equal(g, w) {
					t.Errorf("changes %v, want %v", g, w)
				}
			})
			t.Run(tt.name+" in a rolled-back outer transaction", func(t *testing.T) {
				before := maxID()
				err := db.WithTx(admin, func(ctx context.Context) error {
					if err := tt.do(ctx); err != nil {
						return err
					}
					return errRollback
				})
				if !errors.Is(err, errRollback) {
					t.Fatalf("outer transaction: %v", err)
				}
				if g := got.take(); len(g) > 0 {
					t.Errorf("changes %v told of a rolled-back transaction", g)
				}
				if maxID() != before {
					t.Errorf("the rolled-back transaction left a case")
				}
			})
		}
	})
}

func TestIdentityChangesSince(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		public, _ := f.user("public@example.org", auth.RolePublic)
		a := f.child(admin, Intake{Person: identity.Person{GivenNames: "Ana", Surname1: "Tiul"}})
		b := f.child(admin, Intake{Person: identity.Person{GivenNames: "Eva", Surname1: "Caal"}})
		none, err := f.s.IdentityChangesSince(admin, 0)
		if err != nil || none == nil || len(none) != 0 {
			t.Fatalf("before any correction: %v %v, want []", none, err)
		}
		var order []int64
		for i, c := range []*Case{a, b, a} {
			if _, err := f.s.UpdateIdentity(admin, c.ID, IdentityChange{Patch: identity.Patch{GivenNames: ptr(fmt.Sprintf("N%c", 'a'+i))}, Reason: "document"}); err != nil {
				t.Fatal(err)
			}
			order = append(order, c.ID)
		}
		// A correction rolled back is not listed.
		err = db.WithTx(admin, func(ctx context.Context) error {
			if _, err := f.s.UpdateIdentity(ctx, b.ID, IdentityChange{Patch: identity.Patch{GivenNames: ptr("Zoe")}, Reason: "document"}); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
		all, err := f.s.IdentityChangesSince(admin, 0)
		if err != nil || len(all) != 3 {
			t.Fatalf("all corrections: %v %v", all, err)
		}
		for i, c := range all {
			if c.CaseID != order[i] || (i > 0 && c.Seq <= all[i-1].Seq) {
				t.Errorf("corrections %+v, want cases %v in sequence order", all, order)
			}
		}
		tests := []struct {
			after int64
			want  []Correction
		}{
			{0, all},
			{all[0].Seq, all[1:]},
			{all[1].Seq, all[2:]},
			{all[2].Seq, []Correction{}},
			{all[2].Seq + 100, []Correction{}},
		}
		for _, tt := range tests {
			got, err := f.s.IdentityChangesSince(admin, tt.after)
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("since %d: %v %v, want %v", tt.after, got, err, tt.want)
			}
		}
		if _, err := f.s.IdentityChangesSince(public, 0); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("public read the corrections: %v", err)
		}
	})
}
