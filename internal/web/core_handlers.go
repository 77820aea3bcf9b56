package web

import (
	"embed"
	"errors"
	"io/fs"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
)

//go:embed static
var staticFiles embed.FS

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if err := s.db.SQL().PingContext(r.Context()); err != nil {
		s.writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": "database unreachable"})
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// handleStatic serves the embedded files. Only a file is served: a name
// that is not a valid path (`..`, bytes that are not UTF-8 such as
// %c0%ae) or a directory is not found, answered like every 404 (no
// listing, no 500).
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	sub, _ := fs.Sub(staticFiles, "static")
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	st, err := fs.Stat(sub, name)
	if !fs.ValidPath(name) || err != nil || st.IsDir() {
		s.writeError(w, r, http.StatusNotFound, "not_found", "No such file.")
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.ServeFileFS(w, r, sub, name)
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "home", s.homeData(r))
}

func (s *Server) handleLang(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	if !isLanguage(code) {
		s.writeError(w, r, http.StatusNotFound, "not_found", "Unknown language "+code)
		return
	}
	s.setLangCookie(w, r, code)
	http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
}

// setLangCookie remembers the person's choice of language for a year.
func (s *Server) setLangCookie(w http.ResponseWriter, r *http.Request, code string) {
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: code, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
}

type loginView struct {
	CSRF, Next, Email, Error string
}

func (s *Server) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	s.renderLogin(w, r, http.StatusOK, loginView{Next: localPath(r.URL.Query().Get("next"))})
}

// renderLogin issues a fresh pre-session CSRF token with each form.
func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, v loginView) {
	v.CSRF = auth.RandomToken(24)
	s.setCookie(w, r, preSessionCSRFCookie, v.CSRF, 3600)
	s.render(w, r, status, "login", v)
}

// loginAttempt is how the sign-in throttle sees r.
func (s *Server) loginAttempt(r *http.Request, email string) auth.LoginAttempt {
	a := auth.LoginAttempt{Email: email, Address: auth.ClientAddress(r.RemoteAddr, r.Header.Values("X-Forwarded-For"), s.opts.TrustedProxies)}
	if c, err := r.Cookie(deviceCookie); err == nil {
		a.Devices = c.Value
	}
	return a
}

// handleLogin checks a password unless the throttle asks this attempt to
// wait (auth/ratelimit.go): a wrong password slows the next try, it never
// locks the account.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	password := r.PostFormValue("password")
	next := localPath(r.PostFormValue("next"))
	lang := langOf(r)
	attempt := s.loginAttempt(r, email)
	if wait := s.login.Wait(attempt); wait > 0 {
		secs := int(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", itoa(secs))
		s.renderLogin(w, r, http.StatusTooManyRequests, loginView{Next: next, Email: email, Error: s.translate(lang, "login.wait", secs)})
		return
	}
	u, err := s.auth.Authenticate(r.Context(), email, password)
	if errors.Is(err, auth.ErrBadCredentials) {
		s.login.Failed(attempt)
		s.renderLogin(w, r, http.StatusUnauthorized, loginView{Next: next, Email: email, Error: s.translate(lang, "login.failed")})
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	// Signing in while signed in (as someone else, or again) ends the
	// session this browser held: none is left live behind the new cookie.
	if st := stateOf(r); st.token != "" {
		if err := s.auth.EndSession(r.Context(), st.token); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	token, sess, err := s.auth.CreateSession(r.Context(), u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setCookie(w, r, deviceCookie, s.login.Succeeded(attempt), int(deviceCookieLifetime.Seconds()))
	s.clearCookie(w, r, preSessionCSRFCookie)
	s.setCookie(w, r, sessionCookie, token, int(time.Until(sess.ExpiresAt).Seconds()))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if st.token != "" {
		if err := s.auth.EndSession(r.Context(), st.token); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.clearCookie(w, r, sessionCookie)
	if isAPI(r) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(s.openAPI)
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	p, _ := principalOf(r)
	s.writeJSON(w, http.StatusOK, map[string]any{"id": p.UserID, "email": p.Email, "role": p.Role})
}
