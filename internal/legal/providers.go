package legal

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

// Provider is a pro bono legal service provider. Capacity is how many
// children it can take; Reserved how many places pending or accepted
// referrals hold; Open what is left.
type Provider struct {
	ID           int64     `json:"id"`
	Organisation string    `json:"organisation"`
	Attorneys    []string  `json:"attorneys"`
	Languages    []string  `json:"languages"`
	States       []string  `json:"states"`
	Counties     []string  `json:"counties"` // "TX: Harris"
	Specialties  []string  `json:"specialties"`
	Capacity     int       `json:"capacity"`
	Reserved     int       `json:"reserved"`
	Open         int       `json:"open"`
	CreatedAt    time.Time `json:"created_at"`
}

// ProviderInput is a new provider.
type ProviderInput struct {
	Organisation string   `json:"organisation"`
	Attorneys    []string `json:"attorneys"`
	Languages    []string `json:"languages"`
	States       []string `json:"states"`
	Counties     []string `json:"counties"`
	Specialties  []string `json:"specialties"`
	Capacity     int      `json:"capacity"`
}

// usStates are the USPS codes of the states, DC and the territories.
var usStates = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(`AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY
		NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP`) {
		m[c] = true
	}
	return m
}()

// MaxCapacity bounds a provider's stated capacity (a typing slip guard).
const MaxCapacity = 10000

func (in *ProviderInput) check() error {
	v := &errs.ValidationError{}
	in.Organisation = strings.TrimSpace(in.Organisation)
	if in.Organisation == "" {
		v.Add("organisation", "required")
	} else if len(in.Organisation) > 200 {
		// The name is unique: PostgreSQL refuses an index entry over
		// 2704 bytes (a 500), and no organisation's name is that long.
		v.Add("organisation", "at most 200 characters")
	}
	in.Attorneys, in.Languages, in.Counties = cleanList(in.Attorneys), cleanList(in.Languages), cleanList(in.Counties)
	in.States, in.Specialties = cleanList(in.States), cleanList(in.Specialties)
	for _, l := range [][]string{in.Attorneys, in.Languages, in.Counties} {
		for _, x := range l {
			if strings.Contains(x, ",") {
				v.Add("lists", "%q: one entry per item, without commas", x)
			}
		}
	}
	for i, st := range in.States {
		st = strings.ToUpper(st)
		in.States[i] = st
		if !usStates[st] {
			v.Add("states", "%q is not a two-letter US state code", st)
		}
	}
	for _, sp := range in.Specialties {
		if !slices.Contains(Reliefs, Relief(sp)) {
			v.Add("specialties", "%q is not one of asylum, sijs, t_visa, u_visa", sp)
		}
	}
	if in.Capacity < 1 || in.Capacity > MaxCapacity {
		v.Add("capacity", "a number of children from 1 to %d", MaxCapacity)
	}
	return v.Err()
}

// CreateProvider records a provider.
func (s *Service) CreateProvider(ctx context.Context, in ProviderInput) (*Provider, error) {
	if _, err := auth.Require(ctx, auth.PermLegalProvidersManage); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	var p *Provider
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		var id int64
		err := s.db.QueryRow(ctx, `INSERT INTO legal_providers (organisation, attorneys, languages, states, counties, specialties, capacity, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			in.Organisation, strings.Join(in.Attorneys, ","), strings.Join(in.Languages, ","), strings.Join(in.States, ","),
			strings.Join(in.Counties, ","), strings.Join(in.Specialties, ","), in.Capacity, store.FormatTime(s.now())).Scan(&id)
		if store.IsUniqueViolation(err) {
			return &errs.ValidationError{Problems: []errs.FieldError{{Field: "organisation", Problem: "a provider of that name exists"}}}
		}
		if err != nil {
			return err
		}
		if p, err = s.provider(ctx, id); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "legal.provider.create", ObjectType: "legal_provider", ObjectID: fmt.Sprint(id)})
	})
	if err != nil {
		return nil, fmt.Errorf("legal: create provider: %w", err)
	}
	return p, nil
}

// Providers lists every provider, by organisation.
func (s *Service) Providers(ctx context.Context) ([]*Provider, error) {
	if _, err := auth.Require(ctx, auth.PermLegalProvidersRead); err != nil {
		return nil, err
	}
	out, err := s.providers(ctx)
	if err != nil {
		return nil, fmt.Errorf("legal: providers: %w", err)
	}
	return out, nil
}

// Provider returns one provider.
func (s *Service) Provider(ctx context.Context, id int64) (*Provider, error) {
	if _, err := auth.Require(ctx, auth.PermLegalProvidersRead); err != nil {
		return nil, err
	}
	p, err := s.provider(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("legal: provider: %w", err)
	}
	return p, nil
}

// ProviderUser links a `legal` account, by email, to the provider it
// works for.
type ProviderUser struct {
	Email string `json:"email"`
}

// LinkUser makes a legal account one of a provider's staff (replacing any
// provider it worked for before): it then sees that provider's referrals
// and queue.
func (s *Service) LinkUser(ctx context.Context, providerID int64, in ProviderUser) (*Provider, error) {
	if _, err := auth.Require(ctx, auth.PermLegalProvidersManage); err != nil {
		return nil, err
	}
	var p *Provider
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if p, err = s.provider(ctx, providerID); err != nil {
			return err
		}
		u, err := auth.NewService(s.db).UserByEmail(ctx, in.Email)
		if errors.Is(err, auth.ErrUserNotFound) {
			return &errs.ValidationError{Problems: []errs.FieldError{{Field: "email", Problem: "no such account"}}}
		}
		if err != nil {
			return err
		}
		if u.Role != auth.RoleLegal {
			return &errs.ValidationError{Problems: []errs.FieldError{{Field: "email", Problem: fmt.Sprintf("the account's role is %s: only legal accounts work for a provider", u.Role)}}}
		}
		if _, err := s.db.Exec(ctx, `DELETE FROM legal_provider_users WHERE user_id = ?`, u.ID); err != nil {
			return err
		}
		if _, err := s.db.Exec(ctx, `INSERT INTO legal_provider_users (user_id, provider_id) VALUES (?, ?)`, u.ID, providerID); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "legal.provider.user", ObjectType: "legal_provider", ObjectID: fmt.Sprint(providerID), Detail: fmt.Sprintf("user %d", u.ID)})
	})
	if err != nil {
		return nil, fmt.Errorf("legal: link user to provider %d: %w", providerID, err)
	}
	return p, nil
}

// providerOf is the provider a legal account works for (0 when none).
func (s *Service) providerOf(ctx context.Context, userID int64) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `SELECT provider_id FROM legal_provider_users WHERE user_id = ?`, userID).Scan(&id)
	if store.IsNoRows(err) {
		return 0, nil
	}
	return id, err
}

const providerCols = `id, organisation, attorneys, languages, states, counties, specialties, capacity, reserved, created_at`

func scanProvider(sc interface{ Scan(...any) error }) (*Provider, error) {
	var p Provider
	var att, langs, states, counties, specs string
	var created store.Time
	if err := sc.Scan(&p.ID, &p.Organisation, &att, &langs, &states, &counties, &specs, &p.Capacity, &p.Reserved, &created); err != nil {
		return nil, err
	}
	p.Attorneys, p.Languages, p.States, p.Counties, p.Specialties = splitList(att), splitList(langs), splitList(states), splitList(counties), splitList(specs)
	p.Open, p.CreatedAt = p.Capacity-p.Reserved, created.Time
	return &p, nil
}

func (s *Service) provider(ctx context.Context, id int64) (*Provider, error) {
	p, err := scanProvider(s.db.QueryRow(ctx, `SELECT `+providerCols+` FROM legal_providers WHERE id = ?`, id))
	if store.IsNoRows(err) {
		return nil, errs.NotFound("provider", id)
	}
	return p, err
}

func (s *Service) providers(ctx context.Context) ([]*Provider, error) {
	rows, err := s.db.Query(ctx, `SELECT `+providerCols+` FROM legal_providers ORDER BY organisation, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Provider{}
	for rows.Next() {
		p, err := scanProvider(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
