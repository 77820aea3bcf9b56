package main

import (
	"context"

	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/tracing/requests"
)

func init() {
	// The requests describe demo cases.
	registerDemo("tracing-requests", []string{"children"}, func(ctx context.Context, db *store.DB) error {
		return requests.SeedDemo(ctx, db, requests.DemoOptions{Requests: 40, Seed: 2026, Unknown: 0.2})
	})
}
