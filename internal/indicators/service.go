package indicators

import (
	"time"

	"github.com/amparo-project/amparo/internal/store"
)

// Service is the indicators domain: public statistics imported from
// published files, their series, forecasts and backtests. Its exported
// methods are the only way in, from the web, the command line and other
// domains (aid).
//
// Reads are public data and need no permission (the pages and API answer
// anonymous readers); imports require auth.PermIndicatorsImport.
type Service struct {
	db  *store.DB
	now func() time.Time
}

// New returns the indicators service on db.
func New(db *store.DB) *Service {
	return &Service{db: db, now: time.Now}
}

// refusal is a request the domain refuses as asked (a series too short to
// forecast, a forecast without a track record): the caller can fix it by
// asking for something else, so it answers 422 with its message as is.
// It unwraps to its cause, so errors.Is(err, ErrTooShort) still holds.
type refusal struct {
	msg   string
	cause error
}

func (e *refusal) Error() string    { return e.msg }
func (e *refusal) Validation() bool { return true }
func (e *refusal) Unwrap() error    { return e.cause }
