package auth

import (
	"sync"
	"time"
)

// LoginLimiter slows password guessing: after Max failures within Window
// for one key (an account, or a client address) further attempts for that
// key are refused until the oldest failure leaves the window. It is held
// in memory: with several servers behind a load balancer each counts
// alone, which still bounds guessing per server.
type LoginLimiter struct {
	Max    int
	Window time.Duration

	mu       sync.Mutex
	failures map[string][]time.Time
	now      func() time.Time
}

// NewLoginLimiter returns a limiter allowing max failures per window.
func NewLoginLimiter(max int, window time.Duration) *LoginLimiter {
	return &LoginLimiter{Max: max, Window: window, failures: map[string][]time.Time{}, now: time.Now}
}

// recent drops failures older than the window; call with mu held.
func (l *LoginLimiter) recent(key string) []time.Time {
	cut := l.now().Add(-l.Window)
	fs := l.failures[key]
	i := 0
	for i < len(fs) && fs[i].Before(cut) {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(l.failures, key)
	} else {
		l.failures[key] = fs
	}
	return fs
}

// Allow reports whether another attempt for key may be made now, and if
// not, how long until one may.
func (l *LoginLimiter) Allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fs := l.recent(key)
	if len(fs) < l.Max {
		return true, 0
	}
	return false, fs[0].Add(l.Window).Sub(l.now())
}

// Fail records a failed attempt for key.
func (l *LoginLimiter) Fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failures[key] = append(l.recent(key), l.now())
}

// Reset forgets key's failures after a successful sign-in.
func (l *LoginLimiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}
