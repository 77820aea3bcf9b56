package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// The crash test's child is this test binary run again with these set:
// it writes cases until it is killed.
const (
	crashChildEnv = "AMPARO_CRASH_CHILD"   // "1" in the child
	crashDataEnv  = "AMPARO_CRASH_DATA"    // SQLite data directory, or
	crashURLEnv   = "AMPARO_CRASH_DB_URL"  // PostgreSQL URL
	crashRunEnv   = "AMPARO_CRASH_RUN_TAG" // makes the names of one run unique
)

// TestCrashKeepsAcknowledgedWrites: a child process creates cases from 8
// goroutines and prints each one once its transaction has committed; it is
// killed with SIGKILL mid-stream, three times, the database reopened after
// each. Every case it acknowledged must be there with the name it was
// given, and the audit chain must verify. On PostgreSQL the process that
// dies is Amparo's, not the server's.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			var env []string
			if e.Name == "sqlite" {
				dir := t.TempDir()
				db, err := (&storeFlags{data: dir}).open(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				db.Close()
				env = []string{crashDataEnv + "=" + dir}
			} else {
				u := storetest.NewPostgresDatabase(t)
				db, err := (&storeFlags{url: u}).open(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				db.Close()
				env = []string{crashURLEnv + "=" + u}
			}
			acked := map[int64]string{}
			for run := range 3 {
				got := crashRun(t, append(env, crashRunEnv+"="+strconv.Itoa(run)))
				for id, name := range got {
					acked[id] = name
				}
				checkAcked(t, env, acked)
			}
		})
	}
}

// crashRun starts the child, lets it acknowledge some writes, kills it
// with SIGKILL and returns every acknowledgement it printed.
func crashRun(t *testing.T, env []string) map[int64]string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(append(os.Environ(), crashChildEnv+"=1"), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[int64]string{}
	sc := bufio.NewScanner(out)
	killed := false
	// Killed after a random-ish count, so that the kill falls at a
	// different point of a transaction each run. On a slow, shared machine
	// the child may not reach that count: the deadline's SIGKILL then falls
	// mid-stream just the same, and the test checks what was acknowledged.
	killAt := 150 + time.Now().Nanosecond()%200
	var timedOut atomic.Bool
	deadline := time.AfterFunc(2*time.Minute, func() {
		timedOut.Store(true)
		_ = cmd.Process.Kill()
	})
	defer deadline.Stop()
	for sc.Scan() {
		var id int64
		var name string
		if _, err := fmt.Sscanf(sc.Text(), "ACK %d %s", &id, &name); err != nil {
			continue
		}
		acked[id] = name
		if !killed && len(acked) >= killAt {
			if err := cmd.Process.Kill(); err != nil { // SIGKILL
				t.Fatal(err)
			}
			killed = true
		}
	}
	err = cmd.Wait()
	if !killed && timedOut.Load() && len(acked) > 0 {
		killed = true
	}
	if !killed {
		t.Fatalf("the child stopped before it was killed (%v): %s", err, stderr.String())
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ProcessState.String() != "signal: killed" {
		t.Fatalf("the child did not die of SIGKILL: %v %s", err, stderr.String())
	}
	t.Logf("killed after %d acknowledged writes", len(acked))
	return acked
}

// checkAcked reopens the database as a restarted server would and checks
// that every acknowledged case is stored under its name and that the
// audit chain holds.
func checkAcked(t *testing.T, env []string, acked map[int64]string) {
	t.Helper()
	ctx := context.Background()
	db, err := crashOpen(ctx, env)
	if err != nil {
		t.Fatalf("reopen after the kill: %v", err)
	}
	defer db.Close()
	cases := custody.New(db, facilities.New(db, nil), nil)
	ids := make([]int64, 0, len(acked))
	for id := range acked {
		ids = append(ids, id)
	}
	briefs, err := cases.Briefs(operatorContext(ctx), ids)
	if err != nil {
		t.Fatal(err)
	}
	for id, name := range acked {
		if b, ok := briefs[id]; !ok || !strings.Contains(b.Name, name) {
			t.Errorf("case %d (%s) was acknowledged but is not stored after the kill", id, name)
		}
	}
	n, err := audit.Verify(ctx, db)
	if err != nil {
		t.Fatalf("audit chain after the kill: %v", err)
	}
	if n < int64(len(acked)) {
		t.Fatalf("audit chain has %d rows for %d acknowledged cases", n, len(acked))
	}
}

func crashOpen(ctx context.Context, env []string) (*store.DB, error) {
	sf := &storeFlags{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case crashDataEnv:
			sf.data = v
		case crashURLEnv:
			sf.url = v
		}
	}
	return sf.open(ctx)
}

// TestCrashChild is the crash test's child: without AMPARO_CRASH_CHILD it
// does nothing. It writes until killed, printing "ACK id surname" after
// each commit.
func TestCrashChild(t *testing.T) {
	if os.Getenv(crashChildEnv) != "1" {
		t.Skip("only run as the crash test's child")
	}
	env := []string{crashDataEnv + "=" + os.Getenv(crashDataEnv), crashURLEnv + "=" + os.Getenv(crashURLEnv)}
	ctx := operatorContext(context.Background())
	db, err := crashOpen(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	cases := custody.New(db, facilities.New(db, nil), nil)
	var mu sync.Mutex
	w := bufio.NewWriter(os.Stdout)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				surname := fmt.Sprintf("Crash%sg%di%d", os.Getenv(crashRunEnv), g, i)
				c, err := cases.CreateCase(ctx, custody.Intake{
					Person:        identity.Person{GivenNames: "Ana", Surname1: surname, Sex: "F"},
					EncounteredAt: time.Now().Add(-time.Hour), Nationality: "HN",
				})
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
				// Printed only once the commit has returned: this is the
				// acknowledgement.
				mu.Lock()
				fmt.Fprintf(w, "ACK %d %s\n", c.ID, surname)
				w.Flush()
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}
