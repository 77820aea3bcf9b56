package custody

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/internal/conv"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
)

// BoardItem is one deadline on the board.
type BoardItem struct {
	DeadlineID   int64        `json:"deadline_id"`
	CaseID       int64        `json:"case_id"`
	CaseName     string       `json:"case_name"`
	State        State        `json:"state"`
	Kind         DeadlineKind `json:"kind"`
	DueAt        time.Time    `json:"due_at"`
	Urgency      Urgency      `json:"urgency"`
	HoursLeft    float64      `json:"hours_left"` // negative when overdue
	FacilityID   *int64       `json:"facility_id"`
	FacilityName string       `json:"facility_name"` // "" while in border custody
	TZ           string       `json:"tz"`            // the facility's zone; "" means show UTC
}

// BoardCount is the board's count for one facility (nil: border custody).
type BoardCount struct {
	FacilityID   *int64 `json:"facility_id"`
	FacilityName string `json:"facility_name"`
	Overdue      int    `json:"overdue"`
	Nearing      int    `json:"nearing"`
}

// Board is every deadline past due or due within NearingWindow, most
// urgent first, within the viewer's scope.
type Board struct {
	Now     time.Time    `json:"now"`
	Items   []BoardItem  `json:"items"`
	Total   int          `json:"total"` // items on the board; Items may be cut at the limit
	Overdue int          `json:"overdue"`
	Nearing int          `json:"nearing"`
	Counts  []BoardCount `json:"counts"`
	// Upcoming are dates other domains put on the board (AddBoardSource:
	// court hearings of children without counsel), soonest first. They
	// are not custody deadlines and are not in the counts.
	Upcoming []BoardItem `json:"upcoming"`
}

// BoardSource gives the board dates that are not custody deadlines: the
// case, kind and time of each (another domain's own rows, for the cases
// in sc). The board names the children and drops any outside the scope.
type BoardSource func(ctx context.Context, sc Scope, now time.Time) ([]BoardItem, error)

// AddBoardSource registers a source of the board's upcoming dates (the
// legal domain's hearings). It is called inside the board's transaction.
func (s *Service) AddBoardSource(f BoardSource) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.boardSources = append(s.boardSources, f)
}

// upcoming asks the board sources for their dates and names the children
// in scope (in the facility when one is chosen), soonest first.
func (s *Service) upcoming(ctx context.Context, sc Scope, facilityID int64, now time.Time) ([]BoardItem, error) {
	s.mu.RLock()
	sources := s.boardSources
	s.mu.RUnlock()
	out := []BoardItem{}
	for _, src := range sources {
		items, err := src(ctx, sc, now)
		if err != nil {
			return nil, err
		}
		if len(items) == 0 {
			continue
		}
		ids := make([]int64, len(items))
		for i, it := range items {
			ids[i] = it.CaseID
		}
		named := map[int64]BoardItem{}
		ph, args := conv.Placeholders(ids)
		cond, cargs := sc.where("c")
		q := `SELECT c.id, c.given_names, c.surname1, c.surname2, c.state, c.facility_id, COALESCE(f.name, ''), COALESCE(f.tz, '')
			FROM cases c LEFT JOIN facilities f ON f.id = c.facility_id WHERE c.id IN (` + ph + `) AND ` + cond
		args = append(args, cargs...)
		if facilityID > 0 {
			q += ` AND c.facility_id = ?`
			args = append(args, facilityID)
		}
		rows, err := s.db.Query(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("custody: board upcoming: %w", err)
		}
		for rows.Next() {
			var it BoardItem
			var g, s1, s2 string
			var fac sql.NullInt64
			if err := rows.Scan(&it.CaseID, &g, &s1, &s2, &it.State, &fac, &it.FacilityName, &it.TZ); err != nil {
				rows.Close()
				return nil, fmt.Errorf("custody: board upcoming: %w", err)
			}
			it.CaseName = (&Case{Person: identity.Person{GivenNames: g, Surname1: s1, Surname2: s2}}).DisplayName()
			it.FacilityID = conv.PtrInt(fac)
			named[it.CaseID] = it
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("custody: board upcoming: %w", err)
		}
		for _, it := range items {
			n, ok := named[it.CaseID]
			if !ok {
				continue
			}
			n.Kind, n.DueAt = it.Kind, it.DueAt
			n.Urgency = UrgencyAt(n.DueAt, now)
			n.HoursLeft = float64(n.DueAt.Sub(now).Round(time.Minute)) / float64(time.Hour)
			out = append(out, n)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DueAt.Before(out[j].DueAt) })
	return out, nil
}

// Board reads the deadline board. It is one range scan over the open
// deadlines index (due_at < now + 12 h), and one grouped count.
func (s *Service) Board(ctx context.Context, facilityID int64, limit int) (*Board, error) {
	if _, err := auth.Require(ctx, auth.PermBoardRead); err != nil {
		return nil, err
	}
	sc, err := s.ScopeFor(ctx)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 5000 {
		limit = 500
	}
	now := s.now()
	b := &Board{Now: now, Items: []BoardItem{}, Counts: []BoardCount{}, Upcoming: []BoardItem{}}
	cond, args := sc.where("c")
	horizon := store.FormatTime(now.Add(NearingWindow))
	nowS := store.FormatTime(now)
	where := `d.resolved_at IS NULL AND d.due_at < ? AND ` + cond
	wargs := append([]any{horizon}, args...)
	if len(sc.FacilityIDs) > 0 {
		// Open deadlines carry the child's facility: saying so lets the
		// planner use the (facility_id, due_at) index instead of walking
		// the facility's cases.
		dcond, dargs := Scope{FacilityIDs: sc.FacilityIDs, Unplaced: sc.Unplaced}.whereDeadline()
		where += " AND " + dcond
		wargs = append(wargs, dargs...)
	}
	if facilityID > 0 {
		where += ` AND d.facility_id = ?`
		wargs = append(wargs, facilityID)
	}
	// Read outside any transaction (no wait at SQLite's write gate); only
	// the audit row below takes the gate, before anything is returned.
	err = s.db.Read(ctx, func(ctx context.Context) error {
		rows, err := s.db.Query(ctx, `SELECT d.facility_id, COALESCE(f.name, ''),
				SUM(CASE WHEN d.due_at <= ? THEN 1 ELSE 0 END), SUM(CASE WHEN d.due_at > ? THEN 1 ELSE 0 END)
			FROM deadlines d JOIN cases c ON c.id = d.case_id LEFT JOIN facilities f ON f.id = d.facility_id
			WHERE `+where+` GROUP BY d.facility_id, f.name ORDER BY 3 DESC, 4 DESC, 2`, append([]any{nowS, nowS}, wargs...)...)
		if err != nil {
			return fmt.Errorf("custody: board counts: %w", err)
		}
		for rows.Next() {
			var bc BoardCount
			var fac sql.NullInt64
			if err := rows.Scan(&fac, &bc.FacilityName, &bc.Overdue, &bc.Nearing); err != nil {
				rows.Close()
				return fmt.Errorf("custody: board counts: %w", err)
			}
			bc.FacilityID = conv.PtrInt(fac)
			b.Counts = append(b.Counts, bc)
			b.Overdue += bc.Overdue
			b.Nearing += bc.Nearing
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("custody: board counts: %w", err)
		}
		b.Total = b.Overdue + b.Nearing
		rows, err = s.db.Query(ctx, `SELECT d.id, d.case_id, c.given_names, c.surname1, c.surname2, c.state, d.kind, d.due_at, d.facility_id,
				COALESCE(f.name, ''), COALESCE(f.tz, '')
			FROM deadlines d JOIN cases c ON c.id = d.case_id LEFT JOIN facilities f ON f.id = d.facility_id
			WHERE `+where+` ORDER BY d.due_at, d.id LIMIT ?`, append(wargs, limit)...)
		if err != nil {
			return fmt.Errorf("custody: board: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var it BoardItem
			var g, s1, s2 string
			var due store.Time
			var fac sql.NullInt64
			if err := rows.Scan(&it.DeadlineID, &it.CaseID, &g, &s1, &s2, &it.State, &it.Kind, &due, &fac, &it.FacilityName, &it.TZ); err != nil {
				return fmt.Errorf("custody: board: %w", err)
			}
			it.CaseName = (&Case{Person: identity.Person{GivenNames: g, Surname1: s1, Surname2: s2}}).DisplayName()
			it.DueAt, it.FacilityID = due.Time, conv.PtrInt(fac)
			it.Urgency = UrgencyAt(it.DueAt, now)
			it.HoursLeft = float64(it.DueAt.Sub(now).Round(time.Minute)) / float64(time.Hour)
			b.Items = append(b.Items, it)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("custody: board: %w", err)
		}
		rows.Close()
		b.Upcoming, err = s.upcoming(ctx, sc, facilityID, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	// The board names children: reading it is a read of those cases.
	ids := make([]int64, 0, len(b.Items)+len(b.Upcoming))
	for _, it := range append(slices.Clone(b.Items), b.Upcoming...) {
		ids = append(ids, it.CaseID)
	}
	if err := audit.Log(ctx, s.db, audit.Event{Action: "case.board", ObjectType: "case", ObjectID: "board",
		Detail: fmt.Sprintf("%d items shown of %d, %d upcoming; cases %s", len(b.Items), b.Total, len(b.Upcoming), idList(ids))}); err != nil {
		return nil, err
	}
	return b, nil
}

// SearchQuery narrows Search.
type SearchQuery struct {
	Q          string // a case number, or name prefixes (given, first or second surname)
	State      State
	FacilityID int64
	Limit      int // at most 500; 50 when 0
	Offset     int // rows skipped, for paging (SearchPage)
}

// CaseSummary is one search result.
type CaseSummary struct {
	ID            int64     `json:"id"`
	Name          string    `json:"name"`
	State         State     `json:"state"`
	Sex           *string   `json:"sex"`
	BirthDate     *string   `json:"birth_date"`
	Nationality   string    `json:"nationality"`
	FacilityID    *int64    `json:"facility_id"`
	FacilityName  string    `json:"facility_name"`
	EncounteredAt time.Time `json:"encountered_at"`
}

// Search finds cases within the viewer's scope. Q, folded like the names
// (identity.Fold: accents, case and non-letters ignored), matches a case
// when each of its words is the start of the given names, first or second
// surname, or when all of it is the start of one of them ("garcia lopez"
// finds García-López though "lopez" alone starts none). The folded name
// columns are indexed, so a name search is index range scans. Results are
// newest first.
func (s *Service) Search(ctx context.Context, q SearchQuery) ([]CaseSummary, error) {
	pg, err := s.search(ctx, q, false, "case.search")
	if err != nil {
		return nil, err
	}
	return pg.Cases, nil
}

// searchWhere is the condition of a search within sc, with its arguments.
func searchWhere(sc Scope, q SearchQuery) (string, []any, error) {
	text := strings.TrimSpace(q.Q)
	if err := checkSearchText(text); err != nil {
		return "", nil, err
	}
	cond, args := sc.where("c")
	where := []string{cond}
	var id int64
	if _, err := fmt.Sscanf(strings.TrimPrefix(text, "#"), "%d", &id); err == nil && id > 0 && !strings.ContainsAny(text, " ") {
		where = append(where, "c.id = ?")
		args = append(args, id)
	} else if cond, nargs := nameCondition(identity.Fold(text)); cond != "" {
		where = append(where, cond)
		args = append(args, nargs...)
	}
	if q.State != "" {
		where = append(where, "c.state = ?")
		args = append(args, string(q.State))
	}
	if q.FacilityID > 0 {
		where = append(where, "c.facility_id = ?")
		args = append(args, q.FacilityID)
	}
	return strings.Join(where, " AND "), args, nil
}

// search runs a search (a page of it from q.Offset, with the total of
// matches when total), audited as action with how many records were shown.
func (s *Service) search(ctx context.Context, q SearchQuery, total bool, action string) (*CasePage, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 50
	}
	return s.run(ctx, q, total, action)
}

// run is search without the page cap on q.Limit (an export's).
func (s *Service) run(ctx context.Context, q SearchQuery, total bool, action string) (*CasePage, error) {
	sc, err := s.ScopeFor(ctx)
	if err != nil {
		return nil, err
	}
	q.Offset = max(q.Offset, 0)
	where, args, err := searchWhere(sc, q)
	if err != nil {
		return nil, err
	}
	pg := &CasePage{Cases: []CaseSummary{}, Offset: q.Offset, Limit: q.Limit, Total: -1}
	// The query runs outside any transaction, so that on SQLite it does
	// not queue at the write gate behind every writer (WAL lets it read
	// beside them); only the audit row below takes the gate, in its own
	// short transaction. The count and the page may then straddle a
	// concurrent commit, which a list being browsed does anyway.
	err = s.db.Read(ctx, func(ctx context.Context) error {
		if total {
			if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM cases c WHERE `+where, args...).Scan(&pg.Total); err != nil {
				return fmt.Errorf("custody: search count: %w", err)
			}
		}
		rows, err := s.db.Query(ctx, `SELECT c.id, c.given_names, c.surname1, c.surname2, c.state, c.sex, c.birth_date, c.nationality,
				c.facility_id, COALESCE(f.name, ''), c.encountered_at
			FROM cases c LEFT JOIN facilities f ON f.id = c.facility_id
			WHERE `+where+` ORDER BY c.id DESC LIMIT ? OFFSET ?`, append(args, q.Limit, q.Offset)...)
		if err != nil {
			return fmt.Errorf("custody: search: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var cs CaseSummary
			var g, s1, s2 string
			var sex, birth sql.NullString
			var fac sql.NullInt64
			var enc store.Time
			if err := rows.Scan(&cs.ID, &g, &s1, &s2, &cs.State, &sex, &birth, &cs.Nationality, &fac, &cs.FacilityName, &enc); err != nil {
				return fmt.Errorf("custody: search: %w", err)
			}
			cs.Name = (&Case{Person: identity.Person{GivenNames: g, Surname1: s1, Surname2: s2}}).DisplayName()
			cs.Sex, cs.BirthDate, cs.FacilityID, cs.EncounteredAt = conv.PtrString(sex), conv.PtrString(birth), conv.PtrInt(fac), enc.Time
			pg.Cases = append(pg.Cases, cs)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("custody: search: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The query itself may be a child's name: the audit row records only
	// how many records were shown. The page is returned only once its
	// audit row is stored: no data without its audit.
	ids := make([]int64, len(pg.Cases))
	for i, c := range pg.Cases {
		ids[i] = c.ID
	}
	if err := audit.Log(ctx, s.db, audit.Event{Action: action, ObjectType: "case", ObjectID: "search",
		Detail: fmt.Sprintf("%d results; cases %s", len(pg.Cases), idList(ids))}); err != nil {
		return nil, err
	}
	return pg, nil
}

// A search's text is bounded so that its SQL stays small: each word adds
// three index scans, and a few hundred words made PostgreSQL plan for
// minutes and SQLite refuse the statement. No name has more words.
const (
	SearchMaxChars = 200
	SearchMaxWords = 8
)

// checkSearchText refuses (422, field q) a search text over the bounds,
// rather than searching for part of it.
func checkSearchText(text string) error {
	v := &errs.ValidationError{}
	if !storable(text) {
		v.Add("q", "%s", unstorable)
	} else if n := utf8.RuneCountInString(text); n > SearchMaxChars {
		v.Add("q", "is %d characters long; a search takes at most %d", n, SearchMaxChars)
	} else if n := len(strings.Fields(text)); n > SearchMaxWords {
		v.Add("q", "has %d words; a search takes at most %d", n, SearchMaxWords)
	}
	return v.Err()
}

// nameCondition is the condition on c.id that a folded name query puts
// on a case, with its arguments ("" when the query has no word). Every
// part is a union of covering-index range scans that yields case ids
// only; rows are read just for the page shown.
func nameCondition(folded string) (string, []any) {
	words := strings.Fields(folded)
	switch len(words) {
	case 0:
		return "", nil
	case 1:
		cond, args := keysStartWith(words[0])
		return "c.id IN (" + cond + ")", args
	}
	// The whole phrase starts a key, or each word starts one.
	cond, args := keysStartWith(strings.Join(words, " "))
	each := make([]string, len(words))
	for i, w := range words {
		wc, wargs := keysStartWith(w)
		each[i] = "id IN (" + wc + ")"
		args = append(args, wargs...)
	}
	return "c.id IN (" + cond + "\n\t\tUNION ALL SELECT id FROM cases WHERE " + strings.Join(each, " AND ") + ")", args
}

// keysStartWith selects the ids of the cases whose given names, first or
// second surname key starts with p.
func keysStartWith(p string) (string, []any) {
	hi := prefixEnd(p)
	return `SELECT id FROM cases WHERE key_surname1 >= ? AND key_surname1 < ?
		UNION ALL SELECT id FROM cases WHERE key_surname2 >= ? AND key_surname2 < ?
		UNION ALL SELECT id FROM cases WHERE key_given >= ? AND key_given < ?`, []any{p, hi, p, hi, p, hi}
}

// prefixEnd returns the least string above every string that starts with
// p (under byte order and, for the folded lower-case letters and digits
// used here, under PostgreSQL's linguistic collations too): p with its
// last character incremented.
func prefixEnd(p string) string {
	r := []rune(p)
	r[len(r)-1]++
	return string(r)
}

// idList names the cases a list showed, so that the audit log says whose
// names a person saw (each distinct case once).
func idList(ids []int64) string {
	seen := make(map[int64]bool, len(ids))
	var b strings.Builder
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}
