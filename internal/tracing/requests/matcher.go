package requests

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/tracing"
)

// MatcherOptions tune a Matcher. The zero value is usable.
type MatcherOptions struct {
	// Model scores candidates. When nil, the default model is used, with
	// name frequencies counted on the cases once there are enough of them
	// (MinCasesForFrequencies) for the counts to mean something.
	Model *tracing.Model
	// Threshold is the probability from which a case is proposed for a
	// request (default tracing.DefaultLinkThreshold).
	Threshold float64
	// Lag is how long a case id stays under watch before the cursor moves
	// past it. Ids are handed out when a transaction starts but become
	// visible when it commits, so a lower id can appear after a higher
	// one; keeping the last Lag of ids under watch catches those. Default
	// one minute; tests set it to a negative value to move at once.
	Lag time.Duration
	// Logger receives errors of the background loop (default slog.Default).
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
	// FrequenciesFrom is the number of cases from which name frequencies
	// are counted (default MinCasesForFrequencies); tests lower it.
	FrequenciesFrom int
	// Cases is the custody service the matcher reads the cases through
	// (cmd/amparo serve hands over the server's own). When nil, one is
	// made on the database, for the CLI and tests.
	Cases *custody.Service
}

// MinCasesForFrequencies is the number of cases from which name frequencies
// are counted on the cases themselves. Below it every name would look rare
// and every agreement strong, so the default model's plain weights are used.
const MinCasesForFrequencies = 1000

// cursorKey is where the matcher keeps, in the meta table, the case id up
// to which every case has been matched against the open requests.
const cursorKey = "tracing.matcher.case_cursor"

// matcherActor is who the audit log names for the background matching.
var matcherActor = audit.Actor{Email: "system:tracing-matcher", Role: "system"}

// Matcher holds every child's case in a tracing.Index, so that a request
// is matched in memory, and keeps it current: Sync picks up cases created
// since its cursor, indexes them and matches each against the open
// requests, storing what it finds as proposed candidates.
type Matcher struct {
	db    *store.DB
	cases *custody.Service
	// ix is set when the matcher is made (setIndex); its model is
	// refreshed in place as the cases grow (Rebuild).
	ix        atomic.Pointer[tracing.Index]
	model     *tracing.Model // given by the options; nil: counted on the cases
	freqFrom  int
	threshold float64
	lag       time.Duration
	log       *slog.Logger
	now       func() time.Time

	// mu serialises Sync and the matching of a new request, so that a case
	// and a request created at the same time are always matched against
	// each other by one side or the other.
	mu      sync.Mutex
	maxID   atomic.Int64 // the highest case id indexed
	indexed bitset
	built   int                 // cases in the index when its model was last counted
	floor   int64               // every case with id <= floor was matched
	pending map[int64]time.Time // cases above floor already matched, with when they were first seen
	editSeq atomic.Int64        // the last identity correction indexed (custody.Correction.Seq)
	applied map[int64]bool      // corrections of the last editWindow numbers already indexed
}

// NewMatcher builds the index from every case in db.
func NewMatcher(ctx context.Context, db *store.DB, opts MatcherOptions) (*Matcher, error) {
	m := newMatcher(db, opts)
	floor, stored, err := m.readCursor(ctx)
	if err != nil {
		return nil, err
	}
	// Corrections made from here on are picked up by Sync: the cases read
	// below may or may not show them, and indexing one anew is harmless.
	_, seq, err := m.cases.MaxIDs(reader(ctx))
	if err != nil {
		return nil, fmt.Errorf("tracing: identity corrections: %w", err)
	}
	m.editSeq.Store(seq)
	// The cases read below show the corrections made so far.
	if err := m.markApplied(ctx, seq); err != nil {
		return nil, err
	}
	var recs []tracing.Record
	var ids []int64
	err = eachCase(ctx, m.cases, 0, func(id int64, rs []tracing.Record) error {
		recs = append(recs, rs...)
		ids = append(ids, id)
		return nil
	})
	if err != nil {
		return nil, err
	}
	m.setIndex(recs)
	for _, id := range ids {
		m.indexed.set(id)
	}
	if len(ids) > 0 {
		m.maxID.Store(ids[len(ids)-1])
	}
	m.floor = floor
	if !stored && len(ids) > 0 {
		// First start: while no request exists there is nothing to match
		// the cases already on record against (a request is matched against
		// every case when it is recorded), so the cursor starts after them.
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM tracing_requests`).Scan(&n); err != nil {
			return nil, fmt.Errorf("tracing: count requests: %w", err)
		}
		if n == 0 {
			m.floor = ids[len(ids)-1]
			if err := db.SetMeta(ctx, cursorKey, strconv.FormatInt(m.floor, 10)); err != nil {
				return nil, fmt.Errorf("tracing: matcher cursor: %w", err)
			}
		}
	}
	return m, nil
}

// NewMatcherFromRecords builds a matcher over records that are not read
// from db (their IDs must be case ids); for benchmarks of large indexes.
// db still receives the audit rows and the candidates.
func NewMatcherFromRecords(db *store.DB, recs []tracing.Record, opts MatcherOptions) *Matcher {
	m := newMatcher(db, opts)
	m.setIndex(recs)
	return m
}

func newMatcher(db *store.DB, opts MatcherOptions) *Matcher {
	m := &Matcher{db: db, cases: casesOr(opts.Cases, db), model: opts.Model, freqFrom: opts.FrequenciesFrom, threshold: opts.Threshold, lag: opts.Lag, log: opts.Logger, now: opts.Now,
		pending: map[int64]time.Time{}, applied: map[int64]bool{}}
	if m.freqFrom <= 0 {
		m.freqFrom = MinCasesForFrequencies
	}
	if m.threshold <= 0 {
		m.threshold = tracing.DefaultLinkThreshold
	}
	if m.lag == 0 {
		m.lag = time.Minute
	}
	if m.log == nil {
		m.log = slog.Default()
	}
	if m.now == nil {
		m.now = time.Now
	}
	return m
}

func (m *Matcher) setIndex(recs []tracing.Record) {
	m.ix.Store(m.newIndex(recs))
	m.built = len(recs)
}

func (m *Matcher) newIndex(recs []tracing.Record) *tracing.Index {
	model := m.model
	if model == nil && len(recs) < m.freqFrom {
		model = tracing.DefaultModel()
	}
	return tracing.NewIndex(recs, model)
}

// Len is the number of cases indexed.
func (m *Matcher) Len() int { return m.ix.Load().Len() }

// Model is the model the matcher scores with.
func (m *Matcher) Model() *tracing.Model { return m.ix.Load().Model() }

// rebuildDue reports whether the index should be rebuilt so that its name
// frequencies are those of the cases now on record: once there are enough
// cases to count them, and again each time the number of cases doubles.
func (m *Matcher) rebuildDue() bool {
	if m.model != nil {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	n := m.ix.Load().Len()
	return n >= m.freqFrom && n >= 2*m.built
}

// Rebuild counts the model's name frequencies on the cases now indexed
// and scores with it from then on (tracing.Index.RefreshModel). The index
// itself is kept: its records and keys do not depend on the model. (It
// used to build a second index from every case read again, which held
// both indexes, every record and every record's features at once: the
// peak of a large import, internal/loadtest/NOTES.md.) Searches and syncs
// go on meanwhile.
func (m *Matcher) Rebuild(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ix := m.ix.Load()
	if m.model != nil || ix.Len() < m.freqFrom {
		return nil
	}
	ix.RefreshModel()
	m.mu.Lock()
	m.built = ix.Len()
	m.mu.Unlock()
	return nil
}

// Threshold is the probability from which a case is proposed.
func (m *Matcher) Threshold() float64 { return m.threshold }

func (m *Matcher) readCursor(ctx context.Context) (int64, bool, error) {
	v, ok, err := m.db.Meta(ctx, cursorKey)
	if err != nil || !ok {
		return 0, false, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("tracing: matcher cursor %q: %w", v, err)
	}
	return n, true, nil
}

// casesOr returns cases, or a custody service made on db when it is nil.
func casesOr(cases *custody.Service, db *store.DB) *custody.Service {
	if cases != nil {
		return cases
	}
	return custody.New(db, facilities.New(db, nil), nil)
}

// reader is the context the matcher reads cases in: the caller's, or,
// for the background worker, which acts for no one, the operator's.
func reader(ctx context.Context) context.Context {
	if _, ok := auth.Acting(ctx); ok {
		return ctx
	}
	return auth.OperatorContext(ctx, "tracing-matcher")
}

// eachCase calls fn for every case with id > after, in id order, with the
// records the case is indexed under (see caseRecordsOf).
func eachCase(ctx context.Context, cases *custody.Service, after int64, fn func(id int64, rs []tracing.Record) error) error {
	return cases.Identities(reader(ctx), after, func(id int64, ci custody.CaseIdentity) error {
		return fn(id, caseRecordsFrom(id, ci))
	})
}

// caseRecords reads one case as the engine compares it.
func caseRecords(ctx context.Context, cases *custody.Service, id int64) ([]tracing.Record, error) {
	ci, err := cases.Identity(reader(ctx), id)
	if err != nil {
		return nil, fmt.Errorf("tracing: read case %d: %w", id, err)
	}
	return caseRecordsFrom(id, ci), nil
}

// caseRecordsFrom is a case as the engine compares it. A birth date that
// was estimated (from appearance, say) is compared by its year only: the
// day and month of an estimate are not evidence.
func caseRecordsFrom(id int64, ci custody.CaseIdentity) []tracing.Record {
	r := tracing.Record{Person: ci.Person}
	if ci.BirthDateEstimated && len(r.BirthDate) >= 4 {
		r.BirthDate = r.BirthDate[:4]
	}
	r.ID = strconv.FormatInt(id, 10)
	return caseRecordsOf(r, ci.AKA)
}

// caseRecordsOf returns the records a case is indexed under: as recorded,
// and once more for each name it is also known as. Names in aka are
// separated by ";", "," or a line break. A one-word name is another given
// name with the case's surnames (a nickname: "Chepe"); a longer one is a
// full name whose last word is a surname, or last two when there are three
// or more ("Chepe Xiloj", "José Luis Xiloj Tzul").
func caseRecordsOf(r tracing.Record, aka string) []tracing.Record {
	out := []tracing.Record{r}
	for _, name := range strings.FieldsFunc(aka, func(c rune) bool { return c == ';' || c == ',' || c == '\n' }) {
		ws := strings.Fields(name)
		a := r
		switch {
		case len(ws) == 0:
			continue
		case len(ws) == 1:
			a.GivenNames = ws[0]
		case len(ws) == 2:
			a.GivenNames, a.Surname1, a.Surname2 = ws[0], ws[1], ""
		default:
			n := len(ws)
			a.GivenNames, a.Surname1, a.Surname2 = strings.Join(ws[:n-2], " "), ws[n-2], ws[n-1]
		}
		if a != r {
			out = append(out, a)
		}
		if len(out) > maxAliases {
			break
		}
	}
	return out
}

// maxAliases bounds the extra names a case is indexed under, so that one
// overlong aka cannot swell the index.
const maxAliases = 8

// search returns the indexed cases that match rec, best first.
func (m *Matcher) search(ctx context.Context, rec tracing.Record, topK int, threshold float64) []tracing.Candidate {
	return m.ix.Load().Search(ctx, rec, topK, threshold)
}

// SyncResult says what one Sync did.
type SyncResult struct {
	NewCases   int // cases indexed by this Sync
	Reindexed  int // cases indexed anew after a correction of their identity
	Matched    int // cases matched against the open requests
	Candidates int // candidates proposed
}

// Sync indexes the cases created since the cursor and matches each against
// the open requests. It is what the background loop runs; tests call it
// directly.
func (m *Matcher) Sync(ctx context.Context) (SyncResult, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.syncLocked(ctx)
}

func (m *Matcher) syncLocked(ctx context.Context) (SyncResult, error) {
	var res SyncResult
	type newCase struct {
		id int64
		rs []tracing.Record
	}
	var fresh []newCase
	err := eachCase(ctx, m.cases, m.floor, func(id int64, rs []tracing.Record) error {
		if _, done := m.pending[id]; done {
			return nil
		}
		if !m.indexed.has(id) {
			m.ix.Load().Replace(rs[0].ID, rs...)
			m.indexed.set(id)
			if id > m.maxID.Load() {
				m.maxID.Store(id)
			}
			res.NewCases++
		}
		fresh = append(fresh, newCase{id, rs})
		return nil
	})
	if err != nil {
		return res, err
	}
	// Cases whose identity was corrected: indexed anew under their new
	// names, and matched again like new cases.
	edited, err := m.readCorrections(ctx)
	if err != nil {
		return res, err
	}
	for _, id := range edited {
		if !m.indexed.has(id) {
			continue // not indexed yet: read as a new case, as it is now
		}
		rs, err := caseRecords(ctx, m.cases, id)
		if errors.Is(err, store.ErrNotFound) {
			m.ix.Load().Replace(strconv.FormatInt(id, 10))
			continue
		}
		if err != nil {
			return res, err
		}
		m.ix.Load().Replace(rs[0].ID, rs...)
		res.Reindexed++
		fresh = append(fresh, newCase{id, rs})
	}
	now := m.now()
	if len(fresh) > 0 {
		reqs, err := openRequestRecords(ctx, m.db)
		if err != nil {
			return res, err
		}
		// The open requests are few next to the cases: an index of them,
		// built with the cases' model (so that name frequencies are those of
		// the population), answers "which requests could this child be".
		var rix *tracing.Index
		if len(reqs) > 0 {
			rix = tracing.NewIndex(reqs, m.Model())
		}
		ctx := audit.WithActor(ctx, matcherActor)
		err = m.db.WithTx(ctx, func(ctx context.Context) error {
			for _, c := range fresh {
				if rix == nil {
					break
				}
				for _, hit := range searchAll(ctx, rix, c.rs, maxProposals, m.threshold) {
					reqID, err := strconv.ParseInt(hit.ID, 10, 64)
					if err != nil {
						return fmt.Errorf("tracing: request id %q: %w", hit.ID, err)
					}
					added, err := insertCandidate(ctx, m.db, reqID, c.id, hit, foundByNewCase, now)
					if err != nil {
						return err
					}
					if added {
						res.Candidates++
					}
				}
			}
			if res.Candidates == 0 {
				return nil
			}
			return audit.Log(ctx, m.db, audit.Event{Action: "tracing.match", ObjectType: "tracing", ObjectID: "cases",
				Detail: fmt.Sprintf("%d new cases matched against %d open requests: %d candidates proposed", len(fresh), len(reqs), res.Candidates)})
		})
		if err != nil {
			return res, err
		}
		for _, c := range fresh {
			if c.id > m.floor {
				m.pending[c.id] = now
			}
		}
		res.Matched = len(fresh)
	}
	return res, m.advance(ctx, now)
}

// readCorrections returns the cases whose identity was corrected since the
// last call, and moves past them. A sequence number is taken when a
// correction is written but seen when it commits, so a lower one can appear
// after a higher: the last editWindow numbers are read again each time and
// those already applied skipped.
func (m *Matcher) readCorrections(ctx context.Context) ([]int64, error) {
	changes, err := m.cases.IdentityChangesSince(reader(ctx), m.editSeq.Load()-editWindow)
	if err != nil {
		return nil, fmt.Errorf("tracing: identity corrections: %w", err)
	}
	var ids []int64
	seen := map[int64]bool{}
	last := m.editSeq.Load()
	for _, c := range changes {
		seq, id := c.Seq, c.CaseID
		if m.applied[seq] {
			continue
		}
		m.applied[seq] = true
		last = max(last, seq)
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	m.editSeq.Store(last)
	for seq := range m.applied {
		if seq <= last-editWindow {
			delete(m.applied, seq)
		}
	}
	return ids, nil
}

// markApplied records the corrections of the window below seq as indexed.
func (m *Matcher) markApplied(ctx context.Context, seq int64) error {
	changes, err := m.cases.IdentityChangesSince(reader(ctx), seq-editWindow)
	if err != nil {
		return fmt.Errorf("tracing: identity corrections: %w", err)
	}
	for _, c := range changes {
		if c.Seq <= seq {
			m.applied[c.Seq] = true
		}
	}
	return nil
}

// editWindow is how many sequence numbers of corrections are read again,
// for those committed out of order (concurrent corrections are rare: a
// few at most are in flight at once).
const editWindow = 64

// searchAll searches ix with each of a case's records (its names and
// also-known-as names) and returns each hit once, its best.
func searchAll(ctx context.Context, ix *tracing.Index, rs []tracing.Record, topK int, threshold float64) []tracing.Candidate {
	if len(rs) == 1 {
		return ix.Search(ctx, rs[0], topK, threshold)
	}
	best := map[string]tracing.Candidate{}
	for _, r := range rs {
		for _, c := range ix.Search(ctx, r, topK, threshold) {
			if b, ok := best[c.ID]; !ok || c.Weight > b.Weight {
				best[c.ID] = c
			}
		}
	}
	out := make([]tracing.Candidate, 0, len(best))
	for _, c := range best {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b tracing.Candidate) int {
		if a.Weight != b.Weight {
			if a.Weight > b.Weight {
				return -1
			}
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out[:min(len(out), topK)]
}

// Refresh syncs when a case newer than any indexed exists, or a correction
// of a case's identity not yet indexed, so that a search right after an
// intake or a correction sees it. The check is two indexed MAX queries; the
// background loop catches the rarer late commits.
func (m *Matcher) Refresh(ctx context.Context) error {
	maxID, seq, err := m.cases.MaxIDs(reader(ctx))
	if err != nil {
		return fmt.Errorf("tracing: newest case: %w", err)
	}
	if maxID <= m.maxID.Load() && seq <= m.editSeq.Load() {
		return nil
	}
	_, err = m.Sync(ctx)
	return err
}

// advance moves the cursor past the cases first seen at least lag ago and
// stores it.
func (m *Matcher) advance(ctx context.Context, now time.Time) error {
	floor := m.floor
	for id, seen := range m.pending {
		if id > floor && now.Sub(seen) >= m.lag {
			floor = id
		}
	}
	if floor == m.floor {
		return nil
	}
	if err := m.db.SetMeta(ctx, cursorKey, strconv.FormatInt(floor, 10)); err != nil {
		return fmt.Errorf("tracing: matcher cursor: %w", err)
	}
	m.floor = floor
	for id := range m.pending {
		if id <= floor {
			delete(m.pending, id)
		}
	}
	return nil
}

// Run syncs every interval until ctx ends or the database is closed.
func (m *Matcher) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		res, err := m.Sync(ctx)
		switch {
		case err != nil && (ctx.Err() != nil || isClosed(err)):
			return
		case err != nil:
			m.log.ErrorContext(ctx, "tracing: sync", "err", err)
		case res.Candidates > 0 || res.NewCases > 0:
			m.log.InfoContext(ctx, "tracing: sync", "new_cases", res.NewCases, "candidates", res.Candidates, "indexed", m.Len())
		}
		if err == nil && m.rebuildDue() {
			start := time.Now()
			if err := m.Rebuild(ctx); err != nil {
				if ctx.Err() != nil || isClosed(err) {
					return
				}
				m.log.ErrorContext(ctx, "tracing: rebuild the index", "err", err)
			} else {
				m.log.InfoContext(ctx, "tracing: model counted again on the cases", "indexed", m.Len(),
					"took", time.Since(start).Round(time.Millisecond).String())
			}
		}
	}
}

// isClosed reports whether err says the database handle was closed: the
// loop's owner has gone and the loop ends with it. database/sql has no
// exported value for this error.
func isClosed(err error) bool {
	return err != nil && strings.Contains(err.Error(), "sql: database is closed")
}

// openRequestRecords reads the open requests as records whose ID is the
// request id.
func openRequestRecords(ctx context.Context, db *store.DB) ([]tracing.Record, error) {
	rows, err := db.Query(ctx, `SELECT id, given_names, surname1, surname2, sex, birth_date, birth_country, birth_place, mother_name, father_name
		FROM tracing_requests WHERE status = ? ORDER BY id`, string(StatusOpen))
	if err != nil {
		return nil, fmt.Errorf("tracing: open requests: %w", err)
	}
	defer rows.Close()
	var out []tracing.Record
	for rows.Next() {
		var id int64
		var r tracing.Record
		if err := rows.Scan(&id, &r.GivenNames, &r.Surname1, &r.Surname2, &r.Sex, &r.BirthDate, &r.BirthCountry, &r.BirthPlace, &r.MotherName, &r.FatherName); err != nil {
			return nil, fmt.Errorf("tracing: open requests: %w", err)
		}
		r.ID = strconv.FormatInt(id, 10)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tracing: open requests: %w", err)
	}
	return out, nil
}

// Where a candidate came from.
const (
	foundByRequest = "request"  // when the request was recorded
	foundByNewCase = "new_case" // when the case arrived after the request
)

// maxProposals bounds the candidates stored for one request or one case.
const maxProposals = 20

// insertCandidate stores a proposed candidate unless the pair is already
// known (then its first row and any decision stand). It reports whether a
// row was added.
func insertCandidate(ctx context.Context, db *store.DB, reqID, caseID int64, c tracing.Candidate, foundBy string, now time.Time) (bool, error) {
	ex, err := json.Marshal(c.Explanation)
	if err != nil {
		return false, fmt.Errorf("tracing: candidate explanation: %w", err)
	}
	res, err := db.Exec(ctx, `INSERT INTO tracing_candidates (request_id, case_id, probability, weight, explanation, found_by, found_at, status)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_id, case_id) DO NOTHING`,
		reqID, caseID, c.Probability, c.Weight, string(ex), foundBy, store.FormatTime(now), string(CandidateProposed))
	if err != nil {
		return false, fmt.Errorf("tracing: store candidate: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("tracing: store candidate: %w", err)
	}
	return n > 0, nil
}

// bitset is a set of case ids, which are small dense integers: a million
// cases take 125 KB.
type bitset []uint64

func (b bitset) has(id int64) bool {
	w := int(id >> 6)
	return id >= 0 && w < len(b) && b[w]&(1<<(uint(id)&63)) != 0
}

func (b *bitset) set(id int64) {
	if id < 0 {
		return
	}
	w := int(id >> 6)
	if w >= len(*b) {
		*b = slices.Grow(*b, w+1-len(*b))[:w+1]
	}
	(*b)[w] |= 1 << (uint(id) & 63)
}
