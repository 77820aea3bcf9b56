// Package facilities is the children domain's shelters: their licensed
// beds (by sex and age band), and which staff work at which facility,
// which is what a caseworker's or legal provider's scope is made of.
package facilities

import (
	"time"

	"github.com/amparo-project/amparo/internal/store"
)

// Service is the facilities' only way in.
type Service struct {
	db  *store.DB
	now func() time.Time
}

// New returns the service on db using clock (time.Now when nil).
func New(db *store.DB, clock func() time.Time) *Service {
	if clock == nil {
		clock = time.Now
	}
	return &Service{db: db, now: func() time.Time { return clock().UTC() }}
}
