package indicators

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/store/storetest"
)

func TestModelsOnKnownSeries(t *testing.T) {
	trend := make([]float64, 30)
	for i := range trend {
		trend[i] = 5 + 2*float64(i)
	}
	seasonal := make([]float64, 48)
	for i := range seasonal {
		seasonal[i] = 100 + 10*float64(i%12)
	}
	t.Run("naive repeats the last value", func(t *testing.T) {
		f, err := Run(ModelNaive, []float64{3, 1, 4, 1, 5}, 3, ForecastOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range f.Point {
			if p != 5 {
				t.Errorf("step %d: %v, want 5", i+1, p)
			}
		}
		if !(f.Upper80[2]-f.Lower80[2] > f.Upper80[0]-f.Lower80[0]) {
			t.Error("the naive interval does not widen with the horizon")
		}
	})
	t.Run("seasonal naive repeats last year's month, exactly when the pattern is exact", func(t *testing.T) {
		f, err := Run(ModelSeasonalNaive, seasonal, 12, ForecastOptions{Season: 12})
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range f.Point {
			if p != seasonal[36+i] || f.Lower95[i] != p || f.Upper95[i] != p {
				t.Errorf("month %d: %v [%v, %v], want %v with no spread", i+1, p, f.Lower95[i], f.Upper95[i], seasonal[36+i])
			}
		}
	})
	t.Run("damped ETS follows a linear trend one step ahead", func(t *testing.T) {
		f, err := Run(ModelETS, trend, 1, ForecastOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if want := 5 + 2*30.0; math.Abs(f.Point[0]-want) > 1.5 {
			t.Errorf("got %v, want about %v", f.Point[0], want)
		}
	})
	t.Run("combination is the mean of its parts", func(t *testing.T) {
		o := ForecastOptions{Season: 12}
		c, _ := Run(ModelCombination, seasonal, 6, o)
		n, _ := Run(ModelNaive, seasonal, 6, o)
		s, _ := Run(ModelSeasonalNaive, seasonal, 6, o)
		e, _ := Run(ModelETS, seasonal, 6, o)
		for i := range c.Point {
			if want := (n.Point[i] + s.Point[i] + e.Point[i]) / 3; math.Abs(c.Point[i]-want) > 1e-9 {
				t.Errorf("step %d: %v, want %v", i+1, c.Point[i], want)
			}
		}
	})
	t.Run("log scale keeps bounds positive and intervals nested", func(t *testing.T) {
		y := []float64{10, 50, 5, 80, 3, 60, 2, 90, 4, 70}
		f, err := Run(ModelCombination, y, 5, ForecastOptions{Log: true, NonNegative: true})
		if err != nil {
			t.Fatal(err)
		}
		for i := range f.Point {
			if !(0 < f.Lower95[i] && f.Lower95[i] <= f.Lower80[i] && f.Lower80[i] <= f.Point[i] && f.Point[i] <= f.Upper80[i] && f.Upper80[i] <= f.Upper95[i]) {
				t.Errorf("step %d: %v %v %v %v %v", i+1, f.Lower95[i], f.Lower80[i], f.Point[i], f.Upper80[i], f.Upper95[i])
			}
		}
	})
	t.Run("too short is an error, not a guess", func(t *testing.T) {
		if _, err := Run(ModelETS, []float64{1, 2, 3}, 1, ForecastOptions{}); err == nil {
			t.Error("ETS on 3 values gave a forecast")
		}
	})
}

// TestBacktestUsesOnlyThePast: a forecast from origin k must not change
// when later values change.
func TestBacktestUsesOnlyThePast(t *testing.T) {
	y := []float64{5, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14, 17}
	a, err := Backtest(y, 1, 6, ForecastOptions{})
	if err != nil {
		t.Fatal(err)
	}
	z := append([]float64{}, y...)
	z[len(z)-1] = 1e6 // only the last actual changes
	b, err := Backtest(z, 1, 6, ForecastOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if a[i].Origins != b[i].Origins || a[i].MASE == b[i].MASE {
			t.Errorf("%s: the changed last value should change only the last error: %+v vs %+v", a[i].Model, a[i], b[i])
		}
	}
}

func TestLaggedCorrelations(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := opCtx()
	// Flows equal to 100 x the homicide rate of the year before: r = 1 at lag 1.
	csv := "country_iso3,indicator,period,value,unit,source\n"
	for y := 2005; y <= 2016; y++ {
		csv += "GTM,homicide_rate," + itoa(y) + "," + itoa(20+y%7) + ",per 100k,test\n"
	}
	if _, err := New(db).Import(ctx, Options{Name: "h.csv", Reader: stringsReader(csv)}); err != nil {
		t.Fatal(err)
	}
	uac := "fiscal_year,country_iso3,count,scope,source_url\n"
	for y := 2006; y <= 2017; y++ {
		uac += itoa(y) + ",GTM," + itoa(100*(20+(y-1)%7)) + ",USBP southwest border apprehensions,x\n"
	}
	if _, err := New(db).Import(ctx, Options{Name: "u.csv", Reader: stringsReader(uac)}); err != nil {
		t.Fatal(err)
	}
	cs, err := New(db).LaggedCorrelations(ctx, "GTM", 2)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range cs {
		if c.Driver == "homicide_rate" && c.Lag == 1 {
			found = true
			if math.Abs(c.R-1) > 1e-9 || c.N != 12 {
				t.Errorf("lag 1: r %v n %d, want 1 and 12", c.R, c.N)
			}
		}
		if c.Driver == "homicide_rate" && c.Lag == 0 && c.N != 11 {
			t.Errorf("lag 0: n %d, want 11", c.N)
		}
	}
	if !found {
		t.Error("no lag-1 homicide correlation")
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }
