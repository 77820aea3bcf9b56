package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/store/storetest"
	"github.com/amparo-project/amparo/internal/web"
)

// TestServeServicesStop: the services serve builds keep running when the
// shutdown signal arrives (requests still being answered need them) and
// stop when Server.Close returns, which waits for their goroutines.
func TestServeServicesStop(t *testing.T) {
	db := storetest.OpenSQLite(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, signal := context.WithCancel(context.Background())
	svc, err := newServices(ctx, db, logger)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(db, svc, web.Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Tracing.Service(ctx, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	signal()
	select {
	case <-svc.Tracing.Done():
		t.Fatal("the tracing matcher stopped at the signal, before Server.Close")
	case <-time.After(50 * time.Millisecond):
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-svc.Tracing.Done():
	default:
		t.Fatal("the tracing matcher still runs after Server.Close")
	}
	if err := srv.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}
