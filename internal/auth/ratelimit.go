package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"sync"
	"time"
)

// Password guessing is slowed, never stopped: a lock that a wrong password
// sets would let anyone lock anyone out (five guesses at a colleague's
// address, thirty from the shelter's shared internet address). So:
//
//   - each failure past a rule's free ones makes the next attempt on that
//     key wait a little longer (doubling, capped), and the attempt that
//     follows the wait is checked like any other: the right password
//     passes;
//   - a browser that has signed in to the account before (it holds a
//     device cookie signed by this server) is not slowed by the account's
//     or the address's failures, only by its own: an attacker elsewhere
//     cannot keep the owner out of their own browser;
//   - the address is the client's, read from X-Forwarded-For only when the
//     connection comes from a trusted proxy (ClientAddress).
//
// It is held in memory: with several servers each counts alone, and a
// restart forgets devices (their owners are then slowed like strangers
// until they next sign in).

// LoginScope is what a rule counts failures by.
type LoginScope string

const (
	ScopeAccount LoginScope = "account" // the email typed
	ScopeAddress LoginScope = "address" // the client's address (IPv6: its /64)
	ScopeDevice  LoginScope = "device"  // a browser known to the account
)

// LoginRule is one limit on guessing.
type LoginRule struct {
	Scope LoginScope
	// Free failures cost nothing; each further one doubles the wait,
	// starting at Base, never past Max.
	Free      int
	Base, Max time.Duration
	// Forget: a key with no failure for this long starts from zero.
	Forget time.Duration
	// Known: the rule counts attempts from a browser that signed in to the
	// account before (true) or from any other (false).
	Known bool
}

// Delay is how long after the last of failures the next attempt must wait.
func (r LoginRule) Delay(failures int) time.Duration {
	if failures < r.Free {
		return 0
	}
	d := r.Base
	for i := r.Free; i < failures && d < r.Max; i++ {
		d *= 2
	}
	return min(d, r.Max)
}

// DefaultAddressFree is how many failures one address may make before it
// is slowed (--login-address-limit): high, because a whole shelter or an
// office may sign in through one address.
const DefaultAddressFree = 50

// LoginRules is the policy. A minute's cap on the account keeps a guesser
// under 1,440 guesses a day per account (a 12-character password is out
// of reach) while someone signing in from a new browser during an attack
// waits a minute at most per attempt; a stolen device cookie is bounded
// by its own, steeper row.
func LoginRules(addressFree int) []LoginRule {
	if addressFree <= 0 {
		addressFree = DefaultAddressFree
	}
	return []LoginRule{
		{Scope: ScopeAccount, Free: 5, Base: time.Second, Max: time.Minute, Forget: time.Hour, Known: false},
		{Scope: ScopeAddress, Free: addressFree, Base: time.Second, Max: time.Minute, Forget: time.Hour, Known: false},
		{Scope: ScopeDevice, Free: 10, Base: time.Second, Max: 15 * time.Minute, Forget: time.Hour, Known: true},
	}
}

// LoginAttempt is one sign-in try as the throttle sees it.
type LoginAttempt struct {
	Email   string // as typed; normalised here
	Address string // ClientAddress of the request
	Devices string // the device cookie, if any
}

type failures struct {
	n    int
	last time.Time
}

// LoginThrottle applies the rules. The zero value is not usable: use
// NewLoginThrottle.
type LoginThrottle struct {
	rules []LoginRule
	key   []byte // signs device cookies; new at every start
	now   func() time.Time

	mu     sync.Mutex
	counts map[string]*failures
	writes int
}

// NewLoginThrottle returns a throttle applying rules.
func NewLoginThrottle(rules []LoginRule) *LoginThrottle {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		panic("auth: no randomness for the device key: " + err.Error())
	}
	return &LoginThrottle{rules: rules, key: key, now: time.Now, counts: map[string]*failures{}}
}

// WithClock makes t read the time from now (tests, which must not sleep
// through real delays); it returns t.
func (t *LoginThrottle) WithClock(now func() time.Time) *LoginThrottle {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.now = now
	return t
}

// keys names the counters that rule r uses for a; none when the rule does
// not apply.
func (t *LoginThrottle) keys(a LoginAttempt) map[int]string {
	email := strings.ToLower(strings.TrimSpace(a.Email))
	device := t.knownDevice(email, a.Devices)
	out := map[int]string{}
	for i, r := range t.rules {
		if r.Known != (device != "") {
			continue
		}
		switch r.Scope {
		case ScopeAccount:
			out[i] = "account:" + email
		case ScopeAddress:
			out[i] = "address:" + a.Address
		case ScopeDevice:
			out[i] = "device:" + device
		}
	}
	return out
}

// Wait is how long a must wait before its password is checked; 0 means
// check it now.
func (t *LoginThrottle) Wait(a LoginAttempt) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	var wait time.Duration
	for i, k := range t.keys(a) {
		f := t.live(i, k, now)
		if f == nil {
			continue
		}
		wait = max(wait, f.last.Add(t.rules[i].Delay(f.n)).Sub(now))
	}
	return wait
}

// live returns key's counter unless it has been forgotten; mu held.
func (t *LoginThrottle) live(rule int, key string, now time.Time) *failures {
	f := t.counts[key]
	if f != nil && now.Sub(f.last) >= t.rules[rule].Forget {
		delete(t.counts, key)
		return nil
	}
	return f
}

// Failed records a wrong password for a (call it only for attempts whose
// password was checked, so that waiting attempts do not lengthen the wait).
func (t *LoginThrottle) Failed(a LoginAttempt) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for i, k := range t.keys(a) {
		f := t.live(i, k, now)
		if f == nil {
			f = &failures{}
			t.counts[k] = f
		}
		f.n++
		f.last = now
	}
	t.writes++
	if t.writes%1024 == 0 {
		t.sweep(now)
	}
}

// sweep drops forgotten counters, so that failures for made-up addresses
// do not grow memory without bound; mu held.
func (t *LoginThrottle) sweep(now time.Time) {
	longest := time.Duration(0)
	for _, r := range t.rules {
		longest = max(longest, r.Forget)
	}
	for k, f := range t.counts {
		if now.Sub(f.last) >= longest {
			delete(t.counts, k)
		}
	}
}

// Succeeded forgets the account's and the device's failures (not the
// address's: signing in to one's own account must not reset a guesser's
// count) and returns the new value of the device cookie, which makes this
// browser known to the account.
func (t *LoginThrottle) Succeeded(a LoginAttempt) string {
	email := strings.ToLower(strings.TrimSpace(a.Email))
	t.mu.Lock()
	for i, k := range t.keys(a) {
		if t.rules[i].Scope != ScopeAddress {
			delete(t.counts, k)
		}
	}
	t.mu.Unlock()
	nonce := RandomToken(16)
	kept := []string{nonce + "." + t.sign(email, nonce)}
	for _, d := range strings.Split(a.Devices, "~") {
		if d != "" && len(kept) < maxDevices && t.knownDevice(email, d) == "" {
			kept = append(kept, d)
		}
	}
	return strings.Join(kept, "~")
}

// maxDevices is how many accounts one browser remembers (a shared computer
// at a shelter); the oldest is forgotten first.
const maxDevices = 4

func (t *LoginThrottle) sign(email, nonce string) string {
	m := hmac.New(sha256.New, t.key)
	m.Write([]byte(email + "\x00" + nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// knownDevice returns the nonce of the entry of cookie that this server
// signed for email, or "".
func (t *LoginThrottle) knownDevice(email, cookie string) string {
	for _, d := range strings.Split(cookie, "~") {
		nonce, mac, ok := strings.Cut(d, ".")
		if ok && nonce != "" && hmac.Equal([]byte(mac), []byte(t.sign(email, nonce))) {
			return nonce
		}
	}
	return ""
}
