package auth

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/store"
)

// SessionLifetime is how long a browser session lasts: one working shift.
const SessionLifetime = 12 * time.Hour

// Session is a signed-in browser.
type Session struct {
	Principal Principal
	CSRFToken string
	ExpiresAt time.Time
}

// CreateSession starts a session for u and returns the cookie token. The
// login is audited in the same transaction.
func (s *Service) CreateSession(ctx context.Context, u User) (token string, sess Session, err error) {
	token = RandomToken(32)
	now := time.Now().UTC()
	sess = Session{
		Principal: Principal{UserID: u.ID, Email: u.Email, Role: u.Role},
		CSRFToken: RandomToken(32),
		ExpiresAt: now.Add(SessionLifetime),
	}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.db.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			hashToken(token), u.ID, sess.CSRFToken, store.FormatTime(now), store.FormatTime(sess.ExpiresAt)); err != nil {
			return fmt.Errorf("auth: create session: %w", err)
		}
		// Sweep expired sessions now and then, here where we write anyway.
		if _, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE expires_at < ?`, store.FormatTime(now)); err != nil {
			return fmt.Errorf("auth: sweep sessions: %w", err)
		}
		ctx = NewContext(ctx, sess.Principal)
		return audit.Log(ctx, s.db, audit.Event{Action: "login", ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10)})
	})
	return token, sess, err
}

// SessionByToken finds a live session of an enabled account.
func (s *Service) SessionByToken(ctx context.Context, token string) (Session, error) {
	var sess Session
	var role string
	var expires store.Time
	err := s.db.QueryRow(ctx, `SELECT u.id, u.email, u.role, s.csrf_token, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = ? AND u.disabled = 0 AND s.expires_at > ?`,
		hashToken(token), store.FormatTime(time.Now())).Scan(&sess.Principal.UserID, &sess.Principal.Email, &role, &sess.CSRFToken, &expires)
	if store.IsNoRows(err) {
		return Session{}, fmt.Errorf("auth: session %w", store.ErrNotFound)
	}
	if err != nil {
		return Session{}, fmt.Errorf("auth: find session: %w", err)
	}
	sess.Principal.Role, sess.ExpiresAt = Role(role), expires.Time
	return sess, nil
}

// EndSession signs a browser out (ctx must act as the session's owner).
func (s *Service) EndSession(ctx context.Context, token string) error {
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashToken(token)); err != nil {
			return fmt.Errorf("auth: end session: %w", err)
		}
		p, _ := FromContext(ctx)
		return audit.Log(ctx, s.db, audit.Event{Action: "logout", ObjectType: "user", ObjectID: idString(p.UserID)})
	})
}

// APITokenPrefix starts every API token, so that leaked tokens are easy
// to recognise in logs and secret scanners.
const APITokenPrefix = "amp_"

// CreateAPIToken issues a token for the account; only its hash is stored.
func (s *Service) CreateAPIToken(ctx context.Context, email, name string) (string, error) {
	token := APITokenPrefix + RandomToken(32)
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		u, err := s.UserByEmail(ctx, email)
		if err != nil {
			return err
		}
		if u.Disabled {
			return fmt.Errorf("auth: %s is disabled", u.Email)
		}
		var id int64
		if err := s.db.QueryRow(ctx, `INSERT INTO api_tokens (user_id, token_hash, name, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			u.ID, hashToken(token), name, store.FormatTime(time.Now())).Scan(&id); err != nil {
			return fmt.Errorf("auth: create token: %w", err)
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "token.create", ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10), Detail: "token " + strconv.FormatInt(id, 10)})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// PrincipalByAPIToken finds the enabled owner of a live token.
func (s *Service) PrincipalByAPIToken(ctx context.Context, token string) (Principal, error) {
	var p Principal
	var role string
	err := s.db.QueryRow(ctx, `SELECT u.id, u.email, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0`, hashToken(token)).Scan(&p.UserID, &p.Email, &role)
	if store.IsNoRows(err) {
		return Principal{}, fmt.Errorf("auth: token %w", store.ErrNotFound)
	}
	if err != nil {
		return Principal{}, fmt.Errorf("auth: find token: %w", err)
	}
	p.Role = Role(role)
	return p, nil
}
