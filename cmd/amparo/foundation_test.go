package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestFoundationAsAUser follows the foundation issue's acceptance steps
// with the real binary: accounts and tokens from the CLI, the API, the
// audit log, a byte changed in the SQLite file, and a backup.
func TestFoundationAsAUser(t *testing.T) {
	data := t.TempDir()
	out := mustAmparo(t, "", "users", "add", "--data", data, "--email", "cw@example.org", "--role", "caseworker")
	if !regexp.MustCompile(`(?m)^password: \S{15,}$`).MatchString(out) {
		t.Fatalf("users add did not print a generated password:\n%s", out)
	}
	mustAmparo(t, "auditor password 123\n", "users", "add", "--data", data, "--email", "aud@example.org", "--role", "auditor", "--password-stdin")
	cwToken := strings.TrimSpace(mustAmparo(t, "", "tokens", "create", "--data", data, "--email", "cw@example.org"))
	audToken := strings.TrimSpace(mustAmparo(t, "", "tokens", "create", "--data", data, "--email", "aud@example.org"))

	if _, errs, code := amparo(t, "", "users", "add", "--data", data, "--email", "x@example.org", "--role", "chief"); code != 2 || !strings.Contains(errs, "unknown role") {
		t.Fatalf("bad role: exit %d %s", code, errs)
	}
	if _, errs, code := amparo(t, "", "users", "add", "--data", data, "--email", "cw@example.org", "--role", "caseworker"); code != 1 || !strings.Contains(errs, "already exists") {
		t.Fatalf("duplicate user: exit %d %s", code, errs)
	}

	srv := startServer(t, "--data", data)
	status, body := srv.get(t, "/api/v1/me", cwToken)
	if status != 200 || !strings.Contains(body, `"email": "cw@example.org"`) || !strings.Contains(body, `"role": "caseworker"`) {
		t.Fatalf("/api/v1/me as caseworker: %d %s", status, body)
	}
	if status, body := srv.get(t, "/api/v1/audit", cwToken); status != 403 || !strings.Contains(body, `"code": "forbidden"`) {
		t.Fatalf("/api/v1/audit as caseworker: %d %s", status, body)
	}
	// A browser sign-in, so the log has a login too.
	if got := webLogin(t, srv.base, "aud@example.org", "auditor password 123"); got == nil {
		t.Fatal("auditor could not sign in")
	}
	status, body = srv.get(t, "/api/v1/audit", audToken)
	if status != 200 {
		t.Fatalf("/api/v1/audit as auditor: %d %s", status, body)
	}
	var list struct {
		Entries []struct {
			ID     int64  `json:"id"`
			Action string `json:"action"`
			Actor  string `json:"actor"`
			Detail string `json:"detail"`
		} `json:"entries"`
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	var auditorRow int64
	for _, e := range list.Entries {
		seen[e.Action]++
		if e.Action == "user.create" && e.Detail == "role=auditor" {
			auditorRow = e.ID
		}
	}
	if seen["user.create"] != 2 || seen["token.create"] != 2 || seen["login"] != 1 || seen["login.failed"] != 1 {
		t.Fatalf("audit actions %v, want 2 user.create, 2 token.create, 1 login, 1 login.failed (the duplicate add failed before writing)", seen)
	}
	srv.stop(t)

	out = mustAmparo(t, "", "audit", "verify", "--data", data)
	if !strings.Contains(out, "audit chain intact") {
		t.Fatalf("verify: %s", out)
	}
	backup := filepath.Join(t.TempDir(), "snapshot.db")
	mustAmparo(t, "", "backup", "--data", data, "--out", backup)
	if _, errs, code := amparo(t, "", "backup", "--data", data, "--out", backup); code == 0 || !strings.Contains(errs, "already exists") {
		t.Fatalf("backup over an existing file: exit %d %s", code, errs)
	}
	// A mistyped --data names no database: refused, and none is created there.
	typo := filepath.Join(t.TempDir(), "amparo-dta")
	if _, errs, code := amparo(t, "", "backup", "--data", typo, "--out", filepath.Join(t.TempDir(), "b.db")); code != 1 || !strings.Contains(errs, "no database in") {
		t.Fatalf("backup of a directory without a database: exit %d %s", code, errs)
	}
	if _, err := os.Stat(typo); !os.IsNotExist(err) {
		t.Fatalf("backup of a missing data directory created it: %v", err)
	}

	// Change one byte of one audit row in the file itself.
	dbFile := filepath.Join(data, store.SQLiteFile)
	raw, err := os.ReadFile(dbFile)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(raw, []byte("role=auditor")); n != 1 {
		t.Fatalf("found %d copies of the row's detail in the file, want 1", n)
	}
	i := bytes.Index(raw, []byte("role=auditor"))
	raw[i+len("role=auditor")-1] = 'R'
	if err := os.WriteFile(dbFile, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	_, errs, code := amparo(t, "", "audit", "verify", "--data", data)
	if code != 1 || !strings.Contains(errs, "broken at row "+itoa64(auditorRow)) {
		t.Fatalf("verify after tampering: exit %d, stderr %q; want exit 1 naming row %d", code, errs, auditorRow)
	}

	// The backup, taken before, restores by pointing --data at it.
	restored := t.TempDir()
	if err := os.Rename(backup, filepath.Join(restored, store.SQLiteFile)); err != nil {
		t.Fatal(err)
	}
	out = mustAmparo(t, "", "audit", "verify", "--data", restored)
	if !strings.Contains(out, "audit chain intact") {
		t.Fatalf("restored verify: %s", out)
	}
	if out := mustAmparo(t, "", "users", "list", "--data", restored); !strings.Contains(out, "cw@example.org") || !strings.Contains(out, "aud@example.org") {
		t.Fatalf("restored users: %s", out)
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// webLogin signs in through the login form and returns the session cookie,
// or nil when the server refused. For the auditor it first tries a wrong
// password, so that the log shows a failure too.
func webLogin(t *testing.T, base, email, password string) *http.Cookie {
	t.Helper()
	if email == "aud@example.org" {
		if ck := webLoginQuiet(base, email, "not the password"); ck != nil {
			t.Fatal("a wrong password signed in")
		}
	}
	return webLoginQuiet(base, email, password)
}

// TestKillDashNineLosesNothing streams writes (sign-ins, each a session row
// and an audit row) at the server, kills it with SIGKILL mid-stream, and
// checks that every write it acknowledged is there after a restart.
func TestKillDashNineLosesNothing(t *testing.T) {
	data := t.TempDir()
	mustAmparo(t, "writer password 1\n", "users", "add", "--data", data, "--email", "w@example.org", "--role", "caseworker", "--password-stdin")
	srv := startServer(t, "--data", data)

	var (
		mu    sync.Mutex
		acked []*http.Cookie
		stop  atomic.Bool
		wg    sync.WaitGroup
	)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				ck := webLoginQuiet(srv.base, "w@example.org", "writer password 1")
				if ck != nil {
					mu.Lock()
					acked = append(acked, ck)
					mu.Unlock()
				}
			}
		}()
	}
	// Let writes flow, then kill without warning while they still do.
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 20 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-srv.done
	srv.done <- nil
	stop.Store(true)
	wg.Wait()
	if len(acked) < 20 {
		t.Fatalf("only %d writes acknowledged before the kill", len(acked))
	}

	srv2 := startServer(t, "--data", data)
	for i, ck := range acked {
		req, _ := http.NewRequest("GET", srv2.base+"/api/v1/me", nil)
		req.AddCookie(ck)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("acknowledged write %d of %d lost: /api/v1/me with its session answers %d", i+1, len(acked), resp.StatusCode)
		}
	}
	srv2.stop(t)
	if out := mustAmparo(t, "", "audit", "verify", "--data", data); !strings.Contains(out, "audit chain intact") {
		t.Fatalf("verify after kill: %s", out)
	}
	t.Logf("%d acknowledged writes, all present after SIGKILL", len(acked))
}

// webLoginQuiet signs in through the login form (fetching its CSRF token
// first) and returns the session cookie, or nil. It takes no testing.T so
// that goroutines can use it.
func webLoginQuiet(base, email, password string) *http.Cookie {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(base + "/login")
	if err != nil {
		return nil
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRE.FindSubmatch(b)
	if m == nil {
		return nil
	}
	resp, err = c.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}, "csrf_token": {string(m[1])}})
	if err != nil {
		return nil
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == "amparo_session" {
			return ck
		}
	}
	return nil
}

// TestServeOnPostgres runs the same first steps against PostgreSQL.
func TestServeOnPostgres(t *testing.T) {
	if !storetest.PostgresAvailable() {
		t.Skip("PostgreSQL not available (see the storetest warning)")
	}
	u := storetest.NewPostgresDatabase(t)
	mustAmparo(t, "", "migrate", "--database-url", u)
	mustAmparo(t, "", "users", "add", "--database-url", u, "--email", "cw@example.org", "--role", "caseworker")
	tok := strings.TrimSpace(mustAmparo(t, "", "tokens", "create", "--database-url", u, "--email", "cw@example.org"))
	srv := startServer(t, "--database-url", u)
	if status, body := srv.get(t, "/api/v1/me", tok); status != 200 || !strings.Contains(body, "cw@example.org") {
		t.Fatalf("me on postgres: %d %s", status, body)
	}
	srv.stop(t)
	if out := mustAmparo(t, "", "audit", "verify", "--database-url", u); !strings.Contains(out, "audit chain intact: 2 rows") {
		t.Fatalf("verify on postgres: %s", out)
	}
}
