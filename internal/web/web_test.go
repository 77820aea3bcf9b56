package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// testEnv is a running server with one account and API token per role.
type testEnv struct {
	db     *store.DB
	srv    *Server
	ts     *httptest.Server
	tokens map[auth.Role]string
}

const testPassword = "correct horse battery staple"

func newTestEnv(t *testing.T, db *store.DB) *testEnv {
	t.Helper()
	return newTestEnvWith(t, db, testServices(t, db))
}

// newTestEnvWith is newTestEnv on services the test built.
func newTestEnvWith(t *testing.T, db *store.DB, services Services) *testEnv {
	t.Helper()
	srv, err := New(db, services, Options{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	// Cleanups run last first: the HTTP server closes, then the services'
	// workers stop, then the database closes.
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("close the server: %v", err)
		}
	})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	env := &testEnv{db: db, srv: srv, ts: ts, tokens: map[auth.Role]string{}}
	ctx := auth.OperatorContext(context.Background(), "test")
	svc := auth.NewService(db)
	for _, r := range auth.Roles {
		email := string(r) + "@example.org"
		if _, err := svc.CreateUser(ctx, email, r, testPassword); err != nil {
			t.Fatal(err)
		}
		tok, err := svc.CreateAPIToken(ctx, email, "test")
		if err != nil {
			t.Fatal(err)
		}
		env.tokens[r] = tok
	}
	return env
}

// call makes an API call as role, fails the test unless the status is
// want, and returns the JSON object answered (nil if it is not one).
func (e *testEnv) call(t *testing.T, method, path string, role auth.Role, body string, want int) map[string]any {
	t.Helper()
	resp, b := e.do(t, method, path, e.tokens[role], body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s as %s: %d, want %d: %s", method, path, role, resp.StatusCode, want, b)
	}
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

func (e *testEnv) do(t *testing.T, method, path, token, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// TestEveryRouteEveryRole walks the whole route table: without sign-in a
// protected route answers 401 (or redirects a browser to the login page),
// a role without the permission gets 403, and one with it gets past the
// permission check (whatever the handler then says about the empty
// request).
func TestEveryRouteEveryRole(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	// refusal tells a refusal by the permission layer from a handler's own
	// answer (a login form's 401, a CSRF 403): only the former carries
	// these codes.
	refusal := func(resp *http.Response, body []byte) string {
		var e apiError
		if json.Unmarshal(body, &e) == nil && (e.Error.Code == "unauthorized" || e.Error.Code == "forbidden") {
			return e.Error.Code
		}
		if resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
			return "login"
		}
		return ""
	}
	for _, rt := range env.srv.Routes() {
		path := pathParam.ReplaceAllString(strings.TrimSuffix(rt.Path, "{$}"), "999999")
		if strings.HasSuffix(path, "/") && path != "/" {
			path += "app.css"
		}
		t.Run(rt.Method+" "+rt.Path, func(t *testing.T) {
			resp, body := env.do(t, rt.Method, path, "", "")
			got := refusal(resp, body)
			if rt.Perm != auth.Anyone {
				want := "unauthorized"
				if !strings.HasPrefix(path, "/api/") && rt.Method == "GET" {
					want = "login"
				}
				if got != want || (want == "unauthorized" && resp.StatusCode != 401) {
					t.Errorf("anonymous: status %d (%s), want %s", resp.StatusCode, got, want)
				}
			} else if got != "" {
				t.Errorf("anonymous on a public route: status %d (%s)", resp.StatusCode, got)
			}
			for _, role := range auth.Roles {
				resp, body := env.do(t, rt.Method, path, env.tokens[role], "")
				got := refusal(resp, body)
				allowed := auth.Allowed(role, rt.Perm)
				switch {
				case allowed && got != "":
					t.Errorf("%s is allowed %s but was refused: %d %s", role, rt.Perm, resp.StatusCode, got)
				case !allowed && (got != "forbidden" || resp.StatusCode != http.StatusForbidden):
					t.Errorf("%s lacks %s but got %d %q, want 403 forbidden", role, rt.Perm, resp.StatusCode, got)
				}
			}
		})
	}
}

// TestOpenAPIMatchesRoutes checks the hand-written document against the
// router in both directions.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	resp, body := env.do(t, "GET", "/api/v1/openapi.json", "", "")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	inRouter := map[string]bool{}
	for _, rt := range env.srv.Routes() {
		if !strings.HasPrefix(rt.Path, "/api/v1/") {
			continue
		}
		key := strings.ToLower(rt.Method) + " " + rt.Path
		inRouter[key] = true
		if _, ok := doc.Paths[rt.Path][strings.ToLower(rt.Method)]; !ok {
			t.Errorf("route %s %s is not in the OpenAPI document", rt.Method, rt.Path)
		}
	}
	for p, ops := range doc.Paths {
		for m := range ops {
			if m == "parameters" {
				continue
			}
			if !inRouter[m+" "+p] {
				t.Errorf("OpenAPI documents %s %s, which the router does not serve", strings.ToUpper(m), p)
			}
		}
	}
}

func TestMessagesTranslated(t *testing.T) {
	cats, err := loadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	for k := range cats["en"] {
		if cats["es"][k] == "" {
			t.Errorf("message %q has no Spanish translation", k)
		}
	}
	for k := range cats["es"] {
		if _, ok := cats["en"][k]; !ok {
			t.Errorf("Spanish message %q has no English original", k)
		}
	}
}

// fmtVerb is what fmt reads as a verb: flags, width, precision, verb;
// argVerb is a verb as messages use them ("%d", "%s", "%.1f"), with no
// space flag: "95% of" is a literal percent sign, not "% o".
var (
	fmtVerb = regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]+)?[a-zA-Z%]`)
	argVerb = regexp.MustCompile(`^%[-+#0]*[0-9]*(?:\.[0-9]+)?[sdvqfx]$`)
)

// TestMessageVerbs: a message printed with arguments ("%d children") has
// the same verbs in both languages, in the same order, and no other
// percent sign that fmt would read as a verb: "a 95% interval" printed as
// "95%!i(MISSING)nterval" on the forecast page, and in Spanish "del 95 %
// de" reads "% d" as a verb that swallows an argument. A literal percent
// sign in such a message is written "%%". Messages without arguments are
// printed as they are (kit.translate), so their percent signs are plain.
func TestMessageVerbs(t *testing.T) {
	cats, err := loadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	args := func(msg string) (verbs, stray []string) {
		for _, v := range fmtVerb.FindAllString(msg, -1) {
			switch {
			case v == "%%":
			case argVerb.MatchString(v):
				verbs = append(verbs, v)
			default:
				stray = append(stray, v)
			}
		}
		return verbs, stray
	}
	for k, en := range cats["en"] {
		want, _ := args(en)
		if len(want) == 0 {
			continue // printed as it is: fmt never reads it
		}
		for _, lang := range []string{"en", "es"} {
			got, stray := args(cats[lang][k])
			if !slices.Equal(got, want) {
				t.Errorf("%s %q: verbs %q, English has %q", lang, k, got, want)
			}
			if len(stray) > 0 {
				t.Errorf("%s %q: fmt reads %q as verbs; write a literal percent sign as %%%%", lang, k, stray)
			}
		}
	}
}

func TestAPIErrors(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	tests := []struct {
		name, method, path, token string
		status                    int
		code                      string
	}{
		{"no token", "GET", "/api/v1/me", "", 401, "unauthorized"},
		{"bad token", "GET", "/api/v1/me", "amp_nope", 401, "unauthorized"},
		{"wrong role", "GET", "/api/v1/audit", "caseworker", 403, "forbidden"},
		{"unknown path", "GET", "/api/v1/nothing-here", "admin", 404, "not_found"},
		{"bad query", "GET", "/api/v1/audit?limit=abc", "auditor", 400, "bad_query"},
		{"method the path does not take", "DELETE", "/api/v1/cases", "admin", 405, "method_not_allowed"},
		{"method the path does not take, with an id", "PUT", "/api/v1/cases/1", "caseworker", 405, "method_not_allowed"},
		{"method the path does not take, signed out", "PATCH", "/api/v1/me", "", 405, "method_not_allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := tt.token
			if r, ok := env.tokens[auth.Role(tt.token)]; ok {
				tok = r
			}
			resp, body := env.do(t, tt.method, tt.path, tok, "")
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if allow := resp.Header.Get("Allow"); tt.status == 405 && (allow == "" || strings.Contains(allow, tt.method)) {
				t.Errorf("Allow: %q", allow)
			}
			var e apiError
			if err := json.Unmarshal(body, &e); err != nil || e.Error.Code != tt.code || e.Error.Message == "" {
				t.Fatalf("body %s, want error code %q", body, tt.code)
			}
		})
	}
}

func TestMeAndAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		env := newTestEnv(t, db)
		resp, body := env.do(t, "GET", "/api/v1/me", env.tokens[auth.RoleCaseworker], "")
		var me struct {
			Email string `json:"email"`
			Role  string `json:"role"`
		}
		if resp.StatusCode != 200 || json.Unmarshal(body, &me) != nil || me.Email != "caseworker@example.org" || me.Role != "caseworker" {
			t.Fatalf("me: %d %s", resp.StatusCode, body)
		}
		resp, _ = env.do(t, "GET", "/api/v1/audit", env.tokens[auth.RoleCaseworker], "")
		if resp.StatusCode != 403 {
			t.Fatalf("caseworker audit: %d, want 403", resp.StatusCode)
		}
		resp, body = env.do(t, "GET", "/api/v1/audit?action=user.create", env.tokens[auth.RoleAuditor], "")
		var list struct{ Entries []audit.Entry }
		if resp.StatusCode != 200 || json.Unmarshal(body, &list) != nil {
			t.Fatalf("auditor audit: %d %s", resp.StatusCode, body)
		}
		if len(list.Entries) != len(auth.Roles) {
			t.Fatalf("got %d user.create entries, want %d", len(list.Entries), len(auth.Roles))
		}
		for _, e := range list.Entries {
			if e.Action != "user.create" || e.Actor != "operator:test" {
				t.Errorf("unexpected entry %+v", e)
			}
		}
	})
}

// browser is a cookie-keeping client that does not follow redirects.
func browser(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func getCSRF(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := csrfInput.FindSubmatch(b)
	if m == nil {
		t.Fatalf("no CSRF token in %s", u)
	}
	return string(m[1])
}

func TestLoginFlow(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	c := browser(t)
	u := env.ts.URL

	// A form without its token is refused.
	resp, err := c.PostForm(u+"/login", url.Values{"email": {"admin@example.org"}, "password": {testPassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("login without CSRF token: %d, want 403", resp.StatusCode)
	}

	tok := getCSRF(t, c, u+"/login")
	resp, err = c.PostForm(u+"/login", url.Values{"email": {"admin@example.org"}, "password": {"wrong password!"}, "csrf_token": {tok}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d, want 401", resp.StatusCode)
	}

	tok = getCSRF(t, c, u+"/login")
	resp, err = c.PostForm(u+"/login", url.Values{"email": {"Admin@Example.org"}, "password": {testPassword}, "csrf_token": {tok}, "next": {"/audit"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/audit" {
		t.Fatalf("login: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Strict", session)
	}

	// Signed in: the audit page shows the login and the failed attempt.
	resp, err = c.Get(u + "/audit")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "login.failed") || !strings.Contains(string(b), ">login<") {
		t.Fatalf("audit page: %d\n%s", resp.StatusCode, b)
	}

	// A form too large to be read for its token is refused as too large,
	// not as forged; both refusals are in the page's language.
	resp, _ = c.Get(u + "/lang/es?next=/")
	resp.Body.Close()
	tok = getCSRF(t, c, u+"/cases/new")
	for _, tc := range []struct {
		form   url.Values
		status int
		want   string
	}{
		{url.Values{"csrf_token": {tok}, "given_names": {strings.Repeat("Á", 200_000)}}, http.StatusRequestEntityTooLarge, "Lo enviado ocupa más de 1.0 MiB."},
		{url.Values{"given_names": {strings.Repeat("Á", 200_000)}, "csrf_token": {tok}}, http.StatusRequestEntityTooLarge, "Lo enviado ocupa más de 1.0 MiB."},
		{url.Values{"given_names": {"Ana"}}, http.StatusForbidden, "El formulario caducó o no vino de este sitio."},
	} {
		resp, err = c.PostForm(u+"/cases", tc.form)
		if err != nil {
			t.Fatal(err)
		}
		b, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.want) {
			t.Errorf("form of %d bytes: %d, want %d and %q", len(tc.form.Encode()), resp.StatusCode, tc.status, tc.want)
		}
		// An expired form is not a lack of permission.
		if strings.Contains(string(b), "Su cuenta no tiene permiso") {
			t.Errorf("form of %d bytes: refused as a lack of permission", len(tc.form.Encode()))
		}
	}

	// Logout needs the session's CSRF token too.
	resp, _ = c.PostForm(u+"/logout", url.Values{})
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("logout without token: %d, want 403", resp.StatusCode)
	}
	tok = getCSRF(t, c, u+"/")
	resp, _ = c.PostForm(u+"/logout", url.Values{"csrf_token": {tok}})
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	resp, _ = c.Get(u + "/audit")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("after logout /audit: %d, want redirect to login", resp.StatusCode)
	}
}

func TestLanguage(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	get := func(c *http.Client, accept string) string {
		req, _ := http.NewRequest("GET", env.ts.URL+"/login", nil)
		if accept != "" {
			req.Header.Set("Accept-Language", accept)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	c := browser(t)
	if s := get(c, "es-GT,es;q=0.9"); !strings.Contains(s, `lang="es"`) || !strings.Contains(s, "Contraseña") {
		t.Fatal("Accept-Language es-GT did not give Spanish")
	}
	if s := get(c, ""); !strings.Contains(s, `lang="en"`) || !strings.Contains(s, "Password") {
		t.Fatal("default is not English")
	}
	resp, err := c.Get(env.ts.URL + "/lang/es?next=/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("language switch: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if s := get(c, "en"); !strings.Contains(s, "Contraseña") {
		t.Fatal("the chosen language did not win over Accept-Language")
	}
	// The switch never sends people off-site.
	resp, _ = c.Get(env.ts.URL + "/lang/en?next=//evil.example/")
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); loc != "/" {
		t.Fatalf("open redirect: Location %q", loc)
	}
	// A link may choose the language (?lang=es), for its page and the
	// pages after it; an unknown one changes nothing.
	c2 := browser(t)
	for _, tt := range []struct{ path, want string }{
		{"/login?lang=xx", "Password"},
		{"/login?lang=es", "Contraseña"},
		{"/login", "Contraseña"},
		{"/login?lang=en", "Password"},
		{"/login", "Password"},
	} {
		req, _ := http.NewRequest("GET", env.ts.URL+tt.path, nil)
		req.Header.Set("Accept-Language", "en")
		resp, err := c2.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), tt.want) {
			t.Errorf("%s: the page lacks %q", tt.path, tt.want)
		}
	}
}

func TestEveryPageTemplateParses(t *testing.T) {
	pages, err := parsePages()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"home", "login", "error", "audit"} {
		if pages[name] == nil {
			t.Errorf("template %s is missing", name)
		}
	}
}

func TestAccountAndUsersPages(t *testing.T) {
	env := newTestEnv(t, storetest.OpenSQLite(t))
	c := browser(t)
	login := func(email, password string) int {
		tok := getCSRF(t, c, env.ts.URL+"/login")
		resp, err := c.PostForm(env.ts.URL+"/login", url.Values{"email": {email}, "password": {password}, "csrf_token": {tok}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	post := func(path string, form url.Values) (int, string) {
		form.Set("csrf_token", getCSRF(t, c, env.ts.URL+"/account"))
		resp, err := c.PostForm(env.ts.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if got := login("admin@example.org", testPassword); got != http.StatusSeeOther {
		t.Fatalf("login: %d", got)
	}
	// Own password: checks first, then changes.
	if st, body := post("/account/password", url.Values{"current": {"wrong one here"}, "new": {"a new long password"}, "confirm": {"a new long password"}}); st != 422 || !strings.Contains(body, "current password is wrong") {
		t.Fatalf("wrong current: %d", st)
	}
	if st, _ := post("/account/password", url.Values{"current": {testPassword}, "new": {"a new long password"}, "confirm": {"another one"}}); st != 422 {
		t.Fatalf("mismatch: %d", st)
	}
	if st, _ := post("/account/password", url.Values{"current": {testPassword}, "new": {"a new long password"}, "confirm": {"a new long password"}}); st != http.StatusSeeOther {
		t.Fatalf("change: %d", st)
	}
	// Still signed in with the fresh session.
	if st, body := post("/admin/users", url.Values{"email": {"new.person@example.org"}, "role": {"legal"}}); st != http.StatusCreated || !strings.Contains(body, "new.person@example.org") {
		t.Fatalf("create user: %d", st)
	}
	if st, _ := post("/admin/users", url.Values{"email": {"new.person@example.org"}, "role": {"legal"}}); st != http.StatusConflict {
		t.Fatalf("duplicate user: %d", st)
	}
	if st, _ := post("/admin/users", url.Values{"email": {"x@example.org"}, "role": {"king"}}); st != 422 {
		t.Fatalf("bad role: %d", st)
	}
	if st, _ := post("/admin/users/status", url.Values{"email": {"admin@example.org"}, "action": {"disable"}}); st != http.StatusConflict {
		t.Fatalf("disable self: %d", st)
	}
	if st, _ := post("/admin/users/status", url.Values{"email": {"legal@example.org"}, "action": {"disable"}}); st != http.StatusSeeOther {
		t.Fatalf("disable: %d", st)
	}
	if resp, _ := env.do(t, "GET", "/api/v1/me", env.tokens[auth.RoleLegal], ""); resp.StatusCode != 401 {
		t.Fatalf("disabled account's token: %d, want 401", resp.StatusCode)
	}
	// The old password no longer works; the new one does.
	c = browser(t)
	if got := login("admin@example.org", testPassword); got != http.StatusUnauthorized {
		t.Fatalf("old password: %d", got)
	}
	if got := login("admin@example.org", "a new long password"); got != http.StatusSeeOther {
		t.Fatalf("new password: %d", got)
	}
}

// TestUnitsTranslated: every unit a stored value can carry has a name in
// both languages (the country and indicator pages look up
// indicators.u.<unit>; a missing one showed "days" and "count" on Spanish
// pages). "%" is the same in both.
func TestUnitsTranslated(t *testing.T) {
	cats, err := loadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range indicators.Units() {
		if u == "%" {
			continue
		}
		for _, lang := range []string{"en", "es"} {
			if cats[lang]["indicators.u."+u] == "" {
				t.Errorf("unit %q has no %s name (indicators.u.%s)", u, lang, u)
			}
		}
	}
}
