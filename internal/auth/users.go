package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/store"
)

// ErrUserNotFound is returned for an unknown account.
var ErrUserNotFound = fmt.Errorf("auth: user %w", store.ErrNotFound)

// ErrUserExists is returned when the email is taken.
var ErrUserExists = fmt.Errorf("auth: user already exists: %w", store.ErrConflict)

// User is an account.
type User struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Role      Role      `json:"role"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
}

// Service manages accounts, sessions and tokens.
type Service struct {
	db *store.DB
}

// NewService returns a Service on db.
func NewService(db *store.DB) *Service { return &Service{db: db} }

// NormalizeEmail lower-cases and checks an address.
func NormalizeEmail(email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if len(email) > 254 { // RFC 5321's bound; the column is unique, and PostgreSQL refuses an index entry over 2704 bytes
		return "", invalid("an email address is at most 254 characters")
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email {
		return "", invalid("%q is not a valid email address", email)
	}
	return email, nil
}

// CreateUser adds an account with the given password.
func (s *Service) CreateUser(ctx context.Context, email string, role Role, password string) (User, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return User{}, err
	}
	if _, err := ParseRole(string(role)); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return User{}, err
	}
	now := time.Now().UTC()
	u := User{Email: email, Role: role, CreatedAt: now}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		err := s.db.QueryRow(ctx, `INSERT INTO users (email, role, password_hash, disabled, created_at, updated_at)
			VALUES (?, ?, ?, 0, ?, ?) RETURNING id`, email, string(role), hash, store.FormatTime(now), store.FormatTime(now)).Scan(&u.ID)
		if store.IsUniqueViolation(err) {
			return ErrUserExists
		}
		if err != nil {
			return fmt.Errorf("auth: create user: %w", err)
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "user.create", ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10), Detail: "role=" + string(role)})
	})
	return u, err
}

// SetPassword replaces an account's password and ends its sessions.
func (s *Service) SetPassword(ctx context.Context, email, password string) error {
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		u, err := s.UserByEmail(ctx, email)
		if err != nil {
			return err
		}
		if _, err := s.db.Exec(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, store.FormatTime(time.Now()), u.ID); err != nil {
			return fmt.Errorf("auth: set password: %w", err)
		}
		if _, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
			return fmt.Errorf("auth: set password: end sessions: %w", err)
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "user.password", ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10)})
	})
}

// SetDisabled disables (or re-enables) an account. Disabling ends its
// sessions and revokes its API tokens for good: re-enabling an account
// does not bring back tokens that may have leaked with the reason it was
// disabled; its owner asks for new ones.
func (s *Service) SetDisabled(ctx context.Context, email string, disabled bool) error {
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		u, err := s.UserByEmail(ctx, email)
		if err != nil {
			return err
		}
		now := store.FormatTime(time.Now())
		if _, err := s.db.Exec(ctx, `UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?`, boolInt(disabled), now, u.ID); err != nil {
			return fmt.Errorf("auth: disable user: %w", err)
		}
		ev := audit.Event{Action: "user.enable", ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10)}
		if disabled {
			ev.Action = "user.disable"
			if _, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
				return fmt.Errorf("auth: disable user: end sessions: %w", err)
			}
			res, err := s.db.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, now, u.ID)
			if err != nil {
				return fmt.Errorf("auth: disable user: revoke tokens: %w", err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("auth: disable user: revoke tokens: %w", err)
			}
			ev.Detail = "revoked " + strconv.FormatInt(n, 10) + " API tokens"
		}
		return audit.Log(ctx, s.db, ev)
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

const userColumns = `id, email, role, disabled, created_at`

func scanUser(sc interface{ Scan(...any) error }) (User, error) {
	var u User
	var role string
	var disabled int
	var created store.Time
	if err := sc.Scan(&u.ID, &u.Email, &role, &disabled, &created); err != nil {
		return User{}, err
	}
	u.Role, u.Disabled, u.CreatedAt = Role(role), disabled != 0, created.Time
	return u, nil
}

// UserByEmail finds an account.
func (s *Service) UserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, strings.ToLower(strings.TrimSpace(email))))
	if store.IsNoRows(err) {
		return User{}, ErrUserNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("auth: find user: %w", err)
	}
	return u, nil
}

// Users lists every account by email.
func (s *Service) Users(ctx context.Context) ([]User, error) {
	rows, err := s.db.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("auth: list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("auth: list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ErrBadCredentials is the one answer to every failed sign-in, so that it
// does not tell which accounts exist.
var ErrBadCredentials = errors.New("auth: wrong email or password")

// Authenticate checks an email and password. Failures are audited here.
func (s *Service) Authenticate(ctx context.Context, email, password string) (User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	var hash string
	var u User
	row := s.db.QueryRow(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE email = ?`, email)
	var role string
	var disabled int
	var created store.Time
	err := row.Scan(&u.ID, &u.Email, &role, &disabled, &created, &hash)
	ok := false
	switch {
	case store.IsNoRows(err):
		// Spend the same time as a real check so timing does not reveal
		// which addresses have accounts.
		_, _ = CheckPassword(dummyHash, password)
	case err != nil:
		return User{}, fmt.Errorf("auth: authenticate: %w", err)
	default:
		u.Role, u.Disabled, u.CreatedAt = Role(role), disabled != 0, created.Time
		match, err := CheckPassword(hash, password)
		if err != nil {
			return User{}, err
		}
		ok = match && !u.Disabled
	}
	if !ok {
		reason := "wrong email or password"
		if u.Disabled {
			reason = "account disabled"
		}
		if err := audit.Log(ctx, s.db, audit.Event{Action: "login.failed", ObjectType: "user", ObjectID: idString(u.ID), Detail: reason,
			Actor: &audit.Actor{Email: email, Role: string(u.Role)}}); err != nil {
			return User{}, err
		}
		return User{}, ErrBadCredentials
	}
	return u, nil
}

func idString(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

var dummyHash = func() string {
	h, _ := HashPassword("not-a-real-password-just-timing")
	return h
}()

// hashToken is how session and API tokens are kept: a copy of the database
// must not let anyone sign in.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ChangeOwnPassword replaces the password of the account acting in ctx
// after checking its current one. Other sessions of the account end; the
// caller starts a fresh one.
func (s *Service) ChangeOwnPassword(ctx context.Context, current, next string) error {
	p, ok := FromContext(ctx)
	if !ok {
		return errors.New("auth: change password: nobody is signed in")
	}
	var hash string
	if err := s.db.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`, p.UserID).Scan(&hash); err != nil {
		return fmt.Errorf("auth: change password: %w", err)
	}
	match, err := CheckPassword(hash, current)
	if err != nil {
		return err
	}
	if !match {
		return ErrBadCredentials
	}
	return s.SetPassword(ctx, p.Email, next)
}
