package legal

import (
	"context"
	"fmt"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
)

// Stats are the legal aggregates anyone may see, small counts suppressed
// as custody's public counts are ("<10").
type Stats struct {
	Flagged       custody.Cell   `json:"flagged"`         // screenings that raised a relief flag
	Unrepresented custody.Cell   `json:"unrepresented"`   // flagged, without an accepted referral
	Represented   custody.Cell   `json:"represented"`     // with an accepted referral
	ContactLost   custody.Cell   `json:"contact_lost"`    // released children whose contact is lost
	ByRelief      []custody.Cell `json:"flags_by_relief"` // flags raised, per relief
	// Reintegrations counts the hand-offs of repatriated children, in all
	// and per kind of receiving agency (so that a return is counted like a
	// follow-up, never the silent end of a file).
	Reintegrations  custody.Cell   `json:"reintegrations"`
	ByReceivingKind []custody.Cell `json:"reintegrations_by_agency_kind"`
}

// PublicStats reads the aggregates. No child's record is read: not audited.
func (s *Service) PublicStats(ctx context.Context, _ struct{}) (*Stats, error) {
	if _, err := auth.Require(ctx, auth.PermCaseStats); err != nil {
		return nil, err
	}
	var flagged, unrep, rep, lost int
	err := s.db.QueryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM legal_screenings WHERE flagged = 1),
		(SELECT COUNT(*) FROM legal_screenings s WHERE s.flagged = 1
			AND NOT EXISTS (SELECT 1 FROM legal_referrals r WHERE r.case_id = s.case_id AND r.status = 'accepted')),
		(SELECT COUNT(*) FROM legal_referrals WHERE status = 'accepted'),
		(SELECT COUNT(*) FROM legal_contacts WHERE lost_at IS NOT NULL)`).Scan(&flagged, &unrep, &rep, &lost)
	if err != nil {
		return nil, fmt.Errorf("legal: stats: %w", err)
	}
	keys := make([]string, len(Reliefs))
	counts := make([]int, len(Reliefs))
	for i, r := range Reliefs {
		keys[i] = string(r)
		// The flags column is the JSON list the rules wrote: each relief
		// appears in it as "relief":"<name>".
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM legal_screenings WHERE flagged = 1 AND flags LIKE ?`,
			`%"relief":"`+string(r)+`"%`).Scan(&counts[i]); err != nil {
			return nil, fmt.Errorf("legal: stats: %w", err)
		}
	}
	kinds := make([]int, len(AgencyKinds))
	total := 0
	for i, k := range AgencyKinds {
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM legal_reintegrations WHERE agency_kind = ?`, k).Scan(&kinds[i]); err != nil {
			return nil, fmt.Errorf("legal: stats: %w", err)
		}
		total += kinds[i]
	}
	return &Stats{Flagged: custody.SuppressOne(flagged), Unrepresented: custody.SuppressOne(unrep), Represented: custody.SuppressOne(rep),
		ContactLost: custody.SuppressOne(lost), ByRelief: custody.Suppress(keys, counts),
		Reintegrations: custody.SuppressOne(total), ByReceivingKind: custody.Suppress(AgencyKinds, kinds)}, nil
}
