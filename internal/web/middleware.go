package web

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
)

// Route is one entry of the route table.
type Route struct {
	Method  string          // GET, POST, ...
	Path    string          // a ServeMux pattern path: /api/v1/cases/{id}
	Perm    auth.Permission // checked before the handler runs
	Handler http.HandlerFunc
	// MaxBody overrides the request body cap (uploads); 0 means default.
	MaxBody int64
}

const (
	sessionCookie = "amparo_session"
	// preSessionCSRFCookie protects the login form itself (double submit):
	// before signing in there is no session to hold a token.
	preSessionCSRFCookie = "amparo_csrf"
	csrfField            = "csrf_token"
	// deviceCookie marks a browser that has signed in to an account
	// before, so that others' failed guesses do not slow its owner
	// (auth.LoginThrottle).
	deviceCookie         = "amparo_device"
	deviceCookieLifetime = 90 * 24 * time.Hour
	csrfHeader           = "X-CSRF-Token"
	loginPath            = "/login"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	sessionKey
	sessionTokenKey
	viaTokenKey
)

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func requestIDOf(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey).(string)
	return id
}

// statusWriter remembers the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests gives each request an id (the caller's X-Request-Id if it is
// sane) and logs one line when it ends.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID.MatchString(id) {
			id = auth.RandomToken(9)
		}
		w.Header().Set("X-Request-Id", id)
		ctx := context.WithValue(r.Context(), requestIDKey, id)
		ctx = audit.WithRequestID(ctx, id)
		sw := &statusWriter{ResponseWriter: w}
		r = r.WithContext(ctx)
		next.ServeHTTP(sw, r)
		actor := ""
		if p, ok := auth.FromContext(r.Context()); ok {
			actor = p.Email
		} else if p, ok := principalOf(r); ok {
			actor = p.Email
		}
		s.log.InfoContext(ctx, "request", "request_id", id, "method", r.Method, "path", r.URL.Path,
			"status", sw.status, "bytes", sw.bytes, "duration_ms", time.Since(start).Milliseconds(), "actor", actor)
	})
}

// authState is filled in by authenticate and read by later layers; it is a
// pointer in the context so the request log sees who acted.
type authState struct {
	principal auth.Principal
	ok        bool
	session   *auth.Session
	token     string // session cookie value
}

func stateOf(r *http.Request) *authState {
	st, _ := r.Context().Value(sessionKey).(*authState)
	if st == nil {
		return &authState{}
	}
	return st
}

func principalOf(r *http.Request) (auth.Principal, bool) {
	st := stateOf(r)
	return st.principal, st.ok
}

// authenticate resolves the caller from an API token (Authorization:
// Bearer) or a session cookie. A bad token is refused at once; a stale
// cookie is just cleared.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &authState{}
		ctx := context.WithValue(r.Context(), sessionKey, st)
		if h := r.Header.Get("Authorization"); h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				s.writeError(w, r, http.StatusUnauthorized, "unauthorized", "Authorization must be 'Bearer TOKEN'.")
				return
			}
			p, err := s.auth.PrincipalByAPIToken(ctx, strings.TrimSpace(token))
			if errors.Is(err, store.ErrNotFound) {
				s.writeError(w, r, http.StatusUnauthorized, "unauthorized", "The API token is not valid, revoked, or its account is disabled.")
				return
			}
			if err != nil {
				s.serverError(w, r, err)
				return
			}
			st.principal, st.ok = p, true
			ctx = context.WithValue(ctx, viaTokenKey, true)
		} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			sess, err := s.auth.SessionByToken(ctx, c.Value)
			switch {
			case err == nil:
				st.principal, st.ok, st.session, st.token = sess.Principal, true, &sess, c.Value
			case errors.Is(err, store.ErrNotFound):
				s.clearCookie(w, r, sessionCookie)
			default:
				s.serverError(w, r, err)
				return
			}
		}
		if st.ok {
			ctx = auth.NewContext(ctx, st.principal)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func isSafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// guard enforces one route's permission, body cap and CSRF token.
func (s *Server) guard(rt Route) http.Handler {
	limit := rt.MaxBody
	if limit == 0 {
		limit = s.opts.MaxBodyBytes
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, signedIn := principalOf(r)
		if rt.Perm != auth.Anyone {
			if !signedIn {
				if !isAPI(r) && r.Method == http.MethodGet {
					http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
					return
				}
				s.writeError(w, r, http.StatusUnauthorized, "unauthorized", "Sign in or send an API token.")
				return
			}
			if !auth.Allowed(p.Role, rt.Perm) {
				s.writeError(w, r, http.StatusForbidden, "forbidden", "Your role ("+string(p.Role)+") may not do this.")
				return
			}
		}
		// A page's upload is read here, before its token is checked: a
		// body over the cap still gives the fields sent before the file,
		// the token among them, so that its form can be re-shown (upload.go).
		upload := !isSafeMethod(r.Method) && !isAPI(r) && isMultipart(r)
		body := capBody(w, r, limit, upload)
		r.Body = body
		if upload {
			readUploadForm(r, body)
		}
		if !isSafeMethod(r.Method) && !s.csrfOK(r) {
			if n, over := bodyOverCap(r); over {
				s.writeError(w, r, http.StatusRequestEntityTooLarge, "too_large", "The request body is larger than "+fileSize(n)+".")
				return
			}
			s.writeError(w, r, http.StatusForbidden, "csrf", "The form expired or did not come from this site. Reload the page and try again.")
			return
		}
		if !s.formTextOK(w, r) {
			return
		}
		rt.Handler(w, r)
	})
}

// bodyOverCap reports whether reading the form for its token stopped at the
// route's body cap (a further read gives the same error): a form too large
// to read is refused as that (413), not as one that did not come from
// this site (403).
func bodyOverCap(r *http.Request) (int64, bool) {
	var tooBig *http.MaxBytesError
	if _, err := r.Body.Read(make([]byte, 1)); errors.As(err, &tooBig) {
		return tooBig.Limit, true
	}
	return 0, false
}

// csrfOK checks the synchroniser token of a cookie-authenticated change.
// API token requests carry no ambient credentials and need none.
func (s *Server) csrfOK(r *http.Request) bool {
	if via, _ := r.Context().Value(viaTokenKey).(bool); via {
		return true
	}
	// The login form always carries the pre-session token, also when
	// someone already signed in uses it to sign in as someone else: the
	// session's token is not on that form (issue 14).
	want := ""
	if st := stateOf(r); st.session != nil && r.URL.Path != loginPath {
		want = st.session.CSRFToken
	} else if c, err := r.Cookie(preSessionCSRFCookie); err == nil {
		want = c.Value
	}
	if want == "" {
		return false
	}
	got := r.Header.Get(csrfHeader)
	if got == "" {
		got = r.PostFormValue(csrfField)
	}
	return got != "" && constantTimeEqual(got, want)
}

// MaxHeaderBytes caps a request's line and headers. The HTTP server's own
// cap (http.Server.MaxHeaderBytes, 1 MiB) answers in plain text before any
// handler runs; this lower one answers 431 in the error shape of the path
// (JSON for the API, the error page otherwise), so only a request beyond
// both sees the bare answer.
const MaxHeaderBytes = 64 << 10

// capHeaders refuses requests whose headers exceed MaxHeaderBytes, before
// anything reads them (a session lookup with a huge cookie).
func (s *Server) capHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4
		for k, vs := range r.Header {
			for _, v := range vs {
				n += len(k) + len(v) + 4
			}
		}
		if n > MaxHeaderBytes {
			w.Header().Set("Connection", "close")
			s.writeError(w, r, http.StatusRequestHeaderFieldsTooLarge, "headers_too_large",
				"The request's headers are too large (over "+itoa(MaxHeaderBytes>>10)+" KiB); clear this site's cookies and try again.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// crossOriginDenied answers a refused cross-origin change (a form posted
// from another site) in the error shape of the path.
func (s *Server) crossOriginDenied() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, http.StatusForbidden, "cross_origin", "This change came from another site and was refused.")
	})
}
