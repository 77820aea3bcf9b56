package tracing

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"
)

// Model is a Fellegi-Sunter model: for each field and level of agreement,
// m (the probability of that level among pairs of records of one person)
// and u (among pairs of different people), the prior probability that a
// candidate pair is a match, and the frequencies of names, so that agreeing
// on a common surname (García) counts for less than on a rare one (Xiloj).
//
// It is trained on the records themselves (Train): u from random pairs,
// m and the prior by expectation-maximisation on the candidate pairs.
// It is saved and loaded as JSON.
type Model struct {
	Fields []FieldModel `json:"fields"`
	// Prior is the probability that a candidate pair (one the blocking
	// rules bring together) is a match.
	Prior float64 `json:"prior"`
	// GivenFreq and SurnameFreq are relative frequencies of full given
	// names (nicknames resolved) and of the phonetic keys of surnames.
	GivenFreq   map[string]float64 `json:"given_freq,omitempty"`
	SurnameFreq map[string]float64 `json:"surname_freq,omitempty"`
	// MinFreq is the frequency given to a name not in the tables.
	MinFreq float64 `json:"min_freq"`
	// Trained says whether m and u come from data (false: the defaults).
	Trained bool `json:"trained"`

	w [nFields][]float64 // log2(m/u) by field and level, from Fields
	// tfCap bounds the term-frequency adjustment, in bits.
}

// FieldModel holds the m and u probabilities of the levels of one field.
type FieldModel struct {
	Name   string       `json:"name"`
	Levels []LevelModel `json:"levels"`
}

// LevelModel is one level of agreement of a field.
type LevelModel struct {
	Name string  `json:"name"`
	M    float64 `json:"m"`
	U    float64 `json:"u"`
}

// defaultM and defaultU are starting values for EM, and the model used
// when there is too little data to train. Orders follow fieldSpecs.
var defaultM = [nFields][]float64{
	fGiven:     {0.40, 0.15, 0.07, 0.05, 0.10, 0.10, 0.02, 0.01, 0.01, 0.05, 0},
	fSurname1:  {0.55, 0.20, 0.07, 0.06, 0.04, 0.01, 0.07, 0},
	fSurname2:  {0.55, 0.20, 0.07, 0.06, 0.04, 0.01, 0.07, 0},
	fSex:       {0.97, 0.03, 0},
	fBirthDate: {0.55, 0.05, 0.03, 0.15, 0.08, 0.03, 0.03, 0.08, 0},
	fCountry:   {0.95, 0.05, 0},
	fPlace:     {0.60, 0.30, 0.10, 0},
	fMother:    {0.55, 0.15, 0.10, 0.10, 0.10, 0},
	fFather:    {0.55, 0.15, 0.10, 0.10, 0.10, 0},
}

var defaultU = [nFields][]float64{
	fGiven:     {0.005, 0.003, 0.001, 0.001, 0.004, 0.005, 0.01, 0.002, 0.002, 0.967, 0},
	fSurname1:  {0.01, 0.005, 0.002, 0.003, 0.01, 0.001, 0.969, 0},
	fSurname2:  {0.01, 0.005, 0.002, 0.003, 0.01, 0.001, 0.969, 0},
	fSex:       {0.5, 0.5, 0},
	fBirthDate: {0.0003, 0.0003, 0.004, 0.06, 0.0006, 0.005, 0.08, 0.85, 0},
	fCountry:   {0.3, 0.7, 0},
	fPlace:     {0.05, 0.02, 0.93, 0},
	fMother:    {0.001, 0.001, 0.002, 0.01, 0.986, 0},
	fFather:    {0.001, 0.001, 0.002, 0.01, 0.986, 0},
}

// DefaultModel returns an untrained model with hand-set m and u.
func DefaultModel() *Model {
	m := &Model{Prior: 0.3, MinFreq: 1e-5}
	for f := 0; f < nFields; f++ {
		fm := FieldModel{Name: fieldSpecs[f].Name}
		for l, name := range fieldSpecs[f].Levels {
			fm.Levels = append(fm.Levels, LevelModel{Name: name, M: defaultM[f][l], U: defaultU[f][l]})
		}
		m.Fields = append(m.Fields, fm)
	}
	m.prepare()
	return m
}

// prepare computes the weights from m and u.
func (m *Model) prepare() {
	for f := 0; f < nFields; f++ {
		n := len(fieldSpecs[f].Levels)
		m.w[f] = make([]float64, n)
		for l := 0; l < n-1; l++ { // the last level, missing, weighs 0
			lm := m.Fields[f].Levels[l]
			mm, uu := math.Max(lm.M, 1e-6), math.Max(lm.U, 1e-7)
			m.w[f][l] = math.Log2(mm / uu)
		}
	}
}

// WriteJSON saves the model.
func (m *Model) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	if err := enc.Encode(m); err != nil {
		return fmt.Errorf("tracing: save model: %w", err)
	}
	return nil
}

// ReadModel loads a model saved by WriteJSON, checking that its fields
// and levels are the ones this version compares.
func ReadModel(r io.Reader) (*Model, error) {
	var m Model
	if err := json.NewDecoder(r).Decode(&m); err != nil {
		return nil, fmt.Errorf("tracing: load model: %w", err)
	}
	if len(m.Fields) != nFields {
		return nil, fmt.Errorf("tracing: load model: %d fields, want %d", len(m.Fields), nFields)
	}
	for f := 0; f < nFields; f++ {
		if m.Fields[f].Name != fieldSpecs[f].Name || len(m.Fields[f].Levels) != len(fieldSpecs[f].Levels) {
			return nil, fmt.Errorf("tracing: load model: field %d is %q with %d levels, want %q with %d",
				f, m.Fields[f].Name, len(m.Fields[f].Levels), fieldSpecs[f].Name, len(fieldSpecs[f].Levels))
		}
		for l, lv := range m.Fields[f].Levels {
			if lv.Name != fieldSpecs[f].Levels[l] {
				return nil, fmt.Errorf("tracing: load model: %s level %d is %q, want %q", fieldSpecs[f].Name, l, lv.Name, fieldSpecs[f].Levels[l])
			}
		}
	}
	if m.Prior <= 0 || m.Prior >= 1 {
		return nil, fmt.Errorf("tracing: load model: prior %v not in (0,1)", m.Prior)
	}
	if m.MinFreq <= 0 {
		m.MinFreq = 1e-6
	}
	m.prepare()
	return &m, nil
}

// tfBits bounds the term-frequency adjustment so that one rare name (or a
// typo that looks like one) cannot decide a match alone.
const (
	tfMaxUp   = 4.0
	tfMaxDown = 6.0
)

// tfAdjust returns the change in weight, in bits, for agreeing on a value
// of frequency freq at a level whose average chance agreement is u.
func (m *Model) tfAdjust(u, freq float64) float64 {
	if freq <= 0 {
		freq = m.MinFreq
	}
	adj := math.Log2(u / freq)
	return math.Max(-tfMaxDown, math.Min(tfMaxUp, adj))
}

// weights returns the weight of each field for a pair with levels v,
// term-frequency adjusted for the names of a.
func (m *Model) weights(v *vector, a *features, out *[nFields]float64) float64 {
	total := 0.0
	for f := 0; f < nFields; f++ {
		l := v[f]
		w := m.w[f][l]
		if fieldSpecs[f].tf && m.GivenFreq != nil {
			switch f {
			case fGiven:
				switch l {
				case gExact, gFold, gNickname, gPhonetic:
					w += m.tfAdjust(m.Fields[f].Levels[l].U, m.GivenFreq[a.givenCan])
				case gSubset:
					w += m.tfAdjust(m.Fields[f].Levels[l].U, m.GivenFreq[a.givenFirst])
				}
			case fSurname1, fSurname2:
				if l <= sPhonetic {
					s := &a.s1
					if f == fSurname2 {
						s = &a.s2
					}
					w += m.tfAdjust(m.Fields[f].Levels[l].U, m.SurnameFreq[s.ph])
				}
			}
		}
		if out != nil {
			out[f] = w
		}
		total += w
	}
	return total
}

// rawWeight is the weight of a pattern without term frequencies (for EM
// and for choosing how to read a pair).
func (m *Model) rawWeight(v *vector) float64 {
	t := 0.0
	for f := 0; f < nFields; f++ {
		t += m.w[f][v[f]]
	}
	return t
}

// priorBits is the prior log-odds of a match, in bits.
func (m *Model) priorBits() float64 {
	return math.Log2(m.Prior / (1 - m.Prior))
}

// probability turns a total match weight into a probability.
func (m *Model) probability(weight float64) float64 {
	return 1 / (1 + math.Exp2(-(weight + m.priorBits())))
}

// compare compares two records in every reading (as written, surnames
// crossed, given name and first surname exchanged) and returns the levels
// of the reading with the highest weight.
func (m *Model) compare(a, b *features) vector {
	v := compareOriented(a, b, false)
	best := m.rawWeight(&v)
	try := func(x *features, crossed bool) {
		c := compareOriented(a, x, crossed)
		if w := m.rawWeight(&c); w > best {
			v, best = c, w
		}
	}
	// Surnames crossed: second written as first, or first one dropped.
	if v[fSurname1] >= sJaroMid || v[fSurname2] == sDisagree {
		try(b, true)
	}
	// Given name and first surname exchanged.
	if v[fGiven] >= gOther && len(b.s1AsGiven) > 0 {
		var sw features
		b.swappedInto(&sw)
		try(&sw, false)
	}
	return v
}

// score returns the total weight (prior excluded) of a pair.
func (m *Model) score(a, b *features) float64 {
	v := m.compare(a, b)
	return m.weights(&v, a, nil)
}

// FieldWeight is how much one field added to (or took from) the evidence
// that two records are one person, in bits (log2 of the likelihood ratio).
type FieldWeight struct {
	Field  string  `json:"field"`
	Level  string  `json:"level"`
	Weight float64 `json:"weight"`
}

// explain returns the weights of each field for a pair, and the total.
func (m *Model) explain(a, b *features) ([]FieldWeight, float64) {
	v := m.compare(a, b)
	var ws [nFields]float64
	total := m.weights(&v, a, &ws)
	out := make([]FieldWeight, nFields)
	for f := 0; f < nFields; f++ {
		out[f] = FieldWeight{Field: fieldSpecs[f].Name, Level: fieldSpecs[f].Levels[v[f]], Weight: ws[f]}
	}
	return out, total
}

// setFrequencies counts given names and surnames over the records.
func (m *Model) setFrequencies(fs []features) {
	given := map[string]float64{}
	sur := map[string]float64{}
	ng, ns := 0.0, 0.0
	for i := range fs {
		f := &fs[i]
		if f.givenCan != "" {
			given[f.givenCan]++
			ng++
			if f.givenFirst != f.givenCan {
				given[f.givenFirst]++ // first words count for subset matches
			}
		}
		for _, s := range []*surname{&f.s1, &f.s2} {
			if s.ph != "" {
				sur[s.ph]++
				ns++
			}
		}
	}
	// Names seen once are left out: their frequency is MinFreq anyway,
	// and a saved model stays small.
	m.GivenFreq = map[string]float64{}
	m.SurnameFreq = map[string]float64{}
	for k, c := range given {
		if c > 1 {
			m.GivenFreq[k] = c / ng
		}
	}
	for k, c := range sur {
		if c > 1 {
			m.SurnameFreq[k] = c / ns
		}
	}
	m.MinFreq = 1 / math.Max(ng+ns, 1000)
}

// estimateU sets u from pairs of records drawn at random: almost all are
// pairs of different people, so the share of each level among them is u.
func (m *Model) estimateU(fs []features, pairs int, seed uint64) {
	if len(fs) < 50 {
		return
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	var counts [nFields][]float64
	for f := 0; f < nFields; f++ {
		counts[f] = make([]float64, len(fieldSpecs[f].Levels))
	}
	for k := 0; k < pairs; k++ {
		i, j := rng.IntN(len(fs)), rng.IntN(len(fs))
		if i == j {
			continue
		}
		v := compareOriented(&fs[i], &fs[j], false)
		for f := 0; f < nFields; f++ {
			counts[f][v[f]]++
		}
	}
	for f := 0; f < nFields; f++ {
		n := len(fieldSpecs[f].Levels)
		tot := 0.0
		for l := 0; l < n-1; l++ {
			tot += counts[f][l]
		}
		for l := 0; l < n-1; l++ {
			// Half a pair of smoothing keeps rare levels above zero;
			// the default keeps the shape where the sample saw nothing.
			m.Fields[f].Levels[l].U = (counts[f][l] + 0.5 + 20*defaultU[f][l]) / (tot + 0.5*float64(n-1) + 20)
		}
	}
	m.prepare()
}

// emPseudo is how many pairs' worth of belief the default m values carry
// in EM. It keeps levels that are rare in the sample from swinging to 0 or
// 1, and keeps EM from taking "same family" for "same person": siblings
// agree on surnames, parents and birthplace, and without a prior EM can
// learn that given names do not matter.
const emPseudo = 200

// estimateM runs expectation-maximisation on the levels of candidate
// pairs, with u held fixed, to find m and the prior.
func (m *Model) estimateM(patterns map[vector]int, iterations int) {
	if len(patterns) == 0 {
		return
	}
	type pc struct {
		v vector
		n float64
	}
	ps := make([]pc, 0, len(patterns))
	total := 0.0
	for v, n := range patterns {
		ps = append(ps, pc{v, float64(n)})
		total += float64(n)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].n > ps[j].n })
	// The u of random pairs is where u starts; EM then moves it to the
	// u of candidate pairs that are not matches. Those are what the
	// weights must tell apart from matches (siblings share surnames,
	// parents and birthplace, people of one name and year share those),
	// so they are the right u for scoring candidates.
	var uRandom [nFields][]float64
	for f := 0; f < nFields; f++ {
		uRandom[f] = make([]float64, len(fieldSpecs[f].Levels))
		for l := range uRandom[f] {
			uRandom[f][l] = m.Fields[f].Levels[l].U
		}
	}
	for it := 0; it < iterations; it++ {
		var mc, uc [nFields][]float64
		for f := 0; f < nFields; f++ {
			mc[f] = make([]float64, len(fieldSpecs[f].Levels))
			uc[f] = make([]float64, len(fieldSpecs[f].Levels))
		}
		matches := 0.0
		pb := m.priorBits()
		for _, p := range ps {
			w := m.rawWeight(&p.v) + pb
			post := 1 / (1 + math.Exp2(-w))
			matches += post * p.n
			for f := 0; f < nFields; f++ {
				mc[f][p.v[f]] += post * p.n
				uc[f][p.v[f]] += (1 - post) * p.n
			}
		}
		change := 0.0
		for f := 0; f < nFields; f++ {
			n := len(fieldSpecs[f].Levels)
			tm, tu := 0.0, 0.0
			for l := 0; l < n-1; l++ {
				tm += mc[f][l]
				tu += uc[f][l]
			}
			for l := 0; l < n-1; l++ {
				nm := (mc[f][l] + emPseudo*defaultM[f][l]) / (tm + emPseudo)
				nu := (uc[f][l] + emPseudo*uRandom[f][l]) / (tu + emPseudo)
				change = math.Max(change, math.Abs(nm-m.Fields[f].Levels[l].M))
				change = math.Max(change, math.Abs(nu-m.Fields[f].Levels[l].U))
				m.Fields[f].Levels[l].M = nm
				m.Fields[f].Levels[l].U = nu
			}
		}
		m.Prior = math.Min(0.99, math.Max(1e-6, matches/total))
		m.prepare()
		if change < 1e-5 {
			break
		}
	}
	m.Trained = true
}
