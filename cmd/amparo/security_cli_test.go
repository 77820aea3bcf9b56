package main

import (
	"strings"
	"testing"
)

// TestDisableRevokesTokensCLI: with the real binary, `users disable`
// revokes the account's API tokens and `users enable` does not bring them
// back (issue 15); serve accepts --trusted-proxies and refuses a bad one.
func TestDisableRevokesTokensCLI(t *testing.T) {
	data := t.TempDir()
	mustAmparo(t, "", "users", "add", "--data", data, "--email", "cw@example.org", "--role", "caseworker")
	old := strings.TrimSpace(mustAmparo(t, "", "tokens", "create", "--data", data, "--email", "cw@example.org"))
	if _, errs, code := amparo(t, "", "serve", "--data", data, "--trusted-proxies", "10.0.0.0/33"); code != 2 || !strings.Contains(errs, "trusted proxy") {
		t.Fatalf("bad --trusted-proxies: exit %d %s", code, errs)
	}
	srv := startServer(t, "--data", data, "--trusted-proxies", "127.0.0.1, 10.0.0.0/8", "--login-address-limit", "20")
	if status, body := srv.get(t, "/api/v1/me", old); status != 200 {
		t.Fatalf("token before disable: %d %s", status, body)
	}
	if out := mustAmparo(t, "", "users", "disable", "--data", data, "--email", "cw@example.org"); !strings.Contains(out, "API tokens revoked") {
		t.Errorf("users disable says %q", out)
	}
	if status, _ := srv.get(t, "/api/v1/me", old); status != 401 {
		t.Fatalf("token after disable: %d, want 401", status)
	}
	mustAmparo(t, "", "users", "enable", "--data", data, "--email", "cw@example.org")
	if status, _ := srv.get(t, "/api/v1/me", old); status != 401 {
		t.Fatalf("old token after enable: %d, want 401 (revoked for good)", status)
	}
	fresh := strings.TrimSpace(mustAmparo(t, "", "tokens", "create", "--data", data, "--email", "cw@example.org"))
	if status, body := srv.get(t, "/api/v1/me", fresh); status != 200 {
		t.Fatalf("new token after enable: %d %s", status, body)
	}
}
