package main

import (
	"context"

	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/legal"
	"github.com/amparo-project/amparo/internal/store"
)

func init() {
	// Screenings, referrals, hearings and follow-ups after release are
	// about demo cases.
	registerDemo("legal", []string{"children"}, func(ctx context.Context, db *store.DB) error {
		cases := custody.New(db, facilities.New(db, nil), nil)
		svc := legal.New(db, cases, release.New(db, cases, nil), nil)
		return svc.SeedDemo(ctx, legal.DemoOptions{Screenings: 300, Seed: 2026, LegalEmail: "legal@demo.amparo.example", FollowUps: 1000})
	})
}
