package tracing

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// Model is a Fellegi-Sunter model extended with a third class. For each
// field and level of agreement it holds m (the probability of that level
// among pairs of records of one person), u (among pairs of unrelated
// people) and f (among pairs of siblings: different people of one family).
//
// The third class is there because siblings and twins agree on surnames,
// parents, birthplace and sometimes birth date: under the two-class model
// with u from random pairs, that agreement adds up to more than any
// difference of given names, and siblings get merged. Against the family
// class, agreeing on a mother's name is no evidence at all, and the given
// names and birth date decide.
//
// It is trained on the records themselves (Train): u starts from random
// pairs; m, f, u and the share of each class among candidate pairs are
// estimated by expectation-maximisation, with no labels. Name frequencies
// adjust u, so that agreeing on a common surname (García) counts for less
// than on a rare one (Xiloj). It is saved and loaded as JSON.
type Model struct {
	Fields []FieldModel `json:"fields"`
	// Prior is the probability that a candidate pair (one the blocking
	// rules bring together) is a match; PriorFamily that it is two
	// members of one family.
	Prior       float64 `json:"prior"`
	PriorFamily float64 `json:"prior_family"`
	// GivenFreq and SurnameFreq are relative frequencies of full given
	// names (nicknames resolved) and of the phonetic keys of surnames.
	GivenFreq   map[string]float64 `json:"given_freq,omitempty"`
	SurnameFreq map[string]float64 `json:"surname_freq,omitempty"`
	// MinFreq is the frequency given to a name not in the tables.
	MinFreq float64 `json:"min_freq"`
	// Trained says whether the probabilities come from data (false: the
	// defaults).
	Trained bool `json:"trained"`
	// Population, when not 0, says that the model is one for any pair of
	// records, not only for pairs the blocking rules bring together: u
	// comes from pairs drawn at random, and Prior and PriorFamily are the
	// chances that a record and one of Population others, drawn at
	// random, are one person or siblings. Such a model is calibrated:
	// among pairs it gives 0.8, about eight in ten are one person. A
	// model fitted on candidate pairs alone is not: blocking brings
	// together records that agree on names, so agreeing on a name tells
	// less among them than u from random pairs says, and records with
	// nothing but a common name came out "certain" matches. Used with
	// another number of records (ForPopulation), the priors are scaled:
	// a record has as many others of the same person in any set.
	Population int `json:"population,omitempty"`
	// Fallback, when set, says why the model fitted to the records was
	// not used (see collapsed): this is the calibrated default instead.
	Fallback string `json:"fallback,omitempty"`
	// absent marks the fields (nearly) never given on both sides of a
	// candidate pair of the set the model was fitted to (collapsed).
	absent [nFields]bool
	// holdDateSplit keeps EM from moving how the birth date's mass of
	// agreement is split among its levels (resplitAgreement): the second
	// try of trainModel when the first collapsed.
	holdDateSplit bool
	// candidateMatches is how many matches the fit estimates among the
	// candidate pairs blocking brings together (informativeMatches), 0
	// when not fitted: the threshold chosen for F1 calibrates the
	// posteriors of the pairs compared to it (selectionShift).
	candidateMatches float64

	lp [nClasses][nFields][]float64 // log2 probability by class, field, level
	lu [nFields][]float64           // log2 u, unfloored, for term frequencies
	// log2 of GivenFreq and SurnameFreq, and of MinFreq: a million-row
	// dedupe looks them up a hundred million times.
	lgiven, lsurname map[string]float64
	lminFreq         float64
	lprior           [nClasses]float64 // log2 of the share of each class
	// For scoreAtLeast (prepareBounds).
	dU, dF         [nFields][]float64
	gainU, gainF   [nFields]float64
	boundU, boundF float64
}

const (
	cMatch = iota
	cFamily
	cUnrelated
	nClasses
)

// FieldModel holds the probabilities of the levels of one field.
type FieldModel struct {
	Name   string       `json:"name"`
	Levels []LevelModel `json:"levels"`
}

// LevelModel is one level of agreement of a field: its probability among
// matches (M), siblings (F) and unrelated pairs (U).
type LevelModel struct {
	Name string  `json:"name"`
	M    float64 `json:"m"`
	F    float64 `json:"f"`
	U    float64 `json:"u"`
}

// defaultM, defaultF and defaultU are starting values for EM, and the model
// used when there is too little data to train. Orders follow fieldSpecs.
var defaultM = [nFields][]float64{
	fGiven:     {0.43, 0.15, 0.08, 0.06, 0.12, 0.10, 0.02, 0.01, 0.015, 0.005, 0.01, 0},
	fSurname1:  {0.55, 0.20, 0.07, 0.06, 0.04, 0.01, 0.01, 0.06, 0},
	fSurname2:  {0.55, 0.20, 0.07, 0.06, 0.04, 0.01, 0.01, 0.06, 0},
	fSex:       {0.97, 0.03, 0},
	fBirthDate: {0.585, 0.05, 0.02, 0.20, 0.09, 0.02, 0.02, 0.005, 0.01, 0},
	fCountry:   {0.95, 0.05, 0},
	fPlace:     {0.60, 0.30, 0.10, 0},
	fMother:    {0.55, 0.15, 0.10, 0.10, 0.04, 0.06, 0},
	fFather:    {0.55, 0.15, 0.10, 0.10, 0.04, 0.06, 0},
}

// Siblings: family fields agree as for one person, given names rarely,
// birth dates only for twins.
var defaultF = [nFields][]float64{
	fGiven:     {0.02, 0.01, 0.01, 0.01, 0.04, 0.05, 0.06, 0.04, 0.01, 0.05, 0.70, 0},
	fSurname1:  defaultM[fSurname1],
	fSurname2:  defaultM[fSurname2],
	fSex:       {0.5, 0.5, 0},
	fBirthDate: {0.10, 0.005, 0.01, 0.15, 0.01, 0.01, 0.15, 0.05, 0.515, 0},
	fCountry:   defaultM[fCountry],
	fPlace:     defaultM[fPlace],
	fMother:    defaultM[fMother],
	fFather:    defaultM[fFather],
}

var defaultU = [nFields][]float64{
	fGiven:     {0.005, 0.003, 0.001, 0.001, 0.004, 0.005, 0.01, 0.002, 0.002, 0.02, 0.947, 0},
	fSurname1:  {0.01, 0.005, 0.002, 0.003, 0.01, 0.001, 0.01, 0.959, 0},
	fSurname2:  {0.01, 0.005, 0.002, 0.003, 0.01, 0.001, 0.01, 0.959, 0},
	fSex:       {0.5, 0.5, 0},
	fBirthDate: {0.0003, 0.0003, 0.004, 0.06, 0.0006, 0.005, 0.08, 0.05, 0.80, 0},
	fCountry:   {0.3, 0.7, 0},
	fPlace:     {0.05, 0.02, 0.93, 0},
	fMother:    {0.001, 0.001, 0.002, 0.01, 0.005, 0.981, 0},
	fFather:    {0.001, 0.001, 0.002, 0.01, 0.005, 0.981, 0},
}

// DefaultModel returns an untrained model with hand-set probabilities.
func DefaultModel() *Model {
	m := &Model{Prior: 0.2, PriorFamily: 0.1, MinFreq: 1e-5}
	for f := 0; f < nFields; f++ {
		fm := FieldModel{Name: fieldSpecs[f].Name}
		for l, name := range fieldSpecs[f].Levels {
			fm.Levels = append(fm.Levels, LevelModel{Name: name, M: defaultM[f][l], F: defaultF[f][l], U: defaultU[f][l]})
		}
		m.Fields = append(m.Fields, fm)
	}
	m.prepare()
	return m
}

func (l *LevelModel) prob(c int) float64 {
	switch c {
	case cMatch:
		return l.M
	case cFamily:
		return l.F
	}
	return l.U
}

// prepare computes the log probabilities.
func (m *Model) prepare() {
	for f := 0; f < nFields; f++ {
		m.lu[f] = make([]float64, len(m.Fields[f].Levels))
		for l, lv := range m.Fields[f].Levels {
			m.lu[f][l] = math.Log2(lv.U)
		}
	}
	m.lminFreq = math.Log2(m.MinFreq)
	m.lgiven = logMap(m.GivenFreq)
	m.lsurname = logMap(m.SurnameFreq)
	m.lprior = [nClasses]float64{math.Log2(m.Prior), math.Log2(m.PriorFamily), math.Log2(1 - m.Prior - m.PriorFamily)}
	for c := 0; c < nClasses; c++ {
		for f := 0; f < nFields; f++ {
			n := len(fieldSpecs[f].Levels)
			m.lp[c][f] = make([]float64, n)
			for l := 0; l < n-1; l++ { // the last level, missing, weighs 0
				// Floors: no level is impossible. Without them one
				// odd field (a country written wrongly) in a true
				// match would weigh -20 bits.
				floor := 0.002
				if c == cUnrelated {
					floor = 1e-5
				}
				m.lp[c][f][l] = math.Log2(math.Max(m.Fields[f].Levels[l].prob(c), floor))
			}
		}
	}
	m.prepareBounds()
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
	if m.Prior <= 0 || m.PriorFamily <= 0 || m.Prior+m.PriorFamily >= 1 {
		return nil, fmt.Errorf("tracing: load model: priors %v, %v not in (0,1)", m.Prior, m.PriorFamily)
	}
	if m.MinFreq <= 0 {
		m.MinFreq = 1e-6
	}
	m.prepare()
	return &m, nil
}

// The term-frequency adjustment is bounded so that one rare name (or a
// typo that looks like one) cannot decide a match alone.
const (
	tfMaxUp   = 4.0
	tfMaxDown = 6.0
)

// tfAdjust returns the change in weight, in bits, for agreeing on a value
// of log2 frequency lfreq (found: whether it is in the table) at a level
// whose average chance agreement has log2 lu.
func (m *Model) tfAdjust(lu, lfreq float64, found bool) float64 {
	if !found {
		lfreq = m.lminFreq
	}
	return math.Max(-tfMaxDown, math.Min(tfMaxUp, lu-lfreq))
}

func logMap(freq map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(freq))
	for k, v := range freq {
		if v > 0 {
			out[k] = math.Log2(v)
		}
	}
	return out
}

// tf returns the term-frequency adjustment of field f at level l for the
// names of a (0 for fields and levels without one).
func (m *Model) tf(f int, l uint8, a *features) float64 {
	if m.GivenFreq == nil {
		return 0
	}
	switch f {
	case fGiven:
		switch l {
		case gExact, gFold, gNickname, gPhonetic:
			lf, ok := m.lgiven[a.givenCan]
			lf, ok = inOtherField(lf, ok, m.lsurname, a.givenAsS1.ph)
			return m.tfAdjust(m.lu[f][l], lf, ok)
		case gSubset:
			lf, ok := m.lgiven[a.givenFirst]
			return m.tfAdjust(m.lu[f][l], lf, ok)
		}
	case fSurname1, fSurname2:
		if l <= sPhonetic {
			s := &a.s1
			if f == fSurname2 {
				s = &a.s2
				if s.ph == "" {
					s = &a.s2mother
				}
			}
			// Surname frequencies are of phonetic keys, all spellings
			// together: two records agreeing only in sound (Hernández,
			// Hernádnez) are much rarer by chance than the key's
			// frequency. The level's own chance agreement is scaled by
			// how common the surname is against an average one (its
			// frequency against that of exact agreement).
			lf, ok := m.lsurname[s.ph]
			if f == fSurname1 {
				lf, ok = inOtherField(lf, ok, m.lgiven, a.s1AsGiven[0])
			}
			return m.tfAdjust(m.lu[f][sExact], lf, ok)
		}
	}
	return 0
}

// inOtherField returns the larger of a name's log frequency in its own
// field (lf, found ok) and in the other field's table under key. A name
// written in the other box ("Mendoza María") is as common as it is where
// it is usually written: taken from its own field alone, "Mendoza" is a
// rare given name and two such records looked like strong evidence, so a
// pair scored high or low by which record came first.
func inOtherField(lf float64, ok bool, other map[string]float64, key string) (float64, bool) {
	if key == "" {
		return lf, ok
	}
	if o, found := other[key]; found && (!ok || o > lf) {
		return o, true
	}
	return lf, ok
}

// classLogs returns the log2 of prior times likelihood of each class for a
// pattern; with a non-nil a, unrelated pairs are term-frequency adjusted
// for the names of a (agreeing on a rare name is unlikelier by chance).
func (m *Model) classLogs(v *vector, a *features) [nClasses]float64 {
	ls := m.lprior
	for f := 0; f < nFields; f++ {
		l := v[f]
		for c := 0; c < nClasses; c++ {
			ls[c] += m.lp[c][f][l]
		}
		if a != nil {
			ls[cUnrelated] -= m.tf(f, l, a)
		}
	}
	return ls
}

// weightOf is the log-odds, in bits, of a match against both other classes.
func weightOf(ls [nClasses]float64) float64 {
	return ls[cMatch] - logSum2(ls[cFamily], ls[cUnrelated])
}

func logSum2(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	d := a - b
	if d >= logSumMax || d != d { // far apart, or NaN from -Inf - -Inf
		return a
	}
	// log2(1 + 2^-d) from a table, interpolated: two log-exp pairs per
	// comparison were a tenth of a million-record dedupe.
	x := d * logSumSteps
	k := int(x)
	f := x - float64(k)
	return a + logSumTable[k] + f*(logSumTable[k+1]-logSumTable[k])
}

const (
	logSumMax   = 48.0
	logSumSteps = 64
)

var logSumTable = func() []float64 {
	t := make([]float64, int(logSumMax*logSumSteps)+2)
	for k := range t {
		t[k] = math.Log2(1 + math.Exp2(-float64(k)/logSumSteps))
	}
	return t
}()

// probability turns log-odds into a probability.
func (m *Model) probability(weight float64) float64 {
	return 1 / (1 + math.Exp2(-weight))
}

// compare compares two records in every reading (as written, surnames
// crossed, given name and first surname exchanged) and returns the levels
// of the reading with the highest weight.
func (m *Model) compare(a, b *features) vector {
	return m.readings(a, b, compareOriented(a, b, false))
}

// swappable reports whether a pair whose given names compare at level g
// is also read with b's given name and first surname exchanged.
func swappable(g int, b *features) bool {
	return g >= gOther && b.s1AsGiven[0] != ""
}

// readings returns v, the levels of a and b read as they stand, or the
// levels of another reading of their names when it weighs more.
func (m *Model) readings(a, b *features, v vector) vector {
	straight := v
	// Crossing compares the first surname of each with the second of the
	// other: when neither comparison has a surname on both sides (records
	// with one surname each), it would only turn a disagreement into
	// "missing", and "Carlos Ajanel" would not disagree with "Carlos
	// Ramírez".
	crossed := (v[fSurname1] >= sJaroMid || v[fSurname2] == sDisagree || v[fSurname2] == sTyped) &&
		((a.s1.fused != "" && b.s2.fused != "") || (a.s2.fused != "" && b.s1.fused != ""))
	swapped := swappable(int(straight[fGiven]), b)
	if !crossed && !swapped {
		return v // one reading: no need to weigh it
	}
	// Readings differ only in given names and surnames: the other fields
	// are summed once.
	base := m.lprior
	for f := fSex; f < nFields; f++ {
		for c := 0; c < nClasses; c++ {
			base[c] += m.lp[c][f][v[f]]
		}
	}
	best := m.readingWeight(base, &v)
	// Surnames crossed: second written as first, or first one dropped.
	if crossed {
		c := straight
		c[fSurname1] = uint8(compareSurname(&a.s1, &b.s2))
		c[fSurname2] = uint8(compareSurname(&a.s2, &b.s1))
		if w := m.readingWeight(base, &c); w > best {
			v, best = c, w
		}
	}
	// Given name and first surname exchanged.
	if swapped {
		var sw features
		b.swappedInto(&sw)
		c := straight
		c[fGiven] = uint8(compareGiven(a, &sw))
		c[fSurname1] = uint8(compareSurname(&a.s1, &sw.s1))
		if w := m.readingWeight(base, &c); w > best {
			v, best = c, w
		}
	}
	return v
}

// readingWeight is the log-odds of v without term frequencies (for
// choosing how to read a pair), given base, the class logs of the fields
// after the names.
func (m *Model) readingWeight(base [nClasses]float64, v *vector) float64 {
	for _, f := range [...]int{fGiven, fSurname1, fSurname2} {
		for c := 0; c < nClasses; c++ {
			base[c] += m.lp[c][f][v[f]]
		}
	}
	return weightOf(base)
}

// score returns the log-odds (bits) that a and b are one person.
func (m *Model) score(a, b *features) float64 {
	v := m.compare(a, b)
	return weightOf(m.classLogs(&v, a))
}

// scoreAtLeast is score(a, b) and true when that is minW or more, and
// false, as soon as it is known, when it is less. The weight of a pair is
// at most its log-odds of a match against either other class alone
// (weightOf subtracts a log-sum, which is at least each of its terms),
// and those are sums over the fields; so the fields are compared
// cheapest first, and once the levels found plus the most the remaining
// fields could add (gainU, gainF: their best level, term-frequency bonus
// included) fall short of minW, the rest is never compared. At a million
// records most candidate pairs end there (a different birth date or
// given name outweighs what agreeing surnames and parents can add). The
// result is the same as comparing score with minW.
func (m *Model) scoreAtLeast(a, b *features, minW float64) (float64, bool) {
	limit := minW - boundSlack
	bu, bf := m.boundU, m.boundF
	var v vector
	level := func(f, l int) bool {
		v[f] = uint8(l)
		bu += m.dU[f][l] - m.gainU[f]
		bf += m.dF[f][l] - m.gainF[f]
		return bu >= limit && bf >= limit
	}
	if !level(fBirthDate, compareDate(a.dob, b.dob)) ||
		!level(fSex, compareBinary(a.sex, b.sex, 0)) ||
		!level(fCountry, compareBinary(a.country, b.country, "")) {
		return 0, false
	}
	// A parent missing on either side costs nothing to find and takes
	// the most a field can add off the bound.
	motherMissing := a.mother.fused == "" || b.mother.fused == ""
	fatherMissing := a.father.fused == "" || b.father.fused == ""
	if (motherMissing && !level(fMother, rMissing)) || (fatherMissing && !level(fFather, rMissing)) {
		return 0, false
	}
	// The given names as they stand are final unless the pair may be
	// read with given name and first surname exchanged (readings).
	g := compareGiven(a, b)
	if !swappable(g, b) {
		// Its term-frequency adjustment (tf) is known too: classLogs
		// takes it off the unrelated class.
		bu += m.tf(fGiven, uint8(g), a)
		if !level(fGiven, g) {
			return 0, false
		}
	}
	v[fGiven] = uint8(g)
	if !level(fPlace, comparePlace(a, b)) ||
		(!motherMissing && !level(fMother, compareParent(&a.mother, &b.mother))) ||
		(!fatherMissing && !level(fFather, compareParent(&a.father, &b.father))) {
		return 0, false
	}
	compareSurnames(a, b, false, &v)
	v = m.readings(a, b, v)
	w := weightOf(m.classLogs(&v, a))
	return w, w >= minW
}

// boundSlack keeps scoreAtLeast's bound clear of rounding: the bound sums
// the same terms as classLogs in another order.
const boundSlack = 1e-6

// prepareBounds sets what scoreAtLeast needs: for each field and level
// its log-odds of a match against unrelated people (dU) and against
// siblings (dF), the most each field can add (gainU, gainF: its best
// level, plus the largest term-frequency bonus on the levels that have
// one), and the sums of those with the priors (boundU, boundF).
func (m *Model) prepareBounds() {
	m.boundU = m.lprior[cMatch] - m.lprior[cUnrelated]
	m.boundF = m.lprior[cMatch] - m.lprior[cFamily]
	for f := 0; f < nFields; f++ {
		n := len(m.lp[cMatch][f])
		m.dU[f], m.dF[f] = make([]float64, n), make([]float64, n)
		m.gainU[f], m.gainF[f] = math.Inf(-1), math.Inf(-1)
		for l := 0; l < n; l++ {
			m.dU[f][l] = m.lp[cMatch][f][l] - m.lp[cUnrelated][f][l]
			m.dF[f][l] = m.lp[cMatch][f][l] - m.lp[cFamily][f][l]
			up := m.dU[f][l]
			if m.tfLevel(f, uint8(l)) {
				up += tfMaxUp
			}
			m.gainU[f] = max(m.gainU[f], up)
			m.gainF[f] = max(m.gainF[f], m.dF[f][l])
		}
		m.boundU += m.gainU[f]
		m.boundF += m.gainF[f]
	}
}

// tfLevel reports whether tf can adjust field f at level l.
func (m *Model) tfLevel(f int, l uint8) bool {
	switch f {
	case fGiven:
		return l <= gSubset
	case fSurname1, fSurname2:
		return l <= sPhonetic
	}
	return false
}

// FieldWeight is how much one field added to (or took from) the evidence
// that two records are one person, in bits (log2 of the likelihood ratio).
type FieldWeight struct {
	Field  string  `json:"field"`
	Level  string  `json:"level"`
	Weight float64 `json:"weight"`
}

// explain returns the weight of each field for a pair, and the pair's
// log-odds, so that the rows add up to it exactly:
//
//   - one row per field: log2 of its probability among matches over its
//     probability among unrelated people (name frequencies included), so
//     that agreeing surnames or parents count for what they are worth;
//   - "prior": the odds of a match before any field is seen (about one
//     record in the population is the person), a large negative number;
//   - "siblings": what the chance that the two are siblings, who share
//     surnames, parents and birthplace as the records of one child do,
//     takes off (0 when that is negligible).
//
// An earlier version weighed each field against whichever of siblings or
// unrelated people was likelier: surnames and parents then showed +0.0
// when that was siblings, and the rows did not add up to the total (the
// prior was left out).
func (m *Model) explain(a, b *features) ([]FieldWeight, float64) {
	v := m.compare(a, b)
	ls := m.classLogs(&v, a)
	out := make([]FieldWeight, 0, nFields+2)
	for f := 0; f < nFields; f++ {
		l := v[f]
		w := m.lp[cMatch][f][l] - m.lp[cUnrelated][f][l] + m.tf(f, l, a)
		out = append(out, FieldWeight{Field: fieldSpecs[f].Name, Level: levelName(f, l, a, b), Weight: w})
	}
	total := weightOf(ls)
	out = append(out,
		FieldWeight{Field: rowPrior, Level: "base_rate", Weight: m.lprior[cMatch] - m.lprior[cUnrelated]},
		FieldWeight{Field: rowSiblings, Level: "family_alternative", Weight: ls[cUnrelated] - logSum2(ls[cFamily], ls[cUnrelated])})
	return out, total
}

// The rows of an explanation that are not fields.
const (
	rowPrior    = "prior"
	rowSiblings = "siblings"
)

// levelName names level l of field f for a pair as an explanation shows
// it: the level's name, or a more exact one where the level covers cases
// a reader would tell apart. "year_only" is "same_month" when both dates
// give the month (2011-03 and 2011-03-15) and "same_year" otherwise;
// "nickname" is "spelling_variant" when the names differ only in their
// vowels or in how they sound (Brian, Brayan); an exact place is
// "same_department" when one names the department of the other.
func levelName(f int, l uint8, a, b *features) string {
	name := fieldSpecs[f].Levels[l]
	switch {
	case f == fBirthDate && l == dYearOnly:
		if a.dob.m != 0 && b.dob.m != 0 {
			return "same_month"
		}
		return "same_year"
	case f == fGiven && l == gNickname && spellingVariant(a.given, b.given):
		return "spelling_variant"
	case f == fGiven && l == gTyped:
		// Shown as a typo: the app's labels have no level of its own.
		return "jaro_winkler"
	case f == fPlace && l == pExact && a.place != b.place && sameDepartment(a, b):
		return "same_department"
	}
	return name
}

// spellingVariant reports whether two given names of as many words differ
// only by words that are spelling variants of each other: the same
// consonants (Brian, Brayan; Kevin, Kevyn) or the same phonetic key
// (Carla, Karla). A nickname (Pepe, José) is not.
func spellingVariant(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	differ := false
	for i := range a {
		if a[i] == b[i] {
			continue
		}
		differ = true
		if consonants(a[i]) != consonants(b[i]) && phoneticFolded(a[i]) != phoneticFolded(b[i]) {
			return false
		}
	}
	return differ
}

// consonants returns a folded word without its vowels, y and h.
func consonants(w string) string {
	out := make([]byte, 0, len(w))
	for i := 0; i < len(w); i++ {
		switch w[i] {
		case 'a', 'e', 'i', 'o', 'u', 'y', 'h':
		default:
			out = append(out, w[i])
		}
	}
	return string(out)
}

// setFrequencies counts given names and surnames over the records.
func (m *Model) setFrequencies(fs []features) {
	m.setFrequenciesAt(len(fs), sliceAt(fs))
}

// recordsAt reads record i of a set of n: an element of a slice, or a
// record put back together in scratch (an index's compact rows), so that
// a model can be counted on an index without every record's features in
// memory at once.
type recordsAt func(i int, scratch *features) *features

// sliceAt reads the records of fs.
func sliceAt(fs []features) recordsAt {
	return func(i int, _ *features) *features { return &fs[i] }
}

// setFrequenciesAt is setFrequencies on n records read through at.
func (m *Model) setFrequenciesAt(n int, at recordsAt) {
	given := map[string]float64{}
	sur := map[string]float64{}
	ng, ns := 0.0, 0.0
	var scratch features
	for i := 0; i < n; i++ {
		f := at(i, &scratch)
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
	m.prepare()
}

// estimateU sets u from pairs of records drawn at random: almost all are
// pairs of different people, so the share of each level among them is u.
func (m *Model) estimateU(fs []features, pairs int, seed uint64) {
	m.estimateUAt(len(fs), sliceAt(fs), pairs, seed)
}

// estimateUAt is estimateU on n records read through at.
func (m *Model) estimateUAt(n int, at recordsAt, pairs int, seed uint64) {
	if n < 50 {
		return
	}
	var si, sj features
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	var counts [nFields][]float64
	for f := 0; f < nFields; f++ {
		counts[f] = make([]float64, len(fieldSpecs[f].Levels))
	}
	for k := 0; k < pairs; k++ {
		i, j := rng.IntN(n), rng.IntN(n)
		if i == j {
			continue
		}
		v := compareOriented(at(i, &si), at(j, &sj), false)
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

// emPseudo is how many pairs' worth of belief the starting values carry
// in EM. It keeps levels that are rare in the sample from swinging to 0 or
// 1.
const emPseudo = 200

// anchored are the fields whose m EM does not move: given names and birth
// date tell one person from another in the same family, and holding their
// m at values set by hand (from how officers vary them) keeps the match
// class "same person" rather than "same family". Of the birth date, EM
// moves only how the hand-set mass of agreement is split among its
// levels (resplitAgreement: a typed day, month or year differs between
// sets), never the mass of disagreement that tells siblings apart; the
// given names' split comes from sure pairs (givenMFromSureDates).
var anchored = [nFields]bool{fGiven: true, fBirthDate: true}

// familyField marks the fields that siblings share as much as the records
// of one person do: the family class takes the match class's
// probabilities for them, so agreement on them is no evidence against a
// sibling. For given names, birth date and sex the family class keeps the
// values set by hand (defaultF).
var familyField = [nFields]bool{fSurname1: true, fSurname2: true, fCountry: true, fPlace: true, fMother: true, fFather: true}

// estimateEM runs expectation-maximisation on the levels of candidate
// pairs. A first run with two classes (match, non-match) estimates m and u
// of every field (m of the anchored fields aside) and the share of
// matches. The family class then takes its probabilities (m for family
// fields, defaultF otherwise), and a second run with the three classes
// estimates only the shares of the classes. Estimating all three classes
// freely is unstable: the family class drifts to whatever group of
// non-matches is largest among the candidates (people of one name born
// one year), and the match class follows it.
func (m *Model) estimateEM(patterns map[vector]int, iterations int) {
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
	var startM, startU [nFields][]float64
	for f := 0; f < nFields; f++ {
		startM[f] = make([]float64, len(fieldSpecs[f].Levels))
		startU[f] = make([]float64, len(fieldSpecs[f].Levels))
		for l := range startM[f] {
			startM[f][l] = m.Fields[f].Levels[l].M
			startU[f][l] = m.Fields[f].Levels[l].U
		}
	}
	// Stage 1: two classes.
	famPrior := m.PriorFamily
	m.PriorFamily = 1e-9
	m.prepare()
	for it := 0; it < iterations; it++ {
		var mc, uc [nFields][]float64
		for f := 0; f < nFields; f++ {
			mc[f] = make([]float64, len(fieldSpecs[f].Levels))
			uc[f] = make([]float64, len(fieldSpecs[f].Levels))
		}
		matches := 0.0
		for _, p := range ps {
			ls := m.classLogs(&p.v, nil)
			post := 1 / (1 + math.Exp2(ls[cUnrelated]-ls[cMatch]))
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
			if f == fBirthDate && !m.holdDateSplit {
				resplitAgreement(m.Fields[f].Levels, mc[f], startM[f], dTyped, &change)
			}
			for l := 0; l < n-1; l++ {
				lv := &m.Fields[f].Levels[l]
				if !anchored[f] {
					nm := (mc[f][l] + emPseudo*startM[f][l]) / (tm + emPseudo)
					change = math.Max(change, math.Abs(nm-lv.M))
					lv.M = nm
				}
				nu := (uc[f][l] + emPseudo*startU[f][l]) / (tu + emPseudo)
				change = math.Max(change, math.Abs(nu-lv.U))
				lv.U = nu
			}
		}
		m.Prior = math.Min(0.97, math.Max(1e-6, matches/total))
		m.prepare()
		if change < 1e-5 {
			break
		}
	}
	// Stage 2: the family class, and the shares of the three classes.
	for f := 0; f < nFields; f++ {
		for l := range m.Fields[f].Levels {
			lv := &m.Fields[f].Levels[l]
			if familyField[f] {
				lv.F = lv.M
			} else {
				lv.F = defaultF[f][l]
			}
		}
	}
	m.PriorFamily = math.Max(famPrior, 0.01)
	if m.Prior+m.PriorFamily > 0.98 {
		m.PriorFamily = 0.98 - m.Prior
	}
	m.prepare()
	for it := 0; it < iterations; it++ {
		var shares [nClasses]float64
		for _, p := range ps {
			addShares(&shares, m.classLogs(&p.v, nil), p.n)
		}
		np, nf := priorsFrom(shares, total)
		change := math.Abs(np-m.Prior) + math.Abs(nf-m.PriorFamily)
		m.Prior, m.PriorFamily = np, nf
		m.prepare()
		if change < 1e-6 {
			break
		}
	}
	m.Trained = true
}

// resplitAgreement sets m of the levels before upto (the levels of
// agreement of an anchored field) from the counts c of the match class,
// keeping their total mass as it is and emPseudo pairs of the starting
// values start.
func resplitAgreement(lv []LevelModel, c, start []float64, upto int, change *float64) {
	mass, startMass, n := 0.0, 0.0, 0.0
	for l := 0; l < upto; l++ {
		mass += lv[l].M
		startMass += start[l]
		n += c[l]
	}
	if startMass <= 0 {
		return
	}
	for l := 0; l < upto; l++ {
		nm := mass * (c[l] + emPseudo*start[l]/startMass) / (n + emPseudo)
		*change = math.Max(*change, math.Abs(nm-lv[l].M))
		lv[l].M = nm
	}
}

// addShares adds to shares each class's posterior given its
// log2-likelihoods ls, times weight (the pairs of that pattern): the E step
// of the priors' EM (train, matchShare).
func addShares(shares *[nClasses]float64, ls [nClasses]float64, weight float64) {
	mx := math.Max(ls[0], math.Max(ls[1], ls[2]))
	var post [nClasses]float64
	sum := 0.0
	for c := range post {
		post[c] = math.Exp2(ls[c] - mx)
		sum += post[c]
	}
	for c := range post {
		shares[c] += post[c] / sum * weight
	}
}

// priorsFrom are the match and family priors the shares of total pairs
// say, kept inside the bounds the EM allows.
func priorsFrom(shares [nClasses]float64, total float64) (match, family float64) {
	match = math.Min(0.97, math.Max(1e-6, shares[cMatch]/total))
	family = math.Min(0.98-match, math.Max(1e-6, shares[cFamily]/total))
	return match, family
}

// levelsU returns u of every field and level.
func (m *Model) levelsU() [nFields][]float64 {
	var out [nFields][]float64
	for f := range out {
		for _, l := range m.Fields[f].Levels {
			out[f] = append(out[f], l.U)
		}
	}
	return out
}

// toPopulation turns a model fitted on candidate pairs into one for any
// pair of records (see Model.Population): u back to the values from random
// pairs, and the shares of matches and siblings among candidates
// (candidates pairs of them) made shares among all pairs.
func (m *Model) toPopulation(randomU [nFields][]float64, candidates float64, population int, pairs float64) {
	if population < 1 || pairs < 1 || candidates <= 0 {
		return
	}
	for f := range randomU {
		for l := range m.Fields[f].Levels {
			m.Fields[f].Levels[l].U = randomU[f][l]
		}
	}
	m.Prior = clampPrior(m.Prior * candidates / pairs)
	m.PriorFamily = clampPrior(m.PriorFamily * candidates / pairs)
	m.Population = population
	m.prepare()
}

func clampPrior(p float64) float64 { return math.Min(0.45, math.Max(1e-12, p)) }

// ForPopulation returns the model for matching each record against n
// others: m itself unless m is a population model made for another
// number, else a copy with the priors scaled to n. A nil m gives nil.
func (m *Model) ForPopulation(n int) *Model {
	if m == nil || m.Population == 0 || n < 1 || n == m.Population {
		return m
	}
	c := m.clone()
	scale := float64(m.Population) / float64(n)
	c.Prior = clampPrior(m.Prior * scale)
	c.PriorFamily = clampPrior(m.PriorFamily * scale)
	c.Population = n
	c.prepare()
	return c
}

// clone returns a copy of m that shares no levels with it.
func (m *Model) clone() *Model {
	c := *m
	c.Fields = make([]FieldModel, len(m.Fields))
	for f := range m.Fields {
		c.Fields[f] = FieldModel{Name: m.Fields[f].Name, Levels: slices.Clone(m.Fields[f].Levels)}
	}
	return &c
}

// carriedMin is the weight, in bits, from which a field is said to have
// carried a match: one bit doubles the odds.
const carriedMin = 1.0

// CarriedBy names the fields of an explanation that carried the match
// (each adds at least carriedMin bits), strongest first: what a
// caseworker reads before the table ("given name, mother's name, age").
// Rows that are not fields (the prior, the sibling alternative) are left
// out.
func CarriedBy(ex []FieldWeight) []string {
	var rows []FieldWeight
	for _, fw := range ex {
		if fw.Weight >= carriedMin && !notField[fw.Field] {
			rows = append(rows, fw)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Weight > rows[j].Weight })
	out := make([]string, len(rows))
	for i, fw := range rows {
		out[i] = fw.Field
	}
	return out
}

// IsField reports whether a row of an explanation is a field of the
// records, not the prior or the sibling alternative.
func IsField(row string) bool { return !notField[row] }

// notField marks the rows of an explanation that are not a field of the
// records (see explain).
var notField = map[string]bool{rowPrior: true, rowSiblings: true}
