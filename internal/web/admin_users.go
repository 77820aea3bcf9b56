package web

import (
	"errors"
	"net/http"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

type usersView struct {
	Users    []auth.User
	Roles    []auth.Role
	Error    string
	Created  string // email of the account just created
	Password string // its generated password, shown once
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, status int, v usersView) {
	users, err := s.auth.Users(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Users, v.Roles = users, auth.Roles
	s.render(w, r, status, "admin_users", v)
}

func (s *Server) handleUsersPage(w http.ResponseWriter, r *http.Request) {
	s.usersPage(w, r, http.StatusOK, usersView{})
}

// handleUserCreate makes an account with a generated password, shown once
// to the administrator to hand over.
func (s *Server) handleUserCreate(w http.ResponseWriter, r *http.Request) {
	role, err := auth.ParseRole(r.PostFormValue("role"))
	if err != nil {
		s.usersPage(w, r, http.StatusUnprocessableEntity, usersView{Error: s.translate(langOf(r), "users.bad_role")})
		return
	}
	password := auth.RandomToken(15)
	u, err := s.auth.CreateUser(r.Context(), r.PostFormValue("email"), role, password)
	switch {
	case errors.Is(err, store.ErrConflict):
		s.usersPage(w, r, http.StatusConflict, usersView{Error: s.translate(langOf(r), "users.exists")})
		return
	case errs.IsValidation(err):
		s.usersPage(w, r, http.StatusUnprocessableEntity, usersView{Error: err.Error()})
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	s.usersPage(w, r, http.StatusCreated, usersView{Created: u.Email, Password: password})
}

func (s *Server) handleUserDisable(w http.ResponseWriter, r *http.Request) {
	email := r.PostFormValue("email")
	disable := r.PostFormValue("action") != "enable"
	if p, _ := principalOf(r); disable && p.Email == email {
		s.usersPage(w, r, http.StatusConflict, usersView{Error: s.translate(langOf(r), "users.not_self")})
		return
	}
	err := s.auth.SetDisabled(r.Context(), email, disable)
	if errors.Is(err, store.ErrNotFound) {
		s.writeError(w, r, http.StatusNotFound, "not_found", "No account "+email)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}
