package aid

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type fixture struct {
	t    *testing.T
	db   *store.DB
	ind  *indicators.Service
	s    *Service
	aid1 context.Context
	aid2 context.Context
}

// testData is made-up test input (not the public record): homicide rates
// falling in GTM, a control-of-corruption score for four countries of one
// income group.
const testData = `country_iso3,indicator,period,value,unit,source
GTM,homicide_rate,2012,34,per 100k,test
GTM,homicide_rate,2013,33,per 100k,test
GTM,homicide_rate,2014,31,per 100k,test
GTM,homicide_rate,2015,29,per 100k,test
GTM,homicide_rate,2016,27,per 100k,test
GTM,income_group,2015,Lower-middle,category,test
HND,income_group,2015,Lower-middle,category,test
SLV,income_group,2015,Lower-middle,category,test
NIC,income_group,2015,Lower-middle,category,test
MEX,income_group,2015,Upper-middle,category,test
GTM,wgi_cc,2015,-0.5,estimate,test
HND,wgi_cc,2015,-0.8,estimate,test
SLV,wgi_cc,2015,-0.4,estimate,test
NIC,wgi_cc,2015,-1.0,estimate,test
MEX,wgi_cc,2015,0.9,estimate,test
`

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ind := indicators.New(db)
	f := &fixture{t: t, db: db, ind: ind, s: New(db, ind, func() time.Time { return clock })}
	f.importCSV(testData)
	f.aid1 = f.user("aid1@example.org", auth.RoleAidOfficer)
	f.aid2 = f.user("aid2@example.org", auth.RoleAidOfficer)
	return f
}

func (f *fixture) importCSV(csv string) {
	f.t.Helper()
	op := auth.OperatorContext(context.Background(), "test")
	if _, err := f.ind.Import(op, indicators.Options{Name: "t.csv", Reader: strings.NewReader(csv)}); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) user(email string, role auth.Role) context.Context {
	f.t.Helper()
	var id int64
	ts := store.FormatTime(time.Now())
	if err := f.db.QueryRow(context.Background(), `INSERT INTO users (email, role, password_hash, created_at, updated_at) VALUES (?, ?, 'x', ?, ?) RETURNING id`,
		email, string(role), ts, ts).Scan(&id); err != nil {
		f.t.Fatal(err)
	}
	return auth.NewContext(context.Background(), auth.Principal{UserID: id, Email: email, Role: role})
}

// tranche makes a GTM package with one tranche combining its conditions
// with how.
func (f *fixture) tranche(how string, conds ...Condition) *Tranche {
	f.t.Helper()
	p, err := f.s.CreatePackage(f.aid1, Package{Title: "Test package", Donor: "Test donor", Recipient: "gtm", FiscalYear: 2016, Amount: ptr(1000),
		Currency: "usd", LegalBasis: "Test act s. 1", Citation: "test"})
	if err != nil {
		f.t.Fatal(err)
	}
	tr, err := f.s.AddTranche(f.aid1, p.ID, Tranche{Label: "T1", Amount: ptr(250), DueDate: "2026-09-30", Combination: how})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, c := range conds {
		if c.Wording == "" {
			c.Wording = "the government has taken effective steps"
		}
		if _, err := f.s.AddCondition(f.aid1, tr.ID, c); err != nil {
			f.t.Fatalf("AddCondition %q: %v", c.Rule, err)
		}
	}
	return tr
}

func ptr(n int64) *int64 { return &n }

func (f *fixture) evaluate(id int64, asOf string) *Evaluation {
	f.t.Helper()
	e, err := f.s.Evaluate(f.aid1, id, EvaluateRequest{AsOf: asOf})
	if err != nil {
		f.t.Fatal(err)
	}
	return e
}

// TestRuleRefusedWhenSaved: a rule that does not compile, names an
// unknown series, answers no bool, or is missing where the kind needs one,
// is refused (422) on the field "rule" with the position at fault.
func TestRuleRefusedWhenSaved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		tr := f.tranche(CombineAll)
		for _, c := range []struct {
			name, kind, rule, want string
		}{
			{"syntax", KindThreshold, `series("homicide_rate").latest() < `, "line 1, column"},
			{"unknown series", KindThreshold, `series("homicide_rate").latest() < series("murder_rate").at(2014)`, `line 1, column 43: unknown series "murder_rate"`},
			{"unknown function", KindThreshold, `series("homicide_rate").median() < 3.0`, "line 1, column"},
			{"not a bool", KindThreshold, `series("homicide_rate").latest()`, "true or false"},
			{"computed name", KindThreshold, `series("homicide" + "_rate").latest() < 3.0`, "quoted name"},
			{"threshold without rule", KindThreshold, ``, "needs a rule"},
			{"peer without percentile", KindPeer, `series("wgi_cc").latest() > 0.0`, "peer_percentile"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := f.s.AddCondition(f.aid1, tr.ID, Condition{Wording: "w", Kind: c.kind, Rule: c.rule})
				if !errs.IsValidation(err) {
					t.Fatalf("AddCondition: %v, want a validation error", err)
				}
				fields := errs.Fields(err)
				if len(fields) == 0 || fields[0].Field != "rule" || !strings.Contains(fields[0].Problem, c.want) {
					t.Errorf("problems %+v, want rule: ...%s...", fields, c.want)
				}
			})
		}
		_, err := f.s.AddCondition(context.Background(), tr.ID, Condition{Wording: "w", Kind: KindAssessment})
		if !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("anonymous AddCondition: %v, want forbidden", err)
		}
	})
}

// TestConditionKinds: one case per condition kind, evaluated as of a date.
func TestConditionKinds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		if _, err := f.s.RecordFact(f.aid1, Fact{Country: "GTM", Key: "cicig_operating", Holds: true, ValidFrom: "2007-09-04", ValidTo: "2019-09-03",
			Citation: "test citation"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			kind, rule, asOf, want, explains string
		}{
			// 2015 is the latest year ended by mid-2016: 29 < 30.
			{KindThreshold, `series("homicide_rate").latest() < 30.0`, "2016-06-01", Met, "GTM 2015"},
			// By 2017 the 2016 value (27) is the latest.
			{KindThreshold, `series("homicide_rate").latest() < 28.0`, "2017-06-01", Met, "GTM 2016"},
			{KindThreshold, `series("homicide_rate").latest() < 28.0`, "2016-06-01", NotMet, "GTM 2015"},
			{KindThreshold, `series("homicide_rate").at(2010) < 40.0`, "2016-06-01", Insufficient, "no homicide_rate value for GTM in 2010"},
			{KindTrend, `series("homicide_rate").latest() < series("homicide_rate").at(2014) * 0.9`, "2017-06-01", Met, "at(2014) = 31"},
			{KindTrend, `series("homicide_rate").slope(2012, 2015) < 0.0`, "2016-06-01", Met, "over 4 values"},
			{KindTrend, `series("homicide_rate").after(2014) < series("homicide_rate").at(2014)`, "2016-06-01", Met, "GTM 2015"},
			{KindTrend, `series("homicide_rate").after(2015) < series("homicide_rate").at(2014)`, "2016-06-01", Insufficient, "after 2015"},
			{KindTrend, `series("homicide_rate").slope(2014, 2015) < 0.0`, "2016-06-01", Insufficient, "a trend needs 3"},
			// GTM -0.5 among GTM, HND, SLV, NIC: 3 of 4 at or below.
			{KindPeer, `series("wgi_cc").peer_percentile(2015) >= 50.0`, "2016-06-01", Met, "among 4 countries"},
			{KindPeer, `series("wgi_cc").peer_percentile(2015) > 80.0`, "2016-06-01", NotMet, "= 75"},
			{KindInstitutional, `fact("cicig_operating")`, "2016-06-01", Met, "= true"},
			{KindInstitutional, `fact("cicig_operating")`, "2020-01-01", NotMet, "= false"},
			{KindCertification, `fact("certified_7045_a_3")`, "2016-06-01", Insufficient, "no fact \"certified_7045_a_3\" on record"},
			{KindAssessment, ``, "2016-06-01", Insufficient, "no machine rule"},
		} {
			t.Run(c.kind+" "+c.rule+" "+c.asOf, func(t *testing.T) {
				tr := f.tranche(CombineAll, Condition{Kind: c.kind, Rule: c.rule})
				e := f.evaluate(tr.ID, c.asOf)
				r := e.Results[0]
				if r.Status != c.want || !strings.Contains(r.Explanation, c.explains) {
					t.Errorf("status %s (%s), want %s explaining %q", r.Status, r.Explanation, c.want, c.explains)
				}
				if e.Outcome != c.want {
					t.Errorf("outcome %s, want %s", e.Outcome, c.want)
				}
				if c.rule != "" && len(r.Inputs) == 0 {
					t.Errorf("no inputs frozen")
				}
			})
		}
	})
}

// TestRevisedDataKeepsPastEvaluation: an evaluation replayed after the
// indicator is revised gives the same answer from its frozen inputs; a new
// evaluation sees the revision.
func TestRevisedDataKeepsPastEvaluation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		tr := f.tranche(CombineAll, Condition{Kind: KindTrend, Rule: `series("homicide_rate").latest() < series("homicide_rate").at(2014) * 0.95`})
		before := f.evaluate(tr.ID, "2016-06-01") // 29 < 31*0.95 = 29.45
		if before.Outcome != Met {
			t.Fatalf("before the revision: %s (%s)", before.Outcome, before.Results[0].Explanation)
		}
		f.importCSV("country_iso3,indicator,period,value,unit,source\nGTM,homicide_rate,2015,30.5,per 100k,test\n")
		rp, err := f.s.ReplayEvaluation(context.Background(), before.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !rp.Same || rp.Evaluation.Outcome != Met {
			t.Errorf("replay after the revision: same %v, outcome %s, differences %v", rp.Same, rp.Evaluation.Outcome, rp.Differences)
		}
		stored, err := f.s.GetEvaluation(context.Background(), before.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v := stored.Results[0].Inputs[0].Value; v == nil || *v != 29 {
			t.Errorf("frozen latest value %v, want 29", v)
		}
		after := f.evaluate(tr.ID, "2016-06-01")
		if after.Outcome != NotMet {
			t.Errorf("new evaluation after the revision: %s, want not_met (%s)", after.Outcome, after.Results[0].Explanation)
		}
	})
}

// TestFourEyes: the officer who proposes cannot approve; a second one can;
// an approved decision is final.
func TestFourEyes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		tr := f.tranche(CombineAll, Condition{Kind: KindThreshold, Rule: `series("homicide_rate").latest() < 30.0`})
		e := f.evaluate(tr.ID, "2016-06-01")
		if got, _ := f.s.GetTranche(context.Background(), tr.ID); got.State != StateReleasable {
			t.Fatalf("after a met evaluation the tranche is %s, want releasable", got.State)
		}
		d, err := f.s.ProposeDecision(f.aid1, tr.ID, Proposal{EvaluationID: e.ID, Action: "release", Reason: "conditions met"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ProposeDecision(f.aid2, tr.ID, Proposal{EvaluationID: e.ID, Action: "withhold", Reason: "no"}); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("second open proposal: %v, want conflict", err)
		}
		if _, err := f.s.ApproveDecision(f.aid1, d.ID); !errors.Is(err, ErrSameOfficer) {
			t.Fatalf("approval by the proposer: %v, want ErrSameOfficer", err)
		}
		pub := f.user("p@example.org", auth.RolePublic)
		if _, err := f.s.ApproveDecision(pub, d.ID); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("approval by the public: %v, want forbidden", err)
		}
		d2, err := f.s.ApproveDecision(f.aid2, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d2.Status != "approved" || d2.ApprovedBy == nil {
			t.Errorf("decision %+v", d2)
		}
		if got, _ := f.s.GetTranche(context.Background(), tr.ID); got.State != StateReleased {
			t.Errorf("tranche %s, want released", got.State)
		}
		if _, err := f.s.ApproveDecision(f.aid2, d.ID); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("second approval: %v, want conflict", err)
		}
		var n int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'aid.decision.%'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Errorf("%d decision audit rows, want 2", n)
		}
		// The database itself keeps decisions and evaluations as they are.
		for _, q := range []string{
			`UPDATE aid_decisions SET action = 'withhold' WHERE id = ?`,
			`DELETE FROM aid_decisions WHERE id = ?`,
			`UPDATE aid_evaluations SET outcome = 'not_met' WHERE id = ?`,
			`DELETE FROM aid_evaluation_results WHERE evaluation_id = ?`,
		} {
			id := d.ID
			if strings.Contains(q, "evaluation") {
				id = e.ID
			}
			if _, err := db.Exec(context.Background(), q, id); err == nil {
				t.Errorf("%s: allowed", q)
			}
		}
	})
}

// TestReleaseRefusedOnHardHurdle: a release on an evaluation whose hard
// hurdle is not met is refused, at the proposal; withholding is allowed; a
// soft condition not met may be waived with a reason.
func TestReleaseRefusedOnHardHurdle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		tr := f.tranche(CombineAny,
			Condition{Kind: KindThreshold, Rule: `series("homicide_rate").latest() < 30.0`},
			Condition{Kind: KindThreshold, Rule: `series("homicide_rate").latest() < 10.0`, Hard: true})
		e := f.evaluate(tr.ID, "2016-06-01")
		if e.Outcome != NotMet || !e.HardFailed {
			t.Fatalf("outcome %s hard failed %v", e.Outcome, e.HardFailed)
		}
		if _, err := f.s.ProposeDecision(f.aid1, tr.ID, Proposal{EvaluationID: e.ID, Action: "release", Reason: "waiver"}); !errors.Is(err, ErrHardHurdle) {
			t.Fatalf("release on a failed hard hurdle: %v, want ErrHardHurdle", err)
		}
		d, err := f.s.ProposeDecision(f.aid1, tr.ID, Proposal{EvaluationID: e.ID, Action: "withhold", Reason: "hurdle not met"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ApproveDecision(f.aid2, d.ID); err != nil {
			t.Fatal(err)
		}
		// A soft condition not met, no hard hurdle: a release is a waiver.
		tr2 := f.tranche(CombineAll, Condition{Kind: KindThreshold, Rule: `series("homicide_rate").latest() < 10.0`})
		e2 := f.evaluate(tr2.ID, "2016-06-01")
		if _, err := f.s.ProposeDecision(f.aid1, tr2.ID, Proposal{EvaluationID: e2.ID, Action: "release", Reason: "national-interest waiver"}); err != nil {
			t.Errorf("waiver release: %v", err)
		}
		if _, err := f.s.ProposeDecision(f.aid2, tr2.ID, Proposal{EvaluationID: e.ID, Action: "withhold", Reason: "x"}); !errs.IsValidation(err) {
			t.Errorf("decision on another tranche's evaluation: %v, want 422", err)
		}
	})
}

// TestTrancheLapses: a tranche past its due date with no decision becomes
// lapsed when it is next read or evaluated (audited as the system's), and
// then refuses a decision; one proposed on time does not lapse and can be
// approved; a tranche not yet due stays pending.
func TestTrancheLapses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db) // clock: 2026-03-01
		p, err := f.s.CreatePackage(f.aid1, Package{Title: "P", Donor: "D", Recipient: "GTM", FiscalYear: 2016, Currency: "USD", LegalBasis: "L", Citation: "c"})
		if err != nil {
			t.Fatal(err)
		}
		add := func(due string) *Tranche {
			t.Helper()
			tr, err := f.s.AddTranche(f.aid1, p.ID, Tranche{Label: "due " + due, DueDate: due, Combination: CombineAll})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.s.AddCondition(f.aid1, tr.ID, Condition{Kind: KindThreshold, Wording: "w", Rule: `series("homicide_rate").latest() < 30.0`}); err != nil {
				t.Fatal(err)
			}
			return tr
		}
		past, onTime, open := add("2026-02-28"), add("2026-02-27"), add("2026-03-01")
		// A proposal made on time (by a service whose clock says 2026-02-01).
		early := New(db, f.ind, func() time.Time { return time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC) })
		e, err := early.Evaluate(f.aid1, onTime.ID, EvaluateRequest{AsOf: "2016-06-01"})
		if err != nil {
			t.Fatal(err)
		}
		d, err := early.ProposeDecision(f.aid1, onTime.ID, Proposal{EvaluationID: e.ID, Action: "release", Reason: "met"})
		if err != nil {
			t.Fatal(err)
		}
		pv, err := f.s.GetPackage(context.Background(), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]string{}
		for _, tr := range pv.Tranches {
			got[tr.ID] = tr.State
		}
		if got[past.ID] != StateLapsed || got[onTime.ID] != StateReleasable || got[open.ID] != StatePending {
			t.Errorf("states after listing = %v", got)
		}
		var actor, detail string
		if err := db.QueryRow(context.Background(), `SELECT actor, detail FROM audit_log WHERE action = 'aid.tranche.lapse' AND object_id = ?`, fmt.Sprint(past.ID)).Scan(&actor, &detail); err != nil ||
			actor != "system:aid" || detail != "due 2026-02-28, no decision proposed by then; pending -> lapsed" {
			t.Errorf("audit: %q %q %v", actor, detail, err)
		}
		e2 := f.evaluate(past.ID, "2016-06-01")
		if _, err := f.s.ProposeDecision(f.aid1, past.ID, Proposal{EvaluationID: e2.ID, Action: "release", Reason: "late"}); !errors.Is(err, errs.ErrConflict) {
			t.Errorf("decision on a lapsed tranche: %v", err)
		}
		if _, err := f.s.ApproveDecision(f.aid2, d.ID); err != nil {
			t.Errorf("approval of a proposal made on time: %v", err)
		}
	})
}
