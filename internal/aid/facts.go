package aid

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

// Fact is a fact on record that rules read with fact("key"): an
// institution operating (an anti-impunity commission), a certification
// made by a named official, an independent assessment's finding. It holds
// from ValidFrom up to (not including) ValidTo, and always names its source.
type Fact struct {
	ID          int64  `json:"id"`
	Country     string `json:"country"`
	Key         string `json:"key"`
	Holds       bool   `json:"holds"`
	ValidFrom   string `json:"valid_from"`
	ValidTo     string `json:"valid_to"`
	Citation    string `json:"citation"`
	CitationURL string `json:"citation_url"`
}

// maxFactKey bounds a fact's key (cicig_operating, certified_7045_a3_a).
const maxFactKey = 100

func checkFact(f *Fact) error {
	v := &errs.ValidationError{}
	f.Country = strings.ToUpper(strings.TrimSpace(f.Country))
	if len(f.Country) != 3 {
		v.Add("country", "must be an ISO 3166 alpha-3 code")
	}
	if f.Key == "" || strings.Trim(f.Key, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
		v.Add("key", "must be lower-case letters, digits and _")
	} else if len(f.Key) > maxFactKey {
		// (country, key) is indexed: PostgreSQL refuses an index entry
		// over 2704 bytes (a 500).
		v.Add("key", "at most %d characters", maxFactKey)
	}
	if _, err := time.Parse(time.DateOnly, f.ValidFrom); err != nil {
		v.Add("valid_from", "must be a date YYYY-MM-DD")
	}
	if f.ValidTo != "" {
		if _, err := time.Parse(time.DateOnly, f.ValidTo); err != nil || f.ValidTo <= f.ValidFrom {
			v.Add("valid_to", "must be empty or a date YYYY-MM-DD after valid_from")
		}
	}
	if strings.TrimSpace(f.Citation) == "" {
		v.Add("citation", "is required: where the fact is on the public record")
	}
	return v.Err()
}

// RecordFact puts a fact on record.
func (s *Service) RecordFact(ctx context.Context, f Fact) (*Fact, error) {
	who, err := auth.Require(ctx, auth.PermAidManage)
	if err != nil {
		return nil, err
	}
	if err := checkFact(&f); err != nil {
		return nil, err
	}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.db.QueryRow(ctx, `INSERT INTO aid_facts (country, fkey, holds, valid_from, valid_to, citation, citation_url, recorded_by, recorded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, f.Country, f.Key, boolInt(f.Holds), f.ValidFrom, f.ValidTo, f.Citation, f.CitationURL,
			who.Email, store.FormatTime(s.now())).Scan(&f.ID); err != nil {
			return fmt.Errorf("aid: record fact: %w", err)
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "aid.fact.record", ObjectType: "aid_fact", ObjectID: fmt.Sprint(f.ID),
			Detail: fmt.Sprintf("%s %s holds=%v from %s to %s", f.Country, f.Key, f.Holds, f.ValidFrom, f.ValidTo)})
	})
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// ListFacts returns the facts on record for a country ("" for all). Public.
func (s *Service) ListFacts(ctx context.Context, country string) ([]Fact, error) {
	q := `SELECT id, country, fkey, holds, valid_from, valid_to, citation, citation_url FROM aid_facts`
	var args []any
	if country != "" {
		q += ` WHERE country = ?`
		args = append(args, strings.ToUpper(country))
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY country, fkey, valid_from, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("aid: facts: %w", err)
	}
	defer rows.Close()
	out := []Fact{}
	for rows.Next() {
		var f Fact
		var h int
		if err := rows.Scan(&f.ID, &f.Country, &f.Key, &h, &f.ValidFrom, &f.ValidTo, &f.Citation, &f.CitationURL); err != nil {
			return nil, fmt.Errorf("aid: facts: %w", err)
		}
		f.Holds = h != 0
		out = append(out, f)
	}
	return out, rows.Err()
}
