package web

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// signIn posts the login form from client c (with extra headers) and
// returns the status and the Retry-After header.
func signIn(t *testing.T, env *testEnv, c *http.Client, email, password string, header map[string]string) (int, string) {
	t.Helper()
	tok := loginFormToken(t, c, env.ts.URL)
	form := url.Values{"email": {email}, "password": {password}, "csrf_token": {tok}}
	req, _ := http.NewRequest("POST", env.ts.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Retry-After")
}

// loginFormToken reads the token of the login form itself, as a browser
// submitting it sends (the page may hold other forms: sign-out, when
// signed in).
func loginFormToken(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	resp, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	_, form, ok := strings.Cut(string(b), `action="/login"`)
	m := csrfInput.FindStringSubmatch(form)
	if !ok || m == nil {
		t.Fatalf("no login form with a token: %s", b)
	}
	return m[1]
}

// TestLoginLockoutNotAimable is issue 15's defect: five wrong passwords by
// anyone used to lock the account for 15 minutes, the right password
// included. Now the attacker is slowed, the owner's own browser is not,
// and a new browser with the right password passes once it has waited.
func TestLoginLockoutNotAimable(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	// The throttle's clock is the test's: a slow machine must not let
	// the delay pass unseen, and the test need not sleep through it.
	var mu sync.Mutex
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	env.srv.login = auth.NewLoginThrottle(auth.LoginRules(0)).WithClock(func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return clock
	})
	owner := browser(t)
	if st, _ := signIn(t, env, owner, "legal@example.org", testPassword, nil); st != http.StatusSeeOther {
		t.Fatalf("owner's first sign-in: %d", st)
	}
	attacker := browser(t)
	for i := 1; i <= 6; i++ {
		st, retry := signIn(t, env, attacker, "legal@example.org", "guess number "+strconv.Itoa(i), nil)
		want := http.StatusUnauthorized
		if i == 6 {
			want = http.StatusTooManyRequests
		}
		if st != want {
			t.Fatalf("attacker's attempt %d: %d, want %d", i, st, want)
		}
		if i == 6 && retry != "1" {
			t.Fatalf("Retry-After %q after 5 failures, want 1", retry)
		}
	}
	if st, _ := signIn(t, env, owner, "legal@example.org", testPassword, nil); st != http.StatusSeeOther {
		t.Fatalf("the owner's own browser during the attack: %d, want 303 (signed in)", st)
	}
	stranger := browser(t)
	st, retry := signIn(t, env, stranger, "legal@example.org", testPassword, nil)
	if st != http.StatusTooManyRequests {
		t.Fatalf("a new browser right after the failures: %d, want 429", st)
	}
	secs, _ := strconv.Atoi(retry)
	if secs < 1 || secs > 60 {
		t.Fatalf("Retry-After %q, want 1 to 60 seconds", retry)
	}
	mu.Lock()
	clock = clock.Add(time.Duration(secs) * time.Second)
	mu.Unlock()
	if st, _ := signIn(t, env, stranger, "legal@example.org", testPassword, nil); st != http.StatusSeeOther {
		t.Fatalf("the right password after the wait: %d, want 303", st)
	}
}

// TestLoginAddressLimit: the per-address limit is configurable, and
// X-Forwarded-For names the client only when a trusted proxy sent it.
func TestLoginAddressLimit(t *testing.T) {
	for _, tc := range []struct {
		name    string
		proxies string
		// whether a client behind another forwarded address is slowed
		// by the first one's failures
		sharedCount bool
	}{
		{"no trusted proxy: the header is ignored", "", true},
		{"loopback trusted: each forwarded client counts alone", "127.0.0.0/8", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, storetest.OpenSQLite(t))
			proxies, err := auth.ParseTrustedProxies(tc.proxies)
			if err != nil {
				t.Fatal(err)
			}
			env.srv.opts.TrustedProxies = proxies
			env.srv.login = auth.NewLoginThrottle(auth.LoginRules(3))
			a := map[string]string{"X-Forwarded-For": "203.0.113.1"}
			b := map[string]string{"X-Forwarded-For": "198.51.100.2"}
			// Three different accounts, so only the address counts.
			for _, e := range []string{"admin@example.org", "intake@example.org", "caseworker@example.org"} {
				if st, _ := signIn(t, env, browser(t), e, "wrong password!", a); st != http.StatusUnauthorized {
					t.Fatalf("failure for %s: %d", e, st)
				}
			}
			if st, _ := signIn(t, env, browser(t), "supervisor@example.org", testPassword, a); st != http.StatusTooManyRequests {
				t.Fatalf("fourth account from the same address: %d, want 429", st)
			}
			st, _ := signIn(t, env, browser(t), "supervisor@example.org", testPassword, b)
			if tc.sharedCount && st != http.StatusTooManyRequests || !tc.sharedCount && st != http.StatusSeeOther {
				t.Fatalf("another forwarded client: %d (shared count: %v)", st, tc.sharedCount)
			}
		})
	}
}

// TestSignInAsSomeoneElse is issue 14's bug: signing in while signed in
// always failed with "The form expired", because the login form carries
// the pre-session token and the check wanted the session's. Now it
// passes, and the previous session ends (it is not left live behind the
// new cookie).
func TestSignInAsSomeoneElse(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	c := browser(t)
	if st, _ := signIn(t, env, c, "admin@example.org", testPassword, nil); st != http.StatusSeeOther {
		t.Fatalf("first sign-in: %d", st)
	}
	u, _ := url.Parse(env.ts.URL)
	var old string
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			old = ck.Value
		}
	}
	if old == "" {
		t.Fatal("no session cookie after signing in")
	}
	if st, _ := signIn(t, env, c, "supervisor@example.org", testPassword, nil); st != http.StatusSeeOther {
		t.Fatalf("signing in as someone else while signed in: %d, want 303", st)
	}
	resp, err := c.Get(env.ts.URL + "/api/v1/me")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"supervisor@example.org"`) {
		t.Fatalf("after switching: %d %s, want the supervisor", resp.StatusCode, b)
	}
	req, _ := http.NewRequest("GET", env.ts.URL+"/api/v1/me", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: old})
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the first session after switching: %d, want 401 (ended)", resp.StatusCode)
	}
	// A wrong password while signed in is refused as such, and leaves
	// the current session alone.
	if st, _ := signIn(t, env, c, "admin@example.org", "wrong password!", nil); st != http.StatusUnauthorized {
		t.Fatalf("wrong password while signed in: %d, want 401", st)
	}
	resp, err = c.Get(env.ts.URL + "/api/v1/me")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("session after a failed switch: %d", resp.StatusCode)
	}
}
