package aid

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store"
)

// Input is one call a rule made and what answered it: the values used,
// each with its source, frozen when the evaluation was made.
type Input struct {
	Call    string   `json:"call"`
	Value   *float64 `json:"value,omitempty"`
	Holds   *bool    `json:"holds,omitempty"`
	Missing string   `json:"missing,omitempty"` // why there is no answer (insufficient evidence)
	Note    string   `json:"note,omitempty"`
	// The two above as messages, for pages in other languages (explain.go);
	// absent from inputs frozen before they existed.
	MissingMsg *Msg    `json:"missing_msg,omitempty"`
	NoteMsg    *Msg    `json:"note_msg,omitempty"`
	Data       []Datum `json:"data"`
}

// Datum is one value (or fact) an input rests on.
type Datum struct {
	Country   string   `json:"country"`
	Indicator string   `json:"indicator,omitempty"`
	Period    string   `json:"period,omitempty"`
	Value     *float64 `json:"value,omitempty"`
	Text      string   `json:"text,omitempty"`
	Source    string   `json:"source,omitempty"`
	CiteURL   string   `json:"cite_url,omitempty"`
	Fact      string   `json:"fact,omitempty"`
	ValidFrom string   `json:"valid_from,omitempty"`
	ValidTo   string   `json:"valid_to,omitempty"`
	Citation  string   `json:"citation,omitempty"`
}

// valueIn is the input of one value of series s.
func valueIn(s *indicators.Series, p indicators.Point, country string) *Input {
	in := &Input{Value: p.Value, Data: []Datum{datum(s, p)}}
	in.setNote(msg("aid.x.note.value", country, p.Period, p.SourceKey))
	return in
}

// textMsg is a message for text stored before messages were (or none).
func textMsg(m *Msg, text string) *Msg {
	if m != nil {
		return m
	}
	return msg("aid.x.raw", text)
}

// describe is one line for an explanation.
func (in *Input) describe() *Msg {
	switch {
	case in.Missing != "":
		return msg("aid.x.input.missing", in.Call).with(textMsg(in.MissingMsg, in.Missing))
	case in.Holds != nil:
		return msg("aid.x.input.value", in.Call, map[bool]string{true: "@aid.x.true", false: "@aid.x.false"}[*in.Holds])
	case in.Value != nil:
		v := strconv.FormatFloat(*in.Value, 'g', 6, 64)
		if in.Note != "" {
			return msg("aid.x.input.value_note", in.Call, v).with(textMsg(in.NoteMsg, in.Note))
		}
		return msg("aid.x.input.value", in.Call, v)
	}
	return msg("aid.x.input.call", in.Call)
}

// frozen answers a rule's calls from a stored snapshot only.
type frozen map[string]*Input

func (f frozen) call(k callKey) (*Input, error) {
	if in, ok := f[k.String()]; ok {
		return in, nil
	}
	in := missingIn(msg("aid.x.missing.frozen"))
	in.Call = k.String()
	return in, nil
}

// live answers a rule's calls from the indicators and the facts on record
// as of a date, and keeps what it used.
type live struct {
	ctx     context.Context
	s       *Service
	country string
	asOf    time.Time
	series  map[string][]indicators.Series // by indicator code ("" country: all countries)
	used    []*Input
	byKey   map[string]*Input
}

func (s *Service) newLive(ctx context.Context, country string, asOf time.Time) *live {
	return &live{ctx: ctx, s: s, country: country, asOf: asOf, series: map[string][]indicators.Series{}}
}

// reset starts a new condition's list of inputs (the loaded series stay).
func (l *live) reset() { l.used, l.byKey = nil, map[string]*Input{} }

func (l *live) call(k callKey) (*Input, error) {
	if in, ok := l.byKey[k.String()]; ok {
		return in, nil
	}
	var in *Input
	var err error
	switch k.Fn {
	case "latest", "at", "after", "slope":
		in, err = l.own(k)
	case "peer_percentile":
		in, err = l.peer(k)
	case "fact":
		in, err = l.fact(k.Code)
	default:
		err = fmt.Errorf("aid: unknown rule function %s", k.Fn)
	}
	if err != nil {
		return nil, err
	}
	in.Call = k.String()
	if in.Data == nil {
		in.Data = []Datum{}
	}
	l.byKey[in.Call] = in
	l.used = append(l.used, in)
	return in, nil
}

func (l *live) load(code string, all bool) ([]indicators.Series, error) {
	key := code + "|" + l.country
	f := indicators.SeriesFilter{Indicator: code, Country: l.country}
	if all {
		key, f.Country = code+"|*", ""
	}
	if list, ok := l.series[key]; ok {
		return list, nil
	}
	list, err := l.s.ind.LoadSeries(l.ctx, f)
	if err != nil {
		return nil, fmt.Errorf("aid: evaluate: %w", err)
	}
	l.series[key] = list
	return list, nil
}

// pickSeries chooses among a country's series of one indicator: the
// whole-country (scope "") yearly one first, then fiscal years, then months.
func pickSeries(list []indicators.Series, country string) *indicators.Series {
	var best *indicators.Series
	rank := func(s *indicators.Series) int {
		r := map[indicators.Frequency]int{indicators.Yearly: 0, indicators.FiscalYear: 1, indicators.Monthly: 2}[s.Frequency]
		if s.Scope != "" {
			r += 10
		}
		return r
	}
	for i := range list {
		s := &list[i]
		if s.Country != country {
			continue
		}
		if best == nil || rank(s) < rank(best) {
			best = s
		}
	}
	return best
}

func datum(s *indicators.Series, p indicators.Point) Datum {
	return Datum{Country: s.Country, Indicator: s.Indicator, Period: p.Period, Value: p.Value, Text: p.Text, Source: p.SourceKey, CiteURL: p.CiteURL}
}

// yearOf reads "2014" or "FY2014" as 2014.
func yearOf(period string) (int, bool) {
	y, err := strconv.Atoi(strings.TrimPrefix(period, "FY"))
	return y, err == nil && len(period) <= 6
}

// known returns the numeric points of s whose period had ended by asOf.
func (l *live) known(s *indicators.Series) []indicators.Point {
	var out []indicators.Point
	for _, p := range s.Points {
		if p.Value != nil && periodKnownAt(p.Period, l.asOf) {
			out = append(out, p)
		}
	}
	return out
}

// own answers latest, at and slope on the recipient's own series.
func (l *live) own(k callKey) (*Input, error) {
	list, err := l.load(k.Code, false)
	if err != nil {
		return nil, err
	}
	s := pickSeries(list, l.country)
	if s == nil {
		return missingIn(msg("aid.x.missing.no_values", k.Code, l.country)), nil
	}
	pts := l.known(s)
	asOf := l.asOf.Format(time.DateOnly)
	switch k.Fn {
	case "latest":
		if len(pts) == 0 {
			return missingIn(msg("aid.x.missing.none_before", k.Code, l.country, asOf)), nil
		}
		p := pts[len(pts)-1]
		return valueIn(s, p, l.country), nil
	case "at":
		for _, p := range pts {
			if y, ok := yearOf(p.Period); ok && int64(y) == k.A {
				return valueIn(s, p, l.country), nil
			}
		}
		return missingIn(msg("aid.x.missing.none_in", k.Code, l.country, k.A, asOf)), nil
	case "after":
		for i := len(pts) - 1; i >= 0; i-- {
			if y, ok := yearOf(pts[i].Period); ok && int64(y) > k.A {
				p := pts[i]
				return valueIn(s, p, l.country), nil
			}
		}
		return missingIn(msg("aid.x.missing.none_after", k.Code, l.country, k.A, asOf)), nil
	}
	// slope
	in := &Input{}
	var years []int
	var vals []float64
	for _, p := range pts {
		if y, ok := yearOf(p.Period); ok && int64(y) >= k.A && int64(y) <= k.B {
			years, vals = append(years, y), append(vals, *p.Value)
			in.Data = append(in.Data, datum(s, p))
		}
	}
	if len(years) < minTrendPoints {
		in.setMissing(msg("aid.x.missing.trend", len(years), k.Code, l.country, k.A, k.B, asOf, minTrendPoints))
		return in, nil
	}
	v := slope(years, vals)
	in.Value = &v
	in.setNote(msg("aid.x.note.trend", len(years), years[0], years[len(years)-1]))
	return in, nil
}

// groupAt is a country's income group in year: that year's, else the
// latest before it.
func groupAt(s indicators.Series, year int) (indicators.Point, bool) {
	var best indicators.Point
	found := false
	for _, p := range s.Points {
		if y, ok := yearOf(p.Period); ok && y <= year && p.Text != "" {
			best, found = p, true
		}
	}
	return best, found
}

// peer answers peer_percentile: the recipient's percentile among the
// countries of its World Bank income group that have a value for the year.
func (l *live) peer(k callKey) (*Input, error) {
	year := int(k.A)
	if !periodKnownAt(strconv.Itoa(year), l.asOf) {
		return missingIn(msg("aid.x.missing.not_ended", year, l.asOf.Format(time.DateOnly))), nil
	}
	vals, err := l.load(k.Code, true)
	if err != nil {
		return nil, err
	}
	groups, err := l.load("income_group", true)
	if err != nil {
		return nil, err
	}
	groupOf := map[string]indicators.Point{}
	var gser = map[string]*indicators.Series{}
	for i := range groups {
		if g, ok := groupAt(groups[i], year); ok {
			groupOf[groups[i].Country], gser[groups[i].Country] = g, &groups[i]
		}
	}
	own, ok := groupOf[l.country]
	if !ok {
		return missingIn(msg("aid.x.missing.no_income_group", l.country, year)), nil
	}
	in := &Input{Data: []Datum{datum(gser[l.country], own)}}
	var peers []float64
	var mine *float64
	seen := map[string]bool{}
	for i := range vals {
		s := &vals[i]
		g, ok := groupOf[s.Country]
		if !ok || g.Text != own.Text || seen[s.Country] {
			continue
		}
		if best := pickSeries(vals, s.Country); best != s {
			continue
		}
		for _, p := range s.Points {
			if p.Period == strconv.Itoa(year) && p.Value != nil {
				seen[s.Country] = true
				peers = append(peers, *p.Value)
				in.Data = append(in.Data, datum(s, p))
				if s.Country == l.country {
					mine = p.Value
				}
			}
		}
	}
	switch {
	case mine == nil:
		in.setMissing(msg("aid.x.missing.no_value_year", k.Code, l.country, year))
	case len(peers) < minPeers:
		in.setMissing(msg("aid.x.missing.few_peers", len(peers), strconv.Quote(own.Text), k.Code, year, minPeers))
	default:
		v := percentileRank(*mine, peers)
		in.Value = &v
		in.setNote(msg("aid.x.note.peers", len(peers), strconv.Quote(own.Text), year))
	}
	return in, nil
}

// fact answers fact(key): the latest record for the recipient and key that
// began on or before the as-of date.
func (l *live) fact(key string) (*Input, error) {
	d := l.asOf.Format(time.DateOnly)
	var holds int
	var from, to, cite, url string
	err := l.s.db.QueryRow(l.ctx, `SELECT holds, valid_from, valid_to, citation, citation_url FROM aid_facts
		WHERE country = ? AND fkey = ? AND valid_from <= ? ORDER BY valid_from DESC, id DESC LIMIT 1`, l.country, key, d).Scan(&holds, &from, &to, &cite, &url)
	if store.IsNoRows(err) {
		return missingIn(msg("aid.x.missing.no_fact", strconv.Quote(key), l.country, d)), nil
	}
	if err != nil && err != sql.ErrNoRows {
		return nil, fmt.Errorf("aid: fact %s: %w", key, err)
	}
	h := holds != 0 && factHolds(from, to, l.asOf)
	return &Input{Holds: &h, Data: []Datum{{Country: l.country, Fact: key, ValidFrom: from, ValidTo: to, Citation: cite, CiteURL: url}}}, nil
}
