package requests

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func quietRunner(ctx context.Context, db *store.DB, gate <-chan struct{}) *Runner {
	return Start(ctx, db, RunnerOptions{
		MatcherOptions: MatcherOptions{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		Interval:       5 * time.Millisecond, // several syncs within a test
		Gate:           gate,
	})
}

// exited fails the test unless the runner's goroutine has returned.
func exited(t *testing.T, r *Runner) {
	t.Helper()
	select {
	case <-r.Done():
	default:
		t.Fatal("the runner's goroutine is still running after Close")
	}
}

// TestRunner: the service once built; Close stops the sync loop and has
// waited for it when it returns; a second Close is harmless.
func TestRunner(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	r := quietRunner(ctx, db, nil)
	svc, err := r.Service(ctx, 30*time.Second)
	if err != nil || svc == nil || svc.M == nil {
		t.Fatalf("Service = %v, %v", svc, err)
	}
	if again, err := r.Service(ctx, 0); err != nil || again != svc {
		t.Fatalf("once built, Service answers at once with the same service: %v, %v", again, err)
	}
	time.Sleep(20 * time.Millisecond) // let the loop sync a few times
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	exited(t, r)
	if err := r.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	var none *Runner
	if err := none.Close(); err != nil {
		t.Fatalf("Close of a nil Runner: %v", err)
	}
}

// TestRunnerLoading: while the matcher is being built, callers are told
// so (ErrLoading) after at most their wait, or go when their context ends.
func TestRunnerLoading(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	gate := make(chan struct{})
	r := quietRunner(ctx, db, gate)
	defer r.Close()
	if _, err := r.Service(ctx, 0); !errors.Is(err, ErrLoading) {
		t.Fatalf("no wait: %v, want ErrLoading", err)
	}
	start := time.Now()
	if _, err := r.Service(ctx, 20*time.Millisecond); !errors.Is(err, ErrLoading) {
		t.Fatalf("short wait: %v, want ErrLoading", err)
	}
	if d := time.Since(start); d < 20*time.Millisecond {
		t.Fatalf("answered after %v, before the wait was over", d)
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.Service(gone, time.Minute); !errors.Is(err, context.Canceled) {
		t.Fatalf("caller gone: %v, want context.Canceled", err)
	}
	close(gate)
	if svc, err := r.Service(ctx, 30*time.Second); err != nil || svc == nil {
		t.Fatalf("after the build: %v, %v", svc, err)
	}
}

// TestRunnerCloseWhileLoading: Close does not wait for a build to end; a
// caller then gets an error, not a service and not ErrLoading.
func TestRunnerCloseWhileLoading(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := context.Background()
	r := quietRunner(ctx, db, make(chan struct{}))
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	exited(t, r)
	if svc, err := r.Service(ctx, time.Second); err == nil || errors.Is(err, ErrLoading) || svc != nil {
		t.Fatalf("after Close: %v, %v; want the build's error", svc, err)
	}
}

// TestRunnerContextEnds: the runner also stops when Start's context ends.
func TestRunnerContextEnds(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx, cancel := context.WithCancel(context.Background())
	r := quietRunner(ctx, db, nil)
	if _, err := r.Service(ctx, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-r.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("the runner did not stop when its context ended")
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
}
