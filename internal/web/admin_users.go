package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

type usersView struct {
	Users []auth.User
	Roles []auth.Role
	Error string
	// Email and Role are what was typed into a refused add form.
	Email, Role string
	Created     string // email of the account just created
	Password    string // its generated password, shown once
	// Staff: the facilities of each account whose role works in one
	// (custody.WorksInFacility), by user id; Facilities to choose from.
	Staff      map[int64]*staffOf
	Facilities []*facilities.Facility
}

// staffOf is the facilities one account works in.
type staffOf struct {
	Facilities []*facilities.Facility
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request, status int, v usersView) {
	users, err := s.auth.Users(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v.Users, v.Roles = users, auth.Roles
	if err := s.loadStaff(r.Context(), &v); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, "admin_users", v)
}

// loadStaff fills the facility assignments of the accounts whose role
// works in a facility: a caseworker in none sees no case.
func (s *Server) loadStaff(ctx context.Context, v *usersView) error {
	if s.svc.Facilities == nil {
		return nil
	}
	facs, err := s.svc.Facilities.Facilities(ctx)
	if err != nil {
		return err
	}
	staff, err := s.svc.Facilities.Staff(ctx)
	if err != nil {
		return err
	}
	byID := map[int64]*facilities.Facility{}
	for _, f := range facs {
		byID[f.ID] = f
	}
	v.Facilities, v.Staff = facs, map[int64]*staffOf{}
	for _, u := range v.Users {
		if !custody.WorksInFacility(u.Role) {
			continue
		}
		st := &staffOf{Facilities: []*facilities.Facility{}}
		for _, fid := range staff[u.ID] {
			if f := byID[fid]; f != nil {
				st.Facilities = append(st.Facilities, f)
			}
		}
		v.Staff[u.ID] = st
	}
	return nil
}

// handleUserFacility assigns an account to a facility's staff, or takes
// it off, from the users page.
func (s *Server) handleUserFacility(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	users, err := s.auth.Users(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	uid, _ := strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
	fid, _ := strconv.ParseInt(r.PostFormValue("facility_id"), 10, 64)
	var user *auth.User
	for i := range users {
		if users[i].ID == uid {
			user = &users[i]
		}
	}
	switch {
	case user == nil:
		s.usersPage(w, r, http.StatusUnprocessableEntity, usersView{Error: s.translate(lang, "casework.staff.no_user")})
		return
	case !custody.WorksInFacility(user.Role):
		s.usersPage(w, r, http.StatusUnprocessableEntity, usersView{Error: s.translate(lang, "casework.staff.role_not_staff", user.Email)})
		return
	}
	if _, err := s.svc.Facilities.Facility(r.Context(), fid); err != nil {
		if errors.Is(err, errs.ErrNotFound) {
			s.usersPage(w, r, http.StatusUnprocessableEntity, usersView{Error: s.translate(lang, "casework.staff.no_facility")})
			return
		}
		s.serverError(w, r, err)
		return
	}
	if r.PostFormValue("action") == "unassign" {
		err = s.svc.Facilities.UnassignFacility(r.Context(), uid, fid)
	} else {
		err = s.svc.Facilities.AssignFacility(r.Context(), uid, fid)
	}
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/users#user-"+strconv.FormatInt(uid, 10), http.StatusSeeOther)
}

func (s *Server) handleUsersPage(w http.ResponseWriter, r *http.Request) {
	s.usersPage(w, r, http.StatusOK, usersView{})
}

// handleUserCreate makes an account with a generated password, shown once
// to the administrator to hand over.
func (s *Server) handleUserCreate(w http.ResponseWriter, r *http.Request) {
	typed := usersView{Email: r.PostFormValue("email"), Role: r.PostFormValue("role")}
	role, err := auth.ParseRole(typed.Role)
	if err != nil {
		typed.Error = s.translate(langOf(r), "users.bad_role")
		s.usersPage(w, r, http.StatusUnprocessableEntity, typed)
		return
	}
	password := auth.RandomToken(15)
	u, err := s.auth.CreateUser(r.Context(), r.PostFormValue("email"), role, password)
	switch {
	case errors.Is(err, store.ErrConflict):
		typed.Error = s.translate(langOf(r), "users.exists")
		s.usersPage(w, r, http.StatusConflict, typed)
		return
	case errs.IsValidation(err):
		typed.Error = s.problemText(langOf(r), err.Error())
		s.usersPage(w, r, http.StatusUnprocessableEntity, typed)
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
