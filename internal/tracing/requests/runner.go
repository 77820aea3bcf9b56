package requests

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/store"
)

// SyncInterval is how often a Runner matches new cases against the open
// requests.
const SyncInterval = 5 * time.Second

// ErrLoading is what Runner.Service returns while the matcher is still
// reading the cases (seconds on a large database, a minute for a million
// cases): the caller is to come back later, not to wait.
var ErrLoading = errors.New("tracing: the matcher is still reading the cases")

// errNotStarted is Service's error on a nil Runner (a server built
// without the tracing service).
var errNotStarted = errors.New("tracing: the matcher was not started")

// RunnerOptions tune a Runner. The zero value is usable.
type RunnerOptions struct {
	// MatcherOptions build the matcher; their Logger also receives the
	// runner's messages (default slog.Default).
	MatcherOptions
	// Release makes a confirmed relative a sponsor (when nil, one made on
	// the database).
	Release *release.Service
	// Interval is the time between two syncs (default SyncInterval).
	Interval time.Duration
	// Gate, when set, holds the runner in its loading state until it is
	// closed (tests of what callers see meanwhile).
	Gate <-chan struct{}
}

// Runner is the tracing service's background life: Start builds the
// matcher from every case without making its caller wait, then matches
// new cases against the open requests every interval until Close.
//
//	r := requests.Start(ctx, db, requests.RunnerOptions{})
//	defer r.Close()
//	svc, err := r.Service(ctx, 3*time.Second) // ErrLoading while it builds
type Runner struct {
	cancel context.CancelFunc
	ready  chan struct{} // closed when svc or err is set
	done   chan struct{} // closed when the goroutine has returned
	svc    *Service
	err    error
}

// Start builds the matcher on db in the background and then runs its sync
// loop, until ctx ends or Close is called.
func Start(ctx context.Context, db *store.DB, opts RunnerOptions) *Runner {
	if opts.Interval <= 0 {
		opts.Interval = SyncInterval
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	ctx, cancel := context.WithCancel(ctx)
	r := &Runner{cancel: cancel, ready: make(chan struct{}), done: make(chan struct{})}
	go r.run(ctx, db, opts)
	return r
}

func (r *Runner) run(ctx context.Context, db *store.DB, opts RunnerOptions) {
	defer close(r.done)
	log := opts.Logger
	if opts.Gate != nil {
		select {
		case <-opts.Gate:
		case <-ctx.Done():
		}
	}
	start := time.Now()
	m, err := NewMatcher(ctx, db, opts.MatcherOptions)
	if err != nil {
		r.err = err
		close(r.ready)
		if ctx.Err() == nil {
			log.Error("tracing: build the matcher", "err", err)
		}
		return
	}
	r.svc = New(db, m, opts.Release)
	close(r.ready)
	log.Info("tracing: matcher ready", "cases", m.Len(), "took", time.Since(start).Round(time.Millisecond).String())
	m.Run(ctx, opts.Interval)
}

// Service returns the tracing service, waiting up to wait for the matcher
// to be built: ErrLoading when it is not built by then, ctx's error when
// ctx ends first, and the build's error when it failed (or when the runner
// was closed before the build ended).
func (r *Runner) Service(ctx context.Context, wait time.Duration) (*Service, error) {
	if r == nil {
		return nil, errNotStarted
	}
	select {
	case <-r.ready:
		return r.built()
	default:
	}
	if wait <= 0 {
		return nil, ErrLoading
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-r.ready:
		return r.built()
	case <-t.C:
		return nil, ErrLoading
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (r *Runner) built() (*Service, error) {
	if r.err != nil {
		return nil, r.err
	}
	return r.svc, nil
}

// Done is closed once the runner's goroutine has returned (after Close, or
// when Start's ctx ends, or when the build failed).
func (r *Runner) Done() <-chan struct{} { return r.done }

// Close stops the sync loop (or the build) and waits for the goroutine to
// return. It may be called more than once, and on a nil Runner.
func (r *Runner) Close() error {
	if r == nil {
		return nil
	}
	r.cancel()
	<-r.done
	return nil
}
