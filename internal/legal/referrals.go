package legal

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

// Referral statuses.
const (
	ReferralPending  = "pending"
	ReferralAccepted = "accepted" // the provider represents the child
	ReferralDeclined = "declined" // the place is freed, the child back in the queue
)

// Referral is a child referred to a provider.
type Referral struct {
	ID            int64      `json:"id"`
	CaseID        int64      `json:"case_id"`
	ProviderID    int64      `json:"provider_id"`
	Organisation  string     `json:"organisation"`
	Status        string     `json:"status"`
	Reasons       []string   `json:"reasons"`
	ReferredBy    string     `json:"referred_by"`
	ReferredAt    time.Time  `json:"referred_at"`
	DecidedBy     string     `json:"decided_by"`
	DecidedAt     *time.Time `json:"decided_at"`
	DeclineReason string     `json:"decline_reason"`
}

// ReferralInput names the provider a child is referred to.
type ReferralInput struct {
	ProviderID int64 `json:"provider_id"`
}

// Refer refers a flagged child to a provider, reserving one of its places
// in the same transaction: a provider is never oversubscribed, whatever
// the number of referrals at the same moment. A child has at most one
// open (pending or accepted) referral.
func (s *Service) Refer(ctx context.Context, caseID int64, in ReferralInput) (*Referral, error) {
	if _, err := auth.Require(ctx, auth.PermLegalRefer); err != nil {
		return nil, err
	}
	if in.ProviderID <= 0 {
		return nil, &errs.ValidationError{Problems: []errs.FieldError{{Field: "provider_id", Problem: "required"}}}
	}
	var out *Referral
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.cases.InScope(ctx, caseID)
		if err != nil {
			return err
		}
		sc, err := s.loadScreening(ctx, caseID)
		if err != nil {
			return err
		}
		if len(sc.Flags) == 0 {
			return errs.Conflict("case %d has no relief flag: only a child whose screening raised one is referred for counsel", caseID)
		}
		p, err := s.provider(ctx, in.ProviderID)
		if err != nil {
			return &errs.ValidationError{Problems: []errs.FieldError{{Field: "provider_id", Problem: fmt.Sprintf("no provider %d", in.ProviderID)}}}
		}
		if open, err := s.openReferral(ctx, caseID); err != nil {
			return err
		} else if open != nil {
			return errs.Conflict("case %d already has a %s referral (%d) to %s", caseID, open.Status, open.ID, open.Organisation)
		}
		facts, err := s.childFacts(ctx, c, sc.Flags)
		if err != nil {
			return err
		}
		reasons := []string{}
		if m := Rank(facts, []*Provider{p}); len(m) == 1 {
			reasons = m[0].Reasons
		}
		if err := s.reserve(ctx, p); err != nil {
			return err
		}
		now := s.now()
		r := &Referral{CaseID: caseID, ProviderID: p.ID, Organisation: p.Organisation, Status: ReferralPending, Reasons: reasons,
			ReferredBy: actorName(ctx), ReferredAt: now}
		err = s.db.QueryRow(ctx, `INSERT INTO legal_referrals (case_id, provider_id, status, reasons, referred_by, referred_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			caseID, p.ID, r.Status, strings.Join(reasons, "; "), r.ReferredBy, store.FormatTime(now)).Scan(&r.ID)
		if store.IsUniqueViolation(err) {
			return errs.Conflict("case %d already has an open referral", caseID)
		}
		if err != nil {
			return err
		}
		if err := s.cases.AddEvent(ctx, caseID, custody.Event{Kind: "legal.referral", Reason: fmt.Sprintf("referred to %s for counsel (referral %d)", p.Organisation, r.ID)}); err != nil {
			return err
		}
		out = r
		return audit.Log(ctx, s.db, audit.Event{Action: "legal.referral.create", ObjectType: "case", ObjectID: fmt.Sprint(caseID), Detail: fmt.Sprintf("referral %d provider %d", r.ID, p.ID)})
	})
	if err != nil {
		return nil, fmt.Errorf("legal: refer case %d: %w", caseID, err)
	}
	return out, nil
}

// reserve takes one of the provider's places with a single guarded
// UPDATE: under concurrent referrals only as many succeed as there are
// places, on either engine (SQLite serialises writers; PostgreSQL
// re-checks the condition on the row it waited for).
func (s *Service) reserve(ctx context.Context, p *Provider) error {
	res, err := s.db.Exec(ctx, `UPDATE legal_providers SET reserved = reserved + 1 WHERE id = ? AND reserved < capacity`, p.ID)
	if err != nil {
		return fmt.Errorf("reserve: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("reserve: %w", err)
	}
	if n == 0 {
		return errs.Conflict("%s has no open place (%d taken of %d)", p.Organisation, p.Capacity, p.Capacity)
	}
	return nil
}

// DeclineInput is why a provider declines.
type DeclineInput struct {
	Reason string `json:"reason"`
}

// Accept records that the provider takes the child: the child has counsel
// and leaves the queue.
func (s *Service) Accept(ctx context.Context, referralID int64) (*Referral, error) {
	return s.decide(ctx, referralID, ReferralAccepted, "")
}

// Decline records that the provider does not take the child: the place is
// freed and the child is back in the queue.
func (s *Service) Decline(ctx context.Context, referralID int64, in DeclineInput) (*Referral, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" {
		return nil, &errs.ValidationError{Problems: []errs.FieldError{{Field: "reason", Problem: "say why, for the next referral"}}}
	}
	if len(in.Reason) > maxNoteChars {
		return nil, &errs.ValidationError{Problems: []errs.FieldError{{Field: "reason", Problem: fmt.Sprintf("at most %d characters", maxNoteChars)}}}
	}
	return s.decide(ctx, referralID, ReferralDeclined, in.Reason)
}

func (s *Service) decide(ctx context.Context, referralID int64, status, reason string) (*Referral, error) {
	p, err := auth.Require(ctx, auth.PermLegalRespond)
	if err != nil {
		return nil, err
	}
	var r *Referral
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if r, err = s.referral(ctx, referralID); err != nil {
			return err
		}
		if p.Role == auth.RoleLegal {
			own, err := s.providerOf(ctx, p.UserID)
			if err != nil {
				return err
			}
			if own != r.ProviderID {
				return errs.NotFound("referral", referralID) // another organisation's
			}
		}
		if r.Status != ReferralPending {
			return errs.Conflict("referral %d is %s, not awaiting an answer", referralID, r.Status)
		}
		now := s.now()
		if _, err := s.db.Exec(ctx, `UPDATE legal_referrals SET status = ?, decided_by = ?, decided_at = ?, decline_reason = ? WHERE id = ?`,
			status, actorName(ctx), store.FormatTime(now), reason, referralID); err != nil {
			return err
		}
		if status == ReferralDeclined {
			if _, err := s.db.Exec(ctx, `UPDATE legal_providers SET reserved = reserved - 1 WHERE id = ? AND reserved > 0`, r.ProviderID); err != nil {
				return err
			}
		} else if _, err := s.db.Exec(ctx, `UPDATE legal_screenings SET counsel_at = ? WHERE case_id = ?`, store.FormatTime(now), r.CaseID); err != nil {
			return err // the chart's "represented since"
		}
		r.Status, r.DecidedBy, r.DecidedAt, r.DeclineReason = status, actorName(ctx), &now, reason
		if err := s.cases.AddEvent(ctx, r.CaseID, custody.Event{Kind: "legal.referral", Reason: fmt.Sprintf("%s %s the referral %d", r.Organisation, status, r.ID)}); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "legal.referral." + status, ObjectType: "case", ObjectID: fmt.Sprint(r.CaseID), Detail: fmt.Sprintf("referral %d", r.ID)})
	})
	if err != nil {
		return nil, fmt.Errorf("legal: %s referral %d: %w", strings.TrimSuffix(status, "d"), referralID, err)
	}
	return r, nil
}

const referralCols = `r.id, r.case_id, r.provider_id, p.organisation, r.status, r.reasons, r.referred_by, r.referred_at, r.decided_by, r.decided_at, r.decline_reason`

func scanReferral(sc interface{ Scan(...any) error }) (*Referral, error) {
	var r Referral
	var reasons string
	var at, dec store.Time
	if err := sc.Scan(&r.ID, &r.CaseID, &r.ProviderID, &r.Organisation, &r.Status, &reasons, &r.ReferredBy, &at, &r.DecidedBy, &dec, &r.DeclineReason); err != nil {
		return nil, err
	}
	r.Reasons = []string{}
	for _, x := range strings.Split(reasons, "; ") {
		if x != "" {
			r.Reasons = append(r.Reasons, x)
		}
	}
	r.ReferredAt, r.DecidedAt = at.Time, timePtr(dec)
	return &r, nil
}

func (s *Service) referral(ctx context.Context, id int64) (*Referral, error) {
	r, err := scanReferral(s.db.QueryRow(ctx, `SELECT `+referralCols+` FROM legal_referrals r JOIN legal_providers p ON p.id = r.provider_id WHERE r.id = ?`, id))
	if store.IsNoRows(err) {
		return nil, errs.NotFound("referral", id)
	}
	return r, err
}

// openReferral is the case's pending or accepted referral, nil when none.
func (s *Service) openReferral(ctx context.Context, caseID int64) (*Referral, error) {
	r, err := scanReferral(s.db.QueryRow(ctx, `SELECT `+referralCols+` FROM legal_referrals r JOIN legal_providers p ON p.id = r.provider_id
		WHERE r.case_id = ? AND r.status IN ('pending', 'accepted')`, caseID))
	if store.IsNoRows(err) {
		return nil, nil
	}
	return r, err
}

// CaseReferrals lists a case's referrals, newest first.
func (s *Service) CaseReferrals(ctx context.Context, caseID int64) ([]*Referral, error) {
	if _, err := auth.Require(ctx, auth.PermCaseRead); err != nil {
		return nil, err
	}
	if _, err := s.cases.InScope(ctx, caseID); err != nil {
		return nil, fmt.Errorf("legal: referrals of case %d: %w", caseID, err)
	}
	rows, err := s.db.Query(ctx, `SELECT `+referralCols+` FROM legal_referrals r JOIN legal_providers p ON p.id = r.provider_id WHERE r.case_id = ? ORDER BY r.id DESC`, caseID)
	if err != nil {
		return nil, fmt.Errorf("legal: referrals of case %d: %w", caseID, err)
	}
	defer rows.Close()
	out := []*Referral{}
	for rows.Next() {
		r, err := scanReferral(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Matches ranks the providers with open places for a flagged child, with
// the reasons for each rank (rank.go).
func (s *Service) Matches(ctx context.Context, caseID int64) ([]Match, error) {
	if _, err := auth.Require(ctx, auth.PermLegalRefer); err != nil {
		return nil, err
	}
	var out []Match
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.cases.InScope(ctx, caseID)
		if err != nil {
			return err
		}
		sc, err := s.loadScreening(ctx, caseID)
		if err != nil {
			return err
		}
		if len(sc.Flags) == 0 {
			return errs.Conflict("case %d has no relief flag to match counsel for", caseID)
		}
		facts, err := s.childFacts(ctx, c, sc.Flags)
		if err != nil {
			return err
		}
		ps, err := s.providers(ctx)
		if err != nil {
			return err
		}
		out = Rank(facts, ps)
		return audit.Log(ctx, s.db, audit.Event{Action: "legal.match", ObjectType: "case", ObjectID: fmt.Sprint(caseID), Detail: fmt.Sprintf("%d providers", len(out))})
	})
	if err != nil {
		return nil, fmt.Errorf("legal: match case %d: %w", caseID, err)
	}
	return out, nil
}

// childFacts is what matching knows of a child: its flags, languages, and
// the sponsor's state, else the shelter's.
func (s *Service) childFacts(ctx context.Context, c *custody.Case, flags []Flag) (ChildFacts, error) {
	f := ChildFacts{Languages: c.Languages}
	for _, fl := range flags {
		f.Reliefs = append(f.Reliefs, fl.Relief)
	}
	st, err := s.release.SponsorState(ctx, c.ID)
	if err != nil {
		return f, err
	}
	if st != "" {
		f.State, f.StateOf = st, "sponsor"
		return f, nil
	}
	if c.FacilityID != nil {
		fac, err := s.cases.Facilities().Facility(ctx, *c.FacilityID)
		if err != nil {
			return f, err
		}
		if fac.USState != "" {
			f.State, f.StateOf = fac.USState, "shelter"
		}
	}
	return f, nil
}
