package indicators

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDieboldMariano: cases where the answer is known.
func TestDieboldMariano(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	draw := func(n int, mean float64, ar float64) ([]float64, []float64) {
		d, s := make([]float64, n), make([]float64, n)
		prev := 0.0
		for i := range d {
			prev = ar*prev + rng.NormFloat64()
			d[i], s[i] = mean+prev, 1
		}
		return d, s
	}
	cases := []struct {
		name     string
		n        int
		mean, ar float64
		lag      int
		want     string
	}{
		{"clearly better (mean -0.5, sd 1, 200 origins)", 200, -0.5, 0, 0, VerdictBetter},
		{"clearly worse", 200, 0.5, 0, 0, VerdictWorse},
		{"no difference (mean 0)", 200, 0, 0, 0, VerdictNoDifference},
		{"no difference, autocorrelated losses of overlapping forecasts", 200, 0, 0.9, 11, VerdictNoDifference},
		{"too few origins for the horizon: no verdict even when far apart", 40, -3, 0, 11, VerdictNoDifference},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, s := draw(c.n, c.mean, c.ar)
			got := dieboldMariano(d, s, c.lag)
			if got.Verdict != c.want {
				t.Errorf("verdict %s, want %s (%+v)", got.Verdict, c.want, got)
			}
			if c.want != VerdictNoDifference && !(got.Lower < c.mean && c.mean < got.Upper) {
				t.Errorf("interval [%v, %v] misses the true difference %v", got.Lower, got.Upper, c.mean)
			}
		})
	}
}

// TestModelChoice: on a steady exponential trend drift (or a trend model)
// beats naive by more than chance and is chosen; on a random walk no model
// does and the default is naive.
func TestModelChoice(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	trend, walk := make([]float64, 80), make([]float64, 80)
	w := 0.0
	for i := range trend {
		trend[i] = math.Exp(3 + 0.08*float64(i) + 0.02*rng.NormFloat64())
		w += 0.1 * rng.NormFloat64()
		walk[i] = math.Exp(3 + w)
	}
	o := ForecastOptions{Season: 1, Log: true, NonNegative: true}
	bt, err := runBacktest(trend, 1, 6, o)
	if err != nil {
		t.Fatal(err)
	}
	def := chooseDefault(bt.scores)
	for _, s := range bt.scores {
		if s.Model == ModelDrift && (s.VsBenchmark == nil || s.VsBenchmark.Verdict != VerdictBetter) {
			t.Errorf("drift on a trend: %+v, want better than naive (the benchmark of yearly data)", s.VsBenchmark)
		}
		if s.Model == def && (s.VsBenchmark == nil || s.VsBenchmark.Verdict != VerdictBetter) {
			t.Errorf("default %s is not significantly better than naive", def)
		}
	}
	bt, err = runBacktest(walk, 1, 6, o)
	if err != nil {
		t.Fatal(err)
	}
	if def := chooseDefault(bt.scores); def != ModelNaive {
		t.Errorf("default on a random walk %s, want naive", def)
	}
}

// TestCalibrationUsesOnlyThePast: the calibrated forecast from an origin
// does not change when values after it change, and on white noise the
// calibrated intervals hold about as often as they say.
func TestCalibrationUsesOnlyThePast(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	y := make([]float64, 300)
	for i := range y {
		y[i] = 100 + 10*rng.NormFloat64()
	}
	o := ForecastOptions{Season: 1}
	a, err := newRolling(y, 3, o, []string{ModelNaive})
	if err != nil {
		t.Fatal(err)
	}
	z := append([]float64{}, y...)
	for i := 150; i < len(z); i++ {
		z[i] *= 5
	}
	b, err := newRolling(z, 3, o, []string{ModelNaive})
	if err != nil {
		t.Fatal(err)
	}
	fa, _, _ := a.calibrated(ModelNaive, 150, 3)
	fb, _, _ := b.calibrated(ModelNaive, 150, 3)
	for j := range 3 {
		if fa.Lower80[j] != fb.Lower80[j] || fa.Upper95[j] != fb.Upper95[j] {
			t.Errorf("step %d: the interval from origin 150 changed with later data: %v vs %v", j+1, fa, fb)
		}
	}
	scores, err := Backtest(y, 3, 50, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range scores {
		if s.Model == ModelNaive && (math.Abs(s.Cover80-0.80) > 0.05 || math.Abs(s.Cover95-0.95) > 0.03) {
			t.Errorf("naive on white noise holds %.3f / %.3f, want about 0.80 / 0.95", s.Cover80, s.Cover95)
		}
	}
}
