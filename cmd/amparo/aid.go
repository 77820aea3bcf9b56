package main

import (
	"context"

	"github.com/amparo-project/amparo/internal/aid"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store"
)

func init() {
	// Aid conditions are evaluated on the real indicators: they load first.
	registerDemo("aid", []string{"indicators"}, func(ctx context.Context, db *store.DB) error {
		return aid.New(db, indicators.New(db), nil).SeedDemo(ctx)
	})
}
