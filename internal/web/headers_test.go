package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// checkSecurityHeaders fails unless resp carries the security headers
// every answer must have: a Content-Security-Policy that allows no inline
// script or style and no framing, nosniff and a referrer policy.
func checkSecurityHeaders(t *testing.T, what string, resp *http.Response) {
	t.Helper()
	csp := resp.Header.Get("Content-Security-Policy")
	directives := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	for name, want := range map[string]string{"default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "frame-ancestors": "'none'", "base-uri": "'none'"} {
		if directives[name] != want {
			t.Errorf("%s: CSP %s is %q, want %q (policy %q)", what, name, directives[name], want, csp)
		}
	}
	if strings.Contains(csp, "unsafe-") {
		t.Errorf("%s: CSP allows unsafe sources: %q", what, csp)
	}
	if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q", what, got)
	}
	if got := resp.Header.Get("Referrer-Policy"); got == "" || got == "unsafe-url" {
		t.Errorf("%s: Referrer-Policy %q", what, got)
	}
	if got := resp.Header.Get("X-Frame-Options"); got != "DENY" {
		t.Errorf("%s: X-Frame-Options %q", what, got)
	}
}

var (
	inlineScript  = regexp.MustCompile(`(?is)<script\b[^>]*>`)
	inlineHandler = regexp.MustCompile(`(?i)<[^>]+\son[a-z]+\s*=`)
	inlineStyle   = regexp.MustCompile(`(?i)<style\b|<[^>]+\sstyle\s*=`)
)

// checkNoInline fails when an HTML page holds what the CSP would block:
// a script without src (data blocks of type application/json are not
// run), an on* handler attribute, a style element or attribute.
func checkNoInline(t *testing.T, what string, body []byte) {
	t.Helper()
	for _, tag := range inlineScript.FindAllString(string(body), -1) {
		if !strings.Contains(tag, " src=") && !strings.Contains(tag, `type="application/json"`) {
			t.Errorf("%s: inline script %s", what, tag)
		}
	}
	if m := inlineHandler.FindString(string(body)); m != "" {
		t.Errorf("%s: inline event handler in %.120s", what, m)
	}
	if m := inlineStyle.FindString(string(body)); m != "" {
		t.Errorf("%s: inline style in %.120s", what, m)
	}
}

// TestSecurityHeadersEverywhere: every page of the navigation (signed in
// as admin, who sees them all), and a sample of API, static and error
// answers, carry the security headers; the pages hold nothing inline.
func TestSecurityHeadersEverywhere(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	admin := env.tokens[auth.RoleAdmin]
	for _, item := range navItems {
		resp, body := env.do(t, "GET", item.Href, admin, "")
		if resp.StatusCode != http.StatusOK {
			t.Errorf("nav page %s: %d", item.Href, resp.StatusCode)
		}
		checkSecurityHeaders(t, item.Href, resp)
		checkNoInline(t, item.Href, body)
	}
	for _, tc := range []struct {
		method, path, token string
		status              int
	}{
		{"GET", "/login", "", 200},
		{"GET", "/account", admin, 200},
		{"GET", "/cases/new", admin, 200},
		{"GET", "/tracing/new", admin, 200},
		{"GET", "/api/v1/me", admin, 200},
		{"GET", "/api/v1/cases", admin, 200},
		{"GET", "/api/v1/openapi.json", "", 200},
		{"GET", "/healthz", "", 200},
		{"GET", "/static/app.css", "", 200},
		{"GET", "/static/no-such.css", "", 404},
		{"GET", "/no-such-page", "", 404},
		{"GET", "/api/v1/no-such", "", 404},
		{"GET", "/api/v1/cases", "", 401},
		{"GET", "/api/v1/audit", env.tokens[auth.RoleCaseworker], 403},
		{"POST", "/api/v1/cases", admin, 400},
	} {
		resp, body := env.do(t, tc.method, tc.path, tc.token, "")
		what := tc.method + " " + tc.path
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d, want %d", what, resp.StatusCode, tc.status)
		}
		checkSecurityHeaders(t, what, resp)
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			checkNoInline(t, what, body)
		}
	}
}

// TestErrorShapes: answers produced outside the route handlers (static
// files that are not there, a method a path does not serve (the catch-all
// answers 404), headers too
// large, a change posted from another site) come in the error shape of
// the path: JSON under /api/, the error page otherwise, never plain text.
func TestErrorShapes(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	big := strings.Repeat("x", MaxHeaderBytes+1)
	for _, tc := range []struct {
		name, method, path string
		header             map[string]string
		status             int
		code               string // JSON error code; "" for an HTML page
	}{
		{"static file not there", "GET", "/static/no-such.js", nil, 404, ""},
		{"static directory", "GET", "/static/", nil, 404, ""},
		{"static overlong dots", "GET", "/static/%c0%ae%c0%ae/", nil, 404, ""},
		{"static asked for JSON", "GET", "/static/no-such.js", map[string]string{"Accept": "application/json"}, 404, "not_found"},
		{"method not served, page", "GET", "/logout", nil, 405, ""},
		{"method not served, API", "DELETE", "/api/v1/me", nil, 405, "method_not_allowed"},
		{"headers too large, page", "GET", "/", map[string]string{"X-Big": big}, 431, ""},
		{"headers too large, API", "GET", "/api/v1/me", map[string]string{"X-Big": big}, 431, "headers_too_large"},
		{"cross-origin form, page", "POST", "/login", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, ""},
		{"cross-origin change, API", "POST", "/api/v1/cases", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "cross_origin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, env.ts.URL+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body bytes.Buffer
			if _, err := body.ReadFrom(resp.Body); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status {
				t.Fatalf("%d, want %d: %.200s", resp.StatusCode, tc.status, body.String())
			}
			checkSecurityHeaders(t, tc.name, resp)
			ct := resp.Header.Get("Content-Type")
			if tc.code == "" {
				if !strings.HasPrefix(ct, "text/html") || !strings.Contains(body.String(), "<html") {
					t.Fatalf("want the error page, got %s: %.200s", ct, body.String())
				}
				return
			}
			var e apiError
			if !strings.HasPrefix(ct, "application/json") || json.Unmarshal(body.Bytes(), &e) != nil || e.Error.Code != tc.code || e.Error.Message == "" {
				t.Fatalf("want JSON error %q, got %s: %.200s", tc.code, ct, body.String())
			}
		})
	}
}
