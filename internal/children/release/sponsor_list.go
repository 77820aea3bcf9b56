package release

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/identity"
)

// The list of sponsors in the caller's scope, and the sponsors flagged by
// the trafficking-pattern rules (pattern_rules.go).

// SponsorQuery is a search of the sponsor list: q (a name, an identity
// document or a phone number; empty for all), and a page.
type SponsorQuery struct {
	Q      string
	Limit  int
	Offset int
}

// Paging bounds of the sponsor list.
const (
	DefaultSponsorPage = 50
	MaxSponsorPage     = 200
)

// ListedSponsor is a sponsor in the list, with the pattern rules its
// records match (nil when none).
type ListedSponsor struct {
	*Sponsor
	Flags []string `json:"flags"`
}

// SponsorPage is one page of the list.
type SponsorPage struct {
	Sponsors []ListedSponsor `json:"sponsors"`
	Total    int             `json:"total"`
	Limit    int             `json:"limit"`
	Offset   int             `json:"offset"`
}

// Sponsors lists the sponsors of the children in the caller's scope,
// newest first, matching q. The read is audited.
func (s *Service) Sponsors(ctx context.Context, q SponsorQuery) (*SponsorPage, error) {
	if _, err := auth.Require(ctx, auth.PermSponsorManage); err != nil {
		return nil, err
	}
	v := &errs.ValidationError{}
	q.Q = strings.TrimSpace(q.Q)
	if len(q.Q) > 200 {
		v.Add("q", "at most 200 characters")
	}
	if q.Limit == 0 {
		q.Limit = DefaultSponsorPage
	}
	if q.Limit < 1 || q.Limit > MaxSponsorPage {
		v.Add("limit", "between 1 and %d", MaxSponsorPage)
	}
	if q.Offset < 0 {
		v.Add("offset", "0 or more")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	sc, err := s.cases.ScopeFor(ctx)
	if err != nil {
		return nil, err
	}
	page := &SponsorPage{Sponsors: []ListedSponsor{}, Limit: q.Limit, Offset: q.Offset}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.fillKeys(ctx); err != nil {
			return err
		}
		cond, args := sc.SQL("case_id")
		if q.Q != "" {
			c, a := searchCond(q.Q)
			cond, args = cond+" AND "+c, append(args, a...)
		}
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM sponsors WHERE `+cond, args...).Scan(&page.Total); err != nil {
			return err
		}
		rows, err := s.db.Query(ctx, `SELECT `+sponsorCols+`, person_key, address_key FROM sponsors WHERE `+cond+` ORDER BY id DESC LIMIT ? OFFSET ?`,
			append(args, q.Limit, q.Offset)...)
		if err != nil {
			return err
		}
		keys := map[int64][2]string{}
		for rows.Next() {
			var pk, ak *string
			sp, err := scanSponsor(scanTail{rows, []any{&pk, &ak}})
			if err != nil {
				rows.Close()
				return err
			}
			sp.Household = []HouseholdMember{}
			keys[sp.ID] = [2]string{deref(pk), deref(ak)}
			page.Sponsors = append(page.Sponsors, ListedSponsor{Sponsor: sp})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if err := s.flagPage(ctx, page.Sponsors, keys); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "sponsor.list", ObjectType: "sponsors", ObjectID: "list", Detail: fmt.Sprintf("q=%q %d of %d", q.Q, len(page.Sponsors), page.Total)})
	})
	if err != nil {
		return nil, fmt.Errorf("release: sponsors: %w", err)
	}
	return page, nil
}

// searchCond matches q against the folded name, the identity document or
// the phone number.
func searchCond(q string) (string, []any) {
	conds, args := []string{}, []any{}
	if n := identity.Fold(q); n != "" {
		conds, args = append(conds, "name_key LIKE ?"), append(args, "%"+n+"%")
	}
	if doc := alnumUpper(q); len(doc) >= 4 {
		conds, args = append(conds, "person_key = ?"), append(args, "doc:"+doc)
	}
	if ph := digits(q); len(ph) >= 7 {
		conds, args = append(conds, "person_key = ?"), append(args, "phone:"+ph)
	}
	if len(conds) == 0 {
		return "1=0", nil
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// scanTail scans a sponsor row followed by more columns.
type scanTail struct {
	sc   interface{ Scan(...any) error }
	tail []any
}

func (t scanTail) Scan(dst ...any) error { return t.sc.Scan(append(dst, t.tail...)...) }

// fillKeys writes the comparison keys of sponsor records that have none
// (written before migration 00121); after the first call it finds none.
func (s *Service) fillKeys(ctx context.Context) error {
	for {
		rows, err := s.db.Query(ctx, `SELECT `+sponsorCols+` FROM sponsors WHERE person_key IS NULL ORDER BY id LIMIT 500`)
		if err != nil {
			return err
		}
		var batch []*Sponsor
		for rows.Next() {
			sp, err := scanSponsor(rows)
			if err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, sp)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, sp := range batch {
			if err := s.writeKeys(ctx, sp); err != nil {
				return err
			}
		}
		if len(batch) < 500 {
			return nil
		}
	}
}

// writeKeys stores a sponsor's comparison keys. A record with no person
// key gets a key of its own ("row:id") so that it is never joined to
// another and never read as missing.
func (s *Service) writeKeys(ctx context.Context, sp *Sponsor) error {
	pk := personKey(sp)
	if pk == "" {
		pk = fmt.Sprintf("row:%d", sp.ID)
	}
	_, err := s.db.Exec(ctx, `UPDATE sponsors SET person_key = ?, address_key = ?, name_key = ? WHERE id = ?`, pk, addressKey(sp), nameKey(sp), sp.ID)
	return err
}

// groupStats reads the PatternGroup of each person or address key among
// keys (by: "person" or "address"), over all sponsor records (a pattern
// may cross facilities; what is shown of it is scope-checked).
func (s *Service) groupStats(ctx context.Context, by string, keys []string) (map[string]PatternGroup, error) {
	col := "person_key"
	if by == ByAddress {
		col = "address_key"
	}
	out := map[string]PatternGroup{}
	for start := 0; start < len(keys); start += 500 {
		part := keys[start:min(start+500, len(keys))]
		marks, args := placeholders(part)
		rows, err := s.db.Query(ctx, `SELECT `+col+`, COUNT(DISTINCT person_key), COUNT(DISTINCT case_id),
			COUNT(DISTINCT CASE WHEN category = '3' THEN case_id END)
			FROM sponsors WHERE `+col+` IN (`+marks+`) GROUP BY `+col, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k string
			var g PatternGroup
			if err := rows.Scan(&k, &g.Sponsors, &g.Children, &g.UnrelatedChildren); err != nil {
				rows.Close()
				return nil, err
			}
			out[k] = g
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func placeholders(vals []string) (string, []any) {
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	return strings.TrimSuffix(strings.Repeat("?,", len(vals)), ","), args
}

// flagPage sets the flags of the listed sponsors.
func (s *Service) flagPage(ctx context.Context, list []ListedSponsor, keys map[int64][2]string) error {
	var persons, addresses []string
	for _, k := range keys {
		persons = append(persons, k[0])
		if k[1] != "" {
			addresses = append(addresses, k[1])
		}
	}
	pg, err := s.groupStats(ctx, ByPerson, persons)
	if err != nil {
		return err
	}
	ag, err := s.groupStats(ctx, ByAddress, addresses)
	if err != nil {
		return err
	}
	for i := range list {
		k := keys[list[i].ID]
		flags := MatchingRules(ByPerson, pg[k[0]])
		if k[1] != "" {
			flags = append(flags, MatchingRules(ByAddress, ag[k[1]])...)
		}
		if len(flags) > 0 {
			list[i].Flags = flags
		}
	}
	return nil
}

// FlaggedChild is one child of a flagged group, in the caller's scope.
type FlaggedChild struct {
	CaseID       int64        `json:"case_id"`
	SponsorID    int64        `json:"sponsor_id"`
	SponsorName  string       `json:"sponsor_name"`
	Relationship Relationship `json:"relationship"`
	Category     Category     `json:"category"`
}

// SponsorFlag is a group of sponsor records that matches a pattern rule,
// with the children the caller may see; the others are only counted.
type SponsorFlag struct {
	Rule          string         `json:"rule"`
	When          string         `json:"when"`
	By            string         `json:"by"`
	Label         string         `json:"label"` // the person's name, or the address
	Group         PatternGroup   `json:"group"`
	Children      []FlaggedChild `json:"children"`
	OtherChildren int            `json:"other_children"` // children outside the caller's scope
}

// MaxFlags bounds the flags one read returns.
const MaxFlags = 500

// SponsorFlags lists the groups of sponsor records that match a pattern
// rule and include at least one child in the caller's scope, with those
// children listed. The read is audited.
func (s *Service) SponsorFlags(ctx context.Context, _ struct{}) ([]SponsorFlag, error) {
	if _, err := auth.Require(ctx, auth.PermSponsorManage); err != nil {
		return nil, err
	}
	sc, err := s.cases.ScopeFor(ctx)
	if err != nil {
		return nil, err
	}
	out := []SponsorFlag{}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		if err := s.fillKeys(ctx); err != nil {
			return err
		}
		for _, by := range []string{ByPerson, ByAddress} {
			fs, err := s.flagsBy(ctx, sc, by)
			if err != nil {
				return err
			}
			out = append(out, fs...)
		}
		if len(out) > MaxFlags {
			out = out[:MaxFlags]
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "sponsor.flags.read", ObjectType: "sponsors", ObjectID: "flags", Detail: fmt.Sprintf("%d flags", len(out))})
	})
	if err != nil {
		return nil, fmt.Errorf("release: sponsor flags: %w", err)
	}
	return out, nil
}

// flagsBy finds the groups of one kind with two or more children (every
// rule needs two) and applies the rules to them.
func (s *Service) flagsBy(ctx context.Context, sc custody.Scope, by string) ([]SponsorFlag, error) {
	col, having := "person_key", "COUNT(DISTINCT case_id) >= 2"
	if by == ByAddress {
		col, having = "address_key", "COUNT(DISTINCT case_id) >= 2 AND COUNT(DISTINCT person_key) >= 2"
	}
	rows, err := s.db.Query(ctx, `SELECT `+col+`, COUNT(DISTINCT person_key), COUNT(DISTINCT case_id), COUNT(DISTINCT CASE WHEN category = '3' THEN case_id END)
		FROM sponsors WHERE `+col+` IS NOT NULL AND `+col+` <> '' GROUP BY `+col+` HAVING `+having+` ORDER BY `+col+` LIMIT ?`, MaxFlags*4)
	if err != nil {
		return nil, err
	}
	type hit struct {
		key string
		g   PatternGroup
	}
	var hits []hit
	for rows.Next() {
		var h hit
		if err := rows.Scan(&h.key, &h.g.Sponsors, &h.g.Children, &h.g.UnrelatedChildren); err != nil {
			rows.Close()
			return nil, err
		}
		if len(MatchingRules(by, h.g)) > 0 {
			hits = append(hits, h)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []SponsorFlag{}
	for _, h := range hits {
		children, err := s.groupChildren(ctx, sc, col, h.key)
		if err != nil {
			return nil, err
		}
		if len(children) == 0 {
			continue // nothing of it in the caller's scope
		}
		label := children[0].SponsorName
		if by == ByAddress {
			label = h.key
			if sp, err := scanSponsor(s.db.QueryRow(ctx, `SELECT `+sponsorCols+` FROM sponsors WHERE id = ?`, children[0].SponsorID)); err == nil {
				label = strings.Join(nonEmpty(sp.Address, sp.City, sp.USState), ", ")
			}
		}
		seen := map[int64]bool{}
		for _, c := range children {
			seen[c.CaseID] = true
		}
		for _, rule := range MatchingRules(by, h.g) {
			out = append(out, SponsorFlag{Rule: rule, When: ruleWhen(rule), By: by, Label: label, Group: h.g, Children: children,
				OtherChildren: h.g.Children - len(seen)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Group.Children > out[j].Group.Children })
	return out, nil
}

// groupChildren lists the sponsor records of one group whose child is in
// the caller's scope.
func (s *Service) groupChildren(ctx context.Context, sc custody.Scope, col, key string) ([]FlaggedChild, error) {
	cond, args := sc.SQL("case_id")
	rows, err := s.db.Query(ctx, `SELECT case_id, id, given_names, surnames, relationship, category FROM sponsors
		WHERE `+col+` = ? AND `+cond+` ORDER BY case_id, id`, append([]any{key}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []FlaggedChild{}
	for rows.Next() {
		var c FlaggedChild
		var given, sur string
		if err := rows.Scan(&c.CaseID, &c.SponsorID, &given, &sur, &c.Relationship, &c.Category); err != nil {
			return nil, err
		}
		c.SponsorName = strings.TrimSpace(given + " " + sur)
		out = append(out, c)
	}
	return out, rows.Err()
}

func ruleWhen(key string) string {
	for _, r := range PatternRules {
		if r.Key == key {
			return r.When
		}
	}
	return ""
}

func nonEmpty(vs ...string) []string {
	out := []string{}
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
