package requests

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/tracing"
)

// Service is tracing requests, search and decisions, on one database and
// one Matcher.
type Service struct {
	DB      *store.DB
	M       *Matcher
	Cases   *custody.Service
	Release *release.Service
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// New returns a Service on db and m using the wall clock. It reads cases
// through the matcher's custody service, and makes sponsors through rel
// (when nil, one made on the database, for the CLI and tests).
func New(db *store.DB, m *Matcher, rel *release.Service) *Service {
	if rel == nil {
		rel = release.New(db, m.cases, nil)
	}
	return &Service{DB: db, M: m, Cases: m.cases, Release: rel, Now: time.Now}
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// Search limits.
const (
	DefaultLimit = 10
	MaxLimit     = 50
	// searchPool is how many candidates are drawn from the index before
	// the caller's scope is applied, so that cases the caller may not see
	// do not crowd out the ones they may.
	searchPool = 200
)

// SearchThreshold is the probability from which a search lists a case.
// It is far below the threshold from which a case is proposed for a
// request (Matcher.Threshold): a relative's inquiry says little ("Juan
// García, about 14, mother Sandra"), and among 5,000 demo cases the child
// asked about ranks first for 24 of 25 such inquiries while its
// probability is often 10-50 % (TestTracingSearchWhatARelativeKnows in
// internal/web): a search is a ranked list with each probability shown,
// not a decision.
const SearchThreshold = 0.01

// CaseBrief is what a candidate list shows of a case the viewer may see.
type CaseBrief = custody.Brief

// Hit is one search result.
type Hit struct {
	CaseID      int64                 `json:"case_id"`
	Probability float64               `json:"probability"`
	Weight      float64               `json:"weight"`
	Explanation []tracing.FieldWeight `json:"explanation"`
	// CarriedBy names the fields that carried the match, strongest first
	// (tracing.CarriedBy).
	CarriedBy []string   `json:"carried_by"`
	Case      *CaseBrief `json:"case"`
}

// explainAge renames the birth-date row of an explanation for a search
// by age: what was compared is the age the relative gave (as the birth
// year it implies) with the case's birth date.
func explainAge(ex []tracing.FieldWeight) []tracing.FieldWeight {
	out := slices.Clone(ex)
	for i := range out {
		if out[i].Field != "birth_date" {
			continue
		}
		out[i].Field = "age"
		switch out[i].Level {
		case "year_only", "same_year":
			out[i].Level = "age_agrees"
		case "within_a_year":
			out[i].Level = "age_within_a_year"
		case "missing":
		default:
			out[i].Level = "age_disagrees"
		}
	}
	return out
}

// Search returns the cases that match the described person, best first,
// among those the caller may see; at most limit (DefaultLimit when 0).
// It is Find without an age.
func (s *Service) Search(ctx context.Context, p Person, limit int) ([]Hit, error) {
	return s.Find(ctx, Query{Person: p, Limit: limit})
}

// Find returns the cases that match what a relative knows, best first,
// among those the caller may see; at most q.Limit (DefaultLimit when 0).
// An age stands for the birth year it implies today, and the explanation
// then names the age rather than a birth date. Every search is audited,
// with the number of results and their case ids but never the names
// searched.
func (s *Service) Find(ctx context.Context, q Query) ([]Hit, error) {
	if _, err := require(ctx, auth.PermTracingSearch); err != nil {
		return nil, err
	}
	v := &ValidationError{}
	byAge := normalizeQuery(&q, s.now(), v)
	if err := problems(v); err != nil {
		return nil, err
	}
	p, limit := q.Person, q.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	scope, err := s.Cases.ScopeFor(ctx)
	if err != nil {
		return nil, fmt.Errorf("tracing: search: %w", err)
	}
	if err := s.M.Refresh(ctx); err != nil {
		return nil, err
	}
	pool := searchPool
	if scope.All {
		pool = limit
	}
	found := s.M.search(ctx, tracing.Record{Person: p}, pool, SearchThreshold)
	ids := make([]int64, 0, len(found))
	for _, c := range found {
		id, err := strconv.ParseInt(c.ID, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("tracing: search: case id %q: %w", c.ID, err)
		}
		ids = append(ids, id)
	}
	briefs, err := s.visible(ctx, scope, ids)
	if err != nil {
		return nil, err
	}
	hits := []Hit{}
	for i, c := range found {
		b, ok := briefs[ids[i]]
		if !ok {
			continue
		}
		ex := c.Explanation
		if byAge {
			ex = explainAge(ex)
		}
		hits = append(hits, Hit{CaseID: ids[i], Probability: c.Probability, Weight: c.Weight, Explanation: ex, CarriedBy: tracing.CarriedBy(ex), Case: b})
		if len(hits) == limit {
			break
		}
	}
	shown := make([]int64, len(hits))
	for i, h := range hits {
		shown[i] = h.CaseID
	}
	fields := givenFields(p)
	if byAge {
		fields = strings.Replace(fields, "birth_date", "age", 1)
	}
	err = audit.Log(ctx, s.DB, audit.Event{Action: "tracing.search", ObjectType: "tracing", ObjectID: "search",
		Detail: fmt.Sprintf("fields %s; %d candidates returned%s", fields, len(hits), caseList(shown))})
	if err != nil {
		return nil, err
	}
	return hits, nil
}

// givenFields names the fields a search gave (not their values), for the
// audit log.
func givenFields(p Person) string {
	var out []string
	for _, f := range []struct{ name, v string }{
		{"given_names", p.GivenNames}, {"surname1", p.Surname1}, {"surname2", p.Surname2}, {"sex", p.Sex},
		{"birth_date", p.BirthDate}, {"birth_country", p.BirthCountry}, {"birth_place", p.BirthPlace},
		{"mother_name", p.MotherName}, {"father_name", p.FatherName},
	} {
		if f.v != "" {
			out = append(out, f.name)
		}
	}
	return strings.Join(out, ",")
}

// caseList renders case ids for an audit detail, capped so that a row
// stays short.
func caseList(ids []int64) string {
	if len(ids) == 0 {
		return ""
	}
	const maxShown = 20
	var b strings.Builder
	b.WriteString(": cases ")
	for i, id := range ids {
		if i == maxShown {
			fmt.Fprintf(&b, " and %d more", len(ids)-maxShown)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

// visible returns, for the ids the scope includes, what a list shows of
// them. Scope is checked on the case as it is now (state and facility
// change), never on what the index saw.
func (s *Service) visible(ctx context.Context, scope custody.Scope, ids []int64) (map[int64]*CaseBrief, error) {
	out := map[int64]*CaseBrief{}
	if scope.None || len(ids) == 0 {
		return out, nil
	}
	briefs, err := s.Cases.Briefs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("tracing: case scope: %w", err)
	}
	for id, b := range briefs {
		out[id] = &b
	}
	return out, nil
}

// DuplicateThreshold is the probability from which two cases are shown
// as possibly one child.
func (s *Service) DuplicateThreshold() float64 { return duplicateThreshold }

// duplicateThreshold is the probability from which another case is shown
// as a possible duplicate. The matcher's model is the default one with the
// cases' name frequencies, not one fitted and calibrated on them as the
// command line's (whose dedupe threshold is 0.5); 0.7 is the threshold it
// was checked with on the development sets.
const duplicateThreshold = 0.7

// Duplicates returns the other cases that may be the same child as case
// id, among those the caller may see. The case itself must be in the
// caller's scope (otherwise it is not found). The read is audited.
func (s *Service) Duplicates(ctx context.Context, id int64, limit int) ([]Hit, error) {
	if _, err := require(ctx, auth.PermTracingSearch); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > MaxLimit {
		limit = DefaultLimit
	}
	scope, err := s.Cases.ScopeFor(ctx)
	if err != nil {
		return nil, fmt.Errorf("tracing: duplicates: %w", err)
	}
	self, err := s.visible(ctx, scope, []int64{id})
	if err != nil {
		return nil, err
	}
	if self[id] == nil {
		return nil, notFound("case", id)
	}
	// A case recorded a moment ago is looked for among the cases recorded
	// with it, so the index is brought up to date first.
	if err := s.M.Refresh(ctx); err != nil {
		return nil, err
	}
	rs, err := caseRecords(ctx, s.Cases, id)
	if err != nil {
		return nil, err
	}
	found := searchAll(ctx, s.M.ix.Load(), rs, searchPool, s.DuplicateThreshold())
	var ids []int64
	var cands []tracing.Candidate
	for _, c := range found {
		cid, err := strconv.ParseInt(c.ID, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("tracing: duplicates: case id %q: %w", c.ID, err)
		}
		if cid != id {
			ids, cands = append(ids, cid), append(cands, c)
		}
	}
	briefs, err := s.visible(ctx, scope, ids)
	if err != nil {
		return nil, err
	}
	hits := []Hit{}
	for i, c := range cands {
		if b, ok := briefs[ids[i]]; ok && len(hits) < limit {
			hits = append(hits, Hit{CaseID: ids[i], Probability: c.Probability, Weight: c.Weight, Explanation: c.Explanation, CarriedBy: tracing.CarriedBy(c.Explanation), Case: b})
		}
	}
	shown := make([]int64, len(hits))
	for i, h := range hits {
		shown[i] = h.CaseID
	}
	err = audit.Log(ctx, s.DB, audit.Event{Action: "tracing.duplicates", ObjectType: "case", ObjectID: strconv.FormatInt(id, 10),
		Detail: fmt.Sprintf("%d possible duplicates shown%s", len(hits), caseList(shown))})
	if err != nil {
		return nil, err
	}
	return hits, nil
}

// Create records a tracing request and matches it against every case at
// once. The view returned holds the candidates the caller may see.
func (s *Service) Create(ctx context.Context, in NewRequest) (*View, error) {
	p, err := require(ctx, auth.PermTracingRequest)
	if err != nil {
		return nil, err
	}
	if err := in.Normalize(); err != nil {
		return nil, err
	}
	scope, err := s.Cases.ScopeFor(ctx)
	if err != nil {
		return nil, fmt.Errorf("tracing: create request: %w", err)
	}
	// Holding the matcher's lock from the sync to the commit means a case
	// created meanwhile is matched by the next Sync, which will see this
	// request open.
	s.M.mu.Lock()
	defer s.M.mu.Unlock()
	if _, err := s.M.syncLocked(ctx); err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		now := store.FormatTime(s.now())
		sk, so := in.Seeker, in.Sought
		err := s.DB.QueryRow(ctx, `INSERT INTO tracing_requests (status, seeker_given_names, seeker_surnames, seeker_relationship,
			seeker_contact, seeker_language, given_names, surname1, surname2, sex, birth_date, birth_country, birth_place,
			mother_name, father_name, notes, recorded_by, recorded_by_email, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			string(StatusOpen), sk.GivenNames, sk.Surnames, string(sk.Relationship), sk.Contact, sk.Language,
			so.GivenNames, so.Surname1, so.Surname2, so.Sex, so.BirthDate, so.BirthCountry, so.BirthPlace, so.MotherName, so.FatherName,
			in.Notes, p.UserID, p.Email, now, now).Scan(&id)
		if err != nil {
			return fmt.Errorf("tracing: create request: %w", err)
		}
		n := 0
		for _, c := range s.M.search(ctx, tracing.Record{Person: so}, maxProposals, s.M.Threshold()) {
			caseID, err := strconv.ParseInt(c.ID, 10, 64)
			if err != nil {
				return fmt.Errorf("tracing: create request: case id %q: %w", c.ID, err)
			}
			added, err := insertCandidate(ctx, s.DB, id, caseID, c, foundByRequest, s.now())
			if err != nil {
				return err
			}
			if added {
				n++
			}
		}
		return audit.Log(ctx, s.DB, audit.Event{Action: "tracing.request.create", ObjectType: "tracing_request", ObjectID: strconv.FormatInt(id, 10),
			Detail: fmt.Sprintf("relationship %s; %d candidates proposed", sk.Relationship, n)})
	})
	if err != nil {
		return nil, err
	}
	return s.view(ctx, scope, id)
}

const requestCols = `id, status, seeker_given_names, seeker_surnames, seeker_relationship, seeker_contact, seeker_language,
	given_names, surname1, surname2, sex, birth_date, birth_country, birth_place, mother_name, father_name,
	notes, closed_reason, recorded_by_email, created_at, updated_at`

func scanRequest(sc interface{ Scan(...any) error }) (*Request, error) {
	var r Request
	var created, updated store.Time
	sk, so := &r.Seeker, &r.Sought
	err := sc.Scan(&r.ID, &r.Status, &sk.GivenNames, &sk.Surnames, &sk.Relationship, &sk.Contact, &sk.Language,
		&so.GivenNames, &so.Surname1, &so.Surname2, &so.Sex, &so.BirthDate, &so.BirthCountry, &so.BirthPlace, &so.MotherName, &so.FatherName,
		&r.Notes, &r.ClosedReason, &r.RecordedBy, &created, &updated)
	if err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = created.Time, updated.Time
	return &r, nil
}

func (s *Service) loadRequest(ctx context.Context, id int64) (*Request, error) {
	r, err := scanRequest(s.DB.QueryRow(ctx, `SELECT `+requestCols+` FROM tracing_requests WHERE id = ?`, id))
	if store.IsNoRows(err) {
		return nil, notFound("request", id)
	}
	if err != nil {
		return nil, fmt.Errorf("tracing: read request %d: %w", id, err)
	}
	return r, nil
}

// ListQuery narrows List.
type ListQuery struct {
	Status Status // "" for every status
	Limit  int    // default 100, at most 1000
}

// List returns tracing requests, newest first. It does not say how many
// candidates each has: that count would tell of cases the viewer may not
// see. The read is audited.
func (s *Service) List(ctx context.Context, q ListQuery) ([]*Request, error) {
	if _, err := require(ctx, auth.PermTracingRequest); err != nil {
		return nil, err
	}
	switch q.Status {
	case "", StatusOpen, StatusMatched, StatusClosed:
	default:
		return nil, &ValidationError{Problems: []FieldError{{Field: "status", Problem: "must be open, matched or closed"}}}
	}
	if q.Limit <= 0 || q.Limit > 1000 {
		q.Limit = 100
	}
	where, args := "1=1", []any{}
	if q.Status != "" {
		where, args = "status = ?", append(args, string(q.Status))
	}
	rows, err := s.DB.Query(ctx, `SELECT `+requestCols+` FROM tracing_requests WHERE `+where+` ORDER BY id DESC LIMIT ?`, append(args, q.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("tracing: list requests: %w", err)
	}
	defer rows.Close()
	out := []*Request{}
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, fmt.Errorf("tracing: list requests: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tracing: list requests: %w", err)
	}
	rows.Close()
	if err := s.countToDecide(ctx, out); err != nil {
		return nil, err
	}
	err = audit.Log(ctx, s.DB, audit.Event{Action: "tracing.request.list", ObjectType: "tracing_request", Detail: fmt.Sprintf("%d requests listed", len(out))})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// countToDecide sets, on each request, how many proposed candidates the
// viewer may see and decide on. Candidates of cases out of scope are not
// counted: the count must not tell of them.
func (s *Service) countToDecide(ctx context.Context, reqs []*Request) error {
	if len(reqs) == 0 {
		return nil
	}
	scope, err := s.Cases.ScopeFor(ctx)
	if err != nil {
		return fmt.Errorf("tracing: list requests: %w", err)
	}
	byID := map[int64]*Request{}
	args := make([]any, 0, len(reqs)+1)
	args = append(args, string(CandidateProposed))
	for _, r := range reqs {
		n := 0
		r.ToDecide = &n
		byID[r.ID] = r
		args = append(args, r.ID)
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(reqs)), ",")
	rows, err := s.DB.Query(ctx, `SELECT request_id, case_id FROM tracing_candidates WHERE status = ? AND request_id IN (`+ph+`)`, args...)
	if err != nil {
		return fmt.Errorf("tracing: count candidates: %w", err)
	}
	type pair struct{ req, c int64 }
	var pairs []pair
	var ids []int64
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.req, &p.c); err != nil {
			rows.Close()
			return fmt.Errorf("tracing: count candidates: %w", err)
		}
		pairs, ids = append(pairs, p), append(ids, p.c)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return fmt.Errorf("tracing: count candidates: %w", err)
	}
	seen, err := s.visible(ctx, scope, ids)
	if err != nil {
		return err
	}
	for _, p := range pairs {
		if seen[p.c] != nil {
			*byID[p.req].ToDecide++
		}
	}
	return nil
}

// Get reads a request with the candidates and links the caller may see,
// best candidate first. The read is audited with the case ids shown.
func (s *Service) Get(ctx context.Context, id int64) (*View, error) {
	if _, err := require(ctx, auth.PermTracingRequest); err != nil {
		return nil, err
	}
	scope, err := s.Cases.ScopeFor(ctx)
	if err != nil {
		return nil, fmt.Errorf("tracing: read request: %w", err)
	}
	v, err := s.view(ctx, scope, id)
	if err != nil {
		return nil, err
	}
	shown := make([]int64, len(v.Candidates))
	for i, c := range v.Candidates {
		shown[i] = c.CaseID
	}
	err = audit.Log(ctx, s.DB, audit.Event{Action: "tracing.request.read", ObjectType: "tracing_request", ObjectID: strconv.FormatInt(id, 10),
		Detail: fmt.Sprintf("%d candidates shown%s", len(shown), caseList(shown))})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// view is a request with what scope may see; it does not audit.
func (s *Service) view(ctx context.Context, scope custody.Scope, id int64) (*View, error) {
	r, err := s.loadRequest(ctx, id)
	if err != nil {
		return nil, err
	}
	cands, err := s.candidates(ctx, `request_id = ?`, id)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(cands))
	for i, c := range cands {
		ids[i] = c.CaseID
	}
	briefs, err := s.visible(ctx, scope, ids)
	if err != nil {
		return nil, err
	}
	v := &View{Request: r, Candidates: []Candidate{}, Links: []Link{}}
	for _, c := range cands {
		if b, ok := briefs[c.CaseID]; ok {
			c.Case = b
			v.Candidates = append(v.Candidates, c)
		}
	}
	links, err := s.links(ctx, `request_id = ?`, id)
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		if _, ok := briefs[l.CaseID]; ok {
			v.Links = append(v.Links, l)
		}
	}
	return v, nil
}

const candidateCols = `id, request_id, case_id, probability, weight, explanation, found_by, found_at, status, decided_by, decided_at, reason`

func (s *Service) candidates(ctx context.Context, where string, args ...any) ([]Candidate, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+candidateCols+` FROM tracing_candidates WHERE `+where+` ORDER BY probability DESC, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("tracing: read candidates: %w", err)
	}
	defer rows.Close()
	var out []Candidate
	for rows.Next() {
		c, err := scanCandidate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tracing: read candidates: %w", err)
	}
	// Equal probabilities (both near 1) are ordered by the evidence.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Probability != out[j].Probability {
			return out[i].Probability > out[j].Probability
		}
		return out[i].Weight > out[j].Weight
	})
	return out, nil
}

func scanCandidate(sc interface{ Scan(...any) error }) (*Candidate, error) {
	var c Candidate
	var ex string
	var found, decided store.Time
	if err := sc.Scan(&c.ID, &c.RequestID, &c.CaseID, &c.Probability, &c.Weight, &ex, &c.FoundBy, &found, &c.Status, &c.DecidedBy, &decided, &c.Reason); err != nil {
		return nil, fmt.Errorf("tracing: read candidate: %w", err)
	}
	if err := json.Unmarshal([]byte(ex), &c.Explanation); err != nil {
		return nil, fmt.Errorf("tracing: candidate %d explanation: %w", c.ID, err)
	}
	c.FoundAt = found.Time
	if !decided.IsZero() {
		t := decided.Time
		c.DecidedAt = &t
	}
	return &c, nil
}

const linkCols = `id, request_id, case_id, candidate_id, sponsor_id, created_by, created_at`

func (s *Service) links(ctx context.Context, where string, args ...any) ([]Link, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+linkCols+` FROM tracing_links WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("tracing: read links: %w", err)
	}
	defer rows.Close()
	var out []Link
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tracing: read links: %w", err)
	}
	return out, nil
}

func scanLink(sc interface{ Scan(...any) error }) (*Link, error) {
	var l Link
	var sp sql.NullInt64
	var at store.Time
	if err := sc.Scan(&l.ID, &l.RequestID, &l.CaseID, &l.CandidateID, &sp, &l.CreatedBy, &at); err != nil {
		return nil, fmt.Errorf("tracing: read link: %w", err)
	}
	if sp.Valid {
		l.SponsorID = &sp.Int64
	}
	l.CreatedAt = at.Time
	return &l, nil
}

// Decide confirms or rejects a proposed candidate. Confirming links the
// relative to the case and marks the request matched. A candidate whose
// case the caller may not see is not found; one already decided is a
// conflict (409), as is a closed request.
func (s *Service) Decide(ctx context.Context, candidateID int64, d Decision) (*Candidate, error) {
	if _, err := require(ctx, auth.PermTracingDecide); err != nil {
		return nil, err
	}
	if err := d.Normalize(); err != nil {
		return nil, err
	}
	scope, err := s.Cases.ScopeFor(ctx)
	if err != nil {
		return nil, fmt.Errorf("tracing: decide: %w", err)
	}
	var out *Candidate
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		c, err := scanCandidate(s.DB.QueryRow(ctx, `SELECT `+candidateCols+` FROM tracing_candidates WHERE id = ?`, candidateID))
		if err != nil {
			if store.IsNoRows(err) {
				return notFound("candidate", candidateID)
			}
			return err
		}
		seen, err := s.visible(ctx, scope, []int64{c.CaseID})
		if err != nil {
			return err
		}
		if seen[c.CaseID] == nil {
			return notFound("candidate", candidateID)
		}
		if c.Status != CandidateProposed {
			return &conflictError{fmt.Sprintf("candidate %d was already %s", c.ID, c.Status)}
		}
		r, err := s.loadRequest(ctx, c.RequestID)
		if err != nil {
			return err
		}
		if r.Status == StatusClosed {
			return &conflictError{fmt.Sprintf("request %d is closed", r.ID)}
		}
		now := s.now()
		actor := audit.ActorFrom(ctx).Email
		// The guard on status makes two people deciding at once safe: the
		// second one's UPDATE changes nothing and is refused.
		res, err := s.DB.Exec(ctx, `UPDATE tracing_candidates SET status = ?, decided_by = ?, decided_at = ?, reason = ? WHERE id = ? AND status = ?`,
			string(d.Status), actor, store.FormatTime(now), d.Reason, c.ID, string(CandidateProposed))
		if err != nil {
			return fmt.Errorf("tracing: decide: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return &conflictError{fmt.Sprintf("candidate %d was decided by someone else meanwhile", c.ID)}
		}
		if d.Status == CandidateConfirmed {
			if _, err := s.DB.Exec(ctx, `INSERT INTO tracing_links (request_id, case_id, candidate_id, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
				c.RequestID, c.CaseID, c.ID, actor, store.FormatTime(now)); err != nil {
				return fmt.Errorf("tracing: link: %w", err)
			}
			if _, err := s.DB.Exec(ctx, `UPDATE tracing_requests SET status = ?, updated_at = ? WHERE id = ?`,
				string(StatusMatched), store.FormatTime(now), c.RequestID); err != nil {
				return fmt.Errorf("tracing: link: %w", err)
			}
		}
		c.Status, c.DecidedBy, c.DecidedAt, c.Reason = d.Status, actor, &now, d.Reason
		out = c
		return audit.Log(ctx, s.DB, audit.Event{Action: "tracing.decide", ObjectType: "tracing_candidate", ObjectID: strconv.FormatInt(c.ID, 10),
			Detail: fmt.Sprintf("%s: request %d, case %d", d.Status, c.RequestID, c.CaseID)})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Close ends a request without (further) matches, saying why. New cases
// are no longer matched against it.
func (s *Service) Close(ctx context.Context, id int64, reason string) (*Request, error) {
	if _, err := require(ctx, auth.PermTracingRequest); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	v := &ValidationError{}
	checkText(v, "reason", reason)
	if reason == "" {
		v.Add("reason", "a reason is required to close a request")
	}
	if err := problems(v); err != nil {
		return nil, err
	}
	var out *Request
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.loadRequest(ctx, id)
		if err != nil {
			return err
		}
		if r.Status == StatusClosed {
			return &conflictError{fmt.Sprintf("request %d is already closed", id)}
		}
		now := s.now()
		if _, err := s.DB.Exec(ctx, `UPDATE tracing_requests SET status = ?, closed_reason = ?, updated_at = ? WHERE id = ?`,
			string(StatusClosed), reason, store.FormatTime(now), id); err != nil {
			return fmt.Errorf("tracing: close request: %w", err)
		}
		r.Status, r.ClosedReason, r.UpdatedAt = StatusClosed, reason, now
		out = r
		return audit.Log(ctx, s.DB, audit.Event{Action: "tracing.request.close", ObjectType: "tracing_request", ObjectID: strconv.FormatInt(id, 10)})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MakeSponsor turns a confirmed link into a sponsor record of the case,
// with the relative's name, contact and relationship (the children domain
// derives the category and starts the vetting checklist). A link already
// made into a sponsor is a conflict.
func (s *Service) MakeSponsor(ctx context.Context, linkID int64) (*release.Sponsor, error) {
	if _, err := require(ctx, auth.PermTracingDecide); err != nil {
		return nil, err
	}
	scope, err := s.Cases.ScopeFor(ctx)
	if err != nil {
		return nil, fmt.Errorf("tracing: make sponsor: %w", err)
	}
	var sp *release.Sponsor
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		l, err := scanLink(s.DB.QueryRow(ctx, `SELECT `+linkCols+` FROM tracing_links WHERE id = ?`, linkID))
		if err != nil {
			if store.IsNoRows(err) {
				return notFound("link", linkID)
			}
			return err
		}
		seen, err := s.visible(ctx, scope, []int64{l.CaseID})
		if err != nil {
			return err
		}
		if seen[l.CaseID] == nil {
			return notFound("link", linkID)
		}
		if err := caseEnded(l.CaseID, seen[l.CaseID].State); err != nil {
			return err
		}
		if l.SponsorID != nil {
			return &conflictError{fmt.Sprintf("link %d is already sponsor %d", l.ID, *l.SponsorID)}
		}
		r, err := s.loadRequest(ctx, l.RequestID)
		if err != nil {
			return err
		}
		sp, err = s.Release.AddSponsor(ctx, release.Sponsor{CaseID: l.CaseID, GivenNames: r.Seeker.GivenNames, Surnames: r.Seeker.Surnames,
			Phone: r.Seeker.Contact, Relationship: r.Seeker.Relationship})
		if err != nil {
			return err
		}
		if _, err := s.DB.Exec(ctx, `UPDATE tracing_links SET sponsor_id = ? WHERE id = ?`, sp.ID, l.ID); err != nil {
			return fmt.Errorf("tracing: make sponsor: %w", err)
		}
		return audit.Log(ctx, s.DB, audit.Event{Action: "tracing.sponsor", ObjectType: "tracing_link", ObjectID: strconv.FormatInt(l.ID, 10),
			Detail: fmt.Sprintf("sponsor %d for case %d", sp.ID, l.CaseID)})
	})
	if err != nil {
		return nil, err
	}
	return sp, nil
}
