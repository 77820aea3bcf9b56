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
// f1Threshold: those of at least autoMinThreshold one by one, the others
// as a sum.
type posteriorSample struct {
	high []float32
	low  float64 // sum of the posteriors under autoMinThreshold
}

func (s *posteriorSample) add(p float64) {
	if p >= autoMinThreshold {
		s.high = append(s.high, float32(p))
	} else {
		s.low += p
	}
}

// f1Threshold returns the threshold in [autoMinThreshold,
// autoMaxThreshold] of highest expected F1, and that F1, for decisions of
// which s is a sample, each standing for scale decisions, and a set
// holding about matches true positives in all (0 when unknown: the sum
// of the posteriors is used, and it is used whenever larger). The
// threshold is autoMaxThreshold unless another brings autoMinGain more.
func f1Threshold(s *posteriorSample, scale, matches float64) (threshold, expectedF1 float64) {
	slices.SortFunc(s.high, func(a, b float32) int { return cmp.Compare(b, a) })
	sum := s.low
	for _, p := range s.high {
		sum += float64(p)
	}
	positives := math.Max(matches, sum*scale)
	if positives <= 0 {
		return autoMaxThreshold, 0
	}
	f1At := func(t float64) float64 {
		tp, pred := 0.0, 0
		for _, p := range s.high {
			if float64(p) < t {
				break
			}
			tp += float64(p)
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
