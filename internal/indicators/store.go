package indicators

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/amparo-project/amparo/internal/store"
)

// ensureCatalog writes the known countries, indicators and scopes. Existing
// rows are refreshed so that a corrected description reaches old databases.
func ensureCatalog(ctx context.Context, db *store.DB) error {
	for _, c := range knownCountries {
		if _, err := db.Exec(ctx, `INSERT INTO ind_countries (code, name, kind) VALUES (?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind`, c.Code, c.Name, c.Kind); err != nil {
			return fmt.Errorf("indicators: catalogue country %s: %w", c.Code, err)
		}
	}
	for _, in := range knownIndicators {
		if _, err := db.Exec(ctx, `INSERT INTO ind_indicators (code, name, unit, definition, kind) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, unit = excluded.unit, definition = excluded.definition, kind = excluded.kind`,
			in.Code, in.Name, in.Unit, in.Definition, in.Kind); err != nil {
			return fmt.Errorf("indicators: catalogue indicator %s: %w", in.Code, err)
		}
	}
	for _, s := range knownScopes {
		if _, err := db.Exec(ctx, `INSERT INTO ind_scopes (code, label, description) VALUES (?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET label = excluded.label, description = excluded.description`, s.Code, s.Label, s.Description); err != nil {
			return fmt.Errorf("indicators: catalogue scope %s: %w", s.Code, err)
		}
	}
	return nil
}

// upsertSource saves a source's description and returns its id; with
// keep, an existing description is left as it is.
func upsertSource(ctx context.Context, db *store.DB, s Source, keep bool) (int64, error) {
	if s.Key == "" {
		return 0, fmt.Errorf("indicators: source has no key")
	}
	var id int64
	if keep {
		if _, err := db.Exec(ctx, `INSERT INTO ind_sources (skey, publisher, title, url, retrieved, licence, priority, note)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (skey) DO NOTHING`,
			s.Key, s.Publisher, s.Title, s.URL, s.Retrieved, s.Licence, s.Priority, s.Note); err != nil {
			return 0, fmt.Errorf("indicators: save source %s: %w", s.Key, err)
		}
		if err := db.QueryRow(ctx, `SELECT id FROM ind_sources WHERE skey = ?`, s.Key).Scan(&id); err != nil {
			return 0, fmt.Errorf("indicators: save source %s: %w", s.Key, err)
		}
		return id, nil
	}
	err := db.QueryRow(ctx, `INSERT INTO ind_sources (skey, publisher, title, url, retrieved, licence, priority, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (skey) DO UPDATE SET publisher = excluded.publisher, title = excluded.title, url = excluded.url,
			retrieved = excluded.retrieved, licence = excluded.licence, priority = excluded.priority, note = excluded.note
		RETURNING id`, s.Key, s.Publisher, s.Title, s.URL, s.Retrieved, s.Licence, s.Priority, s.Note).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("indicators: save source %s: %w", s.Key, err)
	}
	return id, nil
}

type putResult int

const (
	unchanged putResult = iota
	inserted
	updated
)

// seriesID returns the id of rec's series under the import's source,
// storing the series when it is new.
func (imp *importer) seriesID(ctx context.Context, rec Record) (int64, error) {
	k := seriesKey{rec.Country, rec.Indicator, rec.Scope}
	if id, ok := imp.series[k]; ok {
		return id, nil
	}
	var id int64
	err := imp.db.QueryRow(ctx, `SELECT id FROM ind_series WHERE country = ? AND indicator = ? AND scope = ? AND source_id = ?`,
		k.country, k.indicator, k.scope, imp.sourceID).Scan(&id)
	if store.IsNoRows(err) {
		err = imp.db.QueryRow(ctx, `INSERT INTO ind_series (country, indicator, scope, source_id) VALUES (?, ?, ?, ?) RETURNING id`,
			k.country, k.indicator, k.scope, imp.sourceID).Scan(&id)
	}
	if err != nil {
		return 0, fmt.Errorf("indicators: series %s %s %s: %w", rec.Country, rec.Indicator, rec.Scope, err)
	}
	imp.series[seriesKey{strings.Clone(k.country), strings.Clone(k.indicator), strings.Clone(k.scope)}] = id
	return id, nil
}

// putValue inserts a value of a series, or updates it keeping the earlier
// value as a revision. A value equal to the stored one changes nothing.
func putValue(ctx context.Context, db *store.DB, seriesID, runID int64, now string, rec Record) (putResult, error) {
	var (
		old     sql.NullFloat64
		oldText string
		oldRun  int64
	)
	var newVal any
	if !rec.IsText {
		newVal = rec.Value
	}
	err := db.QueryRow(ctx, `SELECT value, value_text, run_id FROM ind_points WHERE series_id = ? AND period = ?`,
		seriesID, rec.Period).Scan(&old, &oldText, &oldRun)
	switch {
	case store.IsNoRows(err):
		_, err := db.Exec(ctx, `INSERT INTO ind_points (series_id, period, value, value_text, cite_url, note, run_id)
			VALUES (?, ?, ?, ?, ?, ?, ?)`,
			seriesID, rec.Period, newVal, rec.Text, rec.CiteURL, rec.Note, runID)
		if err != nil {
			return 0, fmt.Errorf("indicators: store %s %s %s: %w", rec.Country, rec.Indicator, rec.Period, err)
		}
		return inserted, nil
	case err != nil:
		return 0, fmt.Errorf("indicators: look up %s %s %s: %w", rec.Country, rec.Indicator, rec.Period, err)
	}
	same := false
	if rec.IsText {
		same = !old.Valid && oldText == rec.Text
	} else {
		same = old.Valid && sameNumber(old.Float64, rec.Value)
	}
	if same {
		// Keep notes and citations current without making a revision.
		if _, err := db.Exec(ctx, `UPDATE ind_points SET cite_url = ?, note = ? WHERE series_id = ? AND period = ? AND (cite_url <> ? OR note <> ?)`,
			rec.CiteURL, rec.Note, seriesID, rec.Period, rec.CiteURL, rec.Note); err != nil {
			return 0, fmt.Errorf("indicators: refresh %s %s %s: %w", rec.Country, rec.Indicator, rec.Period, err)
		}
		return unchanged, nil
	}
	var oldVal any
	if old.Valid {
		oldVal = old.Float64
	}
	if _, err := db.Exec(ctx, `INSERT INTO ind_revisions (series_id, period, old_value, old_text, old_run_id, new_value, new_text, new_run_id, revised_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, seriesID, rec.Period, oldVal, oldText, oldRun, newVal, rec.Text, runID, now); err != nil {
		return 0, fmt.Errorf("indicators: keep revision of %s %s %s: %w", rec.Country, rec.Indicator, rec.Period, err)
	}
	if _, err := db.Exec(ctx, `UPDATE ind_points SET value = ?, value_text = ?, cite_url = ?, note = ?, run_id = ? WHERE series_id = ? AND period = ?`,
		newVal, rec.Text, rec.CiteURL, rec.Note, runID, seriesID, rec.Period); err != nil {
		return 0, fmt.Errorf("indicators: update %s %s %s: %w", rec.Country, rec.Indicator, rec.Period, err)
	}
	return updated, nil
}

// sameNumber compares stored and new values; the engines round-trip
// float64 exactly, the tolerance only absorbs text-to-float noise.
func sameNumber(a, b float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= 1e-12*math.Max(math.Abs(a), math.Abs(b))
}

// Point is one value of a series, with its provenance.
type Point struct {
	Period    string     `json:"period"`
	Value     *float64   `json:"value"` // nil for text values
	Text      string     `json:"text,omitempty"`
	SourceKey string     `json:"source"`
	CiteURL   string     `json:"cite_url,omitempty"`
	Note      string     `json:"note,omitempty"`
	Others    []Point    `json:"other_sources,omitempty"` // the same period from lower-priority sources
	Revisions []Revision `json:"revisions,omitempty"`
}

// Revision is an earlier value replaced by a re-import.
type Revision struct {
	OldValue  *float64 `json:"old_value"`
	OldText   string   `json:"old_text,omitempty"`
	NewValue  *float64 `json:"new_value"`
	RevisedAt string   `json:"revised_at"`
}

// Series is one country's values of one indicator in one scope and one
// frequency: the unit every chart, forecast and correlation works on.
type Series struct {
	Country   string    `json:"country"`
	Indicator string    `json:"indicator"`
	Scope     string    `json:"scope"`
	Frequency Frequency `json:"frequency"`
	Points    []Point   `json:"points"`
}

// Key names the series in URLs and file names.
func (s Series) Key() string {
	return s.Country + "/" + s.Indicator + "/" + string(s.Frequency) + "/" + s.Scope
}

// Values returns the numeric values in period order.
func (s Series) Values() []float64 {
	out := make([]float64, 0, len(s.Points))
	for _, p := range s.Points {
		if p.Value != nil {
			out = append(out, *p.Value)
		}
	}
	return out
}

// SeriesFilter selects series; empty fields match everything.
type SeriesFilter struct {
	Country   string
	Indicator string
	Scope     *string
	Frequency Frequency
}

// LoadSeries returns the series matching f, one per (country, indicator,
// scope, frequency), each period showing its highest-priority source and
// listing the others.
func (s *Service) LoadSeries(ctx context.Context, f SeriesFilter) ([]Series, error) {
	q := `SELECT v.country, v.indicator, v.scope, p.period, p.value, p.value_text, s.skey, s.priority, p.cite_url, p.note
		FROM ind_series v JOIN ind_points p ON p.series_id = v.id JOIN ind_sources s ON s.id = v.source_id WHERE 1=1`
	var args []any
	if f.Country != "" {
		q += ` AND v.country = ?`
		args = append(args, f.Country)
	}
	if f.Indicator != "" {
		q += ` AND v.indicator = ?`
		args = append(args, f.Indicator)
	}
	if f.Scope != nil {
		q += ` AND v.scope = ?`
		args = append(args, *f.Scope)
	}
	q += ` ORDER BY v.country, v.indicator, v.scope, p.period, s.priority, s.skey`
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("indicators: load series: %w", err)
	}
	defer rows.Close()
	byKey := map[string]*Series{}
	var order []string
	type pending struct {
		key string
		pt  Point
	}
	var all []pending
	for rows.Next() {
		var (
			country, ind, scope, period, text string
			skey, cite, note                  string
			prio                              int
			val                               sql.NullFloat64
		)
		if err := rows.Scan(&country, &ind, &scope, &period, &val, &text, &skey, &prio, &cite, &note); err != nil {
			return nil, fmt.Errorf("indicators: load series: %w", err)
		}
		freq := PeriodFrequency(period)
		if f.Frequency != "" && freq != f.Frequency {
			continue
		}
		key := country + "/" + ind + "/" + string(freq) + "/" + scope
		if _, ok := byKey[key]; !ok {
			byKey[key] = &Series{Country: country, Indicator: ind, Scope: scope, Frequency: freq}
			order = append(order, key)
		}
		pt := Point{Period: period, Text: text, SourceKey: skey, CiteURL: cite, Note: note}
		if val.Valid {
			v := val.Float64
			pt.Value = &v
		}
		all = append(all, pending{key, pt})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("indicators: load series: %w", err)
	}
	for _, p := range all {
		se := byKey[p.key]
		n := len(se.Points)
		if n > 0 && se.Points[n-1].Period == p.pt.Period {
			se.Points[n-1].Others = append(se.Points[n-1].Others, p.pt)
			continue
		}
		se.Points = append(se.Points, p.pt)
	}
	// Revisions are rare: one query for the whole selection.
	if len(all) > 0 {
		if err := s.attachRevisions(ctx, byKey, f); err != nil {
			return nil, err
		}
	}
	out := make([]Series, 0, len(order))
	for _, k := range order {
		out = append(out, *byKey[k])
	}
	return out, nil
}

func (s *Service) attachRevisions(ctx context.Context, byKey map[string]*Series, f SeriesFilter) error {
	q := `SELECT v.country, v.indicator, v.scope, r.period, s.skey, r.old_value, r.old_text, r.new_value, r.revised_at
		FROM ind_revisions r JOIN ind_series v ON v.id = r.series_id JOIN ind_sources s ON s.id = v.source_id WHERE 1=1`
	var args []any
	if f.Country != "" {
		q += ` AND v.country = ?`
		args = append(args, f.Country)
	}
	if f.Indicator != "" {
		q += ` AND v.indicator = ?`
		args = append(args, f.Indicator)
	}
	q += ` ORDER BY r.id`
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("indicators: load revisions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			country, ind, scope, period, skey, oldText, at string
			oldV, newV                                     sql.NullFloat64
		)
		if err := rows.Scan(&country, &ind, &scope, &period, &skey, &oldV, &oldText, &newV, &at); err != nil {
			return fmt.Errorf("indicators: load revisions: %w", err)
		}
		se := byKey[country+"/"+ind+"/"+string(PeriodFrequency(period))+"/"+scope]
		if se == nil {
			continue
		}
		rev := Revision{OldText: oldText, RevisedAt: at}
		if oldV.Valid {
			v := oldV.Float64
			rev.OldValue = &v
		}
		if newV.Valid {
			v := newV.Float64
			rev.NewValue = &v
		}
		for i := range se.Points {
			p := &se.Points[i]
			if p.Period == period && p.SourceKey == skey {
				p.Revisions = append(p.Revisions, rev)
			}
		}
	}
	return rows.Err()
}

// IndicatorInfo is an indicator with what the database holds for it.
type IndicatorInfo struct {
	Indicator
	Countries []string `json:"countries"`
	Values    int      `json:"values"`
	First     string   `json:"first_period"`
	Last      string   `json:"last_period"`
}

// ListIndicators returns every indicator that has values.
func (s *Service) ListIndicators(ctx context.Context) ([]IndicatorInfo, error) {
	rows, err := s.db.Query(ctx, `SELECT i.code, i.name, i.unit, i.definition, i.kind, v.country, CAST(SUM(a.n) AS BIGINT), MIN(a.first), MAX(a.last)
		FROM (SELECT series_id, COUNT(*) AS n, MIN(period) AS first, MAX(period) AS last FROM ind_points GROUP BY series_id) a
		JOIN ind_series v ON v.id = a.series_id JOIN ind_indicators i ON i.code = v.indicator
		GROUP BY i.code, i.name, i.unit, i.definition, i.kind, v.country ORDER BY i.code, v.country`)
	if err != nil {
		return nil, fmt.Errorf("indicators: list: %w", err)
	}
	defer rows.Close()
	var out []IndicatorInfo
	for rows.Next() {
		var in Indicator
		var country, first, last string
		var n int
		if err := rows.Scan(&in.Code, &in.Name, &in.Unit, &in.Definition, &in.Kind, &country, &n, &first, &last); err != nil {
			return nil, fmt.Errorf("indicators: list: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].Code != in.Code {
			out = append(out, IndicatorInfo{Indicator: in, First: first, Last: last})
		}
		cur := &out[len(out)-1]
		cur.Countries = append(cur.Countries, country)
		cur.Values += n
		if first < cur.First {
			cur.First = first
		}
		if last > cur.Last {
			cur.Last = last
		}
	}
	return out, rows.Err()
}

// GetIndicator returns one indicator's description.
func (s *Service) GetIndicator(ctx context.Context, code string) (Indicator, error) {
	var in Indicator
	err := s.db.QueryRow(ctx, `SELECT code, name, unit, definition, kind FROM ind_indicators WHERE code = ?`, code).
		Scan(&in.Code, &in.Name, &in.Unit, &in.Definition, &in.Kind)
	if store.IsNoRows(err) {
		return in, fmt.Errorf("indicators: indicator %q: %w", code, store.ErrNotFound)
	}
	if err != nil {
		return in, fmt.Errorf("indicators: indicator %q: %w", code, err)
	}
	return in, nil
}

// ListSources returns every source, by key.
func (s *Service) ListSources(ctx context.Context) ([]Source, error) {
	rows, err := s.db.Query(ctx, `SELECT id, skey, publisher, title, url, retrieved, licence, priority, note FROM ind_sources ORDER BY skey`)
	if err != nil {
		return nil, fmt.Errorf("indicators: list sources: %w", err)
	}
	defer rows.Close()
	var out []Source
	for rows.Next() {
		var src Source
		if err := rows.Scan(&src.ID, &src.Key, &src.Publisher, &src.Title, &src.URL, &src.Retrieved, &src.Licence, &src.Priority, &src.Note); err != nil {
			return nil, fmt.Errorf("indicators: list sources: %w", err)
		}
		out = append(out, src)
	}
	return out, rows.Err()
}

// SourcesByKey indexes sources.
func (s *Service) SourcesByKey(ctx context.Context) (map[string]Source, error) {
	list, err := s.ListSources(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]Source, len(list))
	for _, src := range list {
		m[src.Key] = src
	}
	return m, nil
}

// ListCountries returns the countries that have values, focus countries
// first.
func (s *Service) ListCountries(ctx context.Context) ([]Country, error) {
	rows, err := s.db.Query(ctx, `SELECT code, name, kind FROM ind_countries c WHERE EXISTS (SELECT 1 FROM ind_series v JOIN ind_points p ON p.series_id = v.id WHERE v.country = c.code) ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("indicators: list countries: %w", err)
	}
	defer rows.Close()
	var out []Country
	for rows.Next() {
		var c Country
		if err := rows.Scan(&c.Code, &c.Name, &c.Kind); err != nil {
			return nil, fmt.Errorf("indicators: list countries: %w", err)
		}
		out = append(out, c)
	}
	rank := func(code string) int {
		for i, f := range FocusCountries {
			if f == code {
				return i
			}
		}
		return len(FocusCountries)
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i].Code) < rank(out[j].Code) })
	return out, rows.Err()
}

// Corrections returns what the latest import of each source corrected.
func (s *Service) Corrections(ctx context.Context, sourceKey string) ([]Correction, error) {
	rows, err := s.db.Query(ctx, `SELECT c.line, c.field, c.original, c.corrected, c.reason FROM ind_import_corrections c
		JOIN ind_import_runs r ON r.id = c.run_id JOIN ind_sources s ON s.id = r.source_id
		WHERE s.skey = ? AND r.id = (SELECT MAX(r2.id) FROM ind_import_runs r2 WHERE r2.source_id = s.id) ORDER BY c.id`, sourceKey)
	if err != nil {
		return nil, fmt.Errorf("indicators: corrections: %w", err)
	}
	defer rows.Close()
	var out []Correction
	for rows.Next() {
		var c Correction
		if err := rows.Scan(&c.Line, &c.Field, &c.Original, &c.Corrected, &c.Reason); err != nil {
			return nil, fmt.Errorf("indicators: corrections: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Projection is an official forecast made at some date.
type Projection struct {
	MadeOn       string  `json:"made_on"`
	MadeBy       string  `json:"made_by"`
	Country      string  `json:"country"`
	Indicator    string  `json:"indicator"`
	TargetPeriod string  `json:"target_period"`
	Projected    float64 `json:"projected"`
	SourceKey    string  `json:"source"`
	CiteURL      string  `json:"cite_url"`
	Note         string  `json:"note"`
}

func putProjection(ctx context.Context, db *store.DB, sourceID int64, p Projection) error {
	_, err := db.Exec(ctx, `INSERT INTO ind_projections (made_on, made_by, country, indicator, target_period, projected_value, source_id, cite_url, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (made_on, made_by, target_period, source_id) DO UPDATE SET projected_value = excluded.projected_value,
			cite_url = excluded.cite_url, note = excluded.note, country = excluded.country, indicator = excluded.indicator`,
		p.MadeOn, p.MadeBy, p.Country, p.Indicator, p.TargetPeriod, p.Projected, sourceID, p.CiteURL, p.Note)
	if err != nil {
		return fmt.Errorf("indicators: store projection %s %s: %w", p.MadeBy, p.TargetPeriod, err)
	}
	return nil
}

// ListProjections returns the stored official projections, oldest first.
func (s *Service) ListProjections(ctx context.Context) ([]Projection, error) {
	rows, err := s.db.Query(ctx, `SELECT p.made_on, p.made_by, p.country, p.indicator, p.target_period, p.projected_value, s.skey, p.cite_url, p.note
		FROM ind_projections p JOIN ind_sources s ON s.id = p.source_id ORDER BY p.target_period, p.made_on, p.made_by`)
	if err != nil {
		return nil, fmt.Errorf("indicators: list projections: %w", err)
	}
	defer rows.Close()
	var out []Projection
	for rows.Next() {
		var p Projection
		if err := rows.Scan(&p.MadeOn, &p.MadeBy, &p.Country, &p.Indicator, &p.TargetPeriod, &p.Projected, &p.SourceKey, &p.CiteURL, &p.Note); err != nil {
			return nil, fmt.Errorf("indicators: list projections: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// trimSpaceAll trims every cell.
func trimSpaceAll(rec []string) {
	for i := range rec {
		rec[i] = strings.TrimSpace(rec[i])
	}
}

// Catalogue is every indicator with values and every source.
type Catalogue struct {
	Indicators []IndicatorInfo `json:"indicators"`
	Sources    []Source        `json:"sources"`
}

// Catalogue returns the indicators that have values (never nil) and every
// source.
func (s *Service) Catalogue(ctx context.Context) (*Catalogue, error) {
	list, err := s.ListIndicators(ctx)
	if err != nil {
		return nil, err
	}
	srcs, err := s.ListSources(ctx)
	if err != nil {
		return nil, err
	}
	if list == nil {
		list = []IndicatorInfo{}
	}
	return &Catalogue{Indicators: list, Sources: srcs}, nil
}

// LabelledSeries is a series with its scope's label.
type LabelledSeries struct {
	Series
	ScopeLabel string `json:"scope_label"`
}

// SeriesSet is the series matching a filter with the sources their values
// come from.
type SeriesSet struct {
	Series  []LabelledSeries `json:"series"`
	Sources []Source         `json:"sources"`
}

// SeriesWithSources returns the series matching f, each labelled, and the
// sources of their values (other sources' included), by key. Neither list
// is nil.
func (s *Service) SeriesWithSources(ctx context.Context, f SeriesFilter) (*SeriesSet, error) {
	list, err := s.LoadSeries(ctx, f)
	if err != nil {
		return nil, err
	}
	out := &SeriesSet{Series: make([]LabelledSeries, 0, len(list)), Sources: []Source{}}
	used := map[string]bool{}
	for _, se := range list {
		out.Series = append(out.Series, LabelledSeries{se, ScopeLabel(se.Scope)})
		for _, p := range se.Points {
			used[p.SourceKey] = true
			for _, o := range p.Others {
				used[o.SourceKey] = true
			}
		}
	}
	all, err := s.ListSources(ctx)
	if err != nil {
		return nil, err
	}
	for _, src := range all {
		if used[src.Key] {
			out.Sources = append(out.Sources, src)
		}
	}
	return out, nil
}
