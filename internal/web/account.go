package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
)

type accountView struct {
	Email, Role, Error, Notice string
	MinLength                  int
}

func (s *Server) handleAccountPage(w http.ResponseWriter, r *http.Request) {
	p, _ := principalOf(r)
	v := accountView{Email: p.Email, Role: string(p.Role), MinLength: auth.MinPasswordLength}
	if r.URL.Query().Get("changed") == "1" {
		v.Notice = s.translate(langOf(r), "account.changed")
	}
	s.render(w, r, http.StatusOK, "account", v)
}

// handleAccountPassword changes the signed-in person's own password, then
// starts a new session (the change ended all the old ones).
func (s *Server) handleAccountPassword(w http.ResponseWriter, r *http.Request) {
	p, _ := principalOf(r)
	lang := langOf(r)
	v := accountView{Email: p.Email, Role: string(p.Role), MinLength: auth.MinPasswordLength}
	current, next, confirm := r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("confirm")
	fail := func(status int, key string, args ...any) {
		v.Error = s.translate(lang, key, args...)
		s.render(w, r, status, "account", v)
	}
	switch {
	case next != confirm:
		fail(http.StatusUnprocessableEntity, "account.mismatch")
		return
	case len(next) < auth.MinPasswordLength:
		fail(http.StatusUnprocessableEntity, "account.short", auth.MinPasswordLength)
		return
	}
	err := s.auth.ChangeOwnPassword(r.Context(), current, next)
	if errors.Is(err, auth.ErrBadCredentials) {
		fail(http.StatusUnprocessableEntity, "account.wrong_current")
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	u, err := s.auth.UserByEmail(r.Context(), p.Email)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	token, sess, err := s.auth.CreateSession(r.Context(), u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.setCookie(w, r, sessionCookie, token, int(time.Until(sess.ExpiresAt).Seconds()))
	http.Redirect(w, r, "/account?changed=1", http.StatusSeeOther)
}
