package release

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/internal/conv"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

// Sponsor is an adult proposed to receive a child.
type Sponsor struct {
	ID             int64             `json:"id"`
	CaseID         int64             `json:"case_id"`
	GivenNames     string            `json:"given_names"`
	Surnames       string            `json:"surnames"`
	BirthDate      *string           `json:"birth_date"`
	IDDocument     string            `json:"id_document"`
	Phone          string            `json:"phone"`
	Address        string            `json:"address"`
	City           string            `json:"city"`
	USState        string            `json:"us_state"`
	Relationship   Relationship      `json:"relationship"`
	Category       Category          `json:"category"`
	SponsorRisk    bool              `json:"sponsor_risk"`
	ConcernFlagged bool              `json:"concern_flagged"`
	Household      []HouseholdMember `json:"household"`
	CreatedBy      string            `json:"created_by"`
	CreatedAt      time.Time         `json:"created_at"`
}

// HouseholdMember is someone living with the sponsor.
type HouseholdMember struct {
	Name         string  `json:"name"`
	Relationship string  `json:"relationship"`
	BirthDate    *string `json:"birth_date"`
}

// maxSponsorText bounds each of a sponsor's text fields.
const maxSponsorText = 500

// AddSponsor records a sponsor for a case. The category is derived from
// the relationship, never entered.
func (s *Service) AddSponsor(ctx context.Context, sp Sponsor) (*Sponsor, error) {
	if _, err := auth.Require(ctx, auth.PermSponsorManage); err != nil {
		return nil, err
	}
	v := &errs.ValidationError{}
	sp.GivenNames, sp.Surnames = strings.TrimSpace(sp.GivenNames), strings.TrimSpace(sp.Surnames)
	if sp.GivenNames == "" && sp.Surnames == "" {
		v.Add("given_names", "a sponsor needs a name")
	}
	cat, err := CategoryOf(sp.Relationship)
	if sp.Relationship == "" {
		v.Add("relationship", "choose the sponsor's relationship to the child")
	} else if err != nil {
		v.Add("relationship", "must be one of the known relationships")
	} else if cat == Category4 {
		v.Add("relationship", "category 4 means no sponsor is identified: there is no sponsor to record")
	}
	sp.Category = cat
	if sp.BirthDate != nil && *sp.BirthDate != "" {
		if _, err := time.Parse(time.DateOnly, *sp.BirthDate); err != nil {
			v.Add("birth_date", "must be YYYY-MM-DD")
		}
	} else {
		sp.BirthDate = nil
	}
	sp.USState = strings.ToUpper(strings.TrimSpace(sp.USState))
	// The address and names are indexed for matching (address_key,
	// person_key): PostgreSQL refuses an index entry over 2704 bytes (a 500).
	for _, f := range []struct{ name, text string }{{"given_names", sp.GivenNames}, {"surnames", sp.Surnames},
		{"id_document", sp.IDDocument}, {"phone", sp.Phone}, {"address", sp.Address}, {"city", sp.City}} {
		if len(f.text) > maxSponsorText {
			v.Add(f.name, "longer than %d characters", maxSponsorText)
		}
	}
	for i, h := range sp.Household {
		if strings.TrimSpace(h.Name) == "" {
			v.Add("household", "member %d has no name", i+1)
		}
	}
	if len(v.Problems) > 0 {
		return nil, v
	}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.cases.InScope(ctx, sp.CaseID)
		if err != nil {
			return err
		}
		if c.State.Terminal() {
			return &errs.ConflictError{Msg: fmt.Sprintf("the case is %s", c.State)}
		}
		now := s.now()
		sp.CreatedBy, sp.CreatedAt = audit.ActorFrom(ctx).Email, now
		var birth any
		if sp.BirthDate != nil {
			birth = *sp.BirthDate
		}
		err = s.db.QueryRow(ctx, `INSERT INTO sponsors (case_id, given_names, surnames, birth_date, id_document, phone, address, city, us_state,
			relationship, category, sponsor_risk, concern_flagged, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			sp.CaseID, sp.GivenNames, sp.Surnames, birth, sp.IDDocument, sp.Phone, sp.Address, sp.City, sp.USState,
			string(sp.Relationship), string(sp.Category), conv.B2I(sp.SponsorRisk), conv.B2I(sp.ConcernFlagged), sp.CreatedBy, store.FormatTime(now)).Scan(&sp.ID)
		if err != nil {
			return fmt.Errorf("release: add sponsor: %w", err)
		}
		if err := s.writeKeys(ctx, &sp); err != nil {
			return fmt.Errorf("release: add sponsor: %w", err)
		}
		for _, h := range sp.Household {
			var hb any
			if h.BirthDate != nil && *h.BirthDate != "" {
				hb = *h.BirthDate
			}
			if _, err := s.db.Exec(ctx, `INSERT INTO sponsor_household (sponsor_id, name, relationship, birth_date) VALUES (?, ?, ?, ?)`,
				sp.ID, strings.TrimSpace(h.Name), h.Relationship, hb); err != nil {
				return fmt.Errorf("release: add sponsor household: %w", err)
			}
		}
		if err := s.cases.AddEvent(ctx, sp.CaseID, custody.Event{Kind: "sponsor", Reason: fmt.Sprintf("sponsor %d proposed (%s, category %s)", sp.ID, sp.Relationship, sp.Category)}); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "sponsor.create", ObjectType: "case", ObjectID: fmt.Sprint(sp.CaseID), Detail: fmt.Sprintf("sponsor %d category %s", sp.ID, sp.Category)})
	})
	if err != nil {
		return nil, err
	}
	return &sp, nil
}

const sponsorCols = `id, case_id, given_names, surnames, birth_date, id_document, phone, address, city, us_state, relationship, category,
	sponsor_risk, concern_flagged, created_by, created_at`

func scanSponsor(sc interface{ Scan(...any) error }) (*Sponsor, error) {
	var sp Sponsor
	var birth sql.NullString
	var risk, concern int
	var created store.Time
	if err := sc.Scan(&sp.ID, &sp.CaseID, &sp.GivenNames, &sp.Surnames, &birth, &sp.IDDocument, &sp.Phone, &sp.Address, &sp.City, &sp.USState,
		&sp.Relationship, &sp.Category, &risk, &concern, &sp.CreatedBy, &created); err != nil {
		return nil, err
	}
	sp.BirthDate, sp.SponsorRisk, sp.ConcernFlagged, sp.CreatedAt = conv.PtrString(birth), risk != 0, concern != 0, created.Time
	return &sp, nil
}

func (s *Service) sponsorsOf(ctx context.Context, caseID int64) ([]*Sponsor, error) {
	rows, err := s.db.Query(ctx, `SELECT `+sponsorCols+` FROM sponsors WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("release: sponsors: %w", err)
	}
	out := []*Sponsor{}
	for rows.Next() {
		sp, err := scanSponsor(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("release: sponsors: %w", err)
		}
		out = append(out, sp)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("release: sponsors: %w", err)
	}
	for _, sp := range out {
		if sp.Household, err = s.household(ctx, sp.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Service) household(ctx context.Context, sponsorID int64) ([]HouseholdMember, error) {
	rows, err := s.db.Query(ctx, `SELECT name, relationship, birth_date FROM sponsor_household WHERE sponsor_id = ? ORDER BY id`, sponsorID)
	if err != nil {
		return nil, fmt.Errorf("release: household: %w", err)
	}
	defer rows.Close()
	out := []HouseholdMember{}
	for rows.Next() {
		var h HouseholdMember
		var b sql.NullString
		if err := rows.Scan(&h.Name, &h.Relationship, &b); err != nil {
			return nil, fmt.Errorf("release: household: %w", err)
		}
		h.BirthDate = conv.PtrString(b)
		out = append(out, h)
	}
	return out, rows.Err()
}

// sponsorInScope loads a sponsor whose child the principal may see.
func (s *Service) sponsorInScope(ctx context.Context, id int64) (*Sponsor, *custody.Case, error) {
	sp, err := scanSponsor(s.db.QueryRow(ctx, `SELECT `+sponsorCols+` FROM sponsors WHERE id = ?`, id))
	if store.IsNoRows(err) {
		return nil, nil, fmt.Errorf("release: sponsor %d: %w", id, errs.ErrNotFound)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("release: sponsor %d: %w", id, err)
	}
	c, err := s.cases.InScope(ctx, sp.CaseID)
	if err != nil {
		return nil, nil, fmt.Errorf("release: sponsor %d: %w", id, errs.ErrNotFound)
	}
	if sp.Household, err = s.household(ctx, id); err != nil {
		return nil, nil, err
	}
	return sp, c, nil
}

// Checklist is the vetting state of one sponsor.
type Checklist struct {
	Sponsor  *Sponsor       `json:"sponsor"`
	Facts    VettingFacts   `json:"facts"`
	Required []Requirement  `json:"required"`
	Results  map[Step]Check `json:"results"`
	Missing  []Step         `json:"missing"`
}

// Check is the latest recorded result of a step.
type Check struct {
	Result     string    `json:"result"`
	Notes      string    `json:"notes"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

// FactsFor gathers what the vetting rules depend on.
func FactsFor(sp *Sponsor, c *custody.Case, now time.Time) VettingFacts {
	return VettingFacts{
		Category: sp.Category, ChildAge: c.Age(now), ConcernFlagged: sp.ConcernFlagged,
		TraffickingVictim: c.TraffickingVictim, DisabilitySpecialNeeds: c.DisabilitySpecialNeeds,
		AbusedSponsorMayNotProtect: c.AbuseSponsorMayNotProtect, SponsorRisk: sp.SponsorRisk,
	}
}

// SponsorChecklist reads a sponsor's vetting checklist (an audited read of
// the child's case).
func (s *Service) SponsorChecklist(ctx context.Context, sponsorID int64) (*Checklist, error) {
	if _, err := auth.Require(ctx, auth.PermSponsorManage); err != nil {
		return nil, err
	}
	var out *Checklist
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		out, err = s.checklist(ctx, sponsorID)
		if err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "sponsor.read", ObjectType: "case", ObjectID: fmt.Sprint(out.Sponsor.CaseID), Detail: fmt.Sprintf("sponsor %d", sponsorID)})
	})
	return out, err
}

func (s *Service) checklist(ctx context.Context, sponsorID int64) (*Checklist, error) {
	sp, c, err := s.sponsorInScope(ctx, sponsorID)
	if err != nil {
		return nil, err
	}
	cl := &Checklist{Sponsor: sp, Facts: FactsFor(sp, c, s.now()), Results: map[Step]Check{}}
	cl.Required = RequiredSteps(cl.Facts)
	rows, err := s.db.Query(ctx, `SELECT step, result, notes, recorded_by, recorded_at FROM vetting_checks WHERE sponsor_id = ? ORDER BY id`, sponsorID)
	if err != nil {
		return nil, fmt.Errorf("release: vetting: %w", err)
	}
	defer rows.Close()
	latest := map[Step]string{}
	for rows.Next() {
		var step Step
		var ch Check
		var at store.Time
		if err := rows.Scan(&step, &ch.Result, &ch.Notes, &ch.RecordedBy, &at); err != nil {
			return nil, fmt.Errorf("release: vetting: %w", err)
		}
		ch.RecordedAt = at.Time
		cl.Results[step] = ch // later rows replace earlier ones
		latest[step] = ch.Result
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("release: vetting: %w", err)
	}
	cl.Missing = MissingSteps(cl.Required, latest)
	return cl, nil
}

// RecordVetting records the result of one vetting step.
func (s *Service) RecordVetting(ctx context.Context, sponsorID int64, step Step, result, notes string) error {
	if _, err := auth.Require(ctx, auth.PermSponsorManage); err != nil {
		return err
	}
	known := false
	for _, st := range Steps {
		known = known || st == step
	}
	v := &errs.ValidationError{}
	if !known {
		v.Add("step", "unknown vetting step %q", step)
	}
	for _, f := range []string{"result", "notes"} {
		if p, ok := ResultProblems(result, notes)[f]; ok {
			v.Add(f, "%s", p)
		}
	}
	if len(v.Problems) > 0 {
		return v
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		sp, _, err := s.sponsorInScope(ctx, sponsorID)
		if err != nil {
			return err
		}
		now := s.now()
		if _, err := s.db.Exec(ctx, `INSERT INTO vetting_checks (sponsor_id, step, result, notes, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)`,
			sponsorID, string(step), result, strings.TrimSpace(notes), audit.ActorFrom(ctx).Email, store.FormatTime(now)); err != nil {
			return fmt.Errorf("release: record vetting: %w", err)
		}
		if err := s.cases.AddEvent(ctx, sp.CaseID, custody.Event{Kind: "vetting", Reason: fmt.Sprintf("sponsor %d: %s %s", sponsorID, step, result)}); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "sponsor.vetting", ObjectType: "case", ObjectID: fmt.Sprint(sp.CaseID), Detail: fmt.Sprintf("sponsor %d %s %s", sponsorID, step, result)})
	})
}
