package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/loadtest"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestLoadtestShort is `make loadtest` made small: 8 clients for a second
// per scenario on each engine. It asserts what the full run asserts (no
// failed request, every acknowledged case stored, the audit chain intact),
// never a timing: the figures depend on the machine.
func TestLoadtestShort(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			db := e.Open(t)
			var out bytes.Buffer
			rep, err := loadRun(context.Background(), &out, db, loadConfig{
				clients: 8, duration: time.Second, scenarios: loadtest.Scenarios, seedCases: 200,
			})
			t.Log("\n" + out.String())
			if err != nil {
				t.Fatal(err)
			}
			if !rep.ok() {
				t.Fatalf("errors %d, lost %d, audit %v", rep.errors, rep.lost, rep.auditError)
			}
			if rep.acked == 0 {
				t.Fatal("no case was created: the check of stored writes checked nothing")
			}
			for _, res := range rep.results {
				for op, s := range res.Ops {
					if len(s.Latencies) == 0 {
						t.Errorf("%s: no %s request was sent", res.Scenario, op)
					}
				}
			}
			if rep.auditRows < int64(rep.acked) {
				t.Errorf("audit rows %d < acknowledged creates %d", rep.auditRows, rep.acked)
			}
		})
	}
}

// TestLoadtestFindsMissing: the stored-writes check counts a case that was
// acknowledged but is not there, or is there under another name.
func TestLoadtestFindsMissing(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := operatorContext(context.Background())
	svc, err := newServices(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Tracing.Close()
	ids, err := seedLoadCases(ctx, db, svc.Custody, 3)
	if err != nil {
		t.Fatal(err)
	}
	_, s1, _ := loadtest.SeedName(0)
	created := []loadtest.Created{
		{ID: ids[0], Surname1: s1},               // stored as sent
		{ID: ids[1], Surname1: "NotItsName"},     // another case's name
		{ID: ids[2] + 1000, Surname1: "Missing"}, // never stored
	}
	var out bytes.Buffer
	lost, err := missingCases(ctx, svc.Custody, created, &out)
	if err != nil {
		t.Fatal(err)
	}
	if lost != 2 || strings.Count(out.String(), "MISSING") != 2 {
		t.Fatalf("lost = %d, want 2; output:\n%s", lost, out.String())
	}
}
