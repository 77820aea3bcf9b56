package tracing

import (
	"cmp"
	"math"
	"slices"
)

// The decision threshold chosen for F1 (Options.Threshold 0). For F1 the
// best threshold on calibrated posteriors is not 0.5 but F*/2, half the
// best F1 reachable (Lipton, Elkan and Naryanaswamy, "Thresholding
// classifiers to maximize F1", 2014): where records say little and F1
// is low, pairs that are one person a third of the time still raise it.
// F1 is estimated from the model's own posteriors, without labels: the
// posteriors of a sample of the decisions (candidate pairs in Dedupe, an
// inquiry's best candidate in Link) give the expected true positives
// above a threshold, and the expected positives are the model's estimate
// of all matches (its prior times the pairs), compared or not.
const (
	// autoMinThreshold and autoMaxThreshold bound the chosen
	// threshold: below 0.2 a declared match is more often wrong than
	// right even where the posteriors are underconfident (NOTES.md,
	// reliability tables), and above 0.5 the model itself says a
	// declared match is likelier wrong.
	autoMinThreshold = 0.2
	autoMaxThreshold = 0.5
	// autoMinGain is the gain in expected F1 over autoMaxThreshold the
	// chosen threshold must bring to be used: on sets where the
	// posteriors are bimodal (records that say enough) the estimate
	// barely moves between 0.2 and 0.5 and the threshold stays at 0.5.
	autoMinGain = 0.003
	autoStep    = 0.01
)

// posteriorSample gathers the posteriors of a sample of decisions for
// f1Threshold: those of at least sampleFloor one by one, the others as a
// sum.
type posteriorSample struct {
	high []float32
	low  float64 // sum of the posteriors under sampleFloor
	// truth, when set (addJudged), holds for each of high the chance the
	// decision is right, where it is not the posterior itself; lowTruth
	// sums those of the low ones.
	truth    []float32
	lowTruth float64
}

// addJudged adds a decision of posterior p that is right with chance q
// (linkThreshold: an inquiry's best candidate judged against the others).
func (s *posteriorSample) addJudged(p, q float64) {
	if p >= sampleFloor {
		s.high = append(s.high, float32(p))
		s.truth = append(s.truth, float32(q))
	} else {
		s.low += p
		s.lowTruth += q
	}
}

// sampleFloor is the posterior under which a decision is only summed: far
// below autoMinThreshold even after selectionShift's largest shift.
const sampleFloor = 0.02

func (s *posteriorSample) add(p float64) {
	if p >= sampleFloor {
		s.high = append(s.high, float32(p))
	} else {
		s.low += p
	}
}

// shifted returns p with its odds multiplied by odds.
func shifted(p, odds float64) float64 {
	if odds == 1 || p >= 1 {
		return p
	}
	o := p / (1 - p) * odds
	return o / (1 + o)
}

// sum returns the sum of the sample's posteriors, their odds multiplied
// by odds (the low ones, nearly odds themselves, by odds too).
func (s *posteriorSample) sum(odds float64) float64 {
	if s.truth != nil {
		t := s.lowTruth
		for _, q := range s.truth {
			t += float64(q)
		}
		return t
	}
	t := s.low * odds
	for _, p := range s.high {
		t += shifted(float64(p), odds)
	}
	return t
}

// maxSelectionBits bounds selectionShift: the posteriors of the pairs
// blocking selects were found 0.5-1 bit low on the sparse sets (NOTES.md,
// "The posteriors are calibrated over all pairs, not over the pairs
// compared").
const maxSelectionBits = 1.0

// selectionShift returns the factor on the odds of the sampled posteriors
// (each standing for scale pairs) that makes their sum the matches the
// fit estimates among the candidate pairs (Model.candidateMatches), at
// least 1 and at most 2^maxSelectionBits. The model is made for any pair
// of records, and its posteriors sum to its matches over all pairs; the
// candidate pairs hold fewer of them than the fit found there when
// blocking selected pairs that are one person more often than their
// levels of agreement say.
func selectionShift(s *posteriorSample, scale, candidateMatches float64) float64 {
	if candidateMatches <= 0 || s.sum(1)*scale*priorGuardRatio >= candidateMatches {
		return 1
	}
	lo, hi := 0.0, maxSelectionBits
	if s.sum(math.Exp2(hi))*scale <= candidateMatches {
		return math.Exp2(hi)
	}
	for range 30 {
		mid := (lo + hi) / 2
		if s.sum(math.Exp2(mid))*scale < candidateMatches {
			lo = mid
		} else {
			hi = mid
		}
	}
	return math.Exp2((lo + hi) / 2)
}

// f1Threshold returns the threshold in [autoMinThreshold,
// autoMaxThreshold] of highest expected F1, and that F1, for decisions of
// which s is a sample, each standing for scale decisions, and a set
// holding about matches true positives in all (0 when unknown: the sum
// of the posteriors is used, and it is used whenever larger). A decision
// of posterior p is one person with p's odds times odds (selectionShift;
// 1 for the posteriors as they are), the threshold applies to p. The
// threshold is autoMaxThreshold unless another brings autoMinGain more.
func f1Threshold(s *posteriorSample, scale, matches, odds float64) (threshold, expectedF1 float64) {
	if s.truth != nil {
		idx := make([]int, len(s.high))
		for k := range idx {
			idx[k] = k
		}
		slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(s.high[b], s.high[a]) })
		h, q := make([]float32, len(idx)), make([]float32, len(idx))
		for k, i := range idx {
			h[k], q[k] = s.high[i], s.truth[i]
		}
		s.high, s.truth = h, q
	} else {
		slices.SortFunc(s.high, func(a, b float32) int { return cmp.Compare(b, a) })
	}
	positives := math.Max(matches, s.sum(odds)*scale)
	if positives <= 0 {
		return autoMaxThreshold, 0
	}
	f1At := func(t float64) float64 {
		tp, pred := 0.0, 0
		for k, p := range s.high {
			if float64(p) < t {
				break
			}
			if s.truth != nil {
				tp += float64(s.truth[k])
			} else {
				tp += shifted(float64(p), odds)
			}
			pred++
		}
		return 2 * tp * scale / (float64(pred)*scale + positives)
	}
	base := f1At(autoMaxThreshold)
	threshold, expectedF1 = autoMaxThreshold, base
	for t := autoMaxThreshold - autoStep; t >= autoMinThreshold-1e-9; t -= autoStep {
		if f := f1At(t); f > expectedF1 {
			threshold, expectedF1 = t, f
		}
	}
	if expectedF1 < base+autoMinGain {
		return autoMaxThreshold, base
	}
	return math.Round(threshold*100) / 100, expectedF1
}

// precisionAt returns the share of the sample's decisions of posterior at
// least t (at least sampleFloor) that are one person as their
// posteriors say, their odds multiplied by odds: the precision the
// threshold t was chosen on. It is 1 where none is at t.
func (s *posteriorSample) precisionAt(t, odds float64) float64 {
	tp, n := 0.0, 0
	for _, p := range s.high {
		if float64(p) >= t {
			tp += shifted(float64(p), odds)
			n++
		}
	}
	if n == 0 {
		return 1
	}
	return tp / float64(n)
}

// chainGuardRatio bounds how much worse than the pairs a threshold was
// chosen on the pairs inside the clusters may be. Clustering joins
// records through a third one, and where a name with a year has dozens
// of namesakes (a sparse set of 202,352 rows) the clusters chain them:
// at the threshold chosen for F1, 0.21, the pairs of the clusters are
// one person with a mean posterior of 0.655 where the candidate pairs
// declared have 0.789 (a ratio of 0.83), and 0.555 of them are one
// person; at 0.30 the ratio is 0.91. On the sparse sets of 5,000
// records it is 0.92-0.95 at their chosen thresholds (NOTES.md, "The
// chosen threshold at scale").
const chainGuardRatio = 0.9

// chainGuarded returns the lowest threshold in [t0, autoMaxThreshold], on
// the grid of autoStep, at which the pairs inside the clusters are one
// person at least chainGuardRatio as often as the decisions the threshold
// was chosen on: ratio(t) is that comparison for the clusters made at t
// (clusterPrecision over posteriorSample.precisionAt). t0 is kept where
// it holds there; autoMaxThreshold is returned where it holds nowhere
// below. The ratio rises with the threshold (fewer and weaker chains),
// so the grid is bisected.
func chainGuarded(t0 float64, ratio func(t float64) float64) float64 {
	if t0 >= autoMaxThreshold || ratio(t0) >= chainGuardRatio {
		return t0
	}
	lo := int(math.Round(t0 / autoStep))               // fails
	hi := int(math.Round(autoMaxThreshold / autoStep)) // taken, whatever it says
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if ratio(float64(mid)*autoStep) >= chainGuardRatio {
			hi = mid
		} else {
			lo = mid
		}
	}
	return float64(hi) * autoStep
}
