package indicators

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Comparison is a model's MASE difference to naive over the same backtest
// origins, with its uncertainty: a Diebold-Mariano test on the per-origin
// differences of scaled absolute errors, with a Newey-West variance
// (lag h-1, since forecasts from neighbouring origins overlap), the
// small-sample correction of Harvey, Leybourne and Newbold (1997) and a
// Student t with n-1 degrees of freedom: with few origins and a long
// horizon the test is wide, as it should be.
type Comparison struct {
	Diff float64 `json:"diff"` // MASE minus naive's MASE (negative: better)
	// Tested is false when there were too few origins for a test: then
	// Lower, Upper, DM and P say nothing and the verdict is no_difference.
	Tested bool    `json:"tested"`
	Lower  float64 `json:"lower"` // 95% interval of Diff
	Upper  float64 `json:"upper"`
	DM     float64 `json:"dm"` // the test statistic
	P      float64 `json:"p"`  // two-sided p-value
	N      int     `json:"n"`  // origins compared
	// Verdict is "better" or "worse" when the interval excludes zero, else
	// "no_difference".
	Verdict string `json:"verdict"`
}

// Verdicts of a Comparison.
const (
	VerdictBetter       = "better"
	VerdictWorse        = "worse"
	VerdictNoDifference = "no_difference"
)

// compareTracks compares a model's scored origins with naive's on the
// origins both have.
func compareTracks(y []float64, model, naive []btOrigin, h int) Comparison {
	byOrigin := map[int]btOrigin{}
	for _, b := range naive {
		byOrigin[b.origin] = b
	}
	var d, s []float64
	for _, b := range model {
		nb, ok := byOrigin[b.origin]
		if !ok {
			continue
		}
		sum := 0.0
		for i := range b.f.Point {
			a := y[b.origin+i]
			sum += (math.Abs(a-b.f.Point[i]) - math.Abs(a-nb.f.Point[i])) / b.scale
		}
		d = append(d, sum)
		s = append(s, float64(len(b.f.Point)))
	}
	return dieboldMariano(d, s, h-1)
}

// dieboldMariano tests whether the mean loss difference per forecast,
// sum(d)/sum(s), is zero, where d[o] is the sum of the loss differences of
// the s[o] forecasts from origin o. The variance is Newey-West with
// Bartlett weights up to lag.
func dieboldMariano(d, s []float64, lag int) Comparison {
	n := len(d)
	c := Comparison{N: n, Verdict: VerdictNoDifference, P: 1}
	if n < 2 {
		return c
	}
	var sd, ss float64
	for i := range d {
		sd += d[i]
		ss += s[i]
	}
	c.Diff = sd / ss
	u := make([]float64, n)
	for i := range d {
		u[i] = d[i] - c.Diff*s[i]
	}
	gamma := func(k int) float64 {
		g := 0.0
		for i := k; i < n; i++ {
			g += u[i] * u[i-k]
		}
		return g / float64(n)
	}
	v := gamma(0)
	lag = min(max(lag, 0), n-1)
	for k := 1; k <= lag; k++ {
		v += 2 * (1 - float64(k)/float64(lag+1)) * gamma(k)
	}
	if v <= 0 {
		v = gamma(0)
	}
	se := math.Sqrt(v/float64(n)) / (ss / float64(n))
	// Harvey-Leybourne-Newbold: the statistic times sqrt(k), with
	// k = (n+1-2h+h(h-1)/n)/n for horizon h = lag+1; the interval is
	// widened by 1/sqrt(k). With k <= 0, or fewer origins than
	// minVerdictBlocks horizons' worth, nothing can be said.
	h, nf := float64(lag+1), float64(n)
	k := (nf + 1 - 2*h + h*(h-1)/nf) / nf
	if k <= 0 || nf < minVerdictBlocks*h {
		return c
	}
	c.Tested = true
	se /= math.Sqrt(k)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}
	q := t.Quantile(1 - significance/2)
	if se == 0 {
		c.Lower, c.Upper = c.Diff, c.Diff
		if c.Diff != 0 {
			c.P = 0
		}
	} else {
		c.DM = c.Diff / se
		c.P = 2 * (1 - t.CDF(math.Abs(c.DM)))
		c.Lower, c.Upper = c.Diff-q*se, c.Diff+q*se
	}
	switch {
	case c.Upper < 0:
		c.Verdict = VerdictBetter
	case c.Lower > 0:
		c.Verdict = VerdictWorse
	}
	return c
}
