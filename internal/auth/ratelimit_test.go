package auth

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestLoginRules: one test per row of the policy, each checking the
// row's free failures, its doubling, its cap and when it forgets.
func TestLoginRules(t *testing.T) {
	want := []struct {
		scope LoginScope
		known bool
		free  int
		max   time.Duration
	}{
		{ScopeAccount, false, 5, time.Minute},
		{ScopeAddress, false, DefaultAddressFree, time.Minute},
		{ScopeDevice, true, 10, 15 * time.Minute},
	}
	rules := LoginRules(0)
	if len(rules) != len(want) {
		t.Fatalf("%d rules, want %d", len(rules), len(want))
	}
	for i, w := range want {
		r := rules[i]
		t.Run(string(r.Scope), func(t *testing.T) {
			if r.Scope != w.scope || r.Known != w.known || r.Free != w.free || r.Max != w.max {
				t.Fatalf("rule %+v, want %+v", r, w)
			}
			if d := r.Delay(r.Free - 1); d != 0 {
				t.Errorf("%d failures (free): delay %v", r.Free-1, d)
			}
			if d := r.Delay(r.Free); d != r.Base {
				t.Errorf("first counted failure: delay %v, want %v", d, r.Base)
			}
			if d := r.Delay(r.Free + 1); d != 2*r.Base {
				t.Errorf("second counted failure: delay %v, want %v", d, 2*r.Base)
			}
			if d := r.Delay(r.Free + 1000); d != r.Max {
				t.Errorf("1000 failures: delay %v, want the cap %v", d, r.Max)
			}
			th := newTestThrottle([]LoginRule{r})
			a := LoginAttempt{Email: "ana@example.org", Address: "192.0.2.1"}
			if r.Known {
				a.Devices = th.Succeeded(a)
			}
			for i := 0; i <= r.Free; i++ {
				th.Failed(a)
			}
			if got := th.Wait(a); got != r.Delay(r.Free+1) {
				t.Errorf("wait right after %d failures: %v, want %v", r.Free+1, got, r.Delay(r.Free+1))
			}
			th.advance(r.Forget)
			if got := th.Wait(a); got != 0 {
				t.Errorf("after %v without failures: wait %v, want 0", r.Forget, got)
			}
		})
	}
	if got := LoginRules(7)[1].Free; got != 7 {
		t.Errorf("configured address limit: %d free, want 7", got)
	}
}

type testThrottle struct {
	*LoginThrottle
	clock time.Time
}

func newTestThrottle(rules []LoginRule) *testThrottle {
	tt := &testThrottle{LoginThrottle: NewLoginThrottle(rules), clock: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	tt.now = func() time.Time { return tt.clock }
	return tt
}

func (t *testThrottle) advance(d time.Duration) { t.clock = t.clock.Add(d) }

// TestAttackerCannotLockOutOwner is the defect of issue 15: an attacker's
// failures, on the account and from the address the owner shares, must
// not stop the owner signing in from their own browser, and a stranger's
// browser only waits (a minute at most), it is never shut out.
func TestAttackerCannotLockOutOwner(t *testing.T) {
	th := newTestThrottle(LoginRules(0))
	owner := LoginAttempt{Email: "ana@example.org", Address: "198.51.100.7"}
	owner.Devices = th.Succeeded(owner) // Ana signed in from this browser yesterday
	attacker := LoginAttempt{Email: "ANA@example.org ", Address: "198.51.100.7"}
	for i := 0; i < 500; i++ {
		if w := th.Wait(attacker); w > 0 {
			th.advance(w)
		}
		th.Failed(attacker)
	}
	if w := th.Wait(owner); w != 0 {
		t.Fatalf("owner's own browser waits %v after 500 failures by someone else", w)
	}
	newBrowser := LoginAttempt{Email: "ana@example.org", Address: "203.0.113.9"}
	if w := th.Wait(newBrowser); w <= 0 || w > time.Minute {
		t.Fatalf("a new browser waits %v, want between 0 and the one-minute cap", w)
	}
	if w := th.Wait(attacker); w <= 0 {
		t.Fatal("the attacker is not slowed")
	}
	colleague := LoginAttempt{Email: "luis@example.org", Address: "198.51.100.7"}
	colleague.Devices = th.Succeeded(LoginAttempt{Email: "luis@example.org"})
	if w := th.Wait(colleague); w != 0 {
		t.Fatalf("a colleague behind the same address waits %v", w)
	}
}

func TestDeviceCookie(t *testing.T) {
	th := newTestThrottle(LoginRules(0))
	ana := LoginAttempt{Email: "ana@example.org"}
	cookie := th.Succeeded(ana)
	if th.knownDevice("ana@example.org", cookie) == "" {
		t.Fatal("the browser is not known after signing in")
	}
	if th.knownDevice("luis@example.org", cookie) != "" {
		t.Fatal("Ana's device cookie makes the browser known to Luis")
	}
	nonce, _, _ := strings.Cut(cookie, ".")
	if th.knownDevice("ana@example.org", nonce+".forged") != "" {
		t.Fatal("a forged signature is accepted")
	}
	if other := NewLoginThrottle(LoginRules(0)); other.knownDevice("ana@example.org", cookie) != "" {
		t.Fatal("a cookie signed by another server (key) is accepted")
	}
	// A shared computer remembers a few accounts, the latest first.
	for _, e := range []string{"b@example.org", "c@example.org", "d@example.org", "e@example.org"} {
		cookie = th.Succeeded(LoginAttempt{Email: e, Devices: cookie})
	}
	if th.knownDevice("e@example.org", cookie) == "" || th.knownDevice("b@example.org", cookie) == "" {
		t.Fatalf("the last %d accounts are not all remembered: %q", maxDevices, cookie)
	}
	if th.knownDevice("ana@example.org", cookie) != "" {
		t.Fatal("more than maxDevices accounts remembered")
	}
	// A stolen device cookie is slowed by its own row.
	thief := LoginAttempt{Email: "e@example.org", Devices: cookie}
	for i := 0; i < 10; i++ {
		th.Failed(thief)
	}
	if w := th.Wait(thief); w != time.Second {
		t.Fatalf("known device after 10 failures waits %v, want 1s", w)
	}
	th.Succeeded(thief)
	if w := th.Wait(thief); w != 0 {
		t.Fatalf("after a success the device still waits %v", w)
	}
}

func TestSuccessKeepsAddressCount(t *testing.T) {
	th := newTestThrottle([]LoginRule{{Scope: ScopeAddress, Free: 1, Base: time.Second, Max: time.Minute, Forget: time.Hour}})
	a := LoginAttempt{Email: "x@example.org", Address: "192.0.2.1"}
	th.Failed(a)
	th.Failed(a)
	th.Succeeded(LoginAttempt{Email: "own@example.org", Address: "192.0.2.1"})
	if w := th.Wait(a); w == 0 {
		t.Fatal("signing in to one's own account reset the address's count")
	}
}

func TestThrottleSweep(t *testing.T) {
	th := newTestThrottle(LoginRules(0))
	for i := 0; i < 1023; i++ {
		th.Failed(LoginAttempt{Email: "x" + strconv.Itoa(i) + "@example.org", Address: "192.0.2.1"})
	}
	th.advance(2 * time.Hour)
	th.Failed(LoginAttempt{Email: "last@example.org", Address: "192.0.2.2"})
	if n := len(th.counts); n != 2 {
		t.Fatalf("%d counters after the sweep, want 2", n)
	}
}

func TestClientAddress(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.0/8, 192.0.2.10 ,2001:db8::/32")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		remote string
		xff    []string
		want   string
	}{
		{"direct client", "203.0.113.5:4000", nil, "203.0.113.5"},
		{"header from an untrusted peer is ignored", "203.0.113.5:4000", []string{"1.2.3.4"}, "203.0.113.5"},
		{"trusted proxy", "10.1.2.3:80", []string{"198.51.100.20"}, "198.51.100.20"},
		{"client-written hops before the real one are ignored", "10.1.2.3:80", []string{"1.1.1.1, 2.2.2.2, 198.51.100.20"}, "198.51.100.20"},
		{"chain of trusted proxies", "192.0.2.10:80", []string{"198.51.100.20, 10.9.9.9"}, "198.51.100.20"},
		{"two header lines", "10.1.2.3:80", []string{"1.1.1.1", "198.51.100.20"}, "198.51.100.20"},
		{"mangled hop stops at the last trusted proxy", "10.1.2.3:80", []string{"198.51.100.20, garbage"}, "10.1.2.3"},
		{"all trusted", "10.1.2.3:80", []string{"10.4.4.4"}, "10.4.4.4"},
		{"no header from a trusted proxy", "10.1.2.3:80", nil, "10.1.2.3"},
		{"IPv6 counted by /64", "[2600:1f18::abcd:1]:443", nil, "2600:1f18::/64"},
		{"IPv4-mapped IPv6", "[::ffff:203.0.113.5]:1", nil, "203.0.113.5"},
		{"not an address", "pipe", nil, "pipe"},
	}
	for _, tt := range tests {
		if got := ClientAddress(tt.remote, tt.xff, proxies); got != tt.want {
			t.Errorf("%s: ClientAddress(%q, %q) = %q, want %q", tt.name, tt.remote, tt.xff, got, tt.want)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example.org", "10.0.0"} {
		if _, err := ParseTrustedProxies(bad); err == nil {
			t.Errorf("ParseTrustedProxies(%q) accepted", bad)
		}
	}
	if p, err := ParseTrustedProxies(""); err != nil || len(p) != 0 {
		t.Errorf("empty list: %v %v", p, err)
	}
}

// TestThrottleConcurrent: sign-ins arrive in parallel; run with -race.
func TestThrottleConcurrent(t *testing.T) {
	th := NewLoginThrottle(LoginRules(3))
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			// Even goroutines guess at one account as strangers; odd ones
			// sign in to their own and then fail from their known browser.
			a := LoginAttempt{Email: "u@example.org", Address: "192.0.2." + strconv.Itoa(g)}
			if g%2 == 1 {
				a.Email = "own" + strconv.Itoa(g) + "@example.org"
				a.Devices = th.Succeeded(a)
			}
			for i := 0; i < 300; i++ {
				th.Wait(a)
				th.Failed(a)
				if g%2 == 1 && i%50 == 0 {
					a.Devices = th.Succeeded(a)
				}
			}
		}(g)
	}
	wg.Wait()
	if w := th.Wait(LoginAttempt{Email: "u@example.org", Address: "203.0.113.1"}); w <= 0 {
		t.Fatal("after hundreds of failures a stranger's attempt is not slowed")
	}
}
